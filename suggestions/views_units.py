"""The unit portal (承办单位): my unit's items, consultation, progress, reply, return request."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from deputywork.models import Role
from deputywork.roles import role_required
from suggestions import selectors_suggestions as sel
from suggestions import services_suggestions as svc
from suggestions.forms_suggestions import (
    ConsultationForm,
    ProgressForm,
    ReplyForm,
    ReturnRequestForm,
    ViewForm,
)
from suggestions.models import Assignment, SuggestionStatus
from suggestions.suggestion_workflow import TransitionRefused

S = SuggestionStatus
unit_required = role_required(Role.UNIT)


@unit_required
def unit_home(request: HttpRequest) -> HttpResponse:
    """Open items first (by deadline), with working days left; answered ones below."""
    today = timezone.localdate()
    rows = list(sel.assignments_of_unit_user(user=request.user))
    open_rows = [a for a in rows if a.suggestion.status in (S.ASSIGNED, S.IN_PROGRESS)]
    done_rows = [a for a in rows if a.suggestion.status not in (S.ASSIGNED, S.IN_PROGRESS)]
    # Working days left are shown, and may be estimated, for the open items only.
    estimated = sel.days_left(today, open_rows)
    return render(request, "suggestions/units/home.html", {
        "open_rows": open_rows, "done_rows": done_rows, "estimated": estimated,
        "units": sel.units_of(request.user),
    })


def _unit_action(request: HttpRequest, a: Assignment, action: str) -> tuple[str | None, dict]:
    post, files, user = request.POST, request.FILES, request.user
    if action == "consult":
        f = ConsultationForm(post)
        if not f.is_valid():
            return "请填写面商日期、方式和情况。", {"consult_form": f}
        svc.consultation_record(assignment=a, actor=user, **f.cleaned_data)
    elif action == "progress":
        f = ProgressForm(post)
        if not f.is_valid():
            return "请填写办理进展。", {"progress_form": f}
        svc.progress_note_add(assignment=a, note=f.cleaned_data["note"], actor=user)
    elif action == "view":
        f = ViewForm(post)
        if not f.is_valid():
            return "请填写协办意见。", {"view_form": f}
        svc.assisting_view_send(assignment=a, text=f.cleaned_data["text"], actor=user)
    elif action == "reply":
        f = ReplyForm(post, files)
        if not f.is_valid():
            return "请选择答复类别、填写答复内容并上传盖章答复函。", {"reply_form": f}
        svc.reply_send(suggestion=a.suggestion, text=f.cleaned_data["text"], pdf=f.cleaned_data["pdf"],
                       reply_class=f.cleaned_data["reply_class"], actor=user)
    elif action == "return":
        f = ReturnRequestForm(post)
        if not f.is_valid():
            return "请填写退回理由。", {"return_form": f}
        svc.assignment_request_return(assignment=a, reason=f.cleaned_data["reason"], actor=user)
    else:
        return "未知操作。", {}
    return None, {}


@unit_required
def unit_item(request: HttpRequest, pk: int) -> HttpResponse:
    a = sel.assignment_for_unit_user(user=request.user, pk=pk)
    item = a.suggestion
    bound: dict = {}
    if request.method == "POST":
        try:
            error, bound = _unit_action(request, a, request.POST.get("action", ""))
        except TransitionRefused as exc:
            error = str(exc)
        if error:
            messages.error(request, error)
        else:
            messages.success(request, "已保存。")
            return redirect(request.path)
    today = timezone.localdate()
    estimated = sel.days_left(today, [a])
    others = item.assignments.filter(active=True).exclude(pk=a.pk).select_related("unit")
    is_lead = a.role == "lead"
    ctx = {
        "a": a, "item": item, "is_lead": is_lead, "estimated": estimated,
        "others": others, "co_signers": item.co_signers.all(),
        # 并案: the deputies of items merged into this one are answered by its reply; consult them too.
        "merged_items": sel.merged_items(item),
        "consultations": item.assignments.filter(active=True).prefetch_related("consultations")
        if is_lead else [a],
        "my_consultations": a.consultations.all(), "notes": a.progress_notes.all(),
        "replies": item.replies.select_related("reply_class").prefetch_related("evaluation"),
        "events": sel.timeline(item), "attachments": item.attachments.all(),
        "pending_return": a.return_requests.filter(accepted__isnull=True).first(),
        "can_reply": is_lead and item.status == S.IN_PROGRESS,
        "open": item.status in (S.ASSIGNED, S.IN_PROGRESS),
        "consult_form": ConsultationForm(), "progress_form": ProgressForm(), "view_form": ViewForm(
            initial={"text": a.view_text}),
        "reply_form": ReplyForm(), "return_form": ReturnRequestForm(),
    } | bound
    return render(request, "suggestions/units/item.html", ctx)
