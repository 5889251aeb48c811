"""The article admin keeps a township clerk to their own drafts; a published issue stays as issued."""

import pytest
from django.contrib import admin
from django.utils import timezone

from bulletins.admin import ArticleForm, ImageInline
from bulletins.models import Article
from tests.factories import ArticleFactory, BulletinFactory, RegionFactory

pytestmark = pytest.mark.django_db


def form_for(user, bulletin):
    form_class = type("Form", (ArticleForm,), {"user": user})
    return form_class({"bulletin": bulletin.pk, "position": 1, "title": "镇人大开展代表活动日",
                       "body": "活动中，代表们听取群众意见。", "contributor": "", "in_contents": "on"})


def test_a_township_clerk_files_articles_only_into_their_own_townships_drafts(township, county, township_user,
                                                                              office_user):
    other = RegionFactory(code="411025106000", name="库庄镇", parent=county)
    own = BulletinFactory(region=township, number=1)
    theirs = BulletinFactory(region=other, number=2)
    assert form_for(township_user, own).is_valid()
    refused = form_for(township_user, theirs)
    assert not refused.is_valid() and "只能把文章放进本单位的简报" in str(refused.errors)
    assert form_for(office_user, theirs).is_valid()


def test_a_published_issue_takes_no_new_or_changed_articles_and_keeps_its_pictures(township, township_user, rf):
    issue = BulletinFactory(region=township, number=3, status="published", published_at=timezone.now())
    refused = form_for(township_user, issue)
    assert not refused.is_valid() and "已印发" in str(refused.errors)
    article = ArticleFactory(bulletin=issue, position=1)
    request = rf.get("/")
    request.user = township_user
    inline = ImageInline(Article, admin.site)
    assert not inline.has_delete_permission(request, article)
    assert not inline.has_add_permission(request, article)


def test_an_issued_bulletin_keeps_its_articles_whichever_way_they_come(township, township_user):
    from django.core.exceptions import ValidationError

    from bulletins import services

    issue = BulletinFactory(region=township, number=4, status="published", published_at=timezone.now())
    article = ArticleFactory(bulletin=issue, position=1, title="镇人大开展代表活动日")
    draft = BulletinFactory(region=township, number=5)
    # Out of it, through the article admin's form: the instance still holds the issued bulletin.
    form_class = type("Form", (ArticleForm,), {"user": township_user})
    moved = form_class({"bulletin": draft.pk, "position": 1, "title": article.title, "body": article.body,
                        "contributor": "", "in_contents": "on"}, instance=article)
    assert not moved.is_valid() and "已印发" in str(moved.errors)
    # Into it, or changed in it, through the services (the admin's import page calls them).
    with pytest.raises(ValidationError, match="已印发"):
        services.article_import_text(bulletin=issue, pasted="补充一篇\n正文一段。")
    with pytest.raises(ValidationError, match="已印发"):
        services.article_update(article=article, title="改过的标题")
    article.bulletin = draft
    with pytest.raises(ValidationError, match="已印发"):
        services.article_save(article=article)
    assert list(issue.articles.values_list("title", flat=True)) == ["镇人大开展代表活动日"]
