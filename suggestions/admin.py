from suggestions import admin_suggestions  # noqa: F401
