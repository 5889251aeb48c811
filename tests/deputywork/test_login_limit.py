"""Guessing passwords: too many failed logins lock a user name (or an address) for a while."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from deputywork.auth import LOGIN_FAILURES_PER_USER
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _no_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_too_many_failures_lock_the_name_whatever_the_password(client, db, url):
    user = UserFactory(username="office-guess", role="office", is_staff=True)
    user.set_password("right-password-2026")
    user.save()
    for _ in range(LOGIN_FAILURES_PER_USER):
        page = client.post(url, {"username": "office-guess", "password": "wrong"}).content.decode()
        assert "登录失败次数过多" not in page
    page = client.post(url, {"username": "office-guess", "password": "right-password-2026"}).content.decode()
    assert "登录失败次数过多，请15分钟后再试" in page and "_auth_user_id" not in client.session
    # Another user name from the same address still logs in.
    other = UserFactory(username="office-ok", role="office", is_staff=True)
    other.set_password("another-password-2026")
    other.save()
    response = client.post(url, {"username": "office-ok", "password": "another-password-2026"})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(other.pk)


def test_a_login_clears_the_names_failures(client, db):
    user = UserFactory(username="deputy-typo", role="deputy")
    user.set_password("right-password-2026")
    user.save()
    for _ in range(LOGIN_FAILURES_PER_USER - 1):
        client.post("/accounts/login/", {"username": "deputy-typo", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "deputy-typo", "password": "right-password-2026"}
                       ).status_code == 302
    client.logout()
    client.post("/accounts/login/", {"username": "deputy-typo", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "deputy-typo", "password": "right-password-2026"}
                       ).status_code == 302
