"""Posters for deputies and activity groups, built on the reusable `deputies.qr`."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from deputies.models import ActivityGroup, CongressLevel, Deputy, GroupRole, Mandate, MandateStatus
from deputies.qr import Poster, public_url, render_posters
from deputies.selectors import active_mandates, current_members, current_memberships
from deputywork.models import Region, RegionLevel

DEPUTY_CALL = "扫一扫，向代表反映意见建议"
GROUP_CALL = "扫一扫，向代表活动小组反映意见建议"


def deputy_public_url(deputy: Deputy) -> str:
    return public_url(reverse("deputies:public_deputy", args=[deputy.public_token]))


def group_public_url(group: ActivityGroup) -> str:
    return public_url(reverse("deputies:public_group", args=[group.public_token]))


def seat_label(mandate: Mandate) -> str:
    """襄城县第十七届人大代表（第一选区）."""
    congress = mandate.congress
    text = str(congress).replace("人民代表大会", "人大代表")
    return text + (f"（{mandate.electoral_district}）" if mandate.electoral_district else "")


def poster_organ(region: Region | None, counties: dict[str, str] | None = None) -> str:
    """Who puts the poster up: the office of the county the region lies in
    (襄城县人大常委会代表工作委员会), or "" above county level. `counties` holds the names
    `county_names` fetched for a batch; without it the county is looked up."""
    if region is None or region.level in (RegionLevel.PROVINCE, RegionLevel.CITY):
        return ""
    code = _county_code(region)
    if region.level == RegionLevel.COUNTY:
        county = region.name
    elif counties is not None:
        county = counties.get(code)
    else:
        county = Region.objects.filter(code=code).values_list("name", flat=True).first()
    return _("%(county)s人大常委会代表工作委员会") % {"county": county} if county else ""


def _county_code(region: Region) -> str:
    return region.code[:6] + "0" * 6


def county_names(regions: Iterable[Region | None]) -> dict[str, str]:
    """The names of the counties these regions lie in, by county code, in one query."""
    codes = {_county_code(r) for r in regions if r is not None}
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}


def _photo_path(field) -> str | None:
    if not field:
        return None
    try:
        return field.path
    except NotImplementedError:  # object storage: no local path, no photo on the poster
        return None


def deputy_poster(deputy: Deputy, organ: str | None = None, counties: dict[str, str] | None = None) -> Poster:
    """Needs `active_mandates` and `current_memberships` prefetched (see selectors).

    `organ` is the footer; by default the office of the county of the deputy's seat (or,
    for a seat above the county, of their residence), named from `counties` when given."""
    members = getattr(deputy, "current_memberships", None)
    if members is None:
        members = list(deputy.memberships.filter(ended_on__isnull=True).select_related("group"))
    seats = _seats(deputy)
    top = _top_seat(seats)
    lines = [seat_label(m) for m in seats]
    lines += [f"{m.group.name}{m.get_role_display() if m.role != GroupRole.MEMBER else _('成员')}" for m in members]
    if deputy.employer_title:
        lines.append(deputy.employer_title)
    return Poster(
        title=deputy.name,
        subtitle=seat_label(top).split("（")[0] if top else _("人大代表"),
        lines=lines[:5],
        url=deputy_public_url(deputy),
        photo_path=_photo_path(deputy.photo),
        call_to_action=_(DEPUTY_CALL),
        footer=poster_organ(_home(top, deputy), counties) if organ is None else organ,
    )


def _seats(deputy: Deputy) -> list[Mandate]:
    seats = getattr(deputy, "active_mandates", None)
    if seats is None:
        seats = list(deputy.mandates.filter(status=MandateStatus.ACTIVE).select_related("congress__region"))
    return seats


def _top_seat(seats: list[Mandate]) -> Mandate | None:
    return min(seats, key=lambda m: CongressLevel.values.index(m.congress.level)) if seats else None


def _home(seat: Mandate | None, deputy: Deputy) -> Region | None:
    region = seat.congress.region if seat else None
    if region is None or region.level in (RegionLevel.PROVINCE, RegionLevel.CITY):
        region = deputy.residence
    return region


def group_poster(group: ActivityGroup, organ: str | None = None, counties: dict[str, str] | None = None) -> Poster:
    members = getattr(group, "current_memberships", None)
    if members is None:
        members = list(group.memberships.filter(ended_on__isnull=True).select_related("deputy")
                       .order_by("role", "deputy__name"))
    leaders = [f"{m.get_role_display()}：{m.deputy.name}" for m in members if m.role != GroupRole.MEMBER]
    names = "、".join(m.deputy.name for m in members if m.role == GroupRole.MEMBER)
    lines = [*leaders[:3]]
    if names:
        lines.append(_("成员：") + names)
    if group.grid:
        lines.append(_("联系网格：") + group.grid)
    return Poster(
        title=group.name,
        subtitle=f"{group.region.name} · {group.get_kind_display()}{_('代表活动小组')}"
        + (f"（{group.field}）" if group.field else ""),
        lines=lines[:5],
        url=group_public_url(group),
        # No picture: a group has no photo, and its WeChat-group QR image printed beside the
        # poster's own QR code would leave residents two codes to choose from.
        photo_path=None,
        call_to_action=_(GROUP_CALL),
        footer=poster_organ(group.region, counties) if organ is None else organ,
    )


def deputies_for_posters(qs: QuerySet[Deputy]) -> QuerySet[Deputy]:
    # Only these look-ups: a list page's own (the admin's) would clash with the same names.
    return qs.select_related("residence").prefetch_related(None).prefetch_related(
        active_mandates(), current_memberships())


def groups_for_posters(qs: QuerySet[ActivityGroup]) -> QuerySet[ActivityGroup]:
    return qs.select_related("region").prefetch_related(None).prefetch_related(current_members())


def batch_posters(*, deputies: QuerySet[Deputy] | None = None, groups: QuerySet[ActivityGroup] | None = None) -> bytes:
    """Posters of the deputies, then of the groups, in one PDF, each footer naming its own
    county: a fixed number of queries however many posters (the admin's batch actions)."""
    people = list(deputies_for_posters(deputies)) if deputies is not None else []
    teams = list(groups_for_posters(groups)) if groups is not None else []
    counties = county_names([*(_home(_top_seat(_seats(d)), d) for d in people), *(g.region for g in teams)])
    return render_posters([*(deputy_poster(d, counties=counties) for d in people),
                           *(group_poster(g, counties=counties) for g in teams)])


def township_posters(*, region: Region, deputies: QuerySet[Deputy], groups: QuerySet[ActivityGroup]) -> bytes:
    """Every deputy living or sitting in `region`, then every group there, in one PDF.

    The caller passes querysets already scoped to the user (selectors)."""
    prefix = region.prefix
    people = deputies_for_posters(
        deputies.filter(mandates__status=MandateStatus.ACTIVE).filter(
            residence__code__startswith=prefix) | deputies.filter(
            mandates__status=MandateStatus.ACTIVE, mandates__congress__region__code__startswith=prefix)
    ).distinct().order_by("name", "pk")
    group_qs = groups_for_posters(groups.filter(region__code__startswith=prefix, active=True))
    organ = poster_organ(region)
    return render_posters([*(deputy_poster(d, organ) for d in people), *(group_poster(g, organ) for g in group_qs)])
