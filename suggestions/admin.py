from suggestions import admin_opinions  # noqa: F401
