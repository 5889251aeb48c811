"""The clerk's path on a desktop: log in to the admin, import a deputy roster through the preview."""

import datetime as dt

import pytest
import tablib
from import_export.formats.base_formats import XLSX

from deputies import roster
from deputies.models import Deputy, Mandate, Membership
from tests.factories import ActivityGroupFactory, CongressFactory, RegionFactory, UserFactory, county_region

pytestmark = pytest.mark.browser

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GOOD = [
    ["张建国", "男", "汉族", "1975.03", "中共党员", "大学本科", "县", "第十七届", "第一选区",
     "襄城县库庄镇前何村党支部书记", "13812345678", "前何村", "库庄镇代表活动小组（组长）"],
    ["李秀英", "女", "回族", "1979年3月", "群众", "大专", "县级", "17", "第二选区",
     "襄城县第一高级中学教师", "139 1234 5678", "城关镇西街社区", "城关镇代表活动小组"],
]
BAD = [
    GOOD[0],
    ["王五", "男", "汉族", "1975.13", "中共党员", "", "县", "第十七届", "", "", "12345", "", "不存在的小组"],
    GOOD[1],
]


def roster_file(name: str, rows: list[list[str]]) -> dict:
    data = tablib.Dataset(headers=list(roster.HEADERS))
    for row in rows:
        data.append(row)
    return {"name": name, "mimeType": XLSX_MIME, "buffer": XLSX().export_data(data)}


def test_clerk_sees_row_errors_then_imports_a_good_roster(desktop, live_server, steps, settings, transactional_db,
                                                          tmp_path):
    county = county_region()
    chengguan = RegionFactory(code="411025100000", name="城关镇", parent=county)
    kuzhuang = RegionFactory(code="411025106000", name="库庄镇", parent=county)
    RegionFactory(code="411025100001", name="西街社区", parent=chengguan)
    RegionFactory(code="411025106202", name="前何村", parent=kuzhuang)
    CongressFactory(region=county, term=17, start_date=dt.date(2021, 12, 28))
    ActivityGroupFactory(name="城关镇代表活动小组", region=chengguan)
    ActivityGroupFactory(name="库庄镇代表活动小组", region=kuzhuang)
    UserFactory(username="office", role="office", region=county)
    page = desktop

    page.goto(f"{live_server.url}/admin/")
    page.locator("#id_username").fill("office")
    page.locator("#id_password").fill("pw-for-tests")
    page.locator("input[type=submit]").click()
    page.locator("a[href='/admin/deputies/deputy/']").first.click()
    steps.shot(page, "deputy-list")
    page.get_by_role("link", name="导入名册").click()
    page.wait_for_url("**/admin/deputies/deputy/import-roster/")
    assert page.get_by_role("heading", name="导入代表名册").is_visible()

    # A bad file: every bad row is named in Chinese on the page, and nothing is written.
    page.locator("input[type=file]").set_input_files(roster_file("名册（有错）.xlsx", BAD))
    with page.expect_navigation():
        page.get_by_role("button", name="上传并预览").click()
    steps.shot(page, "bad-file")
    assert "未写入任何数据" in page.locator(".errornote").inner_text()
    errors = page.locator("ul.roster-errors li").all_inner_texts()
    text = "\n".join(errors)
    assert any(e.startswith("第3行") for e in errors), errors
    assert "月份不存在" in text and "12345" in text and "活动小组“不存在的小组”不存在" in text
    assert page.get_by_role("button", name="确认导入").count() == 0
    assert Deputy.objects.count() == 0

    # The good file: the preview lists what will happen; only the confirmation writes.
    page.locator("input[type=file]").set_input_files(roster_file("名册.xlsx", GOOD))
    with page.expect_navigation():
        page.get_by_role("button", name="上传并预览").click()
    steps.shot(page, "good-file-preview")
    assert "检查通过：共2行；将新增代表2人" in page.locator("p.success").inner_text()
    rows = page.locator("#content table tbody tr").all_inner_texts()
    assert len(rows) == 2 and "张建国" in rows[0] and "李秀英" in rows[1]
    assert Deputy.objects.count() == 0
    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url("**/admin/deputies/deputy/")
    steps.shot(page, "imported")
    assert "导入完成：新增代表2人" in page.locator("ul.messagelist").inner_text()
    assert page.locator("#result_list").get_by_text("李秀英").is_visible()

    assert sorted(Deputy.objects.values_list("name", flat=True)) == ["张建国", "李秀英"]
    li = Deputy.objects.get(name="李秀英")
    assert (li.birth_date, li.mobile, li.residence.name) == (dt.date(1979, 3, 1), "13912345678", "西街社区")
    assert Mandate.objects.filter(congress__term=17).count() == 2
    assert Membership.objects.get(deputy__name="张建国").role == "leader"
    assert not list(tmp_path.rglob("*.xlsx")), "the confirmed upload should be removed from private storage"
