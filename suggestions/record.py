"""The suggestions' and opinions' part of each deputy's performance record (履职档案).

Registered with liaison.record from SuggestionsConfig.ready(); three queries whatever the
number of deputies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Count, Q
from django.utils import timezone

from deputies.models import Deputy
from liaison.record import RecordItem, RecordSection
from suggestions.models import Opinion, OpinionStatus, Suggestion, SuggestionStatus

# A suggestion counts in the record once it has left the deputy's drafts.
NOT_COUNTED = (SuggestionStatus.DRAFT,)
REGISTERED = (SuggestionStatus.REGISTERED, SuggestionStatus.ASSIGNED, SuggestionStatus.IN_PROGRESS,
              SuggestionStatus.REPLIED, SuggestionStatus.EVALUATED, SuggestionStatus.CLOSED)


def suggestions_section(deputies: Sequence[Deputy], year: int) -> dict[int, RecordSection]:
    led: dict[int, list[Suggestion]] = defaultdict(list)
    cosigned: dict[int, list[Suggestion]] = defaultdict(list)
    base = Suggestion.objects.filter(year=year).exclude(status__in=NOT_COUNTED).select_related("congress__region")
    for s in base.filter(lead_deputy__in=deputies).order_by("submitted_at", "pk"):
        led[s.lead_deputy_id].append(s)
    through = Suggestion.co_signers.through.objects.filter(
        deputy__in=deputies, suggestion__year=year).exclude(suggestion__status__in=NOT_COUNTED)
    for row in through.select_related("suggestion__congress__region").order_by("suggestion__submitted_at"):
        cosigned[row.deputy_id].append(row.suggestion)
    opinions = dict(
        (row["deputy"], (row["received"], row["handled"]))
        for row in Opinion.objects.filter(deputy__in=deputies, submitted_at__year=year).values("deputy").annotate(
            received=Count("pk"), handled=Count("pk", filter=~Q(status=OpinionStatus.SUBMITTED)))
    )
    out = {}
    def item(s: Suggestion, role: str) -> RecordItem:
        day = timezone.localdate(s.submitted_at) if s.submitted_at else None  # the day in China, not UTC
        return RecordItem(day, f"{role}：{s.number} {s.title}", s.get_status_display())

    for d in deputies:
        items = [item(s, "领衔") for s in led[d.pk]] + [item(s, "联名") for s in cosigned[d.pk]]
        items.sort(key=lambda i: (i.date is None, i.date))
        received, handled = opinions.get(d.pk, (0, 0))
        out[d.pk] = RecordSection("suggestions", "提出建议和联系群众", [
            ("领衔提出建议（件）", len(led[d.pk])), ("联名提出建议（件）", len(cosigned[d.pk])),
            ("建议立案（件）", sum(1 for s in led[d.pk] if s.status in REGISTERED)),
            ("收到群众意见（条）", received), ("已受理群众意见（条）", handled),
        ], items)
    return out
