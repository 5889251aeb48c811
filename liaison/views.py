"""Pages of the liaison app: public station pages, staff pages, the deputy portal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from deputies.models import Deputy
from deputywork.models import Region, RegionLevel, Role
from deputywork.roles import region_within_scope, role_required, sees_every_row, staff_required
from deputywork.storage import private_file_response
from liaison import exports, qr, selectors, services
from liaison.forms import DisputeMoveForm, OwnActivityForm, ReceptionForm
from liaison.models import ActivityDayStatus, ActivityKind, ActivityPhoto, DisputeStatus, Participation
from liaison.pdf import render_pdf
from liaison.privacy import mask_name, mask_phone, may_see_visitor
from liaison.record import attendance_rate, performance_record, performance_records

deputy_required = role_required(Role.DEPUTY)


def _month(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        dt.date(year, month, 1)
    except (ValueError, TypeError):
        return today.year, today.month
    return year, month


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _month_nav(year: int, month: int) -> dict[str, str]:
    first = dt.date(year, month, 1)
    prev = first - dt.timedelta(days=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return {"prev": f"{prev:%Y-%m}", "next": f"{nxt:%Y-%m}", "label": f"{year}年{month}月"}


def _opinion_url(station: Any) -> str | None:
    # The suggestions app builds the form; until it exists the button is not shown.
    try:
        return reverse("suggestions:opinion_new_for_station", args=[station.public_token])
    except NoReverseMatch:
        return None


def _error_messages(request: HttpRequest, exc: ValidationError) -> None:
    for m in exc.messages:
        messages.error(request, m)


# --- public ----------------------------------------------------------------------------------


def public_stations(request: HttpRequest) -> HttpResponse:
    return render(request, "liaison/public_stations.html",
                  {"townships": selectors.public_stations_by_township()})


def public_station(request: HttpRequest, token: str) -> HttpResponse:
    station = get_object_or_404(
        selectors.LiaisonStation.objects.select_related("region").prefetch_related("deputies"),
        public_token=token, active=True)
    return render(request, "liaison/public_station.html", {
        "station": station, "shifts": selectors.next_shifts_for_station(station=station),
        "opinion_url": _opinion_url(station),
    })


# --- staff: stations -------------------------------------------------------------------------


@staff_required
def staff_stations(request: HttpRequest) -> HttpResponse:
    stations = selectors.stations_visible_to(user=request.user)
    return render(request, "liaison/staff_stations.html", {"stations": stations})


def _station_for(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(selectors.stations_visible_to(user=request.user), pk=pk)


@staff_required
def staff_station(request: HttpRequest, pk: int) -> HttpResponse:
    station = _station_for(request, pk)
    if request.method == "POST" and request.POST.get("action") == "rotate":
        services.station_rotate_token(station=station)
        messages.success(request, "已更换公开地址，请重新打印二维码海报。")
        return redirect("liaison:staff_station", pk=station.pk)
    return render(request, "liaison/staff_station.html", {
        "station": station, "deputies": station.deputies.all(), "groups": station.groups.all(),
        "public_url": qr.station_public_url(station), "qr_svg": qr.station_qr_svg(station, scale=5).decode(),
        "shifts": selectors.next_shifts_for_station(station=station),
    })


@staff_required
def staff_station_qr(request: HttpRequest, pk: int) -> HttpResponse:
    station = _station_for(request, pk)
    response = HttpResponse(qr.station_qr_svg(station), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="station-{station.pk}-qr.svg"'
    return response


@staff_required
def staff_station_poster(request: HttpRequest, pk: int) -> HttpResponse:
    station = _station_for(request, pk)
    response = HttpResponse(qr.station_poster_pdf(station), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="station-{station.pk}-poster.pdf"'
    return response


# --- staff: calendar, activity days, activities ----------------------------------------------


@staff_required
def staff_calendar(request: HttpRequest) -> HttpResponse:
    year, month = _month(request)
    weeks = selectors.month_calendar(days=selectors.activity_days_visible_to(user=request.user), year=year,
                                     month=month)
    return render(request, "liaison/calendar.html", {"weeks": weeks, "nav": _month_nav(year, month),
                                                     "staff": True})


@staff_required
def staff_day(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_object_or_404(selectors.activity_days_visible_to(user=request.user), pk=pk)
    if request.method == "POST":
        try:
            services.activity_day_transition(activity_day=day, to=request.POST.get("to", ""), actor=request.user,
                                             note=request.POST.get("note", "")[:300])
            messages.success(request, "活动日状态已更新。")
        except (ValidationError, ValueError) as exc:
            _error_messages(request, exc if isinstance(exc, ValidationError) else ValidationError("无效的状态。"))
        return redirect("liaison:staff_day", pk=day.pk)
    # A township clerk reads the county's day (and their own activities on it) but does not move it.
    editable = region_within_scope(request.user, day.region)
    moves = sorted(services.DAY_TRANSITIONS.get(day.status, set())) if editable else []
    return render(request, "liaison/staff_day.html", {
        "day": day, "shifts": day.shifts.select_related("station", "deputy"), "editable": editable,
        "activities": selectors.activities_visible_to(user=request.user).filter(activity_day=day),
        "moves": [(m, ActivityDayStatus(m).label) for m in moves], "events": day.events.select_related("actor"),
    })


def _region_choices(user: Any) -> list[Region]:
    """The regions an activity list can be narrowed to: townships for the office (a county's
    office: its own), villages for a township."""
    if sees_every_row(user):
        return list(Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code"))
    if user.region.level == RegionLevel.TOWNSHIP:
        return list(Region.objects.filter(parent_id=user.region_id).order_by("code"))
    return list(Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=user.region.prefix).order_by("code"))


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "").strip()
    return int(value) if value.isdigit() else None


@staff_required
def staff_activities(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    month = _int_param(request, "month")
    month = month if month in range(1, 13) else None
    kinds = list(ActivityKind.objects.all())
    kind_id = _int_param(request, "kind")
    regions = _region_choices(request.user)
    region = next((r for r in regions if r.pk == _int_param(request, "region")), None)
    qs = selectors.activity_list(user=request.user, year=year, month=month, kind_id=kind_id, region=region)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for a in page:
        a.rate = attendance_rate(a, today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "liaison/staff_activities.html", {
        "page": page, "year": year, "month": month, "months": range(1, 13), "kinds": kinds, "kind_id": kind_id,
        "regions": regions, "region": region, "query": query.urlencode(),
    })


@staff_required
def staff_activity(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(selectors.activities_visible_to(user=request.user), pk=pk)
    parts = list(activity.participations.select_related("deputy"))
    if request.method == "POST":
        wanted = set(request.POST.getlist("attended"))
        chosen = list(Deputy.objects.filter(pk__in=[x for x in wanted if x.isdigit()]))
        try:
            services.activity_record_results(activity=activity, attended=chosen,
                                             photos=request.FILES.getlist("photos"))
            messages.success(request, "已保存。")
        except ValidationError as exc:
            _error_messages(request, exc)
        return redirect("liaison:staff_activity", pk=activity.pk)
    attended = sum(1 for p in parts if p.attended)
    return render(request, "liaison/staff_activity.html", {
        "activity": activity, "parts": parts, "photos": activity.photos.all(), "groups": activity.groups.all(),
        "attended": attended, "rate": f"{attended * 100 / len(parts):.0f}%" if parts else "—",
    })


@staff_required
@require_http_methods(["GET"])
def activity_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """An activity's photo, to the staff who see the activity (residents are in the pictures)."""
    photo = get_object_or_404(
        ActivityPhoto.objects.filter(activity__in=selectors.activities_visible_to(user=request.user)), pk=pk)
    return private_file_response(photo.image, content_type="image/jpeg")


# --- staff: reception register ---------------------------------------------------------------


@staff_required
def staff_receptions(request: HttpRequest) -> HttpResponse:
    entries = list(selectors.receptions_visible_to(user=request.user)[:200])
    for e in entries:
        visible = may_see_visitor(request.user, e)
        e.shown_name = e.visitor_name if visible else mask_name(e.visitor_name)
        e.shown_phone = e.visitor_phone if visible else mask_phone(e.visitor_phone)
    try:  # the suggestions app turns entries into opinions
        to_opinions = reverse("suggestions:staff_from_receptions")
    except NoReverseMatch:
        to_opinions = None
    return render(request, "liaison/staff_receptions.html", {"entries": entries, "to_opinions": to_opinions})


@staff_required
def staff_reception_new(request: HttpRequest) -> HttpResponse:
    stations = selectors.stations_visible_to(user=request.user).filter(active=True)
    user = request.user
    deputies = Deputy.objects.all() if sees_every_row(user) else selectors.deputies_visible_to(user=user)
    form = ReceptionForm(request.POST or None, stations=stations, deputies=deputies,
                         initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.reception_record(**form.cleaned_data, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "接待登记已保存。")
            return redirect("liaison:staff_receptions")
    return render(request, "liaison/staff_form.html", {"form": form, "heading": "新增接待登记"})


# --- staff: dispute ledger -------------------------------------------------------------------


def _dispute_filter(request: HttpRequest) -> tuple[Any, int]:
    year = _year(request)
    qs = selectors.disputes_visible_to(user=request.user).filter(found_on__year=year)
    status = request.GET.get("status", "")
    if status in DisputeStatus.values:
        qs = qs.filter(status=status)
    return qs, year


@staff_required
def staff_disputes(request: HttpRequest) -> HttpResponse:
    disputes, year = _dispute_filter(request)
    return render(request, "liaison/staff_disputes.html", {
        "disputes": disputes, "year": year, "statuses": DisputeStatus.choices,
        "status": request.GET.get("status", ""), "query": request.GET.urlencode(),
    })


@staff_required
def staff_disputes_xlsx(request: HttpRequest) -> HttpResponse:
    disputes, year = _dispute_filter(request)
    user = request.user
    unit = user.region.name if (user.region_id and not sees_every_row(user)) else "全县"
    data = exports.disputes_xlsx(disputes.order_by("found_on", "pk"), title=f"{unit}矛盾纠纷排查化解台账（{year}年）",
                                 subtitle=f"填报单位：{unit}人大　　填报日期：{timezone.localdate():%Y年%m月%d日}")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="disputes-{year}.xlsx"'
    return response


@staff_required
def staff_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = get_object_or_404(selectors.disputes_visible_to(user=request.user), pk=pk)
    form = DisputeMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dispute_transition(dispute=dispute, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "纠纷状态已更新。")
            return redirect("liaison:staff_dispute", pk=dispute.pk)
    return render(request, "liaison/staff_dispute.html", {
        "dispute": dispute, "form": form, "events": dispute.events.select_related("actor"),
        "closed": not services.DISPUTE_TRANSITIONS.get(dispute.status),
    })


# --- staff: performance records --------------------------------------------------------------


@staff_required
def staff_records(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    records = performance_records(selectors.deputies_visible_to(user=request.user), year)
    labels = [label for label, _ in records[0].figures()] if records else []
    return render(request, "liaison/staff_records.html", {"records": records, "year": year, "labels": labels})


@staff_required
def staff_records_xlsx(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    records = performance_records(selectors.deputies_visible_to(user=request.user), year)
    response = HttpResponse(exports.records_xlsx(records, year=year),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="performance-{year}.xlsx"'
    return response


@staff_required
def staff_record(request: HttpRequest, pk: int) -> HttpResponse:
    deputy = get_object_or_404(selectors.deputies_visible_to(user=request.user), pk=pk)
    return _record_page(request, deputy, pdf_url=reverse("liaison:staff_record_pdf", args=[deputy.pk]))


@staff_required
def staff_record_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    deputy = get_object_or_404(selectors.deputies_visible_to(user=request.user), pk=pk)
    return _record_pdf(request, deputy)


def _record_page(request: HttpRequest, deputy: Deputy, *, pdf_url: str) -> HttpResponse:
    year = _year(request)
    return render(request, "liaison/record.html", {
        "record": performance_record(deputy, year), "year": year, "pdf_url": pdf_url,
        "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
    })


def _record_pdf(request: HttpRequest, deputy: Deputy) -> HttpResponse:
    year = _year(request)
    pdf = render_pdf("liaison/record_pdf.html", {"record": performance_record(deputy, year), "year": year,
                                                  "today": timezone.localdate()})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="record-{deputy.pk}-{year}.pdf"'
    return response


# --- deputy portal ---------------------------------------------------------------------------


def _my_deputy(request: HttpRequest) -> Deputy:
    deputy = Deputy.objects.filter(user=request.user).select_related("residence").first()
    if deputy is None:
        raise Http404("该账号未关联代表。")
    return deputy


@deputy_required
def portal_home(request: HttpRequest) -> HttpResponse:
    deputy = _my_deputy(request)
    coming = selectors.deputy_coming(deputy=deputy)
    return render(request, "liaison/portal_home.html", {"deputy": deputy, "today": timezone.localdate(), **coming})


@deputy_required
@require_POST
def portal_sign_in(request: HttpRequest, pk: int) -> HttpResponse:
    deputy = _my_deputy(request)
    part = get_object_or_404(Participation.objects.select_related("activity"), activity_id=pk, deputy=deputy)
    try:
        services.activity_sign_in(activity=part.activity, deputy=deputy)
        messages.success(request, f"已签到：{part.activity.title}")
    except ValidationError as exc:
        _error_messages(request, exc)
    return redirect("liaison:portal_home")


@deputy_required
def portal_record_own(request: HttpRequest) -> HttpResponse:
    deputy = _my_deputy(request)
    form = OwnActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_record_own(deputy=deputy, actor=request.user, photos=request.FILES.getlist("photos"),
                                         **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "活动已记录，将计入您的履职档案。")
            return redirect("liaison:portal_home")
    return render(request, "liaison/portal_form.html", {"form": form, "heading": "记录我开展的活动",
                                                        "photos": True})


@deputy_required
def portal_calendar(request: HttpRequest) -> HttpResponse:
    deputy = _my_deputy(request)
    year, month = _month(request)
    weeks = selectors.month_calendar(days=selectors.deputy_calendar_days(deputy=deputy), year=year, month=month,
                                     deputy=deputy)
    return render(request, "liaison/calendar.html", {"weeks": weeks, "nav": _month_nav(year, month),
                                                     "staff": False})


@deputy_required
def portal_record(request: HttpRequest) -> HttpResponse:
    return _record_page(request, _my_deputy(request), pdf_url=reverse("liaison:portal_record_pdf"))


@deputy_required
def portal_record_pdf(request: HttpRequest) -> HttpResponse:
    return _record_pdf(request, _my_deputy(request))


