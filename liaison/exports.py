"""Spreadsheets a clerk hands in: the township dispute ledger and the performance records."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from deputywork.xlsx import text_cell
from liaison.models import Dispute
from liaison.record import PerformanceRecord

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _sheet_title(ws, title: str, width: int, subtitle: str = "") -> int:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1, title).font = Font(name="宋体", size=16, bold=True)
    ws.cell(1, 1).alignment = CENTER
    ws.row_dimensions[1].height = 32
    if subtitle:
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
        ws.cell(2, 1, subtitle).alignment = Alignment(horizontal="left")
        return 3
    return 2


def _header(ws, row: int, headers: Sequence[str], widths: Sequence[int]) -> None:
    for col, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(row, col, text)
        cell.font, cell.alignment, cell.border = Font(bold=True), CENTER, BOX
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row + 1, 1)


DISPUTE_HEADERS = ["序号", "排查时间", "纠纷类型", "当事人", "纠纷简要情况", "参与代表", "化解措施及结果", "状态",
                   "化解（移交）时间", "移交单位"]
DISPUTE_WIDTHS = [6, 12, 12, 18, 40, 16, 36, 8, 14, 16]


def disputes_xlsx(disputes: Sequence[Dispute], *, title: str, subtitle: str = "") -> bytes:
    """The 矛盾纠纷排查化解台账 as townships hand it in: a title row, a unit/date line, a boxed table."""
    wb = Workbook()
    ws = wb.active
    ws.title = "矛盾纠纷台账"
    row = _sheet_title(ws, title, len(DISPUTE_HEADERS), subtitle)
    _header(ws, row, DISPUTE_HEADERS, DISPUTE_WIDTHS)
    for n, d in enumerate(disputes, start=1):
        values = [n, d.found_on, d.category, d.parties, d.summary, "、".join(x.name for x in d.deputies.all()),
                  d.result, d.get_status_display(), d.closed_on, d.referred_to]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row + n, col, text_cell(value))
            cell.border, cell.alignment = BOX, WRAP
            if hasattr(value, "year"):
                cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def records_xlsx(records: Sequence[PerformanceRecord], *, year: int) -> bytes:
    """One row per deputy, one column per figure of every section."""
    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年履职档案"
    labels = [label for label, _ in records[0].figures()] if records else []
    headers = ["序号", "姓名", "工作单位及职务", *labels]
    row = _sheet_title(ws, f"{year}年度代表履职情况统计表", len(headers))
    _header(ws, row, headers, [6, 10, 28, *[max(10, len(label) * 2) for label in labels]])
    for n, record in enumerate(records, start=1):
        values = [n, record.deputy.name, record.deputy.employer_title, *[v for _, v in record.figures()]]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row + n, col, text_cell(value))
            cell.border = BOX
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
