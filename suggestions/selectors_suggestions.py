"""Every read of suggestions a user sees, already scoped and joined."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from deputywork import workdays
from deputywork.figures import Figure
from deputywork.models import Region, User
from deputywork.roles import is_staff_member, region_q
from suggestions.models import (
    Assignment,
    Consultation,
    Evaluation,
    HandlingUnit,
    Reply,
    Suggestion,
    SuggestionStatus,
)

S = SuggestionStatus


def _with_lists(qs: QuerySet) -> QuerySet:
    active = Assignment.objects.filter(active=True).select_related("unit")
    return qs.select_related("congress__region", "category", "lead_deputy").prefetch_related(
        Prefetch("assignments", queryset=active, to_attr="active_assignments"))


def suggestions_for_staff(*, user: User) -> QuerySet:
    """Office staff see all; township staff the items of their township (by the item's region)."""
    if not is_staff_member(user):
        return Suggestion.objects.none()
    return _with_lists(Suggestion.objects.filter(region_q(user, "region")))


def suggestions_of_deputy(*, user: User) -> QuerySet:
    """A deputy's own: led or co-signed. A merged item shows the main item's reply on its page,
    so every deputy of a merged item still gets an answer."""
    deputy = getattr(user, "deputy", None)
    if deputy is None:
        return Suggestion.objects.none()
    ids = Suggestion.objects.filter(Q(lead_deputy=deputy) | Q(co_signers=deputy)).values("pk")
    return _with_lists(Suggestion.objects.filter(pk__in=ids))


def units_of(user: User) -> QuerySet:
    return HandlingUnit.objects.filter(users=user, active=True)


def assignments_of_unit_user(*, user: User) -> QuerySet:
    """The active assignments of the user's units, with their item: the unit portal list."""
    if not (user.is_authenticated and user.role == "unit"):
        return Assignment.objects.none()
    return (Assignment.objects.filter(active=True, unit__users=user)
            .select_related("unit", "suggestion__congress__region", "suggestion__category",
                            "suggestion__lead_deputy")
            .annotate(consultation_count=Count("consultations", distinct=True))
            .order_by("deadline", "pk"))


def assignment_for_unit_user(*, user: User, pk: int) -> Assignment:
    """One of the user's assignments, or 404 (a unit never sees items not assigned to it)."""
    try:
        return assignments_of_unit_user(user=user).get(pk=pk)
    except Assignment.DoesNotExist:
        raise Http404 from None


def suggestion_for_staff(*, user: User, pk: int) -> Suggestion:
    try:
        return suggestions_for_staff(user=user).get(pk=pk)
    except Suggestion.DoesNotExist:
        raise Http404 from None


def suggestion_for_deputy(*, user: User, pk: int) -> Suggestion:
    try:
        return suggestions_of_deputy(user=user).get(pk=pk)
    except Suggestion.DoesNotExist:
        raise Http404 from None


def item_may_be_seen_by(user: User, suggestion: Suggestion) -> bool:
    """For attachment and PDF downloads: staff in scope, its deputies, its active units."""
    if suggestions_for_staff(user=user).filter(pk=suggestion.pk).exists():
        return True
    if suggestions_of_deputy(user=user).filter(pk=suggestion.pk).exists():
        return True
    return assignments_of_unit_user(user=user).filter(suggestion=suggestion).exists()


def days_left(today: dt.date, rows: list) -> bool:
    """Set `days_left` (working days to the deadline, negative when passed) on each row that has a
    `deadline`, with one calendar fetch for all; return whether any count was estimated."""
    if not rows:
        return False
    counts, estimated = workdays.working_days_from(today, [r.deadline for r in rows])
    for r in rows:
        r.days_left = counts[r.deadline]
    return estimated


def timeline(suggestion: Suggestion) -> QuerySet:
    return suggestion.events.select_related("actor").order_by("created_at", "pk")


def latest_reply(suggestion: Suggestion) -> Reply | None:
    return (suggestion.replies.select_related("reply_class", "assignment__unit")
            .order_by("-created_at", "-pk").first())


def overdue_assignments(*, user: User, on: dt.date) -> QuerySet:
    items = suggestions_for_staff(user=user).filter(status__in=(S.ASSIGNED, S.IN_PROGRESS))
    return (Assignment.objects.filter(active=True, suggestion__in=items.values("pk"), deadline__lt=on)
            .select_related("unit", "suggestion__congress__region", "suggestion__lead_deputy")
            .order_by("deadline"))


def public_results() -> QuerySet:
    return _with_lists(Suggestion.objects.filter(status=S.CLOSED, public=True)).order_by("-closed_at")


# --- ledger and rates ---------------------------------------------------------------------------

def ledger_rows(*, user: User, year: int | None = None) -> QuerySet:
    """Every suggestion in scope with units, last reply and evaluations: the 台账."""
    qs = suggestions_for_staff(user=user).exclude(status=S.DRAFT)
    if year:
        qs = qs.filter(year=year)
    return qs.prefetch_related(
        Prefetch("replies", queryset=Reply.objects.select_related("reply_class").order_by("created_at", "pk"),
                 to_attr="all_replies"),
        Prefetch("evaluations", queryset=Evaluation.objects.order_by("created_at", "pk"), to_attr="all_evaluations"),
        "co_signers",
    ).order_by("year", "period", "seq")


@dataclass
class Rates:
    name: str
    assigned: int = 0
    closed: int = 0
    consulted: int = 0
    replied: int = 0
    on_time: int = 0
    evaluated: int = 0
    satisfied: int = 0
    extra: dict = field(default_factory=dict)

    @staticmethod
    def pct(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def close_rate(self) -> float | None:
        return self.pct(self.closed, self.assigned)

    @property
    def consult_rate(self) -> float | None:
        return self.pct(self.consulted, self.assigned)

    @property
    def satisfaction_rate(self) -> float | None:
        return self.pct(self.satisfied, self.evaluated)

    @property
    def on_time_rate(self) -> float | None:
        return self.pct(self.on_time, self.replied)


def rates(*, user: User, year: int | None = None) -> tuple[Rates, list[Rates]]:
    """办结率 (closed / assigned), 见面率 (consulted / assigned), 满意率 (满意 + 基本满意 over
    evaluated items, last evaluation counts), on-time rate (first reply by the deadline), per
    lead unit and overall. Three queries whatever the number of items."""
    items = suggestions_for_staff(user=user).exclude(status__in=(S.DRAFT, S.SUBMITTED, S.REGISTERED,
                                                                  S.NOT_REGISTERED, S.MERGED))
    if year:
        items = items.filter(year=year)
    rows = list(Assignment.objects.filter(active=True, role="lead", suggestion__in=items.values("pk"))
                .annotate(consulted=Exists(Consultation.objects.filter(assignment__suggestion=OuterRef("suggestion"))))
                .values("suggestion_id", "suggestion__status", "unit_id", "unit__name", "consulted"))
    first_replies: dict[int, bool] = {}
    for sid, on_time in (Reply.objects.filter(suggestion__in=items.values("pk"))
                         .order_by("created_at", "pk").values_list("suggestion_id", "on_time")):
        first_replies.setdefault(sid, on_time)
    last_eval: dict[int, str] = {}
    for sid, overall in (Evaluation.objects.filter(suggestion__in=items.values("pk"))
                         .order_by("created_at", "pk").values_list("suggestion_id", "overall")):
        last_eval[sid] = overall
    total = Rates(name="合计")
    per_unit: dict[int, Rates] = defaultdict(lambda: Rates(name=""))
    for r in rows:
        unit = per_unit[r["unit_id"]]
        unit.name = r["unit__name"]
        for agg in (total, unit):
            sid = r["suggestion_id"]
            agg.assigned += 1
            agg.closed += r["suggestion__status"] == S.CLOSED
            agg.consulted += bool(r["consulted"])
            if sid in first_replies:
                agg.replied += 1
                agg.on_time += first_replies[sid]
            if sid in last_eval:
                agg.evaluated += 1
                agg.satisfied += last_eval[sid] in ("satisfied", "basic")
    return total, sorted(per_unit.values(), key=lambda r: r.name)


def figures(start: dt.date, end: dt.date, region: Region | None) -> list[Figure]:
    """For the bulletin: suggestions raised, assigned, replied, closed, and the satisfaction rate."""
    qs = Suggestion.objects.exclude(status=S.DRAFT)
    if region is not None:
        qs = qs.filter(Q(region__code__startswith=region.prefix) | Q(congress__region__code__startswith=region.prefix))
    raised = qs.filter(submitted_at__date__range=(start, end)).count()
    assigned = (Assignment.objects.filter(suggestion__in=qs.values("pk"), role="lead", assigned_on__range=(start, end))
                .values("suggestion").distinct().count())
    replied = (Reply.objects.filter(suggestion__in=qs.values("pk"), created_at__date__range=(start, end))
               .values("suggestion").distinct().count())
    closed = qs.filter(closed_at__date__range=(start, end)).count()
    evals = Evaluation.objects.filter(suggestion__in=qs.values("pk"), created_at__date__range=(start, end))
    n = evals.count()
    good = evals.filter(overall__in=("satisfied", "basic")).count()
    return [
        Figure("suggestions.raised", "代表提出建议", raised, "代表提出建议{value}件"),
        Figure("suggestions.assigned", "交办建议", assigned, "交办{value}件"),
        Figure("suggestions.replied", "答复建议", replied, "答复{value}件"),
        Figure("suggestions.closed", "办结建议", closed, "办结{value}件"),
        Figure("suggestions.satisfaction", "满意率（%）", round(100 * good / n) if n else 0,
               "代表满意率{value}%"),
    ]
