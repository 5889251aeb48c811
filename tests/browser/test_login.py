import pytest

from tests.browser.conftest import assert_fits_phone, axe_violations
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_login_page_fits_a_phone_and_passes_axe(phone, live_server, steps):
    phone.goto(f"{live_server.url}/accounts/login/")
    steps.shot(phone, "login")
    assert phone.get_by_role("heading", name="登录代表工作平台").is_visible()
    assert_fits_phone(phone)
    assert axe_violations(phone, "登录") == []


def test_wrong_password_is_told_in_chinese(phone, live_server, steps, transactional_db):
    UserFactory(username="office", role="office")
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.get_by_label("用户名").fill("office")
    phone.get_by_label("密码").fill("wrong")
    with phone.expect_navigation():
        phone.get_by_role("button", name="登录").tap()
    steps.shot(phone, "wrong-password")
    assert phone.get_by_role("alert").inner_text() == "用户名或密码不正确，请重新输入。"
