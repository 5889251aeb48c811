from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from bulletins import rendering, services
from bulletins.models import Article, Bulletin, BulletinStatus
from deputywork import figures
from tests.factories import ArticleFactory, BulletinFactory
from tests.races import meet, run_in_threads


def new_issue(**overrides) -> Bulletin:
    fields = {"series": "代表工作", "year": 2024, "number": 38, "issue_date": dt.date(2024, 11, 20),
              "issued_on": dt.date(2024, 11, 20)}
    return services.bulletin_create(**{**fields, **overrides})


def test_an_issue_number_already_taken_is_refused_with_a_clear_message(db):
    new_issue()
    with pytest.raises(ValidationError, match="2024年第38期已经存在"):
        new_issue()


def test_supplements_are_numbered_apart(db):
    new_issue()
    supplement = new_issue(is_supplement=True, number=38)
    assert str(supplement) == "《代表工作》2024年增刊第38期"


def test_an_empty_article_is_refused(db):
    bulletin = new_issue()
    with pytest.raises(ValidationError, match="正文为空"):
        services.article_create(bulletin=bulletin, title="空文章", body="\u3000\u3000\n  \n")


def test_new_articles_go_to_the_end_and_can_be_reordered(db):
    bulletin = new_issue()
    first = services.article_create(bulletin=bulletin, title="甲", body="正文。")
    second = services.article_create(bulletin=bulletin, title="乙", body="正文。")
    assert (first.position, second.position) == (1, 2)
    services.articles_reorder(bulletin=bulletin, article_ids=[second.pk, first.pk])
    assert list(bulletin.articles.values_list("title", flat=True)) == ["乙", "甲"]


def test_pasted_text_becomes_title_body_and_contributor(db):
    bulletin = new_issue()
    article = services.article_import_text(
        bulletin=bulletin, pasted="代表活动日见闻\n\u3000\u3000第一段。\n\n第二段。\n（许昌市人大常委会代表工委供稿）")
    assert (article.title, article.body, article.contributor) == (
        "代表活动日见闻", "第一段。\n第二段。", "许昌市人大常委会代表工委供稿")


@pytest.fixture
def fake_figures(monkeypatch):
    counts = {"collected": 468, "solved": 356}
    calls = []

    def source(start, end, region):
        calls.append((start, end, region))
        return [figures.Figure("opinions.collected", "征集意见建议", counts["collected"], "征集意见建议{value}条"),
                figures.Figure("opinions.solved", "解决实际问题", counts["solved"], "解决实际问题{value}个")]

    monkeypatch.setattr(figures, "_SOURCES", {"opinions": source})
    return counts, calls


def test_statistics_block_is_a_sentence_frozen_at_publication(db, county, office_user, fake_figures):
    counts, calls = fake_figures
    bulletin = new_issue()
    article = services.article_create(
        bulletin=bulletin, title="代表活动日", body="开头。\n［统计］\n结尾。", stats_start=dt.date(2024, 1, 1),
        stats_end=dt.date(2024, 11, 15), stats_region=county, stats_lead="今年以来，全县各级人大代表")
    assert rendering.stats_sentence(article) == "今年以来，全县各级人大代表征集意见建议468条，解决实际问题356个。"
    assert calls[-1] == (dt.date(2024, 1, 1), dt.date(2024, 11, 15), county)

    services.bulletin_publish(bulletin=bulletin, actor=office_user, render=False)
    counts["collected"] = 999
    article.refresh_from_db()
    assert article.stats_frozen[0]["value"] == 468
    html = rendering.render_html(Bulletin.objects.get(pk=bulletin.pk))
    assert "征集意见建议468条" in html and "999" not in html
    assert html.index("开头。") < html.index("征集意见建议468条") < html.index("结尾。")


def test_publishing_an_issue_without_articles_is_refused(db, office_user):
    with pytest.raises(ValidationError, match="还没有文章"):
        services.bulletin_publish(bulletin=new_issue(), actor=office_user)


def test_published_pdf_is_stored_and_rendered_again_only_when_the_issue_changes(db, office_user, monkeypatch):
    bulletin = BulletinFactory(number=5)
    ArticleFactory(bulletin=bulletin)
    renders = []
    real_render = rendering.render_pdf
    monkeypatch.setattr(rendering, "render_pdf", lambda b: renders.append(b.pk) or real_render(b))

    services.bulletin_publish(bulletin=bulletin, actor=office_user)
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.PUBLISHED and bulletin.pdf_file and len(renders) == 1
    first = services.bulletin_pdf(bulletin=bulletin)
    assert first.startswith(b"%PDF") and len(renders) == 1  # served from storage

    # The colophon corrected after issue (its articles stay as issued): printed again.
    services.bulletin_update(bulletin=bulletin, copies=bulletin.copies + 10)
    bulletin.refresh_from_db()
    services.bulletin_pdf(bulletin=bulletin)
    assert len(renders) == 2
    services.bulletin_pdf(bulletin=bulletin)
    assert len(renders) == 2


def test_drafts_are_rendered_every_time_and_not_stored(db):
    bulletin = BulletinFactory(number=6)
    ArticleFactory(bulletin=bulletin)
    assert services.bulletin_pdf(bulletin=bulletin).startswith(b"%PDF")
    bulletin.refresh_from_db()
    assert not bulletin.pdf_file


def test_unpublish_returns_to_draft_and_thaws_the_figures(db, office_user, fake_figures):
    bulletin = new_issue()
    services.article_create(bulletin=bulletin, title="甲", body="正文。", stats_start=dt.date(2024, 1, 1),
                            stats_end=dt.date(2024, 2, 1))
    services.bulletin_publish(bulletin=bulletin, actor=office_user, render=False)
    issued = Bulletin.objects.get(pk=bulletin.pk).published_at
    services.bulletin_unpublish(bulletin=bulletin, actor=office_user, note="统计口径有误")
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.DRAFT and bulletin.published_at is None
    assert bulletin.articles.get().stats_frozen is None
    # Who issued and who withdrew it, and when it had been issued, stay on record.
    events = list(bulletin.events.values_list("from_status", "to_status", "actor", "note", "data"))
    assert [e[:3] for e in events] == [("draft", "published", office_user.pk), ("published", "draft", office_user.pk)]
    assert "统计口径有误" in events[1][3] and events[1][4]["published_at"] == issued.isoformat()
    with pytest.raises(ValidationError, match="还是草稿"):
        services.bulletin_unpublish(bulletin=bulletin, actor=office_user)
    assert bulletin.events.count() == 2


def test_demo_seed_is_idempotent(db, capsys):
    import io

    from bulletins import demo
    from deputywork import demo as core_demo

    core_demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())
    before = list(Bulletin.objects.values_list("pk", "status", "updated_at"))
    demo.seed(stdout=io.StringIO())
    assert list(Bulletin.objects.values_list("pk", "status", "updated_at")) == before
    assert Bulletin.objects.filter(status="published").count() == 2
    assert Bulletin.objects.filter(status="draft").count() == 1


def test_saving_an_issue_read_before_its_publication_keeps_it_published(db, office_user):
    bulletin = BulletinFactory(number=7)
    ArticleFactory(bulletin=bulletin)
    stale = Bulletin.objects.get(pk=bulletin.pk)  # the admin's copy, read before the publication
    services.bulletin_publish(bulletin=bulletin, actor=office_user, render=False)
    stale.copies = 300
    services.bulletin_save(bulletin=stale)
    bulletin.refresh_from_db()
    assert bulletin.status == BulletinStatus.PUBLISHED and bulletin.published_at and bulletin.copies == 300


def _meet_before_writing(monkeypatch, barrier):
    """An article's own save (not publication's update of its figures) and, with `barrier` in both,
    the publication's status write wait for each other before going on."""
    article_save, bulletin_save = Article.save, Bulletin.save

    def article_meets(self, *args, **kwargs):
        if "update_fields" not in kwargs:
            meet(barrier)
        return article_save(self, *args, **kwargs)

    def bulletin_meets(self, *args, **kwargs):
        bulletin_save(self, *args, **kwargs)
        meet(barrier)

    monkeypatch.setattr(Article, "save", article_meets)
    monkeypatch.setattr(Bulletin, "save", bulletin_meets)


@pytest.mark.django_db(transaction=True)
def test_an_article_edited_while_its_issue_is_published_keeps_the_frozen_figures(county, office_user,
                                                                                  fake_figures, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL row locks")
    bulletin = new_issue()
    article = services.article_create(bulletin=bulletin, title="代表活动日", body="开头。\n［统计］",
                                      stats_start=dt.date(2024, 1, 1), stats_end=dt.date(2024, 11, 15))
    # The edit has looked at the issue (a draft) and the publication has written everything but not
    # committed when they meet; unlocked, the edit's whole-row save then lands after the publication.
    _meet_before_writing(monkeypatch, threading.Barrier(2, timeout=1.5))
    outcomes = {}

    def edit():
        try:
            services.article_update(article=Article.objects.get(pk=article.pk), body="改过的正文。\n［统计］")
            outcomes["edit"] = "ok"
        except ValidationError as exc:
            outcomes["edit"] = "refused" if services.PUBLISHED_ARTICLES in exc.messages else str(exc)

    def publish():
        services.bulletin_publish(bulletin=Bulletin.objects.get(pk=bulletin.pk), actor=office_user, render=False)
        outcomes["publish"] = "ok"

    run_in_threads(edit, publish)
    assert outcomes["publish"] == "ok" and outcomes["edit"] in ("ok", "refused")
    article.refresh_from_db()
    assert Bulletin.objects.get(pk=bulletin.pk).status == BulletinStatus.PUBLISHED
    assert article.stats_frozen is not None
    assert article.body == ("改过的正文。\n［统计］" if outcomes["edit"] == "ok" else "开头。\n［统计］")


@pytest.mark.django_db(transaction=True)
def test_two_articles_added_to_an_issue_at_once_get_their_own_positions(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL row locks")
    bulletin = new_issue()
    _meet_before_writing(monkeypatch, threading.Barrier(2, timeout=1.5))

    def add(title):
        return lambda: services.article_create(bulletin=Bulletin.objects.get(pk=bulletin.pk), title=title,
                                               body="正文。")

    run_in_threads(add("甲"), add("乙"))
    assert sorted(bulletin.articles.values_list("position", flat=True)) == [1, 2]
