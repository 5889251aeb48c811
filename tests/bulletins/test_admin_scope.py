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
