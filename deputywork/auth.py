"""Logging in: Django's backend with each request's user read together with their region, and
a limit on failed logins.

Staff pages scope every list by the user's region (`deputywork.roles.scope_region`): read
with the user, it costs no query of its own on each page.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.http import HttpRequest


class RegionModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("region").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


# --- failed logins --------------------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the header a trusted proxy sets (OPINION_CLIENT_IP_HEADER)."""
    header = getattr(settings, "OPINION_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        # X-Forwarded-For: the last hop is the one our own proxy added.
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


# Guessing passwords: after this many failed logins within the window, a user name is refused
# from that address, and an address altogether, until the window has passed, whatever the
# password. The name is counted per address, so that nobody can lock a clerk out of their own
# office by guessing from elsewhere. Counted in the cache: every process shares the count.
LOGIN_FAILURES_PER_USER = 10
LOGIN_FAILURES_PER_ADDRESS = 30
LOGIN_WINDOW = 15 * 60
LOGIN_LOCKED_MESSAGE = "登录失败次数过多，请15分钟后再试；如忘记密码，请联系代表工委重置。"


def _login_keys(request: HttpRequest | None, username: str) -> list[tuple[str, int]]:
    address = client_ip(request) if request is not None else ""
    name = hashlib.sha256(f"{settings.SECRET_KEY}:{username.strip().lower()}@{address}".encode()).hexdigest()[:24]
    keys = [(f"login-fail:user:{name}", LOGIN_FAILURES_PER_USER)]
    if address:
        keys.append((f"login-fail:ip:{address}", LOGIN_FAILURES_PER_ADDRESS))
    return keys


def login_locked(request: HttpRequest | None, username: str) -> bool:
    keys = _login_keys(request, username)
    counts = cache.get_many([key for key, _ in keys])
    return any(counts.get(key, 0) >= limit for key, limit in keys)


@receiver(user_login_failed)
def _count_failure(sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any) -> None:
    for key, _ in _login_keys(request, credentials.get("username", "")):
        if not cache.add(key, 1, LOGIN_WINDOW):
            try:
                cache.incr(key)
            except ValueError:  # expired meanwhile
                cache.add(key, 1, LOGIN_WINDOW)


@receiver(user_logged_in)
def _forget_failures(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    cache.delete(_login_keys(request, user.get_username())[0][0])


class ThrottledLoginMixin:
    """A login form that refuses a user name or address with too many recent failures."""

    def clean(self) -> dict:
        if login_locked(self.request, self.data.get("username", "")):
            raise ValidationError(LOGIN_LOCKED_MESSAGE, code="locked")
        return super().clean()


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, "invalid_login": "用户名或密码不正确，请重新输入。"}


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass
