"""Every write of the bulletins app: issues, articles, imports, publication and the stored PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from bulletins import pdf, rendering, text
from bulletins.models import Article, ArticleImage, ArticleTable, Bulletin, BulletinEvent, BulletinStatus
from deputywork.models import Region, User

BULLETIN_FIELDS = ("series", "year", "number", "is_supplement", "running_number", "organ", "region", "issue_date",
                   "special_column", "send_to", "distribute_to", "issuer", "issued_on", "copies")
ARTICLE_FIELDS = ("title", "body", "contributor", "in_contents", "stats_start", "stats_end", "stats_region",
                  "stats_lead")
# A body this long is a mistake (a whole report pasted twice), not an article.
MAX_BODY_CHARS = 100_000


def _duplicate_message(bulletin: Bulletin) -> str:
    return f"《{bulletin.series}》{bulletin.year}年{bulletin.issue_label}已经存在，请换一个期号。"


def _check_issue_free(bulletin: Bulletin) -> None:
    # Numbered per issuing region (each county and township has its own 第1期), as the
    # constraints are; an issue of no region is numbered among those of no region.
    taken = Bulletin.objects.filter(series=bulletin.series, year=bulletin.year, number=bulletin.number,
                                    is_supplement=bulletin.is_supplement,
                                    region=bulletin.region_id).exclude(pk=bulletin.pk)
    if taken.exists():
        raise ValidationError({"number": _duplicate_message(bulletin)})


def _save_bulletin(bulletin: Bulletin) -> Bulletin:
    _check_issue_free(bulletin)
    bulletin.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            # Only the fields edited here: a full-row save would put back the status (and PDF) read
            # before a bulletin_publish that committed meanwhile.
            bulletin.save(update_fields=None if bulletin._state.adding else [*BULLETIN_FIELDS, "updated_at"])
    except IntegrityError as exc:  # two clerks taking the same number at once
        raise ValidationError({"number": _duplicate_message(bulletin)}) from exc
    return bulletin


def bulletin_create(**fields: Any) -> Bulletin:
    """A new draft issue; an issue number already taken in that series and year is refused."""
    unknown = set(fields) - set(BULLETIN_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    return _save_bulletin(Bulletin(**fields))


def bulletin_update(*, bulletin: Bulletin, **fields: Any) -> Bulletin:
    for name, value in fields.items():
        if name not in BULLETIN_FIELDS:
            raise TypeError(f"unknown field: {name}")
        setattr(bulletin, name, value)
    return _save_bulletin(bulletin)


def bulletin_save(*, bulletin: Bulletin) -> Bulletin:
    """Save an issue edited through a form (the admin): same checks as create and update."""
    return _save_bulletin(bulletin)


def article_validate(*, article: Article) -> None:
    """Raise ValidationError (keyed by field) for an article that may not be saved or published.
    The admin's forms call it too, so that their fields show the message instead of a 500."""
    if not article.title.strip():
        raise ValidationError({"title": "文章标题不能为空。"})
    if not text.clean_lines(article.body):
        raise ValidationError({"body": f"文章“{article.title}”正文为空，请粘贴正文或导入Word文档。"})
    if len(article.body) > MAX_BODY_CHARS:
        raise ValidationError({"body": f"正文有{len(article.body)}字，超过{MAX_BODY_CHARS}字，请拆成几篇文章。"})
    if (article.stats_start is None) != (article.stats_end is None):
        raise ValidationError({"stats_end": "统计起始日和截止日要同时填写。"})
    if article.stats_start and article.stats_end and article.stats_end < article.stats_start:
        raise ValidationError({"stats_end": "统计截止日不能早于起始日。"})


PUBLISHED_ARTICLES = "这一期已印发，不能再加入或改动文章；请先撤回为草稿。"
MOVED_MEANWHILE = "这篇文章刚被其他人移到另一期或删除，请刷新页面后重试。"


def article_save(*, article: Article) -> Article:
    """Save an article edited through a form; it goes to the end of the issue when new.

    An issued bulletin keeps its articles as issued: none is added to it, changed in it or
    moved out of it (until it is withdrawn to a draft)."""
    article_validate(article=article)
    with transaction.atomic():
        # Lock the issue (and the one it leaves, when it moves) and read its status afresh: a
        # bulletin_publish that got there first has frozen the figures this save would overwrite.
        # Locked, an issue takes no article in or out, so the numbering below is the next free one.
        was_in = (Article.objects.filter(pk=article.pk).values_list("bulletin_id", flat=True).first()
                  if article.pk else None)
        issues = {article.bulletin_id, was_in} - {None}
        locked = list(Bulletin.objects.select_for_update().filter(pk__in=issues).order_by("pk"))
        if any(b.is_published for b in locked):
            raise ValidationError({"bulletin": PUBLISHED_ARTICLES})
        if article.pk is not None and (was_in is None or not Article.objects.filter(
                pk=article.pk, bulletin_id__in=issues).exists()):
            raise ValidationError({"bulletin": MOVED_MEANWHILE})  # deleted, or moved elsewhere
        if article.pk is None and not article.position:
            last = article.bulletin.articles.order_by("-position").values_list("position", flat=True).first()
            article.position = (last or 0) + 1
        article.save()
    return article


def article_create(*, bulletin: Bulletin, title: str, body: str, **fields: Any) -> Article:
    unknown = set(fields) - set(ARTICLE_FIELDS) - {"position"}
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    return article_save(article=Article(bulletin=bulletin, title=title.strip(), body=body, **fields))


def article_update(*, article: Article, **fields: Any) -> Article:
    for name, value in fields.items():
        if name not in ARTICLE_FIELDS:
            raise TypeError(f"unknown field: {name}")
        setattr(article, name, value)
    return article_save(article=article)


def articles_reorder(*, bulletin: Bulletin, article_ids: list[int]) -> None:
    """Put the issue's articles in the given order (ids not listed keep their place after them)."""
    with transaction.atomic():
        articles = {a.pk: a for a in bulletin.articles.select_for_update()}
        order = [pk for pk in article_ids if pk in articles] + [pk for pk in articles if pk not in article_ids]
        for position, pk in enumerate(order, start=1):
            if articles[pk].position != position:
                articles[pk].position = position
                articles[pk].save(update_fields=["position"])


def article_import_text(*, bulletin: Bulletin, pasted: str, title: str = "", contributor: str = "") -> Article:
    """An article from pasted text: the first line is the title unless one is given."""
    lines = text.clean_lines(pasted)
    if not title and lines:
        title, lines = lines[0], lines[1:]
    if lines and not contributor and lines[-1].strip("（）()").endswith("供稿"):
        contributor = lines.pop().strip("（）()")
    return article_create(bulletin=bulletin, title=title, body="\n".join(lines), contributor=contributor)


def article_import_docx(*, bulletin: Bulletin, file: Any, title: str = "") -> Article:
    """An article from a Word .docx: paragraphs, images (kept) and tables (drawn) in their order."""
    from bulletins import docx_io

    parsed = docx_io.read_docx(file)
    title = title or parsed.title
    if not parsed.lines and not parsed.images and not parsed.tables:
        raise ValidationError("Word文档里没有文字，无法导入。")
    with transaction.atomic():
        article = article_create(bulletin=bulletin, title=title or "（无标题）", body="\n".join(parsed.lines),
                                 contributor=parsed.contributor)
        for position, (name, data) in enumerate(parsed.images, start=1):
            image = ArticleImage(article=article, position=position)
            image.image.save(name, ContentFile(data), save=False)
            image.save()
        for position, rows in enumerate(parsed.tables, start=1):
            ArticleTable.objects.create(article=article, position=position, rows=rows)
    return article


def bulletin_publish(*, bulletin: Bulletin, actor: User | None, render: bool = True) -> Bulletin:
    """印发: freeze the statistics blocks' figures, mark published and store the PDF (now, or at
    the first download when `render` is False). Without Chinese fonts nothing changes: the
    issue stays a draft (CJKFontMissing) rather than being published without its PDF."""
    if render:
        pdf.require_cjk_fonts()
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if bulletin.status == BulletinStatus.PUBLISHED:
            raise ValidationError("这一期已经印发。")
        articles = list(bulletin.articles.all())
        if not articles:
            raise ValidationError("这一期还没有文章，不能印发。")
        for article in articles:
            article_validate(article=article)
            if article.has_stats:
                found = rendering.frozen_or_live_figures(article)
                article.stats_frozen = [asdict(f) for f in found]
                article.save(update_fields=["stats_frozen"])
        bulletin.status = BulletinStatus.PUBLISHED
        bulletin.published_at = timezone.now()
        bulletin.published_by = actor
        bulletin.save(update_fields=["status", "published_at", "published_by", "updated_at"])
        BulletinEvent.objects.create(bulletin=bulletin, actor=actor, from_status=BulletinStatus.DRAFT,
                                     to_status=BulletinStatus.PUBLISHED, note="印发")
    if render:
        bulletin_pdf(bulletin=bulletin)
    return bulletin


def bulletin_unpublish(*, bulletin: Bulletin, actor: User | None, note: str = "") -> Bulletin:
    """Back to draft for a correction: the figures are counted afresh at the next publication.
    The event keeps who withdrew it, and when it had been issued."""
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if bulletin.status != BulletinStatus.PUBLISHED:
            raise ValidationError("这一期还是草稿，无需撤回。")
        issued = timezone.localtime(bulletin.published_at)
        BulletinEvent.objects.create(
            bulletin=bulletin, actor=actor, from_status=BulletinStatus.PUBLISHED, to_status=BulletinStatus.DRAFT,
            note=f"撤回修改（{issued:%Y-%m-%d %H:%M}印发）" + (f"：{note}" if note else ""),
            data={"published_at": bulletin.published_at.isoformat(),
                  "published_by": bulletin.published_by_id})
        bulletin.articles.update(stats_frozen=None)
        bulletin.status = BulletinStatus.DRAFT
        bulletin.published_at = None
        bulletin.published_by = None
        bulletin.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    return bulletin


def bulletin_pdf(*, bulletin: Bulletin) -> bytes:
    """The issue's PDF. A published issue's PDF is stored and served again while its content hash
    is unchanged; a draft is rendered every time (it is being edited)."""
    if not bulletin.is_published:
        return rendering.render_pdf(bulletin)
    digest = rendering.content_hash(bulletin)
    if bulletin.pdf_file and bulletin.pdf_hash == digest:
        try:
            with bulletin.pdf_file.open("rb") as fh:
                return fh.read()
        except FileNotFoundError:
            pass
    data = rendering.render_pdf(bulletin)
    old_name = bulletin.pdf_file.name if bulletin.pdf_file else ""
    bulletin.pdf_file.save(f"{bulletin.file_stem()}-{digest[:12]}.pdf", ContentFile(data), save=False)
    bulletin.pdf_hash = digest
    Bulletin.objects.filter(pk=bulletin.pk).update(pdf_file=bulletin.pdf_file.name, pdf_hash=digest)
    if old_name and old_name != bulletin.pdf_file.name:
        bulletin.pdf_file.storage.delete(old_name)
    return data


def next_issue_number(*, series: str, year: int, region: Region | None, is_supplement: bool = False) -> int:
    """The next 第N期 of a series in a year, counted for the issuing region (each county and
    township numbers its own)."""
    last = (Bulletin.objects.filter(series=series, year=year, is_supplement=is_supplement, region=region)
            .order_by("-number").values_list("number", flat=True).first())
    return (last or 0) + 1


def today() -> dt.date:
    return timezone.localdate()
