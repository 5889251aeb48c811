import io
import shutil
import subprocess

import pytest
import zxingcpp
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from deputies.models import Deputy
from tests import factories
from tests.factories import ActivityGroupFactory, DeputyFactory, MandateFactory, MembershipFactory, UserFactory


@pytest.fixture
def chengguan_deputy(village, county_congress):
    deputy = DeputyFactory(name="李秀英", residence=village, mobile="13912345678", introduction="教师。")
    MandateFactory(deputy=deputy, congress=county_congress)
    return deputy


@pytest.fixture
def kuzhuang_deputy(other_village, county_congress):
    deputy = DeputyFactory(name="张建国", residence=other_village, mobile="13812345678")
    MandateFactory(deputy=deputy, congress=county_congress)
    return deputy


# --- public pages -----------------------------------------------------------------------------


def test_public_deputy_page_shows_seats_and_never_the_phone(client, chengguan_deputy, groups):
    MembershipFactory(deputy=chengguan_deputy, group=groups["城关镇代表活动小组"], role="leader")
    response = client.get(reverse("deputies:public_deputy", args=[chengguan_deputy.public_token]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "李秀英" in text and "襄城县第十七届人大代表" in text and "城关镇代表活动小组" in text and "教师。" in text
    assert "13912345678" not in text and "1391234" not in text


def test_public_group_page_lists_members_without_phones(client, chengguan_deputy, groups):
    group = groups["城关镇代表活动小组"]
    MembershipFactory(deputy=chengguan_deputy, group=group)
    response = client.get(reverse("deputies:public_group", args=[group.public_token]))
    assert response.status_code == 200 and "李秀英" in response.content.decode()
    assert "13912345678" not in response.content.decode()


def test_a_rotated_token_stops_the_old_address(client, chengguan_deputy, office_user):
    old = chengguan_deputy.public_token
    client.force_login(office_user)
    response = client.post(reverse("deputies:rotate_token", args=["deputy", chengguan_deputy.pk]))
    assert response.status_code == 302
    chengguan_deputy.refresh_from_db()
    assert chengguan_deputy.public_token != old
    client.logout()
    assert client.get(reverse("deputies:public_deputy", args=[old])).status_code == 404
    assert client.get(reverse("deputies:public_deputy", args=[chengguan_deputy.public_token])).status_code == 200


# --- admin scoping: owner, colleague, outsider ------------------------------------------------


def test_township_staff_change_only_their_townships_deputies(client, chengguan_deputy, kuzhuang_deputy,
                                                              township_user, other_township_user, township):
    colleague = UserFactory(role="township", region=township, username="chengguan2")
    own = reverse("admin:deputies_deputy_change", args=[chengguan_deputy.pk])
    for user in (township_user, colleague):
        client.force_login(user)
        assert client.get(own).status_code == 200
        listing = client.get(reverse("admin:deputies_deputy_changelist")).content.decode()
        assert "李秀英" in listing and "张建国" not in listing
    client.force_login(other_township_user)
    assert client.get(own).status_code == 404


def test_a_seat_in_the_township_congress_makes_a_deputy_visible(client, kuzhuang_deputy, township_user, township):
    from tests.factories import CongressFactory

    MandateFactory(deputy=kuzhuang_deputy, congress=CongressFactory(level="township", region=township, term=18))
    client.force_login(township_user)
    assert client.get(reverse("admin:deputies_deputy_change", args=[kuzhuang_deputy.pk])).status_code == 200


def _change_form(deputy: Deputy, **changes) -> dict:
    """The admin change form of `deputy` as posted unchanged, with `changes` applied."""
    fields = ["name", "gender", "ethnicity", "party", "education", "occupation", "employer_title", "mobile",
              "email", "introduction"]
    data = {name: getattr(deputy, name) for name in fields}
    data.update(birth_date=deputy.birth_date.isoformat(), residence=deputy.residence_id or "", user="")
    seats = list(deputy.mandates.all())
    data.update({"mandates-TOTAL_FORMS": len(seats), "mandates-INITIAL_FORMS": len(seats),
                 "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0})
    for i, seat in enumerate(seats):
        data.update({f"mandates-{i}-id": seat.pk, f"mandates-{i}-deputy": deputy.pk,
                     f"mandates-{i}-congress": seat.congress_id,
                     f"mandates-{i}-electoral_district": seat.electoral_district, f"mandates-{i}-status": seat.status})
    data.update(changes)
    return data


def test_township_staff_save_a_deputy_who_sits_in_their_congress_but_lives_elsewhere(
        client, kuzhuang_deputy, township_user, township, village):
    from tests.factories import CongressFactory

    MandateFactory(deputy=kuzhuang_deputy, congress=CongressFactory(level="township", region=township, term=18))
    client.force_login(township_user)
    url = reverse("admin:deputies_deputy_change", args=[kuzhuang_deputy.pk])
    response = client.post(url, _change_form(kuzhuang_deputy, employer_title="库庄镇前何村党支部书记"))
    assert response.status_code == 302, response.context["errors"] if response.context else response
    kuzhuang_deputy.refresh_from_db()
    assert kuzhuang_deputy.employer_title == "库庄镇前何村党支部书记"
    # Moving them to another township outside the clerk's own is still refused.
    third = factories.RegionFactory(code="411025107000", name="麦岭镇", parent=township.parent)
    elsewhere = factories.RegionFactory(code="411025107201", name="后村", parent=third)
    response = client.post(url, _change_form(kuzhuang_deputy, residence=elsewhere.pk))
    assert response.status_code == 200 and "居住地不在城关镇。" in response.content.decode()
    kuzhuang_deputy.refresh_from_db()
    assert kuzhuang_deputy.residence.name == "前何村"
    # Moving them into the clerk's township is allowed.
    response = client.post(url, _change_form(kuzhuang_deputy, residence=village.pk))
    assert response.status_code == 302
    kuzhuang_deputy.refresh_from_db()
    assert kuzhuang_deputy.residence == village


def test_admin_filters_and_search_work(client, office_user, chengguan_deputy, kuzhuang_deputy):
    client.force_login(office_user)
    url = reverse("admin:deputies_deputy_changelist")
    for query in ("?q=13812345678", "?township=411025106", "?seat=active&gender=male",
                  "?mandates__congress__level=county&party=cpc&occupation=farmer"):
        assert client.get(url + query).status_code == 200
    assert "张建国" in client.get(url + "?q=13812345678").content.decode()
    assert "李秀英" not in client.get(url + "?township=411025106").content.decode()


def test_filtered_admin_list_exports_the_roster(client, office_user, chengguan_deputy, kuzhuang_deputy):
    client.force_login(office_user)
    response = client.post(reverse("admin:deputies_deputy_export") + "?township=411025106",
                           {"format": "1", "resource": "0"})
    body = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and body.startswith("姓名,性别")
    assert "张建国" in body and "李秀英" not in body


# --- staff pages ------------------------------------------------------------------------------


def test_staff_list_query_budget_does_not_grow_with_the_page(client, office_user, county_congress, village,
                                                            django_assert_max_num_queries, groups):
    for _ in range(30):
        d = DeputyFactory(residence=village)
        MandateFactory(deputy=d, congress=county_congress)
        MembershipFactory(deputy=d, group=groups["城关镇代表活动小组"])
    client.force_login(office_user)
    # session, user, count, page of deputies, their seats, their groups, congresses, groups, townships
    with django_assert_max_num_queries(9):
        response = client.get(reverse("deputies:staff_list"))
    assert response.status_code == 200 and len(response.context["page"]) == 30


def test_staff_list_for_township_staff_is_scoped_and_exports(client, township_user, chengguan_deputy,
                                                              kuzhuang_deputy, django_assert_max_num_queries):
    client.force_login(township_user)
    text = client.get(reverse("deputies:staff_list")).content.decode()
    assert "李秀英" in text and "张建国" not in text
    # session, user, region of the user, deputies, seats, groups
    with django_assert_max_num_queries(7):
        response = client.get(reverse("deputies:staff_list") + "?export=csv")
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("姓名,性别,民族,出生年月") and "李秀英" in body and "张建国" not in body


def test_staff_pages_are_404_for_deputies_and_login_for_anonymous(client, chengguan_deputy):
    url = reverse("deputies:staff_list")
    assert client.get(url).status_code == 302
    client.force_login(UserFactory(role="deputy"))
    assert client.get(url).status_code == 404


def test_structure_statistics_page_and_export(client, office_user, county_congress, village):
    for gender, ethnicity in (("male", "汉族"), ("female", "回族"), ("female", "汉族"), ("male", "汉族")):
        MandateFactory(deputy=DeputyFactory(gender=gender, ethnicity=ethnicity, residence=village),
                       congress=county_congress)
    client.force_login(office_user)
    response = client.get(reverse("deputies:structure") + f"?congress={county_congress.pk}")
    structure = response.context["structure"]
    assert structure.total == 4
    sections = {s.title: {line.label: (line.count, line.share_text) for line in s.lines} for s in structure.sections}
    assert sections["性别"]["女"] == (2, "50.0%") and sections["民族"]["少数民族"] == (1, "25.0%")
    assert sections["政治面貌"]["中共党员（含预备党员）"] == (4, "100.0%")
    assert sections["年龄"]["46至55岁"] == (4, "100.0%")  # born 1975.03, term began 2021.12
    export = client.get(reverse("deputies:structure") + f"?congress={county_congress.pk}&export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_township_poster_batch_has_one_page_per_deputy_and_group(client, township_user, chengguan_deputy,
                                                                  kuzhuang_deputy, groups, township):
    DeputyFactory(residence=chengguan_deputy.residence)  # no serving seat: no poster
    client.force_login(township_user)
    response = client.get(reverse("deputies:township_posters") + f"?region={township.code}")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 2  # 李秀英 and 城关镇代表活动小组
    assert "李秀英" in reader.pages[0].extract_text()
    # Each poster says who put it up: the county's office, not a generic "县".
    assert all("襄城县人大常委会代表工作委员会" in page.extract_text() for page in reader.pages)
    assert client.get(reverse("deputies:township_posters") + "?region=411025106000").status_code == 404


def test_group_poster_carries_one_qr_code_the_public_address_not_the_wechat_groups(
        client, township_user, groups, settings, tmp_path):
    from django.core.files.base import ContentFile

    from deputies.posters import group_public_url
    from deputies.qr import qr_png

    settings.MEDIA_ROOT = tmp_path
    group = groups["城关镇代表活动小组"]
    group.wechat_qr.save("wechat.png", ContentFile(qr_png("https://weixin.qq.com/g/example")))
    client.force_login(township_user)
    response = client.get(reverse("deputies:group_poster", args=[group.pk]))
    assert response.status_code == 200
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert len(page.images) == 0  # the poster's QR code is drawn as vectors; no picture, so no WeChat QR image
    if shutil.which("pdftoppm"):  # read the page as a phone would: one code, the group's public page
        (tmp_path / "poster.pdf").write_bytes(response.content)
        subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", "poster.pdf", "poster"], cwd=tmp_path,
                       check=True)
        codes = zxingcpp.read_barcodes(Image.open(tmp_path / "poster.png"))
        assert [c.text for c in codes] == [group_public_url(group)]


# --- the deputy portal ------------------------------------------------------------------------


def test_deputy_sees_own_portal_and_downloads_poster(client, chengguan_deputy):
    user = UserFactory(role="deputy", username="li")
    Deputy.objects.filter(pk=chengguan_deputy.pk).update(user=user)
    client.force_login(user)
    assert client.get("/").url == reverse("deputies:portal")
    text = client.get(reverse("deputies:portal")).content.decode()
    assert "李秀英" in text and "襄城县第十七届人民代表大会" in text
    poster = client.get(reverse("deputies:portal_poster"))
    assert poster.status_code == 200 and len(PdfReader(io.BytesIO(poster.content)).pages) == 1
    assert "襄城县人大常委会代表工作委员会" in PdfReader(io.BytesIO(poster.content)).pages[0].extract_text()


def test_portal_is_404_for_other_roles_and_unlinked_deputy_logins(client, office_user):
    client.force_login(office_user)
    assert client.get(reverse("deputies:portal")).status_code == 404
    client.force_login(UserFactory(role="deputy", username="nobody"))
    assert client.get(reverse("deputies:portal")).status_code == 404


def test_group_admin_is_scoped(client, township_user, other_township_user, groups):
    group = groups["城关镇代表活动小组"]
    url = reverse("admin:deputies_activitygroup_change", args=[group.pk])
    client.force_login(township_user)
    assert client.get(url).status_code == 200
    client.force_login(other_township_user)
    assert client.get(url).status_code == 404
    assert ActivityGroupFactory  # factories stay importable for other helpers


def test_group_admin_exports_the_filtered_groups_of_the_users_township(client, township_user, office_user,
                                                                      chengguan_deputy, kuzhuang_deputy, groups,
                                                                      django_assert_max_num_queries):
    MembershipFactory(deputy=chengguan_deputy, group=groups["城关镇代表活动小组"], role="leader")
    MembershipFactory(deputy=kuzhuang_deputy, group=groups["城关镇代表活动小组"])
    url = reverse("admin:deputies_activitygroup_export")
    client.force_login(township_user)
    body = client.post(url, {"format": "1", "resource": "0"}).content.decode("utf-8-sig")
    assert body.startswith("名称,类型,专业领域,所在区划,联系网格,组长,副组长,联络员,成员,人数,存续")
    assert "城关镇代表活动小组,片区,,城关镇,,李秀英,,,张建国,2,是" in body
    assert "库庄镇代表活动小组" not in body  # another township's group
    client.force_login(office_user)
    kuzhuang = groups["库庄镇代表活动小组"].region
    for _ in range(5):
        MembershipFactory(deputy=DeputyFactory(), group=ActivityGroupFactory(region=kuzhuang))
    # Session, user, the township filter's regions, the count, the groups with their regions, their members.
    with django_assert_max_num_queries(6):
        body = client.post(url + "?township=411025106", {"format": "1", "resource": "0"}).content.decode("utf-8-sig")
    assert "库庄镇代表活动小组" in body and "城关镇代表活动小组" not in body


def test_the_portal_shows_the_stations_a_deputy_receives_residents_at(client, chengguan_deputy, township):
    from tests.factories import LiaisonStationFactory

    user = UserFactory(role="deputy", username="li")
    Deputy.objects.filter(pk=chengguan_deputy.pk).update(user=user)
    station = LiaisonStationFactory(name="城关镇代表联络站", region=township, opening_schedule="每月15日 9:00–11:30")
    client.force_login(user)
    assert "暂未安排进站" in client.get(reverse("deputies:portal")).content.decode()
    station.deputies.add(chengguan_deputy)
    text = client.get(reverse("deputies:portal")).content.decode()
    assert "城关镇代表联络站" in text and "每月15日 9:00–11:30" in text


def test_admin_poster_batches_name_each_countys_office_in_a_fixed_number_of_queries(
        admin_client, county, township, django_assert_max_num_queries):
    from deputies.models import ActivityGroup
    from tests.factories import RegionFactory

    shenqiu = RegionFactory(code="411624000000", name="沈丘县", parent=county.parent.parent)
    places = [RegionFactory(code="411025100201", name="北关村", parent=township),
              RegionFactory(code="411624100201", name="东关社区",
                            parent=RegionFactory(code="411624100000", name="槐店回族镇", parent=shenqiu))]
    people = [DeputyFactory(name=f"代表{i}", residence=places[i % 2]) for i in range(6)]
    for i, person in enumerate(people):
        MembershipFactory(deputy=person, group__region=places[i % 2].parent, group__name=f"第{i}小组")
    changelist = reverse("admin:deputies_deputy_changelist")
    # However many posters: session and user, the changelist's filters (regions, groups) and
    # counts (2); then the deputies, their seats, their groups and the counties' names (one
    # query for all six footers: before, one per poster).
    with django_assert_max_num_queries(12):
        response = admin_client.post(changelist, {"action": "download_posters",
                                                  "_selected_action": [p.pk for p in people]})
    footers = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
    assert len(footers) == 6
    assert sum("襄城县人大常委会代表工作委员会" in text for text in footers) == 3
    assert sum("沈丘县人大常委会代表工作委员会" in text for text in footers) == 3
    groups = reverse("admin:deputies_activitygroup_changelist")
    chosen = list(ActivityGroup.objects.values_list("pk", flat=True))
    # Session, user, the changelist's filter (regions, twice) and counts (2); the groups with
    # their regions, their members, the counties' names.
    with django_assert_max_num_queries(9):
        response = admin_client.post(groups, {"action": "download_posters", "_selected_action": chosen})
    footers = [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]
    assert len(footers) == 6 and sum("沈丘县人大常委会" in text for text in footers) == 3


def test_a_public_page_rendered_for_a_logged_in_user_is_not_for_shared_caches(client, chengguan_deputy,
                                                                             office_user):
    url = f"/p/d/{chengguan_deputy.public_token}/"
    response = client.get(url)
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    client.force_login(office_user)
    response = client.get(url)
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert "Cookie" in response["Vary"]
