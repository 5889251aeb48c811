"""Word .docx in and out (python-docx): articles are imported from Word, issues exported to it."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from bulletins import rendering
from bulletins.models import Bulletin

RED = "E60012"
TEXT_WIDTH = Mm(156)  # the text block of GB/T 9704: 210 mm less margins of 28 and 26 mm
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


def _border(paragraph: Any, *sides: str, points: float, color: str = "000000") -> None:
    """A rule across the text block above or below `paragraph` (a paragraph border, not a row of
    box-drawing characters, which never spans the width exactly)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # CT_PPr wants its children in schema order; pBdr goes before tabs/spacing/ind/jc.
        successor = next((child for child in ppr.iterchildren()
                          if child.tag in {qn("w:shd"), qn("w:tabs"), qn("w:spacing"), qn("w:ind"), qn("w:jc")}),
                         None)
        if successor is None:
            ppr.append(borders)
        else:
            successor.addprevious(borders)
    for side in sides:
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), str(round(points * 8)))  # eighths of a point
        line.set(qn("w:space"), "1")
        line.set(qn("w:color"), color)
        borders.append(line)


def _two_ends(paragraph: Any, inset: float) -> None:
    """Tab stops for a line like ``\tleft\tright``: the left text `inset` points in from the
    text block's left edge, the right text ending `inset` points in from its right edge. Tabs,
    not indents, so that a rule on the paragraph still spans the whole text block (Word draws a
    paragraph's border between its indents)."""
    stops = paragraph.paragraph_format.tab_stops
    stops.add_tab_stop(Pt(inset), WD_TAB_ALIGNMENT.LEFT)
    stops.add_tab_stop(TEXT_WIDTH - Pt(inset), WD_TAB_ALIGNMENT.RIGHT)


def _field(paragraph: Any, instruction: str, placeholder: str) -> list[Any]:
    """A field (PAGE) as Word writes it: begin, instruction, separate, the last result, end."""

    def char(kind: str) -> Any:
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
        return run

    begin = char("begin")
    code = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    code._r.append(instr)
    return [begin, code, char("separate"), paragraph.add_run(placeholder), char("end")]


def _page_number(footer: Any, *, outer: str) -> None:
    """"— N —" in 14 pt (4号), one character in from the page's outer edge, as in the PDF."""
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(14)
    if outer == "right":
        paragraph.alignment, fmt.right_indent = WD_ALIGN_PARAGRAPH.RIGHT, Pt(14)
    else:
        paragraph.alignment, fmt.left_indent = WD_ALIGN_PARAGRAPH.LEFT, Pt(14)
    runs = [paragraph.add_run("— "), *_field(paragraph, "PAGE", "1"), paragraph.add_run(" —")]
    for run in runs:
        _set_font(run, "宋体", 14)


def export_docx(bulletin: Bulletin) -> bytes:
    """The issue as a Word document with the same page set-up, for offices that finish in WPS/Word."""
    red = RGBColor(0xE6, 0x00, 0x12)
    document = Document()
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    # The page number's line sits 7 mm under the text block (GB/T 9704): 35 - 7 - 14 pt.
    section.footer_distance = Mm(35 - 7) - Pt(14)
    # Odd pages carry the number on the right, even pages on the left.
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, outer="right")
    _page_number(section.even_page_footer, outer="left")
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(document, bulletin.series, font="方正小标宋简体", size=60, bold=True, align=center, indent=False, color=red)
    issue = _para(document, ("增刊" if bulletin.is_supplement else "") + f"第{bulletin.number}期", align=center,
                  indent=False)
    if bulletin.running_number:
        _set_font(issue.add_run(f"（总第{bulletin.running_number}期）"), "仿宋_GB2312", 14)
    # Organ on the left, date on the right, the red rule under both across the text block.
    organ_date = _para(document, f"\t{bulletin.organ}\t{rendering.chinese_date(bulletin.issue_date)}",
                       align=WD_ALIGN_PARAGRAPH.LEFT, indent=False)
    _two_ends(organ_date, 8)
    _border(organ_date, "bottom", points=2.25, color=RED)
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
    # The closing block (版记) between rules across the text block: the first is under a blank
    # line, the last under the last line; thin rules above the issuer line and the copies.
    _border(_para(document, "", indent=False), "bottom", points=1)
    closing = []
    for label, value in (("送：", bulletin.send_to), ("发：", bulletin.distribute_to)):
        if value:
            line = _para(document, f"{label}{value}", size=14, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
            fmt = line.paragraph_format
            # Continued lines hang under the text after the label, as in the PDF.
            fmt.left_indent, fmt.first_line_indent, fmt.right_indent = Pt(42), Pt(-28), Pt(14)
            closing.append(line)
    issuer = _para(document, f"\t{bulletin.issuer}\t{rendering.chinese_date(bulletin.issued_on)}印发", size=14,
                   indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    _two_ends(issuer, 14)
    if closing:
        _border(issuer, "top", points=0.75)
    closing.append(issuer)
    if bulletin.copies:
        copies = _para(document, f"\t（共印{bulletin.copies}份）", size=14, indent=False,
                       align=WD_ALIGN_PARAGRAPH.LEFT)
        copies.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH - Pt(14), WD_TAB_ALIGNMENT.RIGHT)
        _border(copies, "top", points=0.75)
        closing.append(copies)
    for line in closing:
        line.paragraph_format.line_spacing = Mm(7.5)
    _border(closing[-1], "bottom", points=1)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()

