"""The figures liaison offers to bulletins and dashboards (deputywork.figures registry)."""

from __future__ import annotations

import datetime as dt

from deputywork.figures import Figure
from deputywork.models import Region
from liaison.models import Activity, Dispute, DisputeStatus, Participation, ReceptionEntry


def liaison_figures(start: dt.date, end: dt.date, region: Region | None) -> list[Figure]:
    activities = Activity.objects.filter(date__range=(start, end))
    parts = Participation.objects.filter(activity__date__range=(start, end), signed_in_at__isnull=False)
    receptions = ReceptionEntry.objects.filter(date__range=(start, end))
    resolved = Dispute.objects.filter(status=DisputeStatus.RESOLVED, closed_on__range=(start, end))
    if region is not None:
        p = region.prefix
        activities = activities.filter(region__code__startswith=p)
        parts = parts.filter(activity__region__code__startswith=p)
        receptions = receptions.filter(station__region__code__startswith=p)
        resolved = resolved.filter(region__code__startswith=p)
    return [
        Figure("liaison.activities", "开展代表活动", activities.count(), "开展代表活动{value}次"),
        Figure("liaison.deputy_attendances", "代表参加活动", parts.count(), "代表参加活动{value}人次"),
        Figure("liaison.residents_received", "接待群众", receptions.count(), "接待群众{value}人次"),
        Figure("liaison.disputes_resolved", "化解矛盾纠纷", resolved.count(), "化解矛盾纠纷{value}起"),
    ]
