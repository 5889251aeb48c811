from suggestions import (
    admin_opinions,  # noqa: F401
    admin_suggestions,  # noqa: F401
)
