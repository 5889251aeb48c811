"""Every read of bulletins a user sees, already scoped and joined."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from bulletins.models import Article, Bulletin, BulletinStatus
from deputywork.models import User
from deputywork.roles import region_q, scope_region, sees_every_row


def bulletins_visible_to(*, user: User) -> QuerySet[Bulletin]:
    """Office staff see every issue (a county's office its county's); township staff the issues
    of their own township and the published issues of the county above it (never its drafts);
    other roles nothing."""
    qs = Bulletin.objects.select_related("region")
    if sees_every_row(user):
        return qs
    region = scope_region(user)
    if region is None:
        return qs.none()
    # The county's published issues are sent to every township: they may read those too.
    own = region_q(user, "region")
    return qs.filter(own | Q(region__code__in=region.enclosing_codes(), status=BulletinStatus.PUBLISHED))


def bulletin_list(*, user: User, status: str = "", year: int | None = None) -> QuerySet[Bulletin]:
    """The list page: issues with their article count (one query)."""
    qs = bulletins_visible_to(user=user).annotate(article_count=Count("articles"))
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-is_supplement", "-number")


def bulletin_for_render(*, user: User, pk: int) -> Bulletin:
    """One issue with everything the template prints, in four queries (issue, articles, images,
    tables); 404 when the user may not see it."""
    articles = Article.objects.select_related("stats_region").prefetch_related("images", "tables")
    try:
        return bulletins_visible_to(user=user).prefetch_related(Prefetch("articles", queryset=articles)).get(pk=pk)
    except Bulletin.DoesNotExist as exc:
        raise Http404 from exc


def bulletin_by_issue(*, series: str, year: int, number: int, supplement: bool = False) -> Bulletin:
    """For the command line: the issue named by series, year and number, ready to render."""
    articles = Article.objects.select_related("stats_region").prefetch_related("images", "tables")
    return (Bulletin.objects.prefetch_related(Prefetch("articles", queryset=articles))
            .get(Q(series=series, year=year, number=number, is_supplement=supplement)))


def bulletin_years(*, user: User) -> list[int]:
    return list(bulletins_visible_to(user=user).order_by("-year").values_list("year", flat=True).distinct())
