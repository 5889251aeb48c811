"""Public pages for residents: send an opinion from a QR code, follow it by its tracking code.

No login, phone-sized, no external resources; the form works without script (one small script only
keeps what was typed when the network fails). Nothing here shows a name or phone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.views.decorators.http import require_http_methods

from deputies import public_cache
from deputies.models import MOBILE_REGEX as _MOBILE
from deputies.models import ActivityGroup, Deputy
from deputywork.auth import client_ip
from liaison.models import LiaisonStation
from suggestions.forms_opinions import OpinionForm, RatingForm, TrackLookupForm
from suggestions.models.opinions import TRACKING_LENGTH
from suggestions.selectors_opinions import opinion_by_code
from suggestions.services_opinions import (
    RateLimited,
    opinion_can_add_remark,
    opinion_can_rate,
    opinion_rate,
    opinion_rate_check,
    opinion_submit,
    opinion_target_region,
)
from suggestions.workflow import TransitionRefused

# The rating is the resident's own word on the answer; whoever is logged in works on opinions.
OFFICIALS_DO_NOT_RATE = "您已登录代表工作平台：评价只能由反映人本人提交，请退出登录后再试。"
RATE_LIMITED_MESSAGE = "提交太频繁了，请稍后再试。如有急事，请直接联系代表或拨打联络站电话。"


def too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "suggestions/opinions/public/limited.html", {"message": RATE_LIMITED_MESSAGE}, status=429)


@require_http_methods(["GET", "POST"])
def opinion_new_for_deputy(request: HttpRequest, token: str) -> HttpResponse:
    def target() -> Deputy | None:
        # With the user: who is told of a new opinion (the cache forgets it when a user changes).
        # Only what the form and the submit read, which also keeps it quick to unpickle: the
        # name, the township and village (the form's villages, the opinion's township), and
        # whether the deputy's login is active. No password hash, no phone number.
        regions = [f"{region}__{field}" for region in ("residence", "residence__parent")
                   for field in ("code", "name", "level", "parent")]
        return (Deputy.objects.select_related("residence__parent", "user")
                .only("name", "residence", "user", *regions, "user__is_active")
                .filter(public_token=token).first())

    return _opinion_form(request, key=f"d:{token}", target=target)


@require_http_methods(["GET", "POST"])
def opinion_new_for_group(request: HttpRequest, token: str) -> HttpResponse:
    def target() -> ActivityGroup | None:
        return ActivityGroup.objects.select_related("region").filter(public_token=token, active=True).first()

    return _opinion_form(request, key=f"g:{token}", target=target)


@require_http_methods(["GET", "POST"])
def opinion_new_for_station(request: HttpRequest, token: str) -> HttpResponse:
    def target() -> LiaisonStation | None:
        return LiaisonStation.objects.select_related("region__parent").filter(public_token=token, active=True).first()

    return _opinion_form(request, key=f"s:{token}", target=target)


Recipient = Deputy | ActivityGroup | LiaisonStation


def _opinion_form(request: HttpRequest, *, key: str, target: Callable[[], Recipient | None]) -> HttpResponse:
    """The form page and its submit, for a deputy, a group or a station.

    Who the form is for (the deputy with their township and user, the group or the station
    with its region) and, for a visitor without a session, the whole empty form page come from
    the public page cache, which forgets them when a deputy, group, station, region, category
    or user changes. Only the CSRF token differs between two residents: the cached page holds
    a placeholder for it.
    """
    if request.method == "GET" and public_cache.is_plain_visitor(request):
        html = public_cache.cached(f"opinion-form:{key}", lambda: _render_empty_form(request, _found(target())))
        return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
    found = None
    if request.method == "POST":
        phone = "".join(request.POST.get("resident_phone", "").split())
        try:
            # The counters and the cached recipient in one round trip.
            found = opinion_rate_check(ip=client_ip(request), phone=phone if re.fullmatch(_MOBILE, phone) else "",
                                       read=public_cache.entry_keys(f"opinion-target:{key}", keep=True))
        except RateLimited:
            return too_many(request)
    recipient = _found(public_cache.cached(f"opinion-target:{key}", target, found, keep=True))
    if request.method == "GET":
        return HttpResponse(_render_empty_form(request, recipient, csrf=False))
    targets = _targets(recipient)
    form = OpinionForm(request.POST, request.FILES, region=opinion_target_region(**targets))
    if form.is_bot:
        # Answer a bot as if it had worked, and keep nothing.
        return render(request, "suggestions/opinions/public/received.html", {"recipient": _recipient_name(recipient)})
    if form.is_valid():
        d = form.cleaned_data
        result = opinion_submit(
            content=d["content"], **targets, category=d["category"], place=d["place"],
            place_detail=d["place_detail"], resident_name=d["resident_name"],
            resident_phone=d["resident_phone"], callback_ok=d["callback_ok"], consent=d["consent"],
            photos=d["photos"], sender=client_ip(request),
        )
        # Not redirect(): given a path, it first tries the path as a URL name.
        return HttpResponseRedirect(track_path(result.opinion.tracking_code) + "?new=1")
    return render(request, "suggestions/opinions/public/form.html", _form_context(recipient, form))


def track_path(code: str) -> str:
    """The tracking page's path for `code`.

    reverse() costs a submit as much as building its redirect response and more (0.14 M
    instructions, counted with callgrind), so it runs once per script prefix and URL conf, for
    a stand-in code, and each code then takes the stand-in's place.
    """
    head, _, tail = _track_path(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF).rpartition(_CODE_SLOT)
    return head + code + tail


_CODE_SLOT = "0" * TRACKING_LENGTH  # never a tracking code: the alphabet has no 0


@functools.lru_cache(maxsize=16)
def _track_path(prefix: str, urlconf: str) -> str:
    return reverse("suggestions:opinion_track", args=[_CODE_SLOT])


# Stands in for the CSRF token in a cached form page; each response puts its own token there.
CSRF_PLACEHOLDER = "csrf-placeholder-9c1e52d7"


def _found(recipient: Recipient | None) -> Recipient:
    if recipient is None:
        raise Http404
    return recipient


def _targets(recipient: Recipient) -> dict[str, Recipient | None]:
    return {"deputy": recipient if isinstance(recipient, Deputy) else None,
            "group": recipient if isinstance(recipient, ActivityGroup) else None,
            "station": recipient if isinstance(recipient, LiaisonStation) else None}


def _recipient_name(recipient: Recipient) -> str:
    return f"{recipient.name}代表" if isinstance(recipient, Deputy) else recipient.name


def _form_context(recipient: Recipient, form: OpinionForm) -> dict:
    return {"form": form, "recipient": _recipient_name(recipient), **_targets(recipient)}


def _render_empty_form(request: HttpRequest, recipient: Recipient, csrf: bool = True) -> str:
    """The empty form page; with `csrf`, the placeholder instead of this request's token."""
    context = _form_context(recipient, OpinionForm(region=opinion_target_region(**_targets(recipient))))
    if csrf:
        context["csrf_token"] = CSRF_PLACEHOLDER
    return render_to_string("suggestions/opinions/public/form.html", context, request=request)


@require_http_methods(["GET"])
def opinion_lookup(request: HttpRequest) -> HttpResponse:
    form = TrackLookupForm(request.GET or None)
    if form.is_valid():
        return redirect("suggestions:opinion_track", code=form.cleaned_data["code"])
    return render(request, "suggestions/opinions/public/lookup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def opinion_track(request: HttpRequest, code: str) -> HttpResponse:
    """Status, dates and the public reply; never the name or phone. Rating once answered."""
    opinion = opinion_by_code(code)
    rating_form = RatingForm(request.POST or None)
    error = ""
    if request.method == "POST":
        try:
            opinion_rate_check(ip=client_ip(request))
        except RateLimited:
            return too_many(request)
        if request.user.is_authenticated:
            error = OFFICIALS_DO_NOT_RATE
        elif rating_form.is_valid():
            try:
                opinion_rate(opinion=opinion, rating=rating_form.cleaned_data["rating"],
                             remark=rating_form.cleaned_data["remark"])
                return redirect("suggestions:opinion_track", code=opinion.tracking_code)
            except TransitionRefused as exc:
                error = str(exc)
    moves = [e for e in opinion.events.order_by("created_at", "pk") if e.kind == "move"]
    return render(request, "suggestions/opinions/public/track.html", {
        "opinion": opinion, "moves": moves, "is_new": request.GET.get("new") == "1",
        "can_rate": opinion_can_rate(opinion), "can_remark": opinion_can_add_remark(opinion),
        "rating_form": rating_form, "error": error,
        "track_url": settings.SITE_BASE_URL + reverse("suggestions:opinion_track", args=[opinion.tracking_code]),
    })
