"""The project's settings for load tests: production-like (DEBUG off), plus a bare view's URL.

The opinion rate limit stays on, counted in the cache as in production, but with limits no
load test reaches: the submit pays for its counters without being answered 429.
"""

from deputywork.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
OPINION_RATE_LIMIT_ENABLED = True
OPINION_RATE_LIMITS = {"ip": (10**9, 60), "phone": (10**9, 3600)}
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
