"""One template for the HTML preview and the PDF of an issue, and the content hash of an issue.

The PDF of a published issue is stored and served again until the issue changes; what
"changes" means is `content_hash`: every field that is printed, the articles, their images
and tables, the frozen figures and the template itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models.fields.files import FieldFile
from django.template.loader import get_template, render_to_string

from bulletins import fonts, pdf, text
from bulletins.models import Article, Bulletin
from deputywork import figures

TEMPLATE = "bulletins/bulletin.html"
# The PDF asks for an article image by this URL and bulletins.pdf reads it from the storage.
IMAGE_URL = "bulletin-image:{pk}"
CSS_TEMPLATE = "bulletins/bulletin.css"
CHINESE_DIGITS = "〇一二三四五六七八九"


def chinese_date(day: dt.date) -> str:
    """2024年11月20日 (digits as in print; GB/T 9704 uses Arabic numerals for dates)."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class ArticleView:
    article: Article
    anchor: str
    blocks: list[dict[str, Any]] = field(default_factory=list)


def frozen_or_live_figures(article: Article) -> list[figures.Figure]:
    """The figures of an article's statistics block: as frozen at publication, or counted now."""
    if not article.has_stats:
        return []
    if article.stats_frozen is not None:
        return [figures.Figure(**item) for item in article.stats_frozen]
    # No region of its own: the issuing region's figures (a county's bulletin counts its county).
    region = article.stats_region if article.stats_region_id else article.bulletin.region
    return figures.collect_figures(article.stats_start, article.stats_end, region)


def stats_sentence(article: Article) -> str:
    """The statistics block as the bulletin writes it: 今年以来，全县……收集意见建议468条，解决实际问题356个。"""
    found = frozen_or_live_figures(article)
    if not found:
        return ""
    # The lead is the sentence's subject, written on: 今年以来，全县各级人大代表 + 征集意见建议468条…
    return article.stats_lead.strip() + figures.figures_sentence(found)


def read_image(image: FieldFile) -> bytes:
    """An uploaded image's bytes through its storage: media may be on another machine (object
    storage), and a file name with Chinese in it is not a path to percent-encode and decode."""
    with image.storage.open(image.name, "rb") as fh:
        return fh.read()


def article_view(article: Article, index: int, *, for_pdf: bool) -> ArticleView:
    images = {img.position: img for img in article.images.all()}
    tables = {t.position: t for t in article.tables.all()}
    view = ArticleView(article=article, anchor=f"a{index}")
    blocks = text.parse_body(article.body)
    if article.has_stats and not any(b.kind == "stats" for b in blocks):
        blocks.append(text.Block("stats"))
    for block in blocks:
        item: dict[str, Any] = {"kind": block.kind, "heading": block.heading, "text": block.text}
        if block.kind == "image":
            img = images.get(block.ref)
            if img is None or not img.image:
                item = {"kind": "p", "text": f"［图{block.ref}缺失］", "heading": ""}
            else:
                item["src"] = IMAGE_URL.format(pk=img.pk) if for_pdf else img.image.url
                item["file"] = img.image
                item["caption"] = img.caption
        elif block.kind == "table":
            table = tables.get(block.ref)
            if table is None or not table.rows:
                item = {"kind": "p", "text": f"［表{block.ref}缺失］", "heading": ""}
            else:
                item["head"], item["rows"] = table.rows[0], table.rows[1:]
        elif block.kind == "stats":
            sentence = stats_sentence(article)
            if not sentence:
                continue
            item = {"kind": "p", "text": sentence, "heading": "", "stats": True}
        view.blocks.append(item)
    return view


def context(bulletin: Bulletin, *, for_pdf: bool) -> dict[str, Any]:
    articles = list(bulletin.articles.all())
    views = [article_view(a, i, for_pdf=for_pdf) for i, a in enumerate(articles, start=1)]
    return {
        "bulletin": bulletin,
        "articles": views,
        "contents": [v for v in views if v.article.in_contents],
        "issue_date": chinese_date(bulletin.issue_date),
        "issued_on": chinese_date(bulletin.issued_on),
        "for_pdf": for_pdf,
        # The PDF gets its stylesheet apart, parsed once per thread (bulletins.pdf.stylesheet).
        "css": "" if for_pdf else render_to_string(CSS_TEMPLATE),
    }


def render_html(bulletin: Bulletin, *, for_pdf: bool = False) -> str:
    return render_to_string(TEMPLATE, context(bulletin, for_pdf=for_pdf))


def image_resources(ctx: dict[str, Any]) -> dict[str, Any]:
    """The PDF's image URLs, each with a function that reads the image from its storage."""
    return {block["src"]: (lambda file=block["file"]: read_image(file))
            for item in ctx["articles"] for block in item.blocks if block["kind"] == "image"}


def render_pdf(bulletin: Bulletin) -> bytes:
    """Render an issue to PDF now (see services.bulletin_pdf for the stored copy)."""
    ctx = context(bulletin, for_pdf=True)
    return pdf.html_to_pdf(render_to_string(TEMPLATE, ctx), css=render_to_string(CSS_TEMPLATE),
                           font_files=fonts.reduced_files(), foot_class="closing", resources=image_resources(ctx))


def _template_source(name: str) -> str:
    return get_template(name).template.source


def content_hash(bulletin: Bulletin) -> str:
    """A fingerprint of everything printed in the issue; a different value means render again."""
    fields = ["series", "year", "number", "is_supplement", "running_number", "organ", "issue_date",
              "special_column", "send_to", "distribute_to", "issuer", "issued_on", "copies"]
    data: dict[str, Any] = {name: str(getattr(bulletin, name)) for name in fields}
    data["articles"] = [
        {
            "title": a.title, "body": a.body, "contributor": a.contributor, "in_contents": a.in_contents,
            "stats": [str(a.stats_start), str(a.stats_end), a.stats_region_id, a.stats_lead, a.stats_frozen],
            "images": [[i.position, i.image.name, i.caption] for i in a.images.all()],
            "tables": [[t.position, t.rows] for t in a.tables.all()],
        }
        for a in bulletin.articles.all()
    ]
    data["template"] = hashlib.sha256(
        (_template_source(TEMPLATE) + _template_source(CSS_TEMPLATE)).encode()).hexdigest()
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
