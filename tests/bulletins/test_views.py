from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, BulletinFactory, UserFactory


@pytest.fixture
def issues(county, township, other_township):
    county_draft = BulletinFactory(number=1, region=county)
    county_published = BulletinFactory(number=2, region=county, status="published",
                                       published_at="2024-11-20T08:00:00+08:00")
    ours = BulletinFactory(number=3, region=township, organ="城关镇人大")
    theirs = BulletinFactory(number=4, region=other_township, organ="库庄镇人大")
    for b in (county_draft, county_published, ours, theirs):
        ArticleFactory(bulletin=b)
    return county_draft, county_published, ours, theirs


def test_list_page_shows_what_each_staff_member_may_see(client, office_user, township_user, issues,
                                                      django_assert_max_num_queries):
    county_draft, county_published, ours, theirs = issues
    client.force_login(office_user)
    # session, user, issues with article counts (one query), count for the pager, years
    # (township staff: + their region)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("bulletins:list"))
    assert response.status_code == 200
    assert {b.pk for b in response.context["page"]} == {b.pk for b in issues}

    client.force_login(township_user)
    response = client.get(reverse("bulletins:list"))
    assert {b.pk for b in response.context["page"]} == {county_published.pk, ours.pk}


def test_list_page_query_budget_does_not_grow_with_issues(client, office_user, county, django_assert_max_num_queries):
    for n in range(1, 26):
        ArticleFactory(bulletin=BulletinFactory(number=n, region=county))
    client.force_login(office_user)
    with django_assert_max_num_queries(6):  # same queries as with four issues
        assert client.get(reverse("bulletins:list")).status_code == 200


def test_preview_pdf_and_word_for_owner_colleague_and_outsider(client, township, township_user, other_township_user,
                                                              issues, django_assert_max_num_queries):
    ours = issues[2]
    colleague = UserFactory(role="township", region=township, username="chengguan2")
    for user in (township_user, colleague):
        client.force_login(user)
        # session, user, the user's region, issue, articles, images, tables
        with django_assert_max_num_queries(7):
            preview = client.get(reverse("bulletins:preview", args=[ours.pk]))
        assert preview.status_code == 200 and "代表工作" in preview.content.decode()
    response = client.get(reverse("bulletins:pdf", args=[ours.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    response = client.get(reverse("bulletins:docx", args=[ours.pk]))
    assert response.status_code == 200 and response.content.startswith(b"PK")

    client.force_login(other_township_user)
    for name in ("bulletins:preview", "bulletins:pdf", "bulletins:docx"):
        assert client.get(reverse(name, args=[ours.pk])).status_code == 404


def test_township_staff_never_see_the_countys_drafts(client, township_user, issues):
    client.force_login(township_user)
    assert client.get(reverse("bulletins:preview", args=[issues[0].pk])).status_code == 404
    assert client.get(reverse("bulletins:preview", args=[issues[1].pk])).status_code == 200


def test_other_roles_get_404_and_anonymous_users_the_login_page(client, issues, county):
    assert client.get(reverse("bulletins:list")).status_code == 302
    deputy = UserFactory(role="deputy", region=county, username="deputy1")
    client.force_login(deputy)
    assert client.get(reverse("bulletins:list")).status_code == 404


def test_admin_change_page_import_and_duplicate_number(client, office_user, county, issues, tmp_path):
    from tests.bulletins.test_docx import make_docx

    office_user.is_staff = True
    office_user.save()
    client.force_login(office_user)
    bulletin = issues[0]
    assert client.get(reverse("admin:bulletins_bulletin_change", args=[bulletin.pk])).status_code == 200
    assert client.get(reverse("admin:bulletins_bulletin_changelist")).status_code == 200
    assert client.get(reverse("admin:bulletins_bulletin_add")).status_code == 200

    path = tmp_path / "a.docx"
    make_docx(path)
    with path.open("rb") as fh:
        response = client.post(reverse("admin:bulletins_bulletin_import", args=[bulletin.pk]), {"file": fh})
    assert response.status_code == 302
    assert bulletin.articles.filter(title="我县代表联络站建设提质增效").exists()

    response = client.post(reverse("admin:bulletins_bulletin_import", args=[bulletin.pk]), {"pasted": ""})
    assert "请选择Word文档或粘贴文字" in response.content.decode()

    data = {"series": "代表工作", "year": 2024, "number": 2, "organ": "襄城县人大常委会代表工作委员会",
            "issue_date": "2024-12-01", "issuer": "办公室", "issued_on": "2024-12-01",
            "articles-TOTAL_FORMS": 0, "articles-INITIAL_FORMS": 0}
    response = client.post(reverse("admin:bulletins_bulletin_add"), data)
    assert response.status_code == 200
    assert "这一期号已经存在" in response.content.decode()


def test_township_staff_create_issues_in_their_own_township(client, township, township_user):
    township_user.is_staff = True
    township_user.save()
    client.force_login(township_user)
    data = {"series": "城关人大", "year": 2024, "number": 1, "organ": "城关镇人大主席团", "issue_date": "2024-12-01",
            "issuer": "城关镇人大主席团办公室", "issued_on": "2024-12-01",
            "articles-TOTAL_FORMS": 1, "articles-INITIAL_FORMS": 0, "articles-0-position": 1,
            "articles-0-title": "代表进站", "articles-0-body": "正文。", "articles-0-in_contents": "on"}
    response = client.post(reverse("admin:bulletins_bulletin_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    from bulletins.models import Bulletin

    bulletin = Bulletin.objects.get(series="城关人大")
    assert bulletin.region == township and bulletin.articles.get().title == "代表进站"
    assert client.get(reverse("bulletins:preview", args=[bulletin.pk])).status_code == 200


@pytest.fixture
def no_cjk_fonts(monkeypatch):
    from bulletins import pdf

    monkeypatch.setattr(pdf, "cjk_font_families", lambda: ())


def test_pdf_page_without_cjk_fonts_says_why_with_503(client, office_user, issues, no_cjk_fonts):
    client.force_login(office_user)
    response = client.get(reverse("bulletins:pdf", args=[issues[0].pk]))
    assert response.status_code == 503
    page = response.content.decode()
    assert "没有安装中文字体" in page and "fonts-noto-cjk" in page
    assert reverse("bulletins:docx", args=[issues[0].pk]) in page


def test_publishing_without_cjk_fonts_shows_the_reason_and_publishes_nothing(client, office_user, issues,
                                                                            no_cjk_fonts):
    from bulletins.models import Bulletin

    office_user.is_staff = True
    office_user.save()
    client.force_login(office_user)
    draft = issues[0]
    response = client.post(reverse("admin:bulletins_bulletin_changelist"),
                           {"action": "publish", "_selected_action": [draft.pk]}, follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1 and "未印发" in shown[0] and "没有安装中文字体" in shown[0]
    draft = Bulletin.objects.get(pk=draft.pk)
    assert draft.status == "draft" and draft.published_at is None and not draft.pdf_file


TOO_LONG = "代表" * 50_001  # 100,002 characters, over services.MAX_BODY_CHARS


def test_admin_refuses_an_over_long_article_in_a_new_issue_and_saves_nothing(client, office_user, county):
    from bulletins.models import Article, Bulletin

    office_user.is_staff = True
    office_user.save()
    client.force_login(office_user)
    data = {"series": "代表工作", "year": 2024, "number": 60, "organ": "襄城县人大常委会代表工作委员会",
            "issue_date": "2024-12-01", "issuer": "办公室", "issued_on": "2024-12-01",
            "articles-TOTAL_FORMS": 1, "articles-INITIAL_FORMS": 0, "articles-0-position": 1,
            "articles-0-title": "一篇过长的稿件", "articles-0-body": TOO_LONG, "articles-0-in_contents": "on"}
    response = client.post(reverse("admin:bulletins_bulletin_add"), data)
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert "超过100000字" in " ".join(formset.forms[0].errors["body"])
    assert "超过100000字" in response.content.decode()
    assert not Bulletin.objects.filter(number=60).exists()
    assert not Article.objects.filter(title="一篇过长的稿件").exists()


def test_article_admin_refuses_an_over_long_body_on_the_field(client, office_user, issues):
    from bulletins.models import Article

    office_user.is_staff = True
    office_user.save()
    client.force_login(office_user)
    article = issues[0].articles.get()
    data = {"bulletin": article.bulletin_id, "position": article.position, "title": "改过的标题", "body": TOO_LONG,
            "in_contents": "on", "images-TOTAL_FORMS": 0, "images-INITIAL_FORMS": 0,
            "tables-TOTAL_FORMS": 0, "tables-INITIAL_FORMS": 0}
    response = client.post(reverse("admin:bulletins_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert "超过100000字" in " ".join(response.context["adminform"].form.errors["body"])
    assert Article.objects.get(pk=article.pk).title == article.title

    # The same rule that the service keeps: a period that ends before it starts, on its field.
    data.update(body="正文。", stats_start="2024-10-01", stats_end="2024-09-01")
    response = client.post(reverse("admin:bulletins_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["stats_end"] == ["统计截止日不能早于起始日。"]


def test_an_article_refused_by_the_service_after_the_form_passed_is_told_not_a_500(client, office_user, issues,
                                                                                  monkeypatch):
    """The issue was issued (印发) between the form's check and the save: the admin tells the
    clerk why on the same page, and nothing of the page is written."""
    from django.contrib.messages import get_messages
    from django.core.exceptions import ValidationError

    from bulletins import services
    from bulletins.models import Article

    def issued_meanwhile(*, article):
        article.save()  # the admin's transaction rolls this back
        raise ValidationError({"bulletin": services.PUBLISHED_ARTICLES})

    monkeypatch.setattr(services, "article_save", issued_meanwhile)
    office_user.is_staff = True
    office_user.save()
    client.force_login(office_user)
    article = issues[0].articles.get()
    url = reverse("admin:bulletins_article_change", args=[article.pk])
    data = {"bulletin": article.bulletin_id, "position": article.position, "title": "改过的标题", "body": "正文。",
            "in_contents": "on", "images-TOTAL_FORMS": 0, "images-INITIAL_FORMS": 0,
            "tables-TOTAL_FORMS": 0, "tables-INITIAL_FORMS": 0}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url
    assert [str(m) for m in get_messages(response.wsgi_request)] == [services.PUBLISHED_ARTICLES]
    assert Article.objects.get(pk=article.pk).title == article.title


def test_an_article_deleted_meanwhile_is_not_brought_back(issues):
    from django.core.exceptions import ValidationError

    from bulletins import services
    from bulletins.models import Article

    stale = Article.objects.get(pk=issues[0].articles.get().pk)  # the page read before the delete
    Article.objects.filter(pk=stale.pk).delete()
    stale.title = "改过的标题"
    with pytest.raises(ValidationError, match="刚被其他人移到另一期或删除"):
        services.article_save(article=stale)
    assert not Article.objects.filter(pk=stale.pk).exists()


def test_the_issues_history_shows_to_its_office_in_chinese(client, office_user, county):
    from bulletins import services

    bulletin = BulletinFactory(region=county)
    ArticleFactory(bulletin=bulletin)
    services.bulletin_publish(bulletin=bulletin, actor=office_user, render=False)
    services.bulletin_unpublish(bulletin=bulletin, actor=office_user, note="错字")
    client.force_login(office_user)  # an office login: a role, not Django's per-model permissions
    page = client.get(reverse("admin:bulletins_bulletin_change", args=[bulletin.pk])).content.decode()
    assert "简报记录" in page and "撤回修改" in page and "错字" in page
    assert "已印发" in page and "<p>published</p>" not in page and "<p>draft</p>" not in page
