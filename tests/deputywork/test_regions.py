import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from deputywork import services
from deputywork.models import Region, level_of_code
from tests.factories import RegionFactory

GOOD = """区划代码,名称,上级区划代码
410000000000,河南省,
411000000000,许昌市,410000000000
411025000000,襄城县,411000000000
411025100000,城关镇,411025000000
411025100001,西街社区,411025100000
"""


def test_level_follows_the_code():
    assert level_of_code("410000000000") == "province"
    assert level_of_code("411000000000") == "city"
    assert level_of_code("411025000000") == "county"
    assert level_of_code("411025100000") == "township"
    assert level_of_code("411025100201") == "village"


def test_prefix_contains_descendants(county):
    town = RegionFactory(code="411025100000", name="城关镇", parent=county)
    village = RegionFactory(code="411025100201", name="北关村", parent=town)
    assert town.prefix == "411025100"
    assert town.contains(village) and county.contains(village)
    assert not town.contains(county)


def test_child_code_must_start_with_parent_prefix(county):
    region = Region(code="411026100000", name="别县的镇", level="township", parent=county)
    with pytest.raises(ValidationError) as err:
        region.full_clean()
    assert "前缀" in str(err.value)


def test_level_must_match_code(county):
    region = Region(code="411025100000", name="城关镇", level="village", parent=county)
    with pytest.raises(ValidationError, match="与层级"):
        region.full_clean()


def test_database_refuses_code_that_is_not_twelve_digits(db):
    with pytest.raises(IntegrityError):
        Region.objects.create(code="41102A000000", name="坏", level="province")


def test_import_good_file_creates_the_tree(db):
    result = services.regions_import(text=GOOD)
    assert result.new_count == 5
    community = Region.objects.get(code="411025100001")
    assert community.level == "village"
    assert community.parent.name == "城关镇"
    assert community.parent.parent.name == "襄城县"


def test_import_again_updates_instead_of_duplicating(db):
    services.regions_import(text=GOOD)
    result = services.regions_import(text=GOOD.replace("西街社区", "西街社区居委会"))
    assert result.update_count == 5 and result.new_count == 0
    assert Region.objects.count() == 5
    assert Region.objects.get(code="411025100001").name == "西街社区居委会"


def test_one_bad_row_names_the_row_and_imports_nothing(db):
    bad = GOOD + "41102510020,北关村,411025100000\n411025106000,库庄镇,419999000000\n"
    with pytest.raises(services.ImportRejected) as err:
        services.regions_import(text=bad)
    messages = err.value.errors
    assert any(m.startswith("第7行") and "12位数字" in m for m in messages)
    assert any(m.startswith("第8行") and "不存在" in m for m in messages)
    assert Region.objects.count() == 0


def test_duplicate_code_in_file_is_reported(db):
    with pytest.raises(services.ImportRejected, match="第2行.*与第1行重复"):
        services.regions_import(text="410000000000,河南省,\n410000000000,河南,\n")


def test_gb18030_file_from_excel_is_read(db):
    text = services.decode_upload(GOOD.encode("gb18030"))
    assert "城关镇" in text


def test_import_command_rejects_bad_file_with_chinese_reason(db, tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text("410000000000,河南省,\n411025100000,城关镇,410000000000\n", encoding="utf-8")
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_regions", str(path))
    assert Region.objects.count() == 0


def test_import_command_good_file(db, tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_regions", str(path))
    assert Region.objects.count() == 5


def test_admin_import_previews_then_writes(client, db):
    from tests.factories import UserFactory

    UserFactory(username="root", is_superuser=True, is_staff=True)
    client.login(username="root", password="pw-for-tests")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("r.csv", GOOD.encode("utf-8"), content_type="text/csv")
    response = client.post("/admin/deputywork/region/import/", {"file": upload})
    assert response.status_code == 200
    assert "预览：新增5个" in response.content.decode()
    assert Region.objects.count() == 0
    response = client.post("/admin/deputywork/region/import/", {"text": GOOD, "confirm": "1"})
    assert response.status_code == 302
    assert Region.objects.count() == 5


def test_admin_import_shows_row_errors_and_writes_nothing(client, db):
    from tests.factories import UserFactory

    UserFactory(username="root", is_superuser=True, is_staff=True)
    client.login(username="root", password="pw-for-tests")
    bad = GOOD + "411025999,坏行,411025000000\n"
    response = client.post("/admin/deputywork/region/import/", {"text": bad, "confirm": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "第7行" in body and "未导入任何数据" in body
    assert Region.objects.count() == 0
