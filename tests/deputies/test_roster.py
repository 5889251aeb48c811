import datetime as dt
import io

import openpyxl
import pytest
import tablib
from django.db import connection
from import_export.formats.base_formats import XLSX

from deputies import roster, services
from deputies.models import Deputy, Mandate, Membership
from deputies.resources import RosterResource
from tests.races import meet_at, run_in_threads

GOOD = [
    ["张建国", "男", "汉族", "1975.03", "中共党员", "大学本科", "县", "第十七届", "第一选区",
     "襄城县库庄镇前何村党支部书记", "13812345678", "前何村", "库庄镇代表活动小组（组长）"],
    ["李秀英", "女", "回族", "1979年3月", "群众", "大专", "县级", "17", "第二选区",
     "襄城县第一高级中学教师", "139 1234 5678", "城关镇西街社区", "城关镇代表活动小组"],
]


def dataset(rows, headers=roster.HEADERS) -> tablib.Dataset:
    data = tablib.Dataset(headers=list(headers))
    for row in rows:
        data.append(row)
    return data


def xlsx(rows) -> bytes:
    return XLSX().export_data(dataset(rows))


@pytest.fixture
def setup(county_congress, village, other_village, groups):
    return county_congress


def test_good_xlsx_roster_is_previewed_then_written(setup):
    data = roster.read_dataset(xlsx(GOOD), "名册.xlsx")
    preview = services.roster_preview(dataset=data)
    assert preview.ok and preview.new_deputies == 2
    assert Deputy.objects.count() == 0  # the preview writes nothing
    result = services.roster_import(dataset=data)
    assert result.written and result.new_seats == 2 and result.new_memberships == 2
    li = Deputy.objects.get(name="李秀英")
    assert (li.birth_date, li.mobile, li.ethnicity, li.education) == (dt.date(1979, 3, 1), "13912345678", "回族",
                                                                     "college")
    assert li.residence.name == "西街社区"
    assert Membership.objects.get(deputy__name="张建国").role == "leader"


def test_reimport_updates_instead_of_duplicating(setup):
    services.roster_import(dataset=dataset(GOOD))
    changed = [list(GOOD[0]), list(GOOD[1])]
    changed[0][9] = "襄城县库庄镇党委书记"
    changed[0][3] = "1975-03"  # the same month written another way: the same person
    result = services.roster_import(dataset=dataset(changed))
    assert result.written and (result.new_deputies, result.updated_deputies, result.unchanged_deputies) == (0, 1, 1)
    assert Deputy.objects.count() == 2 and Mandate.objects.count() == 2 and Membership.objects.count() == 2
    assert Deputy.objects.get(name="张建国").employer_title == "襄城县库庄镇党委书记"


def test_an_old_roster_does_not_bring_back_a_seat_that_ended(setup):
    services.roster_import(dataset=dataset(GOOD))
    seat = Mandate.objects.get(deputy__name="张建国")
    services.mandate_end(mandate=seat, ended_on=dt.date(2026, 3, 1), reason="resigned", note="本人辞职")
    preview = services.roster_preview(dataset=dataset(GOOD))
    assert not preview.ok
    (bad,) = [row for row in preview.rows if row.errors]
    assert bad.name == "张建国" and "代表资格已终止（辞职）" in bad.errors[0]
    assert not services.roster_import(dataset=dataset(GOOD)).written
    assert Mandate.objects.filter(deputy__name="张建国", status="active").count() == 0
    assert not Membership.objects.filter(deputy__name="张建国", ended_on__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_roster_confirmed_twice_at_once_adds_each_person_once(setup, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    rows = [list(GOOD[0]), list(GOOD[1])]
    rows[0][12] = "库庄镇代表活动小组"  # no 组长: a second leader would fail on its own constraint
    # Both confirms have checked the file against the database before either writes: without
    # a lock taken ahead of the check, neither sees the other's new people and both add them.
    meet_at(monkeypatch, roster, "check")
    outcomes: list[tuple[bool, int]] = []

    def confirm():
        result = services.roster_import(dataset=dataset(rows))
        outcomes.append((result.written, result.new_deputies))

    run_in_threads(confirm, confirm)
    assert sorted(outcomes) == [(True, 0), (True, 2)]  # the second confirm finds the first one's people
    assert Deputy.objects.count() == 2 and Mandate.objects.count() == 2 and Membership.objects.count() == 2


@pytest.mark.parametrize("text,expected", [
    ("1975.03", dt.date(1975, 3, 1)), ("1975年3月", dt.date(1975, 3, 1)), ("1975-03", dt.date(1975, 3, 1)),
    ("1975/3", dt.date(1975, 3, 1)), ("1975.3", dt.date(1975, 3, 1)), ("197503", dt.date(1975, 3, 1)),
    ("1975年03月12日", dt.date(1975, 3, 1)), (dt.datetime(1975, 3, 9), dt.date(1975, 3, 1)),  # noqa: DTZ001 - openpyxl cells are naive
    (1975.10, dt.date(1975, 10, 1)), (1975.3, dt.date(1975, 3, 1)), (1975.12, dt.date(1975, 12, 1)),
    (1975.03, dt.date(1975, 3, 1)), (197503.0, dt.date(1975, 3, 1)),
])
def test_birth_months_written_many_ways_are_read(text, expected):
    assert roster.parse_birth_month(text, today=dt.date(2026, 1, 1)) == (expected, "")


def test_birth_months_typed_as_numbers_in_excel_are_read(setup):
    # Excel stores what a clerk types as 1975.3 / 1975.12 / 1975.10 as the numbers 1975.3, 1975.12, 1975.1.
    rows = [list(GOOD[1]), list(GOOD[1]), list(GOOD[1])]
    for row, name, number in zip(rows, ["李秀英", "王秀兰", "刘桂兰"], [1975.3, 1975.12, 1975.1], strict=True):
        row[0], row[3], row[10] = name, number, ""
    data = roster.read_dataset(xlsx(rows), "名册.xlsx")
    assert data[0][3] == 1975.3  # a number cell, not text
    result = services.roster_import(dataset=data)
    assert result.written, result.error_lines()
    births = dict(Deputy.objects.values_list("name", "birth_date"))
    assert births == {"李秀英": dt.date(1975, 3, 1), "王秀兰": dt.date(1975, 12, 1), "刘桂兰": dt.date(1975, 10, 1)}


def test_messy_but_valid_file_is_read(setup):
    headers = ["序号", " 姓名 ", "性别", "出生日期", "代表层级", "届次", "手机号码", "居住地", "活动小组"]
    data = dataset([["1", "王 志强", "男", "1972/11", "县人大代表", "第十七届", "+86 138-0000-1111", "", ""],
                    ["", "", "", "", "", "", "", "", ""]], headers=headers)
    result = services.roster_import(dataset=data)
    assert result.written, result.error_lines()
    assert Deputy.objects.get().name == "王志强"


def test_bad_rows_are_all_reported_and_nothing_is_written(setup):
    bad = [
        GOOD[0],
        GOOD[0],  # the same person in the same congress twice
        ["王五", "男", "汉族", "1975.13", "中共党员", "", "县", "第十七届", "", "", "12345", "", "不存在的小组"],
        ["赵六", "女", "汉族", "2030.01", "路人", "", "县", "第九届", "", "", "", "月球", ""],
    ]
    result = services.roster_import(dataset=dataset(bad))
    assert not result.written
    assert Deputy.objects.count() == 0 and Mandate.objects.count() == 0
    lines = "\n".join(result.error_lines())
    assert "第3行" in lines and "与第2行是同一人" in lines
    assert "月份不存在" in lines and "12345" in lines and "活动小组“不存在的小组”不存在" in lines
    assert "不合理" in lines and "政治面貌“路人”" in lines and "第9届" in lines and "居住地“月球”" in lines


def test_missing_required_column_rejects_the_file(setup):
    headers = [h for h in roster.HEADERS if h != "出生年月"]
    result = services.roster_import(dataset=dataset([[c for i, c in enumerate(GOOD[0]) if i != 3]], headers))
    assert not result.written and result.file_errors == ["表头缺少必填列“出生年月”"]


def test_a_file_that_is_not_a_roster_is_refused():
    with pytest.raises(roster.RosterFileError):
        roster.read_dataset(b"PK\x03\x04 not really", "x.xlsx")


def test_township_staff_cannot_import_outside_their_township(setup, township_user):
    result = services.roster_import(dataset=dataset([GOOD[0]]), user=township_user)  # lives in 库庄镇
    assert not result.written and "不在城关镇" in result.error_lines()[0]


def test_township_staff_cannot_overwrite_a_person_outside_their_township(setup, township_user):
    services.roster_import(dataset=dataset(GOOD))  # 张建国 lives in 库庄镇, 李秀英 in 城关镇
    # The same name and birth month, claiming a village in the clerk's own township.
    claimed = list(GOOD[0])
    claimed[9], claimed[11], claimed[12] = "城关镇某公司经理", "城关镇西街社区", ""
    mine = list(GOOD[1])
    mine[9] = "襄城县第一高级中学副校长"
    result = services.roster_import(dataset=dataset([claimed, mine]), user=township_user)
    assert not result.written
    assert result.error_lines() == ["第2行（张建国）：姓名和出生年月与一位不在城关镇的代表相同，不能导入；"
                                    "如是同一人，请联系其所在地的人大常委会代表工委"]
    zhang = Deputy.objects.get(name="张建国")
    assert (zhang.residence.name, zhang.employer_title) == ("前何村", "襄城县库庄镇前何村党支部书记")
    # A person of their own township is updated as before.
    result = services.roster_import(dataset=dataset([mine]), user=township_user)
    assert result.written and result.updated_deputies == 1
    assert Deputy.objects.get(name="李秀英").employer_title == "襄城县第一高级中学副校长"


def test_export_reads_back_as_the_same_roster(setup):
    services.roster_import(dataset=dataset(GOOD))
    exported = RosterResource().export(queryset=Deputy.objects.all())
    assert exported.headers[:13] == roster.HEADERS
    again = services.roster_import(dataset=roster.read_dataset(XLSX().export_data(exported), "x.xlsx"))
    assert again.written and again.unchanged_deputies == 2 and Deputy.objects.count() == 2


def test_blank_template_has_the_office_headings_and_imports_nothing(setup, office_user, client):
    client.force_login(office_user)
    response = client.get("/admin/deputies/deputy/roster-template/")
    data = roster.read_dataset(response.content, "roster-template.xlsx")
    assert list(data.headers)[:13] == roster.HEADERS and len(data) == 0
    # Uploaded unchanged, it is refused with a reason and writes nobody (the example sits on the guidance sheet).
    result = services.roster_import(dataset=data)
    assert not result.written and result.error_lines() == ["名册中没有数据行"]
    assert Deputy.objects.count() == 0
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["代表名册", "填写说明"] and book.active.title == "代表名册"


def test_only_the_first_sheet_is_imported_whichever_sheet_was_open(setup):
    book = openpyxl.Workbook()
    first = book.active
    first.append(roster.HEADERS)
    first.append(GOOD[1])
    notes = book.create_sheet("填写说明")
    notes.append(roster.HEADERS)
    notes.append(GOOD[0])
    book.active = 1  # saved while the guidance sheet was open
    out = io.BytesIO()
    book.save(out)
    result = services.roster_import(dataset=roster.read_dataset(out.getvalue(), "名册.xlsx"))
    assert result.written, result.error_lines()
    assert list(Deputy.objects.values_list("name", flat=True)) == ["李秀英"]


def test_admin_import_previews_then_confirms(setup, office_user, client):
    client.force_login(office_user)
    upload = io.BytesIO(xlsx(GOOD))
    upload.name = "roster.xlsx"
    response = client.post("/admin/deputies/deputy/import-roster/", {"file": upload})
    assert response.status_code == 200 and "检查通过" in response.content.decode()
    assert Deputy.objects.count() == 0
    pending = response.context["pending"]
    response = client.post("/admin/deputies/deputy/import-roster/", {"pending": pending, "confirm": "1"})
    assert response.status_code == 302 and Deputy.objects.count() == 2
