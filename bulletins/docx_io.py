"""Word .docx in and out (python-docx): articles are imported from Word, issues exported to it."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from bulletins import rendering
from bulletins.models import Bulletin

IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/bmp": "bmp"}


@dataclass
class ParsedDocx:
    title: str = ""
    contributor: str = ""
    lines: list[str] = field(default_factory=list)
    images: list[tuple[str, bytes]] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)


def _paragraph_images(paragraph: Any, document: Any) -> list[tuple[str, bytes]]:
    found = []
    for blip in paragraph._p.iter(qn("a:blip")):
        rel_id = blip.get(qn("r:embed"))
        part = document.part.related_parts.get(rel_id) if rel_id else None
        if part is None:
            continue
        ext = IMAGE_TYPES.get(part.content_type)
        if ext:  # EMF/WMF drawings cannot be printed by WeasyPrint; they are left out
            found.append((f"docx-image.{ext}", part.blob))
    return found


def read_docx(file: Any) -> ParsedDocx:
    """Paragraphs, images and tables of a .docx in document order.

    The first non-empty paragraph is the title; a last paragraph ending in 供稿 is the contributor.
    Images become ``［图N］`` lines and tables ``［表N］`` lines of the body.
    """
    try:
        document = Document(file)
    except Exception as exc:  # python-docx raises several kinds for a file that is not .docx
        raise ValidationError("无法读取这个文件：请上传Word的 .docx 文档（.doc 请先另存为 .docx）。") from exc
    parsed = ParsedDocx()
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, document)
            line = " ".join(paragraph.text.split()) if paragraph.text.strip() else ""
            line = line.strip("\u3000 ")
            if line:
                if not parsed.title:
                    parsed.title = line
                else:
                    parsed.lines.append(line)
            for image in _paragraph_images(paragraph, document):
                parsed.images.append(image)
                parsed.lines.append(f"［图{len(parsed.images)}］")
        elif child.tag == qn("w:tbl"):
            table = Table(child, document)
            rows = [[" ".join(cell.text.split()) for cell in row.cells] for row in table.rows]
            rows = [row for row in rows if any(row)]
            if rows:
                parsed.tables.append(rows)
                parsed.lines.append(f"［表{len(parsed.tables)}］")
    if parsed.lines and parsed.lines[-1].strip("（）()").endswith("供稿"):
        parsed.contributor = parsed.lines.pop().strip("（）()")
    return parsed


def _set_font(run: Any, name: str, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color is not None:
        run.font.color.rgb = color


def _para(document: Any, content: str, *, font: str = "仿宋_GB2312", size: float = 16, bold: bool = False,
          align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True, color: RGBColor | None = None) -> Any:
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(28.95)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    _set_font(paragraph.add_run(content), font, size, bold=bold, color=color)
    return paragraph


def export_docx(bulletin: Bulletin) -> bytes:
    """The issue as a Word document with the same page set-up, for offices that finish in WPS/Word."""
    red = RGBColor(0xE6, 0x00, 0x12)
    document = Document()
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(document, bulletin.series, font="方正小标宋简体", size=60, bold=True, align=center, indent=False, color=red)
    _para(document, ("增刊" if bulletin.is_supplement else "") + f"第{bulletin.number}期", align=center, indent=False)
    _para(document, f"{bulletin.organ}\u3000\u3000\u3000{rendering.chinese_date(bulletin.issue_date)}",
          align=center, indent=False)
    _para(document, "━" * 26, align=center, indent=False, color=red, size=16)
    if bulletin.special_column:
        _para(document, bulletin.special_column, font="楷体_GB2312", bold=True, align=center, indent=False)
    ctx = rendering.context(bulletin, for_pdf=True)
    for item in ctx["contents"]:
        _para(document, f"＊{item.article.title}", font="黑体", indent=False)
    for item in ctx["articles"]:
        _para(document, "", indent=False)
        _para(document, item.article.title, font="方正小标宋简体", size=22, bold=True, align=center, indent=False)
        _para(document, "", indent=False)
        for block in item.blocks:
            kind = block["kind"]
            if kind in ("h1", "h2", "h3"):
                face = {"h1": "黑体", "h2": "楷体_GB2312", "h3": "仿宋_GB2312"}[kind]
                paragraph = _para(document, block["heading"], font=face, bold=kind == "h2")
                if block["text"]:
                    _set_font(paragraph.add_run(block["text"]), "仿宋_GB2312", 16)
            elif kind == "image":
                try:
                    data = rendering.read_image(block["file"])
                except OSError:  # the upload is gone from the storage: say so where it stood
                    _para(document, f"［{block['caption'] or '图片'}缺失］", indent=False, align=center)
                    continue
                document.add_picture(io.BytesIO(data), width=Mm(120))
                document.paragraphs[-1].alignment = center
                if block.get("caption"):
                    _para(document, block["caption"], font="楷体_GB2312", size=14, align=center, indent=False)
            elif kind == "table":
                rows = [block["head"], *block["rows"]]
                width = max(len(r) for r in rows)
                table = document.add_table(rows=len(rows), cols=width)
                table.style = "Table Grid"
                for r, row in enumerate(rows):
                    for c, value in enumerate(row):
                        table.cell(r, c).text = value
            else:
                _para(document, block["text"])
        if item.article.contributor:
            _para(document, f"（{item.article.contributor}）", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    _para(document, "", indent=False)
    _para(document, "─" * 30, size=14, indent=False)
    if bulletin.send_to:
        _para(document, f"送：{bulletin.send_to}", size=14, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    if bulletin.distribute_to:
        _para(document, f"发：{bulletin.distribute_to}", size=14, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    _para(document, f"{bulletin.issuer}\u3000\u3000{rendering.chinese_date(bulletin.issued_on)}印发", size=14,
          indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    if bulletin.copies:
        _para(document, f"（共印{bulletin.copies}份）", size=14, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()

