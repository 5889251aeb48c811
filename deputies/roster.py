"""The deputy roster (代表名册) as offices keep it in Excel: read, check, write in bulk.

One row is one seat: a person who sits in a 市 and a 县 congress has two rows. The file is
read into a tablib Dataset (an xlsx's first sheet, or csv); checking and writing are our own,
because the stock row-by-row import looks up every person on its own (about 0.04 of a plain
`bulk_create`'s rate). Here everything the rows refer to — people, congresses, groups,
regions, seats, memberships — is fetched in a handful of queries, every row is checked in
memory, and the writes are a few `bulk_create` / `bulk_update` calls in one transaction.

Identity: a person is the same person when **name and birth month** (姓名 + 出生年月) match.
A phone number changes and is often missing; a name alone is not unique in a county. A
re-import therefore updates that person's details, seats and groups instead of adding a
second person. Correcting a name or birth month in the file creates a new person (fix those
in the admin instead). Seats and memberships are only added or updated, never ended by an
import: ending a seat has a reason and a date, which a roster does not carry.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.db import connection, transaction
from django.utils import timezone
from import_export.formats.base_formats import CSV

from deputies import public_cache
from deputies.models import (
    MOBILE_REGEX,
    ActivityGroup,
    Congress,
    CongressLevel,
    Deputy,
    Education,
    EndReason,
    Gender,
    GroupRole,
    Mandate,
    MandateStatus,
    Membership,
    Occupation,
    Party,
)
from deputies.selectors import deputies_visible_to
from deputywork.models import Region
from deputywork.roles import region_within_scope, scope_name, sees_every_row

# The office's own column headings, in the order of the template.
HEADERS = ["姓名", "性别", "民族", "出生年月", "政治面貌", "文化程度", "代表层级", "届次", "选区",
           "工作单位及职务", "联系电话", "居住地", "所属活动小组"]
# Not in every office's sheet; read when present, exported always.
OPTIONAL_HEADERS = ["职业构成"]
REQUIRED_HEADERS = ["姓名", "性别", "出生年月", "代表层级", "届次"]
KEYS = {
    "姓名": "name", "性别": "gender", "民族": "ethnicity", "出生年月": "birth", "政治面貌": "party",
    "文化程度": "education", "代表层级": "level", "届次": "term", "选区": "district",
    "工作单位及职务": "employer_title", "联系电话": "mobile", "居住地": "residence", "所属活动小组": "groups",
    "职业构成": "occupation",
}
HEADER_ALIASES = {"出生日期": "出生年月", "手机号码": "联系电话", "手机": "联系电话", "单位及职务": "工作单位及职务",
                  "工作单位": "工作单位及职务", "活动小组": "所属活动小组", "层级": "代表层级", "职业": "职业构成"}

GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE, "男性": Gender.MALE, "女性": Gender.FEMALE}
LEVELS = {
    "全国": CongressLevel.NATIONAL, "全国人大": CongressLevel.NATIONAL,
    "省": CongressLevel.PROVINCE, "省级": CongressLevel.PROVINCE,
    "市": CongressLevel.CITY, "市级": CongressLevel.CITY, "设区的市": CongressLevel.CITY,
    "县": CongressLevel.COUNTY, "县级": CongressLevel.COUNTY, "县（区）": CongressLevel.COUNTY,
    "区": CongressLevel.COUNTY,
    "乡": CongressLevel.TOWNSHIP, "乡级": CongressLevel.TOWNSHIP, "镇": CongressLevel.TOWNSHIP,
    "乡镇": CongressLevel.TOWNSHIP, "乡（镇）": CongressLevel.TOWNSHIP,
}
PARTIES = {str(label): value for value, label in Party.choices} | {
    "中共": Party.CPC, "党员": Party.CPC, "中国共产党党员": Party.CPC, "预备党员": Party.PROBATIONARY,
    "民革": Party.RCCK, "民盟": Party.CDL, "民建": Party.CNDCA, "民进": Party.CAPD, "农工党": Party.CPWDP,
    "致公党": Party.CZGP, "九三学社": Party.JS, "台盟": Party.TDSGL, "无党派": Party.NONPARTY,
    "共青团员": Party.CYL, "团员": Party.CYL,
}
EDUCATIONS = {str(label): value for value, label in Education.choices} | {
    "博士": Education.POSTGRADUATE, "硕士": Education.POSTGRADUATE, "博士研究生": Education.POSTGRADUATE,
    "硕士研究生": Education.POSTGRADUATE, "本科": Education.BACHELOR, "大学": Education.BACHELOR,
    "大专": Education.COLLEGE, "专科": Education.COLLEGE, "中专": Education.SECONDARY, "中技": Education.SECONDARY,
    "职高": Education.SECONDARY, "高中": Education.HIGH_SCHOOL, "初中": Education.JUNIOR, "小学": Education.JUNIOR,
}
OCCUPATIONS = {str(label): value for value, label in Occupation.choices}
ROLES = {str(label): value for value, label in GroupRole.choices}

_DATE_RE = re.compile(r"^(\d{4})\s*[.\-/年]\s*(\d{1,2})\s*月?(?:\s*[.\-/]?\s*(\d{1,2})\s*日?)?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")
_TERM_RE = re.compile(r"^第?\s*([0-9]+|[一二三四五六七八九十]+)\s*届?$")
_GROUP_SPLIT_RE = re.compile(r"[、,，;；\n]+")
_GROUP_ROLE_RE = re.compile(r"^(.+?)\s*[（(]\s*(组长|副组长|联络员|成员)\s*[)）]$")
_MOBILE_RE = re.compile(MOBILE_REGEX)
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


class RosterFileError(Exception):
    """The file cannot be read at all (format, encoding, empty)."""


@dataclass
class RosterRow:
    line: int
    name: str = ""
    birth_date: dt.date | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # Deputy fields from this row
    congress_id: int | None = None
    congress_label: str = ""
    district: str = ""
    groups: list[tuple[int, str]] = field(default_factory=list)  # (group id, role)
    errors: list[str] = field(default_factory=list)
    deputy_id: int | None = None  # an existing person
    action: str = ""  # 新增 / 更新 / 无变化

    @property
    def key(self) -> tuple[str, dt.date | None]:
        return (self.name, self.birth_date)


@dataclass
class RosterResult:
    rows: list[RosterRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    new_deputies: int = 0
    updated_deputies: int = 0
    unchanged_deputies: int = 0
    new_seats: int = 0
    new_memberships: int = 0
    written: bool = False
    lookups: Any = field(default=None, repr=False)

    @property
    def bad_rows(self) -> list[RosterRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.bad_rows

    def error_lines(self) -> list[str]:
        """Every problem as one Chinese sentence, file problems first."""
        rows = [f"第{r.line}行（{r.name or '无姓名'}）：{'；'.join(r.errors)}" for r in self.bad_rows]
        return self.file_errors + rows


# --- reading ---------------------------------------------------------------------------------


def read_dataset(data: bytes, filename: str) -> tablib.Dataset:
    """An uploaded roster as a tablib Dataset; xlsx by its extension, everything else as csv."""
    name = filename.lower()
    try:
        if name.endswith((".xlsx", ".xlsm")):
            return _read_first_sheet(data)
        if name.endswith(".xls"):
            raise RosterFileError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入。")
        from deputywork.services import ImportRejected, decode_upload

        try:
            text = decode_upload(data)
        except ImportRejected as exc:
            raise RosterFileError(exc.errors[0]) from exc
        return CSV().create_dataset(text)
    except RosterFileError:
        raise
    except Exception as exc:  # openpyxl / csv raise many kinds; the clerk needs one sentence
        raise RosterFileError("无法读取文件，请确认是 .xlsx 或 CSV 格式的名册。") from exc


def _read_first_sheet(data: bytes) -> tablib.Dataset:
    """The first sheet of a workbook, whichever sheet was open when it was saved.

    The template's second sheet (填写说明) holds guidance and an example, never rows to import.
    """
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows = book.worksheets[0].iter_rows(values_only=True)
    headers = list(next(rows, None) or [])
    while headers and headers[-1] is None:
        headers.pop()
    if not headers:
        raise RosterFileError("第一张工作表是空的，请把名册放在第一张工作表，第一行为表头。")
    dataset = tablib.Dataset(headers=headers)
    width = len(headers)
    for values in rows:  # a row may be longer or shorter than the headings; cells beyond them are unread
        dataset.append((list(values) + [None] * width)[:width])
    return dataset


# What each column takes, for the template's guidance sheet.
_GUIDANCE = [
    ("姓名", "必填", "张建国"),
    ("性别", "必填：男或女", "男"),
    ("民族", "不填为汉族", "汉族"),
    ("出生年月", "必填：1975.03、1975年3月、1975-03或1975/3", "1975.03"),
    ("政治面貌", "不填为群众；" + "、".join(str(label) for _, label in Party.choices), "中共党员"),
    ("文化程度", "、".join(str(label) for _, label in Education.choices), "大学本科"),
    ("代表层级", "必填：全国、省、市、县或乡", "县"),
    ("届次", "必填：第十七届或17", "第十七届"),
    ("选区", "", "第一选区"),
    ("工作单位及职务", "100字以内", "襄城县库庄镇前何村党支部书记"),
    ("联系电话", "11位手机号码（不公开）", "13800000000"),
    ("居住地", "村（社区）名；有同名时写“乡镇名+村（社区）名”或12位区划代码", "库庄镇前何村"),
    ("所属活动小组", "多个小组用顿号隔开，组长、副组长、联络员写在括号里", "库庄镇代表活动小组（组长）"),
    ("职业构成", "、".join(str(label) for _, label in Occupation.choices), "农民"),
]


def template_xlsx() -> bytes:
    """The blank roster a clerk fills in: the headings only on the first sheet, which is the
    one imported; what to write in each column, with an example, on a second sheet."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "代表名册"
    sheet.append(HEADERS + OPTIONAL_HEADERS)
    sheet.freeze_panes = "A2"
    for index, heading in enumerate(HEADERS + OPTIONAL_HEADERS, start=1):
        column = sheet.column_dimensions[get_column_letter(index)]
        column.width = 28 if heading in ("工作单位及职务", "所属活动小组") else 14
        if heading in ("出生年月", "联系电话"):
            # Text cells: Excel keeps 1975.10 as typed and a phone number out of scientific notation.
            column.number_format = "@"
        sheet.cell(row=1, column=index).font = Font(bold=True)
    guide = book.create_sheet("填写说明")
    for line in ["只导入第一张工作表“代表名册”，本页不会导入。第一行是表头，请勿修改；从第二行起每行填一个代表资格。",
                 "同时是市、县人大代表的，填两行。同一人以姓名和出生年月识别，再次导入时更新其信息，不会重复新增。",
                 ""]:
        guide.append([line])
    guide.append(["列", "填写要求", "示例"])
    for row in _GUIDANCE:
        guide.append(list(row))
    for cell in guide[4]:
        cell.font = Font(bold=True)
    for letter, width in (("A", 16), ("B", 60), ("C", 30)):
        guide.column_dimensions[letter].width = width
    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- parsing single values -------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_birth_month(value: Any, *, today: dt.date | None = None) -> tuple[dt.date | None, str]:
    """1975.03, 1975年3月, 1975-03, 1975/3, 197503, an Excel date → the first of that month.

    Returns (date, "") or (None, reason). A number from an Excel cell is read by
    `_numeric_month`: 1975.3 → March, 1975.12 → December, 1975.1 → October.
    """
    today = today or timezone.localdate()
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        year, month = value.year, value.month
    else:
        if isinstance(value, float) and not value.is_integer():
            text = _numeric_month(value)
        else:
            text = _text(value)
        if not text:
            return None, "缺少出生年月"
        match = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
        if not match:
            return None, f"出生年月“{text}”无法识别，请写成1975.03或1975年3月"
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            return None, f"出生年月“{text}”的月份不存在"
    if year < 1900 or (year, month) > (today.year - 18, today.month):
        return None, f"出生年月“{_text(value)}”不合理（代表应年满18周岁）"
    return dt.date(year, month, 1), ""


def _numeric_month(value: float) -> str:
    """A year.month typed into a number cell, as text "1975.03".

    Excel keeps the number, not what was typed: 1975.03 stays 1975.03, but 1975.10 and 1975.3
    are both stored without a trailing zero. So the number is read to two decimals, and a
    "month" over 12 that ends in 0 (1975.3 → 1975.30) was a one-digit month: March. 1975.1 is
    read as October, not January: the office writes months with two digits (1975.01), so a
    bare 1975.1 most likely is a typed 1975.10 that Excel shortened.
    """
    year, _, month_text = f"{value:.2f}".partition(".")
    month = int(month_text)
    if month > 12 and month % 10 == 0:
        month //= 10
    return f"{year}.{month:02d}"


def parse_term(value: Any) -> int | None:
    text = _text(value).replace(" ", "")
    match = _TERM_RE.match(text)
    if not match:
        return None
    number = match.group(1)
    if number.isdigit():
        return int(number) or None
    if "十" in number:
        tens, _, ones = number.partition("十")
        total = (_CN_DIGITS.get(tens, -100) if tens else 1) * 10 + (_CN_DIGITS.get(ones, -100) if ones else 0)
    else:
        total = _CN_DIGITS.get(number, -100) if len(number) == 1 else -1
    return total if total > 0 else None


def parse_mobile(value: Any) -> tuple[str, str]:
    text = re.sub(r"[\s\-]", "", _text(value))
    if text.startswith("+86"):
        text = text[3:]
    if text and not _MOBILE_RE.match(text):
        return "", f"联系电话“{_text(value)}”不是有效的11位手机号码"
    return text, ""


# --- the lookups fetched once per file ---------------------------------------------------------


class _Lookups:
    """Everything the rows may refer to, fetched in a few queries before any row is checked."""

    def __init__(self, names: Iterable[str], user: Any = None) -> None:
        self.regions_by_name: dict[str, list[Region]] = defaultdict(list)
        self.regions_by_code: dict[str, Region] = {}
        regions = list(Region.objects.only("id", "code", "name", "level", "parent_id"))
        by_id = {r.id: r for r in regions}
        for r in regions:
            self.regions_by_code[r.code] = r
            self.regions_by_name[r.name].append(r)
            parent = by_id.get(r.parent_id)
            if parent is not None:  # 城关镇西街社区, 襄城县城关镇
                self.regions_by_name[parent.name + r.name].append(r)
        self.congresses: dict[tuple[str, int], list[Congress]] = defaultdict(list)
        for c in Congress.objects.select_related("region"):
            self.congresses[(c.level, c.term)].append(c)
        self.groups_by_name: dict[str, list[ActivityGroup]] = defaultdict(list)
        for g in ActivityGroup.objects.filter(active=True).select_related("region"):
            self.groups_by_name[g.name].append(g)
        self.current_leaders: dict[int, int] = dict(
            Membership.objects.filter(role=GroupRole.LEADER, ended_on__isnull=True).values_list("group_id", "deputy_id")
        )
        # Existing people with one of the file's names, with the fields a row may change.
        names = sorted(set(names))
        self.people: dict[tuple[str, dt.date | None], dict[str, Any]] = {}
        person_fields = ["id", "name", "birth_date", *_DEPUTY_FIELDS]
        for i in range(0, len(names), 2000):
            for p in Deputy.objects.filter(name__in=names[i:i + 2000]).values(*person_fields):
                self.people.setdefault((p["name"], p["birth_date"]), p)
        ids = [p["id"] for p in self.people.values()]
        # The existing people township staff may change (their residence or a seat in the township).
        self.people_in_scope: set[int] | None = None
        if user is not None and not sees_every_row(user):
            self.people_in_scope = set()
            for i in range(0, len(ids), 2000):
                self.people_in_scope.update(
                    deputies_visible_to(user).filter(id__in=ids[i:i + 2000]).values_list("id", flat=True))
        self.seats: dict[tuple[int, int], tuple[int, str]] = {}
        # Seats that ended (resigned, removed, moved away …): an import never brings one back.
        self.ended_seats: dict[tuple[int, int], str] = {}
        self.memberships: dict[tuple[int, int], tuple[int, str]] = {}
        for i in range(0, len(ids), 2000):
            chunk = ids[i:i + 2000]
            for mid, did, cid, district, status, reason in Mandate.objects.filter(deputy_id__in=chunk).values_list(
                    "id", "deputy_id", "congress_id", "electoral_district", "status", "end_reason"):
                if status == MandateStatus.ACTIVE:
                    self.seats[(did, cid)] = (mid, district)
                else:
                    self.ended_seats[(did, cid)] = reason
            for mid, did, gid, role in Membership.objects.filter(
                deputy_id__in=chunk, ended_on__isnull=True
            ).values_list("id", "deputy_id", "group_id", "role"):
                self.memberships[(did, gid)] = (mid, role)

    def region(self, text: str) -> tuple[Region | None, str]:
        if text.isdigit() and len(text) == 12:
            region = self.regions_by_code.get(text)
            return (region, "") if region else (None, f"没有区划代码为“{text}”的居住地")
        found = self.regions_by_name.get(text, [])
        if len(found) == 1:
            return found[0], ""
        if not found:
            return None, f"居住地“{text}”不在行政区划中"
        return None, f"居住地“{text}”有多个同名区划，请写成“乡镇名+村（社区）名”或12位区划代码"

    def congress(self, level: str, term: int, residence: Region | None) -> tuple[Congress | None, str]:
        label = f"{CongressLevel(level).label}级第{term}届"
        candidates = self.congresses.get((level, term), [])
        if residence is not None and len(candidates) > 1:
            candidates = [c for c in candidates if c.region.contains(residence)]
        if len(candidates) == 1:
            return candidates[0], ""
        if not candidates:
            return None, f"没有“{label}”人民代表大会，请先在后台添加这一届"
        return None, f"“{label}”人民代表大会不止一个，请填写居住地以区分"


_DEPUTY_FIELDS = ["gender", "ethnicity", "party", "education", "employer_title", "mobile", "residence_id",
                  "occupation"]


# --- checking --------------------------------------------------------------------------------


def _header_map(headers: list[Any]) -> tuple[dict[str, int], list[str]]:
    columns: dict[str, int] = {}
    for index, title in enumerate(headers or []):
        heading = re.sub(r"\s+", "", _text(title)).lstrip("*")
        heading = HEADER_ALIASES.get(heading, heading)
        if heading in KEYS and heading not in columns:
            columns[heading] = index
    missing = [h for h in REQUIRED_HEADERS if h not in columns]
    errors = [f"表头缺少必填列“{h}”" for h in missing]
    return columns, errors


def check(dataset: tablib.Dataset, *, user: Any = None) -> RosterResult:
    """Read and check every row; nothing is written. `user` limits township staff to their township."""
    result = RosterResult()
    columns, result.file_errors = _header_map(list(dataset.headers or []))
    if result.file_errors:
        return result
    raw_rows = []
    for offset, values in enumerate(dataset, start=2):  # line 1 holds the headings
        row = {KEYS[h]: values[i] if i < len(values) else None for h, i in columns.items()}
        if all(_text(v) == "" for v in row.values()):
            continue
        raw_rows.append((offset, row))
    if not raw_rows:
        result.file_errors.append("名册中没有数据行")
        return result
    lookups = result.lookups = _Lookups((_text(r.get("name")) for _, r in raw_rows), user)
    today = timezone.localdate()
    has_occupation = "职业构成" in columns
    seen: dict[tuple[Any, ...], int] = {}
    person_rows: dict[tuple[str, dt.date | None], RosterRow] = {}
    leaders_in_file: dict[int, tuple[int, RosterRow]] = {}
    for line, raw in raw_rows:
        row = _check_row(line, raw, lookups, today, has_occupation, user)
        result.rows.append(row)
        if row.errors:
            continue
        seat_key = (row.name, row.birth_date, row.congress_id)
        if seat_key in seen:
            row.errors.append(f"与第{seen[seat_key]}行是同一人（姓名和出生年月相同）在同一届人大的重复记录")
            continue
        seen[seat_key] = line
        first = person_rows.setdefault(row.key, row)
        if first is not row and first.fields != row.fields:
            row.errors.append(f"与第{first.line}行是同一人，但个人信息不一致，请统一后再导入")
            continue
        existing = lookups.people.get(row.key)
        if existing and lookups.people_in_scope is not None and existing["id"] not in lookups.people_in_scope:
            # The row's own residence may lie in the township; the person it would overwrite does not.
            row.errors.append(f"姓名和出生年月与一位不在{scope_name(user)}的代表相同，不能导入；"
                              "如是同一人，请联系其所在地的人大常委会代表工委")
            continue
        if existing and (existing["id"], row.congress_id) in lookups.ended_seats \
                and (existing["id"], row.congress_id) not in lookups.seats:
            reason = lookups.ended_seats[(existing["id"], row.congress_id)]
            label = EndReason(reason).label if reason in EndReason.values else "终止"
            row.errors.append(f"该代表在这一届人大的代表资格已终止（{label}），导入不能恢复；"
                              "如确已重新当选，请在代表页面新增代表资格")
            continue
        if existing:
            row.deputy_id = existing["id"]
            changed = any(existing[k] != v for k, v in row.fields.items())
            row.action = "更新" if changed else "无变化"
        else:
            row.action = "新增"
        for group_id, role in row.groups:
            if role != GroupRole.LEADER:
                continue
            current = lookups.current_leaders.get(group_id)
            if current is not None and current != row.deputy_id:
                row.errors.append("该活动小组已有组长，请先在后台调整后再导入")
            elif group_id in leaders_in_file and leaders_in_file[group_id][1].key != row.key:
                row.errors.append(f"与第{leaders_in_file[group_id][0]}行都填为同一小组的组长")
            else:
                leaders_in_file[group_id] = (line, row)
    _count(result)
    return result


def _check_row(line: int, raw: dict[str, Any], lookups: _Lookups, today: dt.date, has_occupation: bool,
               user: Any) -> RosterRow:
    row = RosterRow(line=line, name=re.sub(r"\s+", "", _text(raw.get("name"))))
    errors = row.errors
    if not row.name:
        errors.append("缺少姓名")
    elif len(row.name) > 30:
        errors.append("姓名过长")
    gender_text = _text(raw.get("gender"))
    gender = GENDERS.get(gender_text)
    if gender is None:
        errors.append(f"性别“{gender_text}”应为男或女" if gender_text else "缺少性别")
    row.birth_date, reason = parse_birth_month(raw.get("birth"), today=today)
    if reason:
        errors.append(reason)
    ethnicity = _text(raw.get("ethnicity")) or "汉族"
    if not ethnicity.endswith("族"):
        ethnicity += "族"
    if len(ethnicity) > 10:
        errors.append(f"民族“{ethnicity}”无法识别")
    party_text = _text(raw.get("party"))
    party = PARTIES.get(party_text, Party.MASSES if not party_text else None)
    if party is None:
        errors.append(f"政治面貌“{party_text}”无法识别")
    education_text = _text(raw.get("education"))
    education = EDUCATIONS.get(education_text, "" if not education_text else None)
    if education is None:
        errors.append(f"文化程度“{education_text}”无法识别")
    mobile, reason = parse_mobile(raw.get("mobile"))
    if reason:
        errors.append(reason)
    residence = None
    residence_text = _text(raw.get("residence"))
    if residence_text:
        residence, reason = lookups.region(residence_text)
        if reason:
            errors.append(reason)
    level_text = _text(raw.get("level")).replace("人大代表", "").replace("代表", "")
    level = LEVELS.get(level_text)
    if level is None:
        errors.append(f"代表层级“{_text(raw.get('level'))}”应为全国、省、市、县或乡" if level_text else "缺少代表层级")
    term = parse_term(raw.get("term"))
    if term is None:
        errors.append(f"届次“{_text(raw.get('term'))}”无法识别，请写成第十七届或17" if _text(raw.get("term"))
                      else "缺少届次")
    congress = None
    if level and term:
        congress, reason = lookups.congress(level, term, residence)
        if reason:
            errors.append(reason)
        else:
            row.congress_id, row.congress_label = congress.id, str(congress)
    occupation = Occupation.OTHER
    if has_occupation:
        occupation_text = _text(raw.get("occupation"))
        occupation = OCCUPATIONS.get(occupation_text, Occupation.OTHER if not occupation_text else None)
        if occupation is None:
            errors.append(f"职业构成“{occupation_text}”应为工人、农民、专业技术人员、党政领导干部、企业负责人、解放军或其他")
    employer_title = _text(raw.get("employer_title"))
    if len(employer_title) > 100:
        errors.append("工作单位及职务超过100字")
    row.district = _text(raw.get("district"))[:60]
    for part in _GROUP_SPLIT_RE.split(_text(raw.get("groups"))):
        part = part.strip()
        if not part:
            continue
        match = _GROUP_ROLE_RE.match(part)
        group_name, role = (match.group(1), ROLES[match.group(2)]) if match else (part, GroupRole.MEMBER)
        found = lookups.groups_by_name.get(group_name, [])
        if len(found) > 1 and residence is not None:
            found = [g for g in found if g.region.contains(residence)] or found
        if len(found) != 1:
            errors.append(f"活动小组“{group_name}”不存在" if not found else f"活动小组“{group_name}”有重名，无法确定")
        elif user is not None and not region_within_scope(user, found[0].region):
            errors.append(f"活动小组“{group_name}”不在{scope_name(user)}，不能加入")
        else:
            row.groups.append((found[0].id, role))
    if user is not None and not sees_every_row(user) and not errors:
        in_scope = region_within_scope(user, residence) or (congress and region_within_scope(user, congress.region))
        if not in_scope:
            errors.append(f"居住地和所在人大都不在{scope_name(user)}，不能导入")
    row.fields = {"gender": gender, "ethnicity": ethnicity, "party": party, "education": education,
                  "employer_title": employer_title, "mobile": mobile,
                  "residence_id": residence.id if residence else None}
    if has_occupation:
        row.fields["occupation"] = occupation
    return row


def _count(result: RosterResult) -> None:
    people: dict[tuple[str, dt.date | None], str] = {}
    for row in result.rows:
        if not row.errors:
            people.setdefault(row.key, row.action)
    actions = list(people.values())
    result.new_deputies = actions.count("新增")
    result.updated_deputies = actions.count("更新")
    result.unchanged_deputies = actions.count("无变化")


# --- writing ---------------------------------------------------------------------------------


# pg_advisory_xact_lock's two-int form: a key space of its own, apart from the one-bigint keys
# opinion submits lock by.
WRITE_LOCK_KEY = (1, 1)


def write(dataset: tablib.Dataset, *, user: Any = None, batch_size: int = 1000) -> RosterResult:
    """Check again and, only if every row is good, write everything in one transaction."""
    with transaction.atomic():
        _wait_for_other_writes()
        result = check(dataset, user=user)
        if not result.ok:
            return result
        good = result.rows
        firsts: dict[tuple[str, dt.date | None], RosterRow] = {}
        for row in good:
            firsts.setdefault(row.key, row)
        new_people = [Deputy(name=r.name, birth_date=r.birth_date, **r.fields)
                      for r in firsts.values() if r.deputy_id is None]
        Deputy.objects.bulk_create(new_people, batch_size=batch_size)
        ids = {(d.name, d.birth_date): d.pk for d in new_people}
        if any(pk is None for pk in ids.values()):  # a backend that cannot return ids
            ids = _fetch_ids([(d.name, d.birth_date) for d in new_people])
        changed = [r for r in firsts.values() if r.action == "更新"]
        if changed:
            now = timezone.now()
            update_fields = [f.removesuffix("_id") for f in changed[0].fields] + ["updated_at"]
            Deputy.objects.bulk_update([Deputy(pk=r.deputy_id, updated_at=now, **r.fields) for r in changed],
                                       update_fields, batch_size=batch_size)
        lookups_seats, lookups_members = result.lookups.seats, result.lookups.memberships
        new_seats, moved_seats, new_members, role_changes = [], [], [], []
        for row in good:
            deputy_id = row.deputy_id or ids[row.key]
            existing = lookups_seats.get((deputy_id, row.congress_id))
            if existing is None:
                new_seats.append(Mandate(deputy_id=deputy_id, congress_id=row.congress_id,
                                         electoral_district=row.district))
                lookups_seats[(deputy_id, row.congress_id)] = (0, row.district)
            elif row.district and existing[1] != row.district and existing[0]:
                moved_seats.append(Mandate(pk=existing[0], electoral_district=row.district))
            for group_id, role in row.groups:
                member = lookups_members.get((deputy_id, group_id))
                if member is None:
                    new_members.append(Membership(deputy_id=deputy_id, group_id=group_id, role=role))
                    lookups_members[(deputy_id, group_id)] = (0, role)
                elif member[0] and member[1] != role and (role != GroupRole.MEMBER):
                    role_changes.append(Membership(pk=member[0], role=role))
        Mandate.objects.bulk_create(new_seats, batch_size=batch_size)
        Mandate.objects.bulk_update(moved_seats, ["electoral_district"], batch_size=batch_size)
        Membership.objects.bulk_update(role_changes, ["role"], batch_size=batch_size)
        Membership.objects.bulk_create(new_members, batch_size=batch_size)
        result.new_seats, result.new_memberships = len(new_seats), len(new_members)
        result.written = True
        public_cache.public_pages_changed()  # bulk writes send no signals
        return result


def _wait_for_other_writes() -> None:
    """One roster write at a time, until the transaction ends.

    Two confirms of one file (a double click, a second tab) would otherwise both check the rows
    before either commits, find none of the new people and both add them. Taken before the
    check, the lock makes the second confirm find the first one's people, seats and groups, and
    add nothing. PostgreSQL: a transaction-level advisory lock; at READ COMMITTED the check's
    queries after it see what the first write committed. SQLite: the project opens write
    transactions IMMEDIATE, which already serialises writers.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", WRITE_LOCK_KEY)


def _fetch_ids(keys: list[tuple[str, dt.date | None]]) -> dict[tuple[str, dt.date | None], int]:
    names = sorted({k[0] for k in keys})
    found: dict[tuple[str, dt.date | None], int] = {}
    for i in range(0, len(names), 2000):
        for pk, name, birth in Deputy.objects.filter(name__in=names[i:i + 2000]).values_list(
            "id", "name", "birth_date"
        ).order_by("id"):
            found[(name, birth)] = pk
    return found
