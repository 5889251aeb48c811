"""Writes of the core app: region import and demo users, and the row locks other apps' services take."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction

from deputywork.models import LEVEL_ORDER, Region, level_of_code, region_errors

HEADER_ALIASES = {
    "code": {"code", "区划代码", "代码", "统计用区划代码"},
    "name": {"name", "名称", "区划名称"},
    "parent_code": {"parent_code", "parent", "上级代码", "上级区划代码"},
}


class ImportRejected(Exception):
    """An import with at least one bad row: nothing was written."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("；".join(errors))
        self.errors = errors


@dataclass
class RegionRow:
    line: int
    code: str
    name: str
    parent_code: str
    level: str = ""
    exists: bool = False


@dataclass
class RegionImportPreview:
    rows: list[RegionRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def new_count(self) -> int:
        return sum(not r.exists for r in self.rows)

    @property
    def update_count(self) -> int:
        return sum(r.exists for r in self.rows)


def decode_upload(data: bytes) -> str:
    """CSV files saved by Excel on a Chinese Windows are GB18030; others are UTF-8."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRejected(["文件编码无法识别，请另存为UTF-8编码的CSV文件。"])


def regions_preview(*, text: str) -> RegionImportPreview:
    """Parse and check a CSV of regions (code, name, parent code) without writing anything."""
    preview = RegionImportPreview()
    reader = csv.reader(io.StringIO(text))
    rows = [(i, [c.strip() for c in r]) for i, r in enumerate(reader, start=1) if any(c.strip() for c in r)]
    if not rows:
        preview.errors.append("文件中没有数据。")
        return preview
    columns = {"code": 0, "name": 1, "parent_code": 2}
    first_line, first = rows[0]
    if not first[0].isdigit():
        columns = {}
        for key, aliases in HEADER_ALIASES.items():
            for idx, title in enumerate(first):
                if title.lower() in aliases:
                    columns[key] = idx
        missing = [k for k in ("code", "name") if k not in columns]
        if missing:
            preview.errors.append(f"第{first_line}行：表头缺少“区划代码”或“名称”列。")
            return preview
        rows = rows[1:]

    def cell(values: list[str], key: str) -> str:
        idx = columns.get(key)
        return values[idx] if idx is not None and idx < len(values) else ""

    parsed: dict[str, RegionRow] = {}
    for line, values in rows:
        row = RegionRow(line, cell(values, "code"), cell(values, "name"), cell(values, "parent_code"))
        if row.code in parsed:
            preview.errors.append(f"第{line}行：区划代码“{row.code}”与第{parsed[row.code].line}行重复。")
            continue
        if not row.name:
            preview.errors.append(f"第{line}行：名称不能为空。")
        if len(row.code) == 12 and row.code.isdigit():
            row.level = level_of_code(row.code)
        parsed[row.code] = row
        preview.rows.append(row)

    codes = set(parsed) | {r.parent_code for r in parsed.values() if r.parent_code}
    existing = {r.code: r for r in Region.objects.filter(code__in=codes)}
    for row in preview.rows:
        row.exists = row.code in existing
        parent: Region | None = None
        if row.parent_code:
            if row.parent_code in parsed:
                p = parsed[row.parent_code]
                parent = Region(code=p.code, name=p.name, level=p.level or level_of_code(p.code))
            elif row.parent_code in existing:
                parent = existing[row.parent_code]
            else:
                preview.errors.append(f"第{row.line}行：上级区划代码“{row.parent_code}”不存在。")
                continue
        for message in region_errors(row.code, row.level, parent):
            preview.errors.append(f"第{row.line}行：{message}")
    return preview


@transaction.atomic
def regions_import(*, text: str) -> RegionImportPreview:
    """Write every region of the CSV, or none: any bad row rejects the whole file."""
    preview = regions_preview(text=text)
    if preview.errors:
        raise ImportRejected(preview.errors)
    by_code = {r.code: r for r in Region.objects.filter(code__in=[row.parent_code for row in preview.rows])}
    for row in sorted(preview.rows, key=lambda r: LEVEL_ORDER.index(r.level)):
        region, _ = Region.objects.update_or_create(
            code=row.code,
            defaults={"name": row.name, "level": row.level, "parent": by_code.get(row.parent_code)},
        )
        by_code[region.code] = region
    return preview


def region_ensure(*, code: str, name: str, parent: Region | None = None) -> Region:
    """Create or rename one region after checking its code against its parent."""
    level = level_of_code(code)
    errors = region_errors(code, level, parent)
    if errors:
        raise ImportRejected(errors)
    region, _ = Region.objects.update_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})
    return region


def lock_rows(model: type[models.Model], pks: Iterable[Any], *, no_key: bool = False) -> None:
    """Lock the rows of `model` with these keys until the transaction ends: in one statement and
    in the order of their ids, so that two transactions locking overlapping rows wait for each
    other instead of each holding one and waiting for the other (a deadlock). With `no_key`,
    rows that merely refer to them (an opinion, a seat) need not wait. Call inside `atomic()`."""
    rows = model.objects.select_for_update(no_key=no_key).filter(pk__in=set(pks)).order_by("pk")
    list(rows.values_list("pk", flat=True))
