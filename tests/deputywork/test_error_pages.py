"""The error pages a resident or a clerk may meet say in Chinese what happened, and never show
Django's English pages."""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.views import defaults


def test_server_error_page_is_chinese_and_stands_alone(db):
    response = defaults.server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "系统暂时出错" in page and "Server Error" not in page
    # Rendered without the site's stylesheet or any lookup that could fail with the page that did.
    assert "<link" not in page


def test_permission_denied_page_is_chinese(db, rf):
    request = rf.get("/")
    request.user = AnonymousUser()
    response = defaults.permission_denied(request, PermissionDenied())
    page = response.content.decode()
    assert response.status_code == 403
    assert "没有权限" in page and "403 Forbidden" not in page

