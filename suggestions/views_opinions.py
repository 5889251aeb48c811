"""The deputy's inbox of residents' opinions and the staff pages (list, detail, export, figures)."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from deputywork.figures import figures_sentence
from deputywork.models import Region, RegionLevel, Role
from deputywork.roles import is_office, role_required, sees_every_row, staff_required
from deputywork.storage import private_file_response
from deputywork.xlsx import text_row
from liaison.privacy import mask_name, mask_phone
from liaison.selectors import receptions_visible_to
from suggestions.forms_opinions import (
    AnswerForm,
    DeclineForm,
    ForwardForm,
    NoteForm,
    OpinionEntryForm,
    ReassignForm,
    StaffFilterForm,
)
from suggestions.models import Opinion, OpinionPhoto, OpinionStatus
from suggestions.models.units import units_serving
from suggestions.selectors_opinions import (
    deputy_of,
    opinion_events,
    opinion_figures,
    opinion_for_deputy,
    opinion_for_staff,
    opinions_for_deputy,
    opinions_for_staff,
    unread_count,
)
from suggestions.services_opinions import (
    forward_due_date,
    notices_mark_read,
    opinion_from_reception,
    opinion_reassign,
    opinion_submit,
    opinion_target_region,
)
from suggestions.workflow import TRANSITIONS, TransitionRefused, may_handle, opinion_transition

S = OpinionStatus
deputy_required = role_required(Role.DEPUTY)
PAGE_SIZE = 25


def _suggestion_create_url() -> str | None:
    """The other half of the loop (代表建议) may not be installed yet: no button then."""
    try:
        return reverse("suggestions:suggestion_create")
    except NoReverseMatch:
        return None


def _filter_status(qs: QuerySet, status: str) -> QuerySet:
    return qs.filter(status=status) if status in S.values else qs


# --- actions shared by the inbox and the staff detail ---------------------------------------------


def _action_forms(opinion: Opinion, data: Any = None, action: str = "") -> dict[str, Any]:
    allowed = TRANSITIONS[opinion.status]

    def bound(name: str, cls: type, **kwargs: Any) -> Any:
        return cls(data if action == name else None, prefix=name, **kwargs)

    forms: dict[str, Any] = {}
    if S.ACCEPTED in allowed:
        forms["accept"] = bound("accept", NoteForm)
    if S.ANSWERED in allowed:
        forms["answer"] = bound("answer", AnswerForm)
    if S.FORWARDED in allowed:
        forms["forward"] = bound("forward", ForwardForm, units=units_serving(opinion.placed_in))
    if S.DECLINED in allowed:
        forms["decline"] = bound("decline", DeclineForm)
    if S.CLOSED in allowed:
        forms["close"] = bound("close", NoteForm)
    return forms


def _apply_action(request: HttpRequest, opinion: Opinion, forms: dict[str, Any], action: str) -> bool:
    """Run the chosen move; True when it was made (messages say what happened either way)."""
    form = forms.get(action)
    if form is None:
        messages.error(request, "这条意见当前不能进行该操作，页面已刷新。")
        return False
    if not form.is_valid():
        return False
    d = form.cleaned_data
    try:
        if action == "accept":
            opinion_transition(opinion=opinion, to=S.ACCEPTED, actor=request.user, note=d["note"])
        elif action == "answer":
            opinion_transition(opinion=opinion, to=S.ANSWERED, actor=request.user, public_reply=d["public_reply"])
        elif action == "forward":
            due = forward_due_date(d["working_days"])
            opinion_transition(opinion=opinion, to=S.FORWARDED, actor=request.user, note=d["note"],
                               data={"working_days": d["working_days"], "estimated": due.estimated},
                               forwarded_to=d["unit"], due_date=due.date, due_estimated=due.estimated)
        elif action == "decline":
            opinion_transition(opinion=opinion, to=S.DECLINED, actor=request.user,
                               decline_reason=d["decline_reason"])
        elif action == "close":
            opinion_transition(opinion=opinion, to=S.CLOSED, actor=request.user, note=d["note"])
    except TransitionRefused as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, f"已办理：{opinion.get_status_display()}。")
    return True


def _detail_context(opinion: Opinion, *, show_resident: bool, show_code: bool = True) -> dict[str, Any]:
    """The detail page's facts. The resident's name and phone are personal data (DESIGN.md: masked
    everywhere except to the staff who need them): whole for staff; for a deputy only when the
    resident agreed to be called back, since a callback needs both; masked otherwise.

    The tracking code is the resident's key to their opinion's page, where they rate the answer:
    a deputy sees it only for an opinion they entered themselves (to tell the resident), so that
    nobody who handles an opinion can rate their own answer in the resident's name."""
    if show_resident:
        name, phone = opinion.resident_name, opinion.resident_phone
    else:
        name, phone = mask_name(opinion.resident_name), mask_phone(opinion.resident_phone)
    return {"opinion": opinion, "resident_name": name, "phone": phone, "events": opinion_events(opinion),
            "photos": list(opinion.photos.all()), "show_code": show_code}


# --- the deputy's inbox ----------------------------------------------------------------------------


@deputy_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Opinions to me and to my groups; newest first; unread ones marked."""
    status = request.GET.get("status", "")
    qs = _filter_status(opinions_for_deputy(user=request.user), status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    suggestion_url = _suggestion_create_url()
    return render(request, "suggestions/opinions/portal/inbox.html", {
        "page": page, "status": status, "statuses": S.choices, "unread": unread_count(request.user),
        "suggestion_url": suggestion_url, "has_deputy": deputy_of(request.user) is not None,
        # Only accepted opinions can become a suggestion's source: tick boxes on those alone.
        "can_pick": bool(suggestion_url) and any(o.status == S.ACCEPTED for o in page),
    })


@deputy_required
@require_http_methods(["GET", "POST"])
def inbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = opinion_for_deputy(user=request.user, pk=pk)
    notices_mark_read(user=request.user, opinion=opinion)
    action = request.POST.get("action", "")
    forms = _action_forms(opinion, request.POST or None, action)
    if request.method == "POST":
        if _apply_action(request, opinion, forms, action):
            return redirect("suggestions:inbox_detail", pk=opinion.pk)
        if action not in forms:
            return redirect("suggestions:inbox_detail", pk=opinion.pk)
    ctx = _detail_context(opinion, show_resident=opinion.callback_ok,
                          show_code=opinion.entered_by_id == request.user.pk)
    ctx.update(forms=forms, suggestion_url=_suggestion_create_url())
    return render(request, "suggestions/opinions/portal/detail.html", ctx)


@deputy_required
@require_http_methods(["GET", "POST"])
def inbox_new(request: HttpRequest) -> HttpResponse:
    """A deputy enters what a resident told them (a visit, a phone call, the WeChat group)."""
    deputy = deputy_of(request.user)
    if deputy is None:
        raise Http404
    region = opinion_target_region(deputy=deputy, group=None)
    form = OpinionEntryForm(request.POST or None, request.FILES or None, region=region, choose_target=False)
    if request.method == "POST" and form.is_valid():
        opinion = _submit_entry(request, form, deputy=deputy, group=None)
        return redirect("suggestions:inbox_detail", pk=opinion.pk)
    return render(request, "suggestions/opinions/portal/new.html", {"form": form})


def _submit_entry(request: HttpRequest, form: OpinionEntryForm, *, deputy: Any, group: Any) -> Opinion:
    d = form.cleaned_data
    result = opinion_submit(
        content=d["content"], deputy=deputy, group=group, category=d["category"], place=d["place"],
        place_detail=d["place_detail"], resident_name=d["resident_name"], resident_phone=d["resident_phone"],
        callback_ok=d["callback_ok"], consent=d["consent"], channel=d["channel"], entered_by=request.user,
        photos=d["photos"], sender=f"user:{request.user.pk}",
    )
    messages.success(request, f"已录入，查询码 {result.opinion.tracking_code}，请告知群众。")
    return result.opinion


@require_http_methods(["GET"])
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A resident's photo, to those who may handle the opinion (staff in scope, its deputies)."""
    item = get_object_or_404(OpinionPhoto.objects.select_related("opinion__region", "opinion__group"), pk=pk)
    if not request.user.is_authenticated or not may_handle(request.user, item.opinion):
        raise Http404
    return private_file_response(item.image, content_type="image/jpeg")


# --- staff -----------------------------------------------------------------------------------------


def _staff_queryset(request: HttpRequest, form: StaffFilterForm) -> QuerySet:
    qs = opinions_for_staff(user=request.user)
    if form.is_valid():
        d = form.cleaned_data
        qs = _filter_status(qs, d["status"])
        if d["overdue"]:
            qs = qs.filter(status=S.FORWARDED, due_date__lt=timezone.localdate())
        if d["q"]:
            qs = qs.filter(Q(tracking_code=d["q"].strip().upper()) | Q(content__icontains=d["q"]))
    return qs


@staff_required
def staff_list(request: HttpRequest) -> HttpResponse:
    form = StaffFilterForm(request.GET or None)
    qs = _staff_queryset(request, form)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "suggestions/opinions/staff/list.html", {
        "page": page, "form": form, "query": query.urlencode(),
        "estimated": any(o.due_estimated for o in page),
    })


@staff_required
@require_http_methods(["GET", "POST"])
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opinion = opinion_for_staff(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    forms = _action_forms(opinion, request.POST or None, action)
    reassign = ReassignForm(request.POST if action == "reassign" else None, prefix="reassign", user=request.user)
    if request.method == "POST":
        if action == "reassign":
            if reassign.is_valid():
                try:
                    opinion_reassign(opinion=opinion, deputy=reassign.cleaned_data["deputy"], actor=request.user,
                                     note=reassign.cleaned_data["note"])
                    messages.success(request, "已改派。")
                    return redirect("suggestions:staff_opinion_detail", pk=opinion.pk)
                except TransitionRefused as exc:
                    messages.error(request, str(exc))
        elif _apply_action(request, opinion, forms, action) or action not in forms:
            return redirect("suggestions:staff_opinion_detail", pk=opinion.pk)
    ctx = _detail_context(opinion, show_resident=True)
    ctx.update(forms=forms, reassign=reassign)
    return render(request, "suggestions/opinions/staff/detail.html", ctx)


@staff_required
@require_http_methods(["GET", "POST"])
def staff_new(request: HttpRequest) -> HttpResponse:
    region = None if sees_every_row(request.user) else request.user.region
    form = OpinionEntryForm(request.POST or None, request.FILES or None, region=region, user=request.user)
    if request.method == "POST" and form.is_valid():
        opinion = _submit_entry(request, form, deputy=form.cleaned_data["deputy"], group=form.cleaned_data["group"])
        if opinions_for_staff(user=request.user).filter(pk=opinion.pk).exists():
            return redirect("suggestions:staff_opinion_detail", pk=opinion.pk)
        return redirect("suggestions:staff_opinions")
    return render(request, "suggestions/opinions/staff/new.html", {"form": form})


@staff_required
@require_http_methods(["GET", "POST"])
def staff_from_receptions(request: HttpRequest) -> HttpResponse:
    """Reception register entries (接待登记) in scope not yet made into opinions; convert the ticked ones."""
    pending = receptions_visible_to(user=request.user).filter(opinion__isnull=True)
    if request.method == "POST":
        chosen = list(pending.filter(uid__in=_uuids(request.POST.getlist("entry"))))
        if not chosen:
            messages.error(request, "请至少勾选一条接待登记。")
        done = 0
        for entry in chosen:
            try:
                opinion_from_reception(entry=entry, actor=request.user)
                done += 1
            except TransitionRefused as exc:
                messages.error(request, f"{entry.date:%Y-%m-%d} {entry.station.name}：{exc}")
        if done:
            messages.success(request, f"已将{done}条接待登记转为群众意见。")
        return redirect("suggestions:staff_from_receptions")
    # Everyone who sees an entry here handles it (the same scope as liaison.privacy.may_see_visitor).
    entries = list(pending[:200])
    return render(request, "suggestions/opinions/staff/from_receptions.html", {"entries": entries})


def _uuids(values: list[str]) -> list[uuid.UUID]:
    out = []
    for v in values:
        try:
            out.append(uuid.UUID(v))
        except ValueError:
            continue
    return out


EXPORT_HEADERS = ["查询码", "提交时间", "来源渠道", "反映给代表", "反映给活动小组", "反映给联络站", "所属乡镇",
                  "村（社区）",
                  "具体位置", "类别", "反映内容", "群众姓名", "手机号码", "同意回访", "状态", "转交单位",
                  "办理期限", "是否逾期", "答复", "不予受理理由", "群众评价", "补充意见"]


@staff_required
def staff_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as .xlsx. Names are included; phones masked unless office staff."""
    from openpyxl import Workbook

    qs = _staff_queryset(request, StaffFilterForm(request.GET or None))
    full_phone = is_office(request.user)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("群众意见")
    ws.append(EXPORT_HEADERS)
    for o in qs.iterator(chunk_size=500):
        ws.append(text_row([
            o.tracking_code, timezone.localtime(o.submitted_at).strftime("%Y-%m-%d %H:%M"), o.get_channel_display(),
            o.deputy.name if o.deputy else "", o.group.name if o.group else "", o.station.name if o.station else "",
            o.region.name if o.region else "",
            o.place.name if o.place else "", o.place_detail, o.category.name if o.category else "",
            o.content, o.resident_name,
            o.resident_phone if full_phone else mask_phone(o.resident_phone), "是" if o.callback_ok else "否",
            o.get_status_display(), o.forwarded_to.name if o.forwarded_to else "",
            o.due_date.isoformat() if o.due_date else "", "是" if o.is_overdue else "",
            o.public_reply, o.decline_reason, o.get_rating_display(), o.rating_remark,
        ]))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    name = f"群众意见-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@staff_required
def staff_figures(request: HttpRequest) -> HttpResponse:
    """The bulletin sentence for a period and region (defaults: this year, the user's region)."""
    today = timezone.localdate()
    start = _date(request.GET.get("start"), dt.date(today.year, 1, 1))
    end = _date(request.GET.get("end"), today)
    regions = Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP]).order_by("code")
    if not sees_every_row(request.user):
        regions = regions.filter(code__startswith=request.user.region.prefix)
    region = None
    code = request.GET.get("region", "")
    if code:
        region = get_object_or_404(Region, code=code)
    if not sees_every_row(request.user):
        if region is None or not request.user.region.contains(region):
            region = request.user.region
    figures = opinion_figures(start, end, region)
    return render(request, "suggestions/opinions/staff/figures.html", {
        "figures": figures, "sentence": figures_sentence(figures), "start": start, "end": end,
        "region": region, "regions": regions,
    })


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default

