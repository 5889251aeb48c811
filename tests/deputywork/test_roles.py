import pytest
from django.http import Http404
from django.test import RequestFactory

from deputywork.models import Region, User
from deputywork.roles import region_q, region_within_scope, role_required, scope_to_region
from tests.factories import RegionFactory, UserFactory


def test_township_staff_need_a_region(db):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        User.objects.create(username="t", role="township")


def test_staff_roles_can_use_the_admin(township_user, office_user):
    assert township_user.is_staff and office_user.is_staff


def test_scoping_by_region_prefix(township, other_township, office_user, township_user, other_township_user):
    village = RegionFactory(code="411025100201", name="北关村", parent=township)
    qs = Region.objects.all()
    # An office with no county set keeps the whole deployment; a county's office its county.
    assert set(scope_to_region(qs, UserFactory(role="office"), "parent")) == set(qs)
    assert set(scope_to_region(qs, office_user, "parent")) == {township, other_township, village}
    mine = scope_to_region(Region.objects.exclude(pk=township.pk), township_user, "parent")
    assert list(mine) == [village]
    assert not scope_to_region(Region.objects.filter(pk=village.pk), other_township_user, "parent").exists()


def test_users_without_staff_role_see_nothing(township):
    deputy = UserFactory(role="deputy")
    assert not Region.objects.filter(region_q(deputy, "parent")).exists()


def test_region_within_scope(township, other_township, township_user, office_user):
    assert region_within_scope(township_user, township)
    assert not region_within_scope(township_user, other_township)
    assert region_within_scope(office_user, other_township)


def test_role_required_gives_404_to_other_roles_and_login_to_anonymous(db):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    view = role_required("deputy")(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/portal/")
    request.user = AnonymousUser()
    assert view(request).status_code == 302
    request.user = UserFactory(role="unit")
    with pytest.raises(Http404):
        view(request)
    request.user = UserFactory(role="deputy")
    assert view(request).status_code == 200


def test_login_page_is_chinese(client, db):
    response = client.get("/accounts/login/")
    assert "登录代表工作平台" in response.content.decode()


def test_admin_is_titled(client, office_user):
    client.force_login(office_user)
    response = client.get("/admin/")
    assert "代表工作平台" in response.content.decode()


def test_home_sends_staff_to_their_page(client, office_user):
    client.force_login(office_user)
    response = client.get("/")
    assert response.status_code == 302


def test_township_staff_cannot_change_regions(client, township_user, township):
    client.force_login(township_user)
    response = client.get(f"/admin/deputywork/region/{township.pk}/change/")
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()


def test_the_admin_workbench_lists_the_staff_pages(client, office_user):
    """Office and township staff land on the admin's 工作台: it links to their staff pages (代表名册,
    联络站, 代表建议 …), which the admin's own tables do not."""
    from django.urls import reverse

    office_user.is_staff = True
    office_user.save()
    client.force_login(office_user)
    page = client.get(reverse("admin:index")).content.decode()
    assert "工作页面" in page
    for name in ("deputies:staff_list", "liaison:staff_stations", "suggestions:staff_list", "bulletins:list"):
        assert f'href="{reverse(name)}"' in page
