"""Every read of the deputies app that a user sees: scoped to the user and already joined."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Prefetch, Q, QuerySet

from deputies.models import ActivityGroup, Congress, Deputy, Mandate, MandateStatus, Membership
from deputywork.roles import scope_region, scope_to_region, sees_every_row

DEPUTY_REGION_PATHS = ("residence", "mandates__congress__region")
GROUP_REGION_PATHS = ("region",)


def active_mandates() -> Prefetch:
    return Prefetch(
        "mandates",
        queryset=Mandate.objects.filter(status=MandateStatus.ACTIVE).select_related("congress__region")
        .order_by("congress__level", "congress__region__code"),
        to_attr="active_mandates",
    )


def current_memberships() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.filter(ended_on__isnull=True).select_related("group").order_by("group__name"),
        to_attr="current_memberships",
    )


def active_stations() -> list[Prefetch]:
    """The active liaison stations a deputy is stationed at, as `active_stations`.

    Stations belong to the liaison app, which this app does not import: they are read through
    the reverse accessor `LiaisonStation.deputies` leaves on Deputy. Without that app, none.
    """
    try:
        station = Deputy._meta.get_field("liaison_stations").related_model
    except FieldDoesNotExist:
        return []
    return [Prefetch("liaison_stations", queryset=station.objects.filter(active=True).order_by("kind", "name"),
                     to_attr="active_stations")]


def deputies_visible_to(user: Any) -> QuerySet[Deputy]:
    """The people a staff member may see: township staff those who live or sit in their township."""
    qs = Deputy.objects.select_related("residence")
    return scope_to_region(qs, user, *DEPUTY_REGION_PATHS)


def deputy_list(*, user: Any, filters: dict[str, str] | None = None) -> QuerySet[Deputy]:
    """The staff deputy list: seats and groups prefetched (3 queries for any page size)."""
    filters = filters or {}
    qs = deputies_visible_to(user)
    if filters.get("q"):
        q = filters["q"].strip()
        qs = qs.filter(Q(name__contains=q) | Q(mobile__contains=q) | Q(employer_title__contains=q))
    if filters.get("congress"):
        qs = qs.filter(mandates__congress_id=filters["congress"], mandates__status=MandateStatus.ACTIVE)
    if filters.get("level"):
        qs = qs.filter(mandates__congress__level=filters["level"], mandates__status=MandateStatus.ACTIVE)
    if filters.get("status") == "active":
        qs = qs.filter(mandates__status=MandateStatus.ACTIVE)
    elif filters.get("status") == "ended":
        qs = qs.exclude(mandates__status=MandateStatus.ACTIVE)
    if filters.get("group"):
        qs = qs.filter(memberships__group_id=filters["group"], memberships__ended_on__isnull=True)
    for name in ("gender", "party", "occupation", "education"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("region"):
        qs = qs.filter(Q(residence__code__startswith=filters["region"])
                       | Q(mandates__congress__region__code__startswith=filters["region"]))
    return qs.distinct().prefetch_related(active_mandates(), current_memberships()).order_by("name", "pk")


def deputy_public(token: str) -> Deputy | None:
    """A deputy by public token, with the seats, groups and stations the public page shows."""
    return (Deputy.objects.filter(public_token=token)
            .prefetch_related(active_mandates(), current_memberships(), *active_stations()).first())


def current_members() -> Prefetch:
    """A group's current members, leaders first, as `group.current_memberships`."""
    return Prefetch("memberships", queryset=Membership.objects.filter(ended_on__isnull=True)
                    .select_related("deputy").order_by("role", "deputy__name"), to_attr="current_memberships")


def group_public(token: str) -> ActivityGroup | None:
    return (ActivityGroup.objects.filter(public_token=token, active=True).select_related("region")
            .prefetch_related(current_members()).first())


def groups_visible_to(user: Any) -> QuerySet[ActivityGroup]:
    return scope_to_region(ActivityGroup.objects.select_related("region"), user, *GROUP_REGION_PATHS)


def congresses_visible_to(user: Any) -> QuerySet[Congress]:
    """The congresses of the user's area and those above it (a township clerk reports on the
    county congress's deputies who live in the township); a county's office does not list
    another county's congresses. Those who see every row list them all."""
    qs = Congress.objects.select_related("region").order_by("-start_date", "level", "region__code")
    region = scope_region(user) if not sees_every_row(user) else None
    if region is None:
        return qs
    return qs.filter(Q(region__code__startswith=region.prefix) | Q(region__code__in=region.enclosing_codes()))
