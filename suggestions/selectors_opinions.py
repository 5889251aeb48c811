"""Reads of residents' opinions, already scoped to who asks and already joined."""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField as BoolField
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone

from deputies.models import Deputy, Membership
from deputywork.figures import Figure
from deputywork.models import Region, User
from deputywork.roles import is_staff_member, scope_region, sees_every_row
from liaison.models import LiaisonStation
from suggestions.models import Opinion, OpinionEvent, OpinionNotice, OpinionStatus, Suggestion
from suggestions.models.opinions import tracking_code_as_stored

S = OpinionStatus
IN_PROGRESS = (S.ACCEPTED, S.FORWARDED)
# Adopted opinions are in neither: they follow their suggestion (see opinion_counts).
DONE = (S.ANSWERED, S.DECLINED, S.CLOSED)

_LIST_RELATED = ("category", "place", "region", "deputy", "group", "station", "forwarded_to")


def _with_overdue(qs: QuerySet) -> QuerySet:
    today = timezone.localdate()
    return qs.annotate(
        is_overdue=Case(When(status=S.FORWARDED, due_date__lt=today, then=True), default=False,
                        output_field=BoolField())
    )


def deputy_of(user: User) -> Deputy | None:
    return getattr(user, "deputy", None) if user.is_authenticated else None


def opinions_for_deputy(*, user: User) -> QuerySet[Opinion]:
    """Opinions sent to this user's deputy, to a group they currently belong to, or to a station
    they are stationed at. A group's or a station's opinion is its members' while no one deputy
    has it (the resident named one, or staff reassigned it to one)."""
    deputy = deputy_of(user)
    if deputy is None:
        return Opinion.objects.none()
    groups = Membership.objects.filter(deputy=deputy, ended_on__isnull=True).values("group_id")
    stations = LiaisonStation.deputies.through.objects.filter(deputy=deputy).values("liaisonstation_id")
    unread = OpinionNotice.objects.filter(user=user, opinion=OuterRef("pk"), read_at__isnull=True)
    mine = Q(deputy=deputy) | Q(Q(group__in=groups) | Q(station__in=stations), deputy__isnull=True)
    qs = Opinion.objects.filter(mine).select_related(*_LIST_RELATED)
    return _with_overdue(qs.annotate(unread=Exists(unread)))


def opinion_for_deputy(*, user: User, pk: int) -> Opinion:
    """One inbox item, or 404 when it is not this deputy's (never a 403)."""
    try:
        return opinions_for_deputy(user=user).get(pk=pk)
    except Opinion.DoesNotExist as exc:
        raise Http404 from exc


def opinion_scope_q(user: User) -> Q:
    """The opinions in the staff member's region: by the opinion's township, or for one with
    none, by its recipient's region, as `Opinion.placed_in` reads it (the deputy's residence,
    else the group's, else the station's region)."""
    if sees_every_row(user):
        return Q()
    region = scope_region(user)
    return opinions_in_q(region) if region is not None else Q(pk__in=[])


def opinions_in_q(region: Region) -> Q:
    """The opinions placed in `region` (as `Opinion.placed_in` reads one)."""
    inside, no_town = region.prefix, Q(region__isnull=True)
    return (Q(region__code__startswith=inside)
            | (no_town & Q(deputy__isnull=False, deputy__residence__code__startswith=inside))
            | (no_town & Q(deputy__isnull=True, group__isnull=False, group__region__code__startswith=inside))
            | (no_town & Q(deputy__isnull=True, group__isnull=True, station__region__code__startswith=inside)))


def opinions_for_staff(*, user: User) -> QuerySet[Opinion]:
    """Every opinion in the staff member's region (see `opinion_scope_q`)."""
    if not is_staff_member(user):
        return Opinion.objects.none()
    qs = Opinion.objects.filter(opinion_scope_q(user)).select_related(*_LIST_RELATED)
    return _with_overdue(qs)


def opinion_for_staff(*, user: User, pk: int) -> Opinion:
    try:
        return opinions_for_staff(user=user).get(pk=pk)
    except Opinion.DoesNotExist as exc:
        raise Http404 from exc


def opinion_by_code(code: str) -> Opinion:
    """The opinion a tracking code names (case and spaces forgiven), or 404."""
    try:
        return (Opinion.objects.select_related("deputy", "group", "station")
                .get(tracking_code=tracking_code_as_stored(code)))
    except Opinion.DoesNotExist as exc:
        raise Http404 from exc


def opinion_events(opinion: Opinion) -> QuerySet[OpinionEvent]:
    return opinion.events.select_related("actor").order_by("created_at", "pk")


def unread_count(user: User) -> int:
    """New-opinion notices this user has not opened. Counted once per request: the answer is kept
    on the request's user, so the inbox heading and the portal menu share one query. (A view that
    marks notices read does so before anything counts.)"""
    if not user.is_authenticated:
        return 0
    cached = getattr(user, "_unread_opinions", None)
    if cached is None:
        cached = OpinionNotice.objects.filter(user=user, read_at__isnull=True).count()
        user._unread_opinions = cached
    return cached


# --- figures -------------------------------------------------------------------------------------

# A suggestion whose handling has ended: closed (销号) by the office, or not registered (e.g. made
# a reference paper 参阅件, an answer the deputy is told about).
_FINISHED_SUGGESTIONS = ("closed", "not_registered")


def opinion_counts(start: dt.date, end: dt.date, region: Region | None = None) -> dict[str, int]:
    """Counts of the opinions received from `start` to `end` (both included) inside `region`.

    waiting + in_progress + done == collected, each opinion by its status today:

    - waiting: submitted, not yet accepted (or declined) by anyone;
    - in_progress: accepted, forwarded as a small matter, or adopted into a suggestion that is
      still being handled (DESIGN.md: an adopted opinion lives on in its suggestion, which units
      must handle and answer; its matter is done when the suggestion is closed or not registered,
      directly or through the suggestion it was merged into);
    - done: answered on the spot, declined with a reason, closed, or adopted into a finished one;
    - forwarded: sent to a township or unit as a small matter (小事快办) at some point, whatever its
      status now (a forwarded matter stays forwarded after it is answered and closed);
    - solved: answered, or closed after an answer or a forwarded matter's handling.
    """
    qs = Opinion.objects.filter(submitted_at__date__gte=start, submitted_at__date__lte=end)
    if region is not None:
        qs = qs.filter(opinions_in_q(region))
    solved_events = OpinionEvent.objects.filter(opinion=OuterRef("pk"), kind="move",
                                                from_status__in=[S.ANSWERED, S.FORWARDED], to_status=S.CLOSED)
    finished = Suggestion.objects.filter(
        Q(status__in=_FINISHED_SUGGESTIONS) | Q(status="merged", merged_into__status__in=_FINISHED_SUGGESTIONS),
        source_opinions=OuterRef("pk"))
    adopted_done = Q(status=S.ADOPTED) & Q(Exists(finished))
    return qs.aggregate(
        collected=Count("pk"),
        waiting=Count("pk", filter=Q(status=S.SUBMITTED)),
        forwarded=Count("pk", filter=Q(forwarded_to__isnull=False)),
        in_progress=Count("pk", filter=Q(status__in=IN_PROGRESS) | (Q(status=S.ADOPTED) & ~Q(Exists(finished)))),
        done=Count("pk", filter=Q(status__in=DONE) | adopted_done),
        solved=Count("pk", filter=Q(status=S.ANSWERED) | Q(Exists(solved_events))),
    )


def opinion_figures(start: dt.date, end: dt.date, region: Region | None = None) -> list[Figure]:
    """The figures a bulletin writes, from true counts (see `opinion_counts`):

    收集意见建议212条，已全部转交有关单位办理，其中27件正在办理中，185件已经办理完成，解决实际问题185个。

    "已全部转交" is said only when every opinion collected was forwarded to a township or unit;
    otherwise the number forwarded follows the progress (转交有关单位办理M件), and is left out when
    none was. Opinions nobody has accepted yet are named (N件待受理) rather than hidden among
    those in progress. A figure whose phrase is empty is left out of the sentence, not the table.
    """
    c = opinion_counts(start, end, region)
    all_forwarded = bool(c["collected"]) and c["forwarded"] == c["collected"]
    if all_forwarded:
        forwarded_phrase = "已全部转交有关单位办理"
    else:
        forwarded_phrase = "转交有关单位办理{value}件" if c["forwarded"] else ""
    forwarded = Figure("opinions.forwarded", "转交有关单位", c["forwarded"], forwarded_phrase)
    # "其中" opens the breakdown of what was collected, on whichever part comes first.
    waiting = Figure("opinions.waiting", "待受理", c["waiting"], "其中{value}件待受理" if c["waiting"] else "")
    in_progress = Figure("opinions.in_progress", "正在办理", c["in_progress"],
                         "{value}件正在办理中" if c["waiting"] else "其中{value}件正在办理中")
    return [
        Figure("opinions.collected", "收集意见建议", c["collected"], "收集意见建议{value}条"),
        *([forwarded] if all_forwarded else []),
        waiting,
        in_progress,
        Figure("opinions.done", "办理完成", c["done"], "{value}件已经办理完成"),
        *([] if all_forwarded else [forwarded]),
        Figure("opinions.solved", "解决实际问题", c["solved"], "解决实际问题{value}个"),
    ]
