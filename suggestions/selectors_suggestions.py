"""Every read of suggestions a user sees, already scoped and joined."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.http import Http404

from deputywork import workdays
from deputywork.figures import Figure
from deputywork.models import Region, User
from deputywork.roles import is_staff_member, region_q, sees_every_row
from liaison.privacy import mask_name, mask_phone
from suggestions.models import (
    Assignment,
    Consultation,
    Evaluation,
    HandlingUnit,
    Opinion,
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
    """Office staff see all (a county's office its county's); township staff the items of their
    township: by the item's region, or for an item with none, by its congress's."""
    if not is_staff_member(user):
        return Suggestion.objects.none()
    return _with_lists(Suggestion.objects.filter(suggestion_scope_q(user)))


def suggestion_scope_q(user: User) -> Q:
    if sees_every_row(user):
        return Q()
    return region_q(user, "region") | (Q(region__isnull=True) & region_q(user, "congress__region"))


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


def reply_may_be_read_by(user: User, suggestion: Suggestion) -> bool:
    """For a reply's signed PDF: whoever may see the item, and the deputies of the items merged
    into it (并案), whose answer it is. They get the reply, not the main item's attachments."""
    if item_may_be_seen_by(user, suggestion):
        return True
    return suggestions_of_deputy(user=user).filter(status=S.MERGED, merged_into=suggestion).exists()


def merged_items(suggestion: Suggestion) -> QuerySet:
    """The items merged into `suggestion`, with their deputies: their deputies are answered by its
    reply, and the unit may consult them."""
    return (suggestion.merged_items.select_related("congress__region", "lead_deputy")
            .prefetch_related("co_signers").order_by("submitted_at", "pk"))


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


# An 18-digit (or old 15-digit) resident ID number, and a mainland mobile number, standing alone.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:[1-9][0-9]{16}[0-9Xx]|[1-9][0-9]{14})(?![0-9A-Za-z])")
# Also written +86 138 1234 5678, 138-1234-5678 or in full-width digits (read as plain ones).
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９＋", "0123456789+")
MOBILE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}(?![0-9])")


def mask_personal_text(text: str, names: Iterable[str] = ()) -> str:
    """Text as shown to the public: ID numbers (4110**********1234), mobile numbers
    (139****5678) and the given residents' names (赵**) masked. Deputies' and units' names stay:
    a deputy answers for a public office (DESIGN.md: residents' data is what stays private)."""
    text = _masked(ID_NUMBER, lambda found: found[:4] + "*" * (len(found) - 8) + found[-4:], text)
    text = _masked(MOBILE, lambda found: mask_phone(re.sub(r"[^0-9]", "", found)[-11:]), text)
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text


def _masked(pattern: re.Pattern, mask: Callable[[str], str], text: str) -> str:
    """`text` with each match of `pattern` replaced by its mask. Matched as if full-width digits
    were plain ones (one character for one, so the places agree); the rest keeps its own digits."""
    plain = text.translate(FULL_WIDTH_DIGITS)
    parts, last = [], 0
    for m in pattern.finditer(plain):
        parts += [text[last:m.start()], mask(m[0])]
        last = m.end()
    return "".join(parts) + text[last:]


def resident_names(suggestion: Suggestion) -> list[str]:
    """The names of the residents whose opinions the item came from (its own and its merged
    items'): what `mask_personal_text` masks in its public title and reply."""
    names = Opinion.objects.filter(
        Q(suggestions=suggestion) | Q(suggestions__merged_into=suggestion)).exclude(resident_name="")
    return list(names.values_list("resident_name", flat=True))


def follow_up_items(*, user: User) -> QuerySet:
    """B and C items still under follow-up (跟踪办理), this year's and those carried over from
    earlier years, with the date of their last supervision: the office's follow-up list. An item
    leaves it when the office ends the follow-up or a later reply is class A."""
    return (suggestions_for_staff(user=user).filter(follow_up=True)
            .exclude(status__in=(S.DRAFT, S.NOT_REGISTERED, S.MERGED))
            .annotate(last_supervision=Max("supervisions__date"))
            .order_by("year", "period", "seq"))


def in_year(qs: QuerySet, year: int | None) -> QuerySet:
    """A year's items, and earlier years' items still under follow-up (B/C 结转下一年度), each
    marked `carried_over` so lists and the ledger can flag them (上年度结转)."""
    if not year:
        return qs.annotate(carried_over=Value(False, output_field=BooleanField()))
    return qs.filter(Q(year=year) | Q(year__lt=year, follow_up=True)).annotate(
        carried_over=Case(When(year__lt=year, then=Value(True)), default=Value(False), output_field=BooleanField()))


def public_results() -> QuerySet:
    return _with_lists(Suggestion.objects.filter(status=S.CLOSED, public=True)).order_by("-closed_at")


# --- ledger and rates ---------------------------------------------------------------------------

def ledger_rows(*, user: User, year: int | None = None) -> QuerySet:
    """Every suggestion in scope with units, last reply and evaluations: the 台账. A year's ledger
    also lists earlier years' items still under follow-up, marked `carried_over`."""
    qs = in_year(suggestions_for_staff(user=user).exclude(status=S.DRAFT), year)
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
    """办结率 (closed / assigned), 见面率 (consulted by the current lead unit / assigned), 满意率
    (满意 + 基本满意 over evaluated items, last evaluation counts), on-time rate (first reply by
    the deadline), per lead unit and overall. Three queries whatever the number of items.

    A year's rates count that year's own items only, never those carried over under follow-up:
    a carried item was counted in the year it was raised, and counting it again would let one
    B reply weigh in two years' 办结率 (the list and the ledger still show it, flagged)."""
    items = suggestions_for_staff(user=user).exclude(status__in=(S.DRAFT, S.SUBMITTED, S.REGISTERED,
                                                                  S.NOT_REGISTERED, S.MERGED))
    if year:
        items = items.filter(year=year)
    rows = list(Assignment.objects.filter(active=True, role="lead", suggestion__in=items.values("pk"))
                # 见面率: the current lead unit's own 面商, not an assisting or a replaced unit's.
                .annotate(consulted=Exists(Consultation.objects.filter(assignment=OuterRef("pk"))))
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
