"""Public pages for residents: send an opinion from a QR code, follow it by its tracking code.

No login, phone-sized, no external resources, no script. Nothing here shows a name or phone.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from deputies.models import MOBILE_REGEX as _MOBILE
from deputies.models import ActivityGroup, Deputy
from liaison.models import LiaisonStation
from suggestions.forms_opinions import OpinionForm, RatingForm, TrackLookupForm
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

FORM_CACHE_SECONDS = 300
RATE_LIMITED_MESSAGE = "提交太频繁了，请稍后再试。如有急事，请直接联系代表或拨打联络站电话。"


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the header a trusted proxy sets (OPINION_CLIENT_IP_HEADER)."""
    header = getattr(settings, "OPINION_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        # X-Forwarded-For: the last hop is the one our own proxy added.
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "suggestions/opinions/public/limited.html", {"message": RATE_LIMITED_MESSAGE}, status=429)


@require_http_methods(["GET", "POST"])
def opinion_new_for_deputy(request: HttpRequest, token: str) -> HttpResponse:
    deputy = get_object_or_404(Deputy.objects.select_related("residence__parent"), public_token=token)
    return _opinion_form(request, deputy=deputy, group=None, recipient=f"{deputy.name}代表")


@require_http_methods(["GET", "POST"])
def opinion_new_for_group(request: HttpRequest, token: str) -> HttpResponse:
    group = get_object_or_404(ActivityGroup.objects.select_related("region"), public_token=token, active=True)
    return _opinion_form(request, deputy=None, group=group, recipient=group.name)


@require_http_methods(["GET", "POST"])
def opinion_new_for_station(request: HttpRequest, token: str) -> HttpResponse:
    station = get_object_or_404(LiaisonStation.objects.select_related("region__parent"), public_token=token,
                                active=True)
    return _opinion_form(request, deputy=None, group=None, station=station, recipient=station.name)


def _opinion_form(request: HttpRequest, *, deputy: Deputy | None, group: ActivityGroup | None,
                  recipient: str, station: LiaisonStation | None = None) -> HttpResponse:
    region = opinion_target_region(deputy=deputy, group=group, station=station)
    if request.method == "POST":
        phone = "".join(request.POST.get("resident_phone", "").split())
        try:
            opinion_rate_check(ip=client_ip(request), phone=phone if re.fullmatch(_MOBILE, phone) else "")
        except RateLimited:
            return too_many(request)
        form = OpinionForm(request.POST, request.FILES, region=region)
        if form.is_bot:
            # Answer a bot as if it had worked, and keep nothing.
            return render(request, "suggestions/opinions/public/received.html", {"recipient": recipient})
        if form.is_valid():
            d = form.cleaned_data
            result = opinion_submit(
                content=d["content"], deputy=deputy, group=group, station=station, category=d["category"],
                place=d["place"], place_detail=d["place_detail"], resident_name=d["resident_name"],
                resident_phone=d["resident_phone"], callback_ok=d["callback_ok"], consent=d["consent"],
                photos=d["photos"], sender=client_ip(request),
            )
            return redirect(reverse("suggestions:opinion_track", args=[result.opinion.tracking_code]) + "?new=1")
    else:
        form = OpinionForm(region=region)
        # The empty form is the same for everyone who scans this QR code: render its fields
        # once per few minutes (the CSRF token stays outside the fragment).
        target = deputy or group or station
        key = f"opinion-form:{type(target).__name__}:{target.pk}:{region.pk if region else 0}"
        fields_html = cache.get(key)
        if fields_html is None:
            fields_html = render_to_string("suggestions/opinions/_form_body.html", {"form": form})
            cache.set(key, fields_html, FORM_CACHE_SECONDS)
        return render(request, "suggestions/opinions/public/form.html",
                      {"fields_html": fields_html, "recipient": recipient, "deputy": deputy, "group": group})
    return render(request, "suggestions/opinions/public/form.html",
                  {"form": form, "recipient": recipient, "deputy": deputy, "group": group})


@require_http_methods(["GET"])
def opinion_lookup(request: HttpRequest) -> HttpResponse:
    form = TrackLookupForm(request.GET or None)
    if form.is_valid():
        code = "".join(form.cleaned_data["code"].split()).upper()
        return redirect("suggestions:opinion_track", code=code)
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
        if rating_form.is_valid():
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
