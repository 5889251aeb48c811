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
    # From the clerk's own office the name still logs in: guessing elsewhere locks nobody out.
    response = client.post(url, {"username": "office-guess", "password": "right-password-2026"},
                           REMOTE_ADDR="10.20.30.40")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    # Another user name from the guessing address still logs in.
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


def test_an_address_guessing_many_names_is_locked(client, db, settings):
    from deputywork.auth import LOGIN_FAILURES_PER_ADDRESS

    settings.OPINION_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"  # behind the office's proxy
    user = UserFactory(username="deputy-real", role="deputy")
    user.set_password("right-password-2026")
    user.save()
    for n in range(LOGIN_FAILURES_PER_ADDRESS):
        client.post("/accounts/login/", {"username": f"guess-{n}", "password": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    locked = client.post("/accounts/login/", {"username": "deputy-real", "password": "right-password-2026"},
                         HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert "登录失败次数过多" in locked.content.decode()
    other = client.post("/accounts/login/", {"username": "deputy-real", "password": "right-password-2026"},
                        HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other.status_code == 302
