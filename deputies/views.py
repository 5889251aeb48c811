"""Public QR pages, the deputy portal, and the staff pages of the deputies app."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from import_export.formats.base_formats import CSV, XLSX

from deputies import posters, public_cache, qr, selectors, services, stats
from deputies.models import (
    CongressLevel,
    Education,
    Gender,
    Occupation,
    Party,
)
from deputies.resources import RosterResource
from deputywork.models import Region, RegionLevel, Role
from deputywork.roles import role_required, sees_every_row, staff_required

# --- public pages (no login; the token is the key) --------------------------------------------


def _opinion_url(name: str, token: str) -> str | None:
    """The opinion form arrives with the suggestions app; until then the button is hidden."""
    return _url_if_installed(name, token)


def _url_if_installed(name: str, token: str) -> str | None:
    """A later app's public page (this app imports none of them), or None without that app."""
    try:
        return reverse(name, args=[token])
    except NoReverseMatch:
        return None


def _public_page(request: HttpRequest, key: str, render: Callable[[], str]) -> HttpResponse:
    """A public QR page: from the cache for a visitor without a session (see public_cache).

    Shared caches may keep it five minutes; a page rendered for a logged-in user (their name,
    menu and a form token in it) is theirs alone."""
    plain = public_cache.is_plain_visitor(request)
    response = HttpResponse(public_cache.cached(key, render) if plain else render())
    if plain:
        patch_cache_control(response, public=True, max_age=300)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def public_deputy(request: HttpRequest, token: str) -> HttpResponse:
    def render() -> str:
        deputy = selectors.deputy_public(token)
        if deputy is None:
            raise Http404
        return render_to_string("deputies/public_deputy.html", {
            "deputy": deputy,
            "seats": [posters.seat_label(m) for m in deputy.active_mandates],
            "stations": [(station, _url_if_installed("liaison:public_station", station.public_token))
                         for station in getattr(deputy, "active_stations", [])],
            "opinion_url": _opinion_url("suggestions:opinion_new_for_deputy", token),
        }, request=request)

    return _public_page(request, f"deputy:{token}", render)


def public_group(request: HttpRequest, token: str) -> HttpResponse:
    def render() -> str:
        group = selectors.group_public(token)
        if group is None:
            raise Http404
        return render_to_string("deputies/public_group.html", {
            "group": group,
            "opinion_url": _opinion_url("suggestions:opinion_new_for_group", token),
        }, request=request)

    return _public_page(request, f"group:{token}", render)


# --- the deputy portal ------------------------------------------------------------------------


def _own_deputy(request: HttpRequest):
    deputy = getattr(request.user, "deputy", None)
    if deputy is None:
        raise Http404
    found = selectors.deputy_public(deputy.public_token)
    return found


@role_required(Role.DEPUTY)
def portal(request: HttpRequest) -> HttpResponse:
    deputy = _own_deputy(request)
    return render(request, "deputies/portal.html", {
        "deputy": deputy,
        "seats": deputy.active_mandates,
        "public_url": posters.deputy_public_url(deputy),
    })


@role_required(Role.DEPUTY)
def portal_poster(request: HttpRequest) -> HttpResponse:
    deputy = _own_deputy(request)
    return _pdf(qr.render_posters([posters.deputy_poster(deputy)]), f"poster-{deputy.pk}.pdf")


# --- staff pages ------------------------------------------------------------------------------

FILTER_NAMES = ("q", "congress", "level", "status", "group", "gender", "party", "occupation", "education", "region")


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _file(data: bytes | str, fmt, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=fmt.get_content_type())
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt.get_extension()}"'
    return response


def _townships_for(user) -> list[Region]:
    qs = Region.objects.filter(level=RegionLevel.TOWNSHIP)
    if not sees_every_row(user):
        qs = qs.filter(code__startswith=user.region.prefix if user.region_id else "-")
    return list(qs.order_by("code"))


@staff_required
def deputy_list(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET.get(k, "").strip() for k in FILTER_NAMES}
    qs = selectors.deputy_list(user=request.user, filters=filters)
    export = request.GET.get("export")
    if export in ("xlsx", "csv"):
        fmt = XLSX() if export == "xlsx" else CSV()
        dataset = RosterResource().export(queryset=qs)
        data = fmt.export_data(dataset)
        if export == "csv":
            data = "\ufeff" + data  # Excel opens a UTF-8 CSV correctly only with a BOM
        return _file(data, fmt, "deputies")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "deputies/staff_list.html", {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "congresses": selectors.congresses_visible_to(request.user),
        "groups": selectors.groups_visible_to(request.user).filter(active=True),
        "townships": _townships_for(request.user),
        "choices": {"level": CongressLevel.choices, "gender": Gender.choices, "party": Party.choices,
                    "occupation": Occupation.choices, "education": Education.choices},
    })


@staff_required
def structure(request: HttpRequest) -> HttpResponse:
    congresses = list(selectors.congresses_visible_to(request.user))
    chosen = None
    if request.GET.get("congress"):
        chosen = next((c for c in congresses if str(c.pk) == request.GET["congress"]), None)
        if chosen is None:
            raise Http404
    elif congresses:
        chosen = next((c for c in congresses if c.level == CongressLevel.COUNTY), congresses[0])
    result = stats.congress_structure(chosen) if chosen else None
    if result and request.GET.get("export") == "xlsx":
        return _file(XLSX().export_data(stats.structure_dataset(result)), XLSX(), f"structure-{chosen.pk}")
    return render(request, "deputies/structure.html", {"congresses": congresses, "chosen": chosen,
                                                        "structure": result})


@staff_required
def deputy_poster(request: HttpRequest, pk: int) -> HttpResponse:
    deputy = get_object_or_404(posters.deputies_for_posters(selectors.deputies_visible_to(request.user)), pk=pk)
    return _pdf(qr.render_posters([posters.deputy_poster(deputy)]), f"poster-deputy-{pk}.pdf")


@staff_required
def group_poster(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(selectors.groups_visible_to(request.user), pk=pk)
    return _pdf(qr.render_posters([posters.group_poster(group)]), f"poster-group-{pk}.pdf")


@staff_required
def township_posters(request: HttpRequest) -> HttpResponse:
    townships = _townships_for(request.user)
    code = request.GET.get("region")
    if not code:
        return render(request, "deputies/township_posters.html", {"townships": townships})
    region = next((t for t in townships if t.code == code), None)
    if region is None:
        raise Http404
    data = posters.township_posters(region=region, deputies=selectors.deputies_visible_to(request.user),
                                    groups=selectors.groups_visible_to(request.user))
    return _pdf(data, f"posters-{region.code}.pdf")


@staff_required
@require_POST
def rotate_token(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """A new public address; posters already on walls stop working (say so before rotating)."""
    if kind == "deputy":
        obj = get_object_or_404(selectors.deputies_visible_to(request.user), pk=pk)
        target = reverse("admin:deputies_deputy_change", args=[pk])
    elif kind == "group":
        obj = get_object_or_404(selectors.groups_visible_to(request.user), pk=pk)
        target = reverse("admin:deputies_activitygroup_change", args=[pk])
    else:
        raise Http404
    services.token_rotate(obj=obj)
    messages.success(request, _("已更换公开地址，请重新打印二维码海报。"))
    return redirect(target)
