from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from PIL import Image
from pypdf import PdfReader

from bulletins import docx_io, rendering, services
from bulletins.models import ArticleImage, Bulletin
from tests.bulletins.test_pdf import squeeze
from tests.factories import ArticleFactory, BulletinFactory


def make_docx(path=None) -> bytes:
    document = Document()
    document.add_paragraph("我县代表联络站建设提质增效")
    document.add_paragraph("\u3000\u3000今年以来，县人大常委会推动代表联络站提质增效。")
    document.add_paragraph("一、建好阵地")
    png = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 30, 30)).save(png, format="PNG")
    png.seek(0)
    document.add_picture(png, width=Mm(60))
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([["乡镇", "联络站", "接待群众"], ["城关镇", "3", "126"], ["麦岭镇", "2", "88"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("（一）健全制度。每月固定一天为代表进站活动日。")
    document.add_paragraph("（襄城县人大常委会代表工委供稿）")
    out = io.BytesIO()
    document.save(out)
    if path:
        path.write_bytes(out.getvalue())
    return out.getvalue()


def test_docx_with_image_and_table_keeps_both_in_place(db):
    bulletin = BulletinFactory(number=7)
    article = services.article_import_docx(bulletin=bulletin, file=io.BytesIO(make_docx()))
    assert article.title == "我县代表联络站建设提质增效"
    assert article.contributor == "襄城县人大常委会代表工委供稿"
    assert article.body.split("\n") == [
        "今年以来，县人大常委会推动代表联络站提质增效。", "一、建好阵地", "［图1］", "［表1］",
        "（一）健全制度。每月固定一天为代表进站活动日。"]
    assert article.images.get().image.name.endswith(".png")
    assert article.tables.get().rows[1] == ["城关镇", "3", "126"]

    bulletin = Bulletin.objects.prefetch_related("articles__images", "articles__tables").get(pk=bulletin.pk)
    reader = PdfReader(io.BytesIO(rendering.render_pdf(bulletin)))
    text = squeeze("".join(p.extract_text() for p in reader.pages))
    assert "乡镇联络站接待群众城关镇3126" in text
    images = [name for page in reader.pages for name, obj in page["/Resources"].get("/XObject", {}).items()
              if obj.get_object()["/Subtype"] == "/Image"]
    assert images


def test_a_file_that_is_not_docx_gets_a_clear_message(db):
    bulletin = BulletinFactory(number=8)
    with pytest.raises(ValidationError, match="docx"):
        services.article_import_docx(bulletin=bulletin, file=io.BytesIO(b"not a word file"))


def test_an_empty_docx_is_refused(db):
    bulletin = BulletinFactory(number=9)
    out = io.BytesIO()
    Document().save(out)
    out.seek(0)
    with pytest.raises(ValidationError, match="没有文字"):
        services.article_import_docx(bulletin=bulletin, file=out)


def test_import_article_command(db, tmp_path):
    bulletin = BulletinFactory(number=10)
    path = tmp_path / "稿件.docx"
    make_docx(path)
    out = io.StringIO()
    call_command("import_article", "--bulletin", str(bulletin.pk), str(path), stdout=out)
    assert "图片1张" in out.getvalue() and "表格1个" in out.getvalue()
    with pytest.raises(CommandError, match="没有编号为"):
        call_command("import_article", "--bulletin", "999999", str(path))


def test_render_bulletin_command_writes_the_pdf(db, tmp_path):
    bulletin = BulletinFactory(number=38, year=2024)
    ArticleFactory(bulletin=bulletin)
    target = tmp_path / "out.pdf"
    call_command("render_bulletin", "--series", "代表工作", "--year", "2024", "--issue", "38", "-o", str(target),
                 stderr=io.StringIO())
    assert target.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="没有找到"):
        call_command("render_bulletin", "--year", "2024", "--issue", "99", "-o", str(target))


def test_export_to_word_keeps_masthead_articles_and_closing_block(db):
    bulletin = BulletinFactory(number=11)
    services.article_import_docx(bulletin=bulletin, file=io.BytesIO(make_docx()))
    bulletin = Bulletin.objects.prefetch_related("articles__images", "articles__tables").get(pk=bulletin.pk)
    document = Document(io.BytesIO(docx_io.export_docx(bulletin)))
    text = "\n".join(p.text for p in document.paragraphs)
    for part in ("代表工作", "第11期", "＊我县代表联络站建设提质增效", "一、建好阵地",
                 "（襄城县人大常委会代表工委供稿）", "送：", "发：", "印发"):
        assert part in text
    assert len(document.tables) == 1 and len(document.inline_shapes) == 1


def png_bytes(size: tuple[int, int] = (120, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 200)).save(out, format="PNG")
    return out.getvalue()


def article_with_image(number: int, name: str) -> tuple[Bulletin, bytes]:
    bulletin = BulletinFactory(number=number)
    article = ArticleFactory(bulletin=bulletin, body="代表们走进联络站。\n［图1］\n听取群众意见。")
    data = png_bytes()
    image = ArticleImage(article=article, position=1, caption="代表接待群众")
    image.image.save(name, ContentFile(data), save=False)
    image.save()
    return Bulletin.objects.prefetch_related("articles__images", "articles__tables").get(pk=bulletin.pk), data


def docx_image_blobs(document) -> list[bytes]:
    return [document.part.related_parts[blip.get(qn("r:embed"))].blob
            for blip in document.element.body.iter(qn("a:blip"))]


def pdf_image_count(data: bytes) -> int:
    reader = PdfReader(io.BytesIO(data))
    return sum(1 for page in reader.pages for obj in page["/Resources"].get("/XObject", {}).values()
               if obj.get_object()["/Subtype"] == "/Image")


def test_word_export_keeps_an_image_whose_file_name_is_chinese(db):
    bulletin, data = article_with_image(21, "活动照片.png")
    assert "活动照片" in bulletin.articles.get().images.get().image.name
    document = Document(io.BytesIO(docx_io.export_docx(bulletin)))
    assert docx_image_blobs(document) == [data]
    assert "代表接待群众" in [p.text for p in document.paragraphs]


def test_pdf_and_word_read_images_through_the_storage_not_a_file_path(db, settings):
    # Like object storage, the in-memory one has no file on disk at the image's .path.
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    bulletin, data = article_with_image(22, "联络站照片.png")
    assert not Path(bulletin.articles.get().images.get().image.path).exists()
    assert pdf_image_count(rendering.render_pdf(bulletin)) == 1
    assert docx_image_blobs(Document(io.BytesIO(docx_io.export_docx(bulletin)))) == [data]


def test_word_export_marks_an_image_missing_from_the_storage(db):
    bulletin, _ = article_with_image(23, "照片.png")
    image = bulletin.articles.get().images.get()
    image.image.storage.delete(image.image.name)
    document = Document(io.BytesIO(docx_io.export_docx(bulletin)))
    assert docx_image_blobs(document) == []
    assert "［代表接待群众缺失］" in [p.text for p in document.paragraphs]


def footer_number(footer) -> tuple[object, str, list[str]]:
    paragraph = footer.paragraphs[0]
    codes = [el.text.strip() for el in paragraph._p.iter(qn("w:instrText"))]
    return paragraph.alignment, paragraph.text, codes


def test_word_export_has_running_total_page_numbers_and_organ_and_date_on_one_line(db):
    bulletin = BulletinFactory(number=12, running_number=138)
    ArticleFactory(bulletin=bulletin)
    document = Document(io.BytesIO(docx_io.export_docx(Bulletin.objects.get(pk=bulletin.pk))))
    texts = [p.text for p in document.paragraphs]
    assert "第12期（总第138期）" in texts

    # "— N —" with a PAGE field: odd pages on the right, even pages on the left.
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    assert footer_number(section.footer) == (WD_ALIGN_PARAGRAPH.RIGHT, "— 1 —", ["PAGE"])
    assert footer_number(section.even_page_footer) == (WD_ALIGN_PARAGRAPH.LEFT, "— 1 —", ["PAGE"])

    # Organ and date on one line: the date after a right tab stop at the text block's right edge
    # (less the half-character inset of the PDF), the red rule under the line.
    line = next(p for p in document.paragraphs if p.text == "\t襄城县人大常委会代表工作委员会\t2024年11月20日")
    text_width = section.page_width - section.left_margin - section.right_margin
    right_stops = [s.position for s in line.paragraph_format.tab_stops if s.alignment == WD_TAB_ALIGNMENT.RIGHT]
    assert len(right_stops) == 1 and abs(right_stops[0] - (text_width - Pt(8))) < Pt(0.1)  # stored in twips
    assert line.paragraph_format.left_indent in (None, 0) and line.paragraph_format.right_indent in (None, 0)
    rule = line._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}")
    assert rule is not None and rule.get(qn("w:color")) == "E60012"


def test_word_export_closing_block_issuer_left_and_date_right_between_rules(db):
    bulletin = BulletinFactory(number=13, copies=120)
    ArticleFactory(bulletin=bulletin)
    document = Document(io.BytesIO(docx_io.export_docx(Bulletin.objects.get(pk=bulletin.pk))))
    paragraphs = document.paragraphs
    issuer = next(i for i, p in enumerate(paragraphs) if p.text.endswith("印发"))
    assert paragraphs[issuer].text == "\t襄城县人大常委会代表工作委员会办公室\t2024年11月20日印发"
    assert paragraphs[-1].text == "\t（共印120份）"

    def rules(paragraph) -> set[str]:
        borders = paragraph._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}")
        return set() if borders is None else {el.tag.split("}")[1] for el in borders}

    first = issuer - 3  # the blank line above 送 and 发
    assert paragraphs[first].text == "" and rules(paragraphs[first]) == {"bottom"}
    assert rules(paragraphs[issuer]) == {"top"} and rules(paragraphs[-1]) == {"top", "bottom"}
