"""Pages of suggestions: the deputy portal, the staff pages, the public results, downloads."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from deputies.models import Congress, Deputy
from deputywork.models import Role
from deputywork.roles import role_required, staff_required
from deputywork.storage import private_file_response
from deputywork.xlsx import text_row
from suggestions import selectors_suggestions as sel
from suggestions import services_suggestions as svc
from suggestions.forms_suggestions import (
    AssignForm,
    DeadlineForm,
    DeclineForm,
    EvaluationForm,
    FlagForm,
    MergeForm,
    NoteForm,
    RegisterForm,
    ReturnDecisionForm,
    StaffSuggestionForm,
    SuggestionForm,
    SupervisionForm,
    TransferForm,
)
from suggestions.models import (
    Opinion,
    OpinionStatus,
    Reply,
    ReturnRequest,
    Suggestion,
    SuggestionAttachment,
    SuggestionStatus,
)
from suggestions.models.units import units_serving
from suggestions.suggestion_workflow import TransitionRefused
from suggestions.workflow import may_handle as may_handle_opinion

S = SuggestionStatus
deputy_required = role_required(Role.DEPUTY)


# --- deputy portal ------------------------------------------------------------------------------

def _deputy(request: HttpRequest) -> Deputy:
    deputy = getattr(request.user, "deputy", None)
    if deputy is None:
        raise Http404
    return deputy


def _congress_of(deputy: Deputy) -> Congress | None:
    seats = deputy.mandates.filter(status="active").select_related("congress").order_by("congress__level")
    chosen = next((m.congress for m in seats if m.congress.level == "county"), None)
    return chosen or (seats[0].congress if seats else None)


@deputy_required
def deputy_list(request: HttpRequest) -> HttpResponse:
    deputy = _deputy(request)
    items = list(sel.suggestions_of_deputy(user=request.user).order_by("-created_at"))
    return render(request, "suggestions/suggestions/deputy_list.html", {"items": items, "deputy": deputy})


def _source_opinions(request: HttpRequest, ids: list[str]) -> tuple[list[Opinion], int]:
    """The chosen opinions this deputy may raise a suggestion from (accepted ones they handle),
    and how many chosen ids were refused (unknown, not theirs, not accepted or already used)."""
    chosen = set(ids)
    wanted = {int(i) for i in chosen if i.isdigit()}
    candidates = Opinion.objects.filter(pk__in=wanted, status=OpinionStatus.ACCEPTED).select_related("group")
    usable = [o for o in candidates if may_handle_opinion(request.user, o)]
    return usable, len(chosen) - len(usable)


REFUSED_SOURCES = "所选意见中有{n}条尚未受理、已经办理或不归您办理，不能据此提出建议，请重新选择。"


@deputy_required
def suggestion_create(request: HttpRequest) -> HttpResponse:
    """Draft a suggestion; `?opinions=1&opinions=2` starts from accepted residents' opinions."""
    deputy = _deputy(request)
    congress = _congress_of(deputy)
    if congress is None:
        messages.error(request, "您没有在任的代表资格，不能提出建议。")
        return redirect("suggestions:deputy_list")
    opinions, refused = _source_opinions(request,
                                         request.GET.getlist("opinions") or request.POST.getlist("opinions"))
    if refused and request.method != "POST":
        messages.error(request, REFUSED_SOURCES.format(n=refused))
        return redirect("suggestions:inbox")
    initial = {}
    if opinions:
        initial["content"] = "\n\n".join(f"群众反映：{o.content}" for o in opinions)
        if opinions[0].category_id:
            initial["category"] = opinions[0].category_id
    form = SuggestionForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and refused:
        # Someone else moved a chosen opinion since the form opened: keep what was typed, save nothing.
        messages.error(request, REFUSED_SOURCES.format(n=refused))
    elif request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            item = svc.suggestion_create(congress=congress, lead_deputy=deputy, title=d["title"], content=d["content"],
                                         category=d["category"], period=d["period"], co_signers=d["co_signers"],
                                         source_opinions=opinions, actor=request.user)
            if d.get("attachment"):
                svc.attachment_add(suggestion=item, upload=d["attachment"], actor=request.user)
        except TransitionRefused as exc:
            messages.error(request, str(exc))
        else:
            if "submit" in request.POST:
                svc.suggestion_submit(suggestion=item, actor=request.user)
                messages.success(request, f"建议已提交，编号 {item.number}。")
            else:
                messages.success(request, "草稿已保存。")
            return redirect("suggestions:deputy_detail", pk=item.pk)
    return render(request, "suggestions/suggestions/form.html",
                  {"form": form, "opinions": opinions, "congress": congress, "portal": True})


@deputy_required
def suggestion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    deputy = _deputy(request)
    item = get_object_or_404(Suggestion, pk=pk, lead_deputy=deputy, status=S.DRAFT)
    initial = {"title": item.title, "content": item.content, "category": item.category_id, "period": item.period,
               "co_signers": list(item.co_signers.all())}
    form = SuggestionForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            # One transaction: the draft's row stays locked from the edit to the submit, so a
            # second tab (or a double tap) cannot submit other text in between.
            with transaction.atomic():
                svc.suggestion_update_draft(suggestion=item, actor=request.user, title=d["title"],
                                            content=d["content"], category=d["category"], period=d["period"],
                                            co_signers=d["co_signers"])
                if d.get("attachment"):
                    svc.attachment_add(suggestion=item, upload=d["attachment"], actor=request.user)
                if "submit" in request.POST:
                    svc.suggestion_submit(suggestion=item, actor=request.user)
        except TransitionRefused as exc:  # submitted meanwhile, from another tab
            messages.error(request, str(exc))
            return redirect("suggestions:deputy_detail", pk=item.pk)
        if "submit" in request.POST:
            messages.success(request, f"建议已提交，编号 {item.number}。")
        return redirect("suggestions:deputy_detail", pk=item.pk)
    return render(request, "suggestions/suggestions/form.html", {"form": form, "item": item, "portal": True})


def _detail_context(item: Suggestion) -> dict:
    shown = item.merged_into if item.status == S.MERGED and item.merged_into_id else item
    return {
        "item": item,
        "answered_by": shown,
        "reply": sel.latest_reply(shown),
        "replies": shown.replies.select_related("reply_class", "assignment__unit").prefetch_related("evaluation"),
        "events": sel.timeline(item),
        "attachments": item.attachments.all(),
        "co_signers": item.co_signers.all(),
        "assignments": item.assignments.select_related("unit").order_by("-active", "role", "pk"),
        "merged_items": sel.merged_items(item),
    }


@deputy_required
def deputy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deputy = _deputy(request)
    item = sel.suggestion_for_deputy(user=request.user, pk=pk)
    is_lead = item.lead_deputy_id == deputy.pk
    form = EvaluationForm(request.POST or None) if is_lead and item.status == S.REPLIED else None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "submit" and is_lead:
                svc.suggestion_submit(suggestion=item, actor=request.user)
                messages.success(request, f"建议已提交，编号 {item.number}。")
                return redirect(request.path)
            if request.POST.get("action") == "evaluate":
                if form is None:
                    raise TransitionRefused("只有领衔代表可以在答复后进行满意度测评。")
                if form.is_valid():
                    svc.evaluation_submit(suggestion=item, actor=request.user, ratings=form.ratings(),
                                          overall=form.cleaned_data["overall"], reason=form.cleaned_data["reason"])
                    messages.success(request, "测评已提交，谢谢。")
                    return redirect(request.path)
        except TransitionRefused as exc:
            messages.error(request, str(exc))
    ctx = _detail_context(item) | {"is_lead": is_lead, "evaluation_form": form, "portal": True}
    return render(request, "suggestions/suggestions/deputy_detail.html", ctx)


# --- staff pages --------------------------------------------------------------------------------

@staff_required
def staff_list(request: HttpRequest) -> HttpResponse:
    qs = sel.suggestions_for_staff(user=request.user).exclude(status=S.DRAFT)
    status, year, q = request.GET.get("status", ""), request.GET.get("year", ""), request.GET.get("q", "").strip()
    if status in S.values:
        qs = qs.filter(status=status)
    # A year shows its own items and earlier years' B/C items still under follow-up, flagged.
    qs = sel.in_year(qs, int(year) if year.isdigit() else None)
    if request.GET.get("key"):
        qs = qs.filter(key_supervision=True)
    if request.GET.get("follow_up"):
        qs = qs.filter(follow_up=True)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(lead_deputy__name__icontains=q))
    page = Paginator(qs.order_by("-submitted_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(request, "suggestions/suggestions/staff_list.html",
                  {"page": page, "statuses": S.choices, "status": status, "year": year, "q": q})


@staff_required
def staff_create(request: HttpRequest) -> HttpResponse:
    form = StaffSuggestionForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        item = svc.suggestion_create(congress=d["congress"], lead_deputy=d["lead_deputy"], title=d["title"],
                                     content=d["content"], category=d["category"], period=d["period"],
                                     co_signers=d["co_signers"], region=d["region"], actor=request.user)
        if d.get("attachment"):
            svc.attachment_add(suggestion=item, upload=d["attachment"], actor=request.user)
        if sel.suggestions_for_staff(user=request.user).filter(pk=item.pk).exists():
            svc.suggestion_submit(suggestion=item, actor=request.user)
            messages.success(request, f"已代代表录入并提交，编号 {item.number}。")
            return redirect("suggestions:staff_detail", pk=item.pk)
        messages.warning(request, "已保存草稿，但该建议不在你的管辖范围内。")
        return redirect("suggestions:staff_list")
    return render(request, "suggestions/suggestions/staff_form.html", {"form": form})


def _staff_action(request: HttpRequest, item: Suggestion, action: str) -> str | None:
    """Run one posted action; return an error message for the form, None when done."""
    user, post = request.user, request.POST
    if action == "register":
        f = RegisterForm(post)
        f.is_valid()
        svc.suggestion_register(suggestion=item, actor=user, complex=f.cleaned_data.get("complex", False),
                                note=f.cleaned_data.get("note", ""))
    elif action == "decline":
        f = DeclineForm(post)
        if not f.is_valid():
            return "请选择不予立案理由。"
        svc.suggestion_decline(suggestion=item, reason=f.cleaned_data["reason"],
                               declined_as=f.cleaned_data["declined_as"], note=f.cleaned_data["note"], actor=user)
    elif action == "merge":
        f = MergeForm(post, candidates=sel.suggestions_for_staff(user=user).exclude(pk=item.pk))
        if not f.is_valid():
            return "请选择要并入的建议。"
        svc.suggestion_merge(suggestion=item, into=f.cleaned_data["into"], actor=user, note=f.cleaned_data["note"])
    elif action == "assign":
        f = AssignForm(post, units=_units(item))
        if not f.is_valid():
            return "；".join(e for errs in f.errors.values() for e in errs)
        d = f.cleaned_data
        svc.suggestion_assign(suggestion=item, lead_unit=d["lead_unit"], assisting_units=d["assisting_units"],
                              kind=d["kind"], deadline=d["deadline"], fast_track=d["fast_track"], actor=user)
    elif action == "transfer":
        f = TransferForm(post, units=_units(item))
        if not f.is_valid():
            return "请选择新的承办单位。"
        a = get_object_or_404(item.assignments, pk=f.cleaned_data["assignment"])
        svc.assignment_transfer(assignment=a, unit=f.cleaned_data["unit"], actor=user, note=f.cleaned_data["note"])
    elif action == "deadline":
        f = DeadlineForm(post)
        if not f.is_valid():
            return "请填写办理期限。"
        a = get_object_or_404(item.assignments, pk=f.cleaned_data["assignment"])
        svc.assignment_set_deadline(assignment=a, deadline=f.cleaned_data["deadline"], actor=user)
    elif action == "return":
        f = ReturnDecisionForm(post, units=_units(item))
        if not f.is_valid():
            return "请选择处理意见。"
        req = get_object_or_404(ReturnRequest, pk=f.cleaned_data["request"], assignment__suggestion=item)
        svc.return_decide(request=req, accept=f.cleaned_data["accept"], new_unit=f.cleaned_data["new_unit"],
                          note=f.cleaned_data["note"], actor=user)
    elif action == "supervise":
        f = SupervisionForm(post)
        if not f.is_valid():
            return "请填写督办方式、日期和情况。"
        svc.supervision_record(suggestion=item, actor=user, **f.cleaned_data)
    elif action == "flag":
        f = FlagForm(post)
        f.is_valid()
        d = f.cleaned_data
        svc.suggestion_flag(suggestion=item, actor=user, key_supervision=d["key_supervision"],
                            key_leader=d["key_leader"], public=d["public"] if item.status == S.CLOSED else None,
                            follow_up=d["follow_up"] if item.replies.exists() else None)
    elif action in ("close", "reopen"):
        f = NoteForm(post)
        f.is_valid()
        note = f.cleaned_data.get("note", "")
        if action == "close":
            svc.suggestion_close(suggestion=item, actor=user, note=note)
        else:
            svc.suggestion_reopen(suggestion=item, actor=user, note=note)
    else:
        return "未知操作。"
    return None


def _units(item: Suggestion) -> QuerySet:
    """The units an item may go to: its county's."""
    return units_serving(item.placed_in)


@staff_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = sel.suggestion_for_staff(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            error = _staff_action(request, item, request.POST.get("action", ""))
        except TransitionRefused as exc:
            error = str(exc)
        if error:
            messages.error(request, error)
        else:
            messages.success(request, "已保存。")
            return redirect(request.path)
    candidates = sel.suggestions_for_staff(user=request.user).exclude(pk=item.pk).filter(
        status__in=(S.SUBMITTED, S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS))
    today = timezone.localdate()
    assignments = list(item.assignments.select_related("unit").prefetch_related("consultations", "progress_notes")
                       .order_by("-active", "role", "pk"))
    estimated = sel.days_left(today, [a for a in assignments if a.active])
    ctx = _detail_context(item) | {
        "assignments": assignments, "estimated": estimated,
        "pending_returns": ReturnRequest.objects.filter(assignment__suggestion=item, accepted__isnull=True)
        .select_related("assignment__unit"),
        "supervisions": item.supervisions.all(),
        "register_form": RegisterForm(), "decline_form": DeclineForm(), "merge_form": MergeForm(candidates=candidates),
        "assign_form": AssignForm(units=_units(item)), "supervision_form": SupervisionForm(), "note_form": NoteForm(),
        "flag_form": FlagForm(initial={"key_supervision": item.key_supervision, "key_leader": item.key_leader,
                                       "public": item.public}),
        "units": _units(item),
    }
    return render(request, "suggestions/suggestions/staff_detail.html", ctx)


@staff_required
def overdue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = list(sel.overdue_assignments(user=request.user, on=today))
    estimated = sel.days_left(today, rows)
    return render(request, "suggestions/suggestions/overdue.html", {
        "rows": rows, "estimated": estimated, "this_year": today.year,
        "follow_ups": sel.follow_up_items(user=request.user),
    })


@staff_required
def rates_page(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    total, per_unit = sel.rates(user=request.user, year=int(year) if year.isdigit() else None)
    return render(request, "suggestions/suggestions/rates.html", {"total": total, "per_unit": per_unit, "year": year})


def _pct(v: float | None) -> str:
    return "" if v is None else f"{v}%"


@staff_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    """台账 as xlsx: a sheet of every suggestion and a sheet of the rates."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    year = request.GET.get("year", "")
    year_n = int(year) if year.isdigit() else None
    wb = Workbook()
    ws = wb.active
    ws.title = "建议台账"
    head = ["编号", "标题", "类别", "提出时间", "领衔代表", "联名代表", "状态", "提交日期", "主办单位", "协办单位",
            "交办日期", "办理期限", "答复日期", "答复类别", "按期答复", "总体评价", "测评日期", "办结日期", "重点督办",
            "跟踪办理"]
    ws.append(head)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    local = timezone.localtime
    for s in sel.ledger_rows(user=request.user, year=year_n):
        lead = next((a for a in s.active_assignments if a.role == "lead"), None)
        assisting = "、".join(a.unit.name for a in s.active_assignments if a.role == "assisting")
        reply = s.all_replies[-1] if s.all_replies else None
        evaluation = s.all_evaluations[-1] if s.all_evaluations else None
        ws.append(text_row([
            s.number, s.title, s.category.name, s.get_period_display(), s.lead_deputy.name,
            "、".join(d.name for d in s.co_signers.all()), s.get_status_display(),
            local(s.submitted_at).date() if s.submitted_at else None,
            lead.unit.name if lead else "", assisting,
            lead.assigned_on if lead else None, lead.deadline if lead else None,
            local(reply.created_at).date() if reply else None,
            f"{reply.reply_class.code}类 {reply.reply_class.label}" if reply else "",
            ("是" if reply.on_time else "否") if reply else "",
            evaluation.get_overall_display() if evaluation else "",
            local(evaluation.created_at).date() if evaluation else None,
            local(s.closed_at).date() if s.closed_at else None,
            s.key_leader if s.key_supervision else "",
            "上年度结转" if s.carried_over else "跟踪办理" if s.follow_up else "",
        ]))
    for col, width in zip("ABCDEFGHIJKLMNOPQRST", (26, 40, 10, 10, 10, 20, 10, 12, 24, 30, 12, 12, 12, 24, 8, 10,
                                                   12, 12, 10, 12), strict=True):
        ws.column_dimensions[col].width = width
    total, per_unit = sel.rates(user=request.user, year=year_n)
    ws2 = wb.create_sheet("办理情况统计")
    ws2.append(["承办单位", "主办件数", "办结", "办结率", "面商", "见面率", "答复", "按期答复率", "测评", "满意率"])
    for r in [*per_unit, total]:
        ws2.append([r.name, r.assigned, r.closed, _pct(r.close_rate), r.consulted, _pct(r.consult_rate), r.replied,
                    _pct(r.on_time_rate), r.evaluated, _pct(r.satisfaction_rate)])
    out = BytesIO()
    wb.save(out)
    name = f"suggestions-ledger-{year or dt.date.today().year}.xlsx"  # noqa: DTZ011 - a file name
    response = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- public results -------------------------------------------------------------------------------

def public_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(sel.public_results(), 20).get_page(request.GET.get("page"))
    for item in page:  # a number or an ID in a title is masked here too (names on the item's page)
        item.public_title = sel.mask_personal_text(item.title)
    return render(request, "suggestions/suggestions/public_list.html", {"page": page})


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(sel.public_results(), pk=pk)
    reply = sel.latest_reply(item)
    # The source residents' names, and any mobile or ID number, masked in the title and the reply.
    names = sel.resident_names(item)
    return render(request, "suggestions/suggestions/public_detail.html", {
        "item": item, "title": sel.mask_personal_text(item.title, names), "reply": reply,
        "reply_text": sel.mask_personal_text(reply.text, names) if reply else ""})


# --- downloads (private storage) ------------------------------------------------------------------

def _send(request: HttpRequest, allowed: bool, fieldfile, name: str) -> FileResponse:
    if not request.user.is_authenticated or not allowed:
        raise Http404
    return private_file_response(fieldfile, as_attachment=True, filename=name)


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    att = get_object_or_404(SuggestionAttachment.objects.select_related("suggestion"), pk=pk)
    allowed = request.user.is_authenticated and sel.item_may_be_seen_by(request.user, att.suggestion)
    return _send(request, allowed, att.file, att.name)


def reply_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """The signed reply: also for the deputies of items merged into the answered one (并案)."""
    reply = get_object_or_404(Reply.objects.select_related("suggestion"), pk=pk)
    allowed = request.user.is_authenticated and sel.reply_may_be_read_by(request.user, reply.suggestion)
    return _send(request, allowed, reply.pdf, f"reply-{reply.suggestion_id}-{reply.pk}.pdf")
