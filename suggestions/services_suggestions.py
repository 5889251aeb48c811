"""Every write on suggestions: views, admin actions, commands and the demo call these."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from deputies.models import Congress, Deputy
from deputywork.models import Region, RegionLevel, User
from deputywork.workdays import WorkingDay, add_working_days, working_days_between
from suggestions.models import (
    Assignment,
    Category,
    Consultation,
    Evaluation,
    HandlingUnit,
    Opinion,
    OpinionStatus,
    ProgressNote,
    Reply,
    ReplyClass,
    ReturnRequest,
    Suggestion,
    SuggestionAttachment,
    SuggestionPolicy,
    SuggestionStatus,
    Supervision,
)
from suggestions.models.suggestions import ATTACHMENT_EXTENSIONS, MAX_ATTACHMENT_BYTES, MAX_REPLY_PDF_BYTES
from suggestions.suggestion_workflow import (
    TransitionRefused,
    is_lead_deputy,
    record_event,
    staff_may_handle,
    suggestion_transition,
)
from suggestions.workflow import opinion_transition

S = SuggestionStatus


def today() -> dt.date:
    return timezone.localdate()


# --- deadlines ---------------------------------------------------------------------------------

def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def deadline_for(*, start: dt.date, kind: str = "default") -> WorkingDay:
    """The deadline of an assignment made on `start`: months for ordinary and complex items and
    for a redo, working days for a small matter; a deadline on a holiday moves to the next
    working day. `estimated` says the calendar of a year crossed is not published yet."""
    policy = SuggestionPolicy.current()
    if kind == "small":
        return add_working_days(start, policy.small_matter_days)
    months = {"default": policy.default_months, "complex": policy.complex_months, "redo": policy.redo_months}[kind]
    return add_working_days(add_months(start, months), 0)


def township_of(region: Region | None) -> Region | None:
    """The township a village (or the township itself) belongs to; what staff scoping goes by."""
    while region is not None and region.level == RegionLevel.VILLAGE:
        region = region.parent
    return region if region is not None and region.level == RegionLevel.TOWNSHIP else None


# --- deputies: drafting and submitting ----------------------------------------------------------

def suggestion_create(*, congress: Congress, lead_deputy: Deputy, title: str, content: str, category: Category,
                      actor: User | None, period: str = "recess", year: int | None = None,
                      co_signers: Iterable[Deputy] = (), source_opinions: Iterable[Opinion] = (),
                      region: Region | None = None) -> Suggestion:
    """A draft. Staff entering one for a deputy are recorded as `entered_by`."""
    entered_by = actor if actor is not None and getattr(actor, "role", "") in ("office", "township") else None
    with transaction.atomic():
        item = Suggestion.objects.create(
            congress=congress, lead_deputy=lead_deputy, title=title.strip(), content=content.strip(),
            category=category, period=period, year=year or today().year,
            region=region or township_of(lead_deputy.residence), entered_by=entered_by,
        )
        item.co_signers.set([d for d in co_signers if d.pk != lead_deputy.pk])
        item.source_opinions.set(source_opinions)
        record_event(suggestion=item, actor=actor, action="起草", note="工作人员代为录入" if entered_by else "")
    return item


def suggestion_update_draft(*, suggestion: Suggestion, actor: User, co_signers: Iterable[Deputy] | None = None,
                            **fields: object) -> Suggestion:
    """Change a draft, text and co-signers together. The row is locked and its status read
    afresh: an edit sent from a second tab after the draft was submitted is refused, not
    written over the text that was numbered and sent."""
    with transaction.atomic():
        status = Suggestion.objects.select_for_update().filter(pk=suggestion.pk).values_list("status", flat=True).get()
        if status != S.DRAFT:
            raise TransitionRefused("建议提交后不能再修改。")
        for name, value in fields.items():
            setattr(suggestion, name, value)
        suggestion.save(update_fields=[*fields, "updated_at"])
        if co_signers is not None:
            suggestion.co_signers.set([d for d in co_signers if d.pk != suggestion.lead_deputy_id])
    return suggestion


def suggestion_submit(*, suggestion: Suggestion, actor: User | None) -> Suggestion:
    """Submit (numbered now); residents' opinions it came from are marked adopted."""
    with transaction.atomic():
        suggestion_transition(suggestion=suggestion, to=S.SUBMITTED, actor=actor, action="提交")
        for opinion in suggestion.source_opinions.filter(status=OpinionStatus.ACCEPTED):
            opinion_transition(opinion=opinion, to=OpinionStatus.ADOPTED, actor=None,
                               note=f"形成代表建议 {suggestion.number}")
    return suggestion


def attachment_add(*, suggestion: Suggestion, upload: UploadedFile, actor: User) -> SuggestionAttachment:
    ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if ext not in ATTACHMENT_EXTENSIONS:
        raise TransitionRefused(f"附件只能是 {'、'.join(ATTACHMENT_EXTENSIONS)} 格式。")
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise TransitionRefused(f"附件不能超过 {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB。")
    att = SuggestionAttachment(suggestion=suggestion, name=upload.name[-120:], size=upload.size, uploaded_by=actor)
    att.file.save(upload.name, upload, save=False)
    att.save()
    return att


# --- the office: register, decline, merge, assign, transfer ---------------------------------------

def suggestion_register(*, suggestion: Suggestion, actor: User, complex: bool = False, note: str = "") -> Suggestion:
    with transaction.atomic():
        suggestion_transition(suggestion=suggestion, to=S.REGISTERED, actor=actor, note=note, action="立案")
        if complex != suggestion.complex:
            Suggestion.objects.filter(pk=suggestion.pk).update(complex=complex)
            suggestion.complex = complex
    return suggestion


def suggestion_decline(*, suggestion: Suggestion, reason: str, declined_as: str, actor: User,
                       note: str = "") -> Suggestion:
    """不予立案: the item becomes a 参阅件 or a deputy's letter, with the reason the deputy reads."""
    return suggestion_transition(suggestion=suggestion, to=S.NOT_REGISTERED, actor=actor, note=note,
                                 action="不予立案", decline_reason=reason, declined_as=declined_as)


def suggestion_merge(*, suggestion: Suggestion, into: Suggestion, actor: User, note: str = "") -> Suggestion:
    """并案: the merged item follows the main one; its deputies read the main item's reply."""
    return suggestion_transition(suggestion=suggestion, to=S.MERGED, actor=actor, action="并案",
                                 note=note or f"并入 {into.number}", merged_into=into, data={"into": into.pk})


def suggestion_assign(*, suggestion: Suggestion, lead_unit: HandlingUnit, actor: User,
                      assisting_units: Iterable[HandlingUnit] = (), kind: str = "",
                      deadline: dt.date | None = None, fast_track: bool = False,
                      on: dt.date | None = None) -> list[Assignment]:
    """交办 to one lead unit and any assisting units. The suggestion row stays locked until the
    assignments are written, so two clerks assigning at once leave exactly one assignment.
    Fast track (即提即办) registers and assigns a submitted item on the same day."""
    start = on or today()
    kind = kind or ("complex" if suggestion.complex else "small" if suggestion.small_matter else "default")
    with transaction.atomic():
        if fast_track:
            suggestion_transition(suggestion=suggestion, to=S.REGISTERED, actor=actor, action="即提即办立案",
                                  fast_track=True)
        suggestion_transition(suggestion=suggestion, to=S.ASSIGNED, actor=actor,
                              action="即提即办交办" if fast_track else "交办")
        if deadline is None:
            due = deadline_for(start=start, kind=kind)
        else:
            due = add_working_days(deadline, 0)
        if due.date < start:
            raise TransitionRefused("办理期限不能早于交办日期。")
        units = [(lead_unit, "lead"), *((u, "assisting") for u in assisting_units if u.pk != lead_unit.pk)]
        made = [Assignment.objects.create(suggestion=suggestion, unit=unit, role=role, assigned_on=start,
                                          deadline=due.date, deadline_estimated=due.estimated, assigned_by=actor)
                for unit, role in units]
        record_event(suggestion=suggestion, actor=actor, action="确定承办单位",
                     note="；".join(f"{a.get_role_display()}：{a.unit.name}" for a in made)
                     + f"；办理期限 {due.date:%Y-%m-%d}" + ("（按估算日历）" if due.estimated else ""),
                     data={"deadline": due.date.isoformat(), "units": [a.unit_id for a in made]})
    return made


def assignment_set_deadline(*, assignment: Assignment, deadline: dt.date, actor: User) -> Assignment:
    if not staff_may_handle(actor, assignment.suggestion):
        raise TransitionRefused("只有工作人员可以调整办理期限。")
    due = add_working_days(deadline, 0)
    if due.date < assignment.assigned_on:
        raise TransitionRefused("办理期限不能早于交办日期。")
    with transaction.atomic():
        _active_in_unit_hands(assignment, "调整办理期限")
        assignment.deadline, assignment.deadline_estimated = due.date, due.estimated
        assignment.save(update_fields=["deadline", "deadline_estimated"])
        record_event(suggestion=assignment.suggestion, actor=actor, action="调整办理期限",
                     note=f"{assignment.unit.name}：{due.date:%Y-%m-%d}")
    return assignment


def assignment_transfer(*, assignment: Assignment, unit: HandlingUnit, actor: User, note: str = "") -> Assignment:
    """转办 by the office: the old assignment ends, the new unit gets the same role and a fresh deadline.
    A unit cannot pass an item on by itself; it asks for a return instead."""
    with transaction.atomic():
        item = Suggestion.objects.select_for_update().get(pk=assignment.suggestion_id)
        if not staff_may_handle(actor, item):
            raise TransitionRefused("承办单位不能自行转办，请向代表工委申请退回。")
        old = _active_in_unit_hands(assignment, "转办")
        if item.assignments.filter(active=True, unit=unit).exists():
            raise TransitionRefused(f"{unit.name}已是该建议的承办单位。")
        old.active, old.ended_on = False, today()
        old.save(update_fields=["active", "ended_on"])
        due = deadline_for(start=today(), kind="complex" if item.complex else "default")
        new = Assignment.objects.create(suggestion=item, unit=unit, role=old.role, assigned_on=today(),
                                        deadline=due.date, deadline_estimated=due.estimated, assigned_by=actor)
        record_event(suggestion=item, actor=actor, action="转办", note=f"{old.unit.name} → {unit.name}。{note}".strip(),
                     data={"from": old.unit_id, "to": unit.pk})
    return new


def unit_user_of(user: User, assignment: Assignment) -> bool:
    return bool(user.is_authenticated and user.role == "unit"
                and assignment.active and assignment.unit.users.filter(pk=user.pk).exists())


def assignment_request_return(*, assignment: Assignment, reason: str, actor: User) -> ReturnRequest:
    """申请退回, within the office's window of working days after assignment."""
    if not unit_user_of(actor, assignment):
        raise TransitionRefused("只有承办单位可以申请退回。")
    if not reason.strip():
        raise TransitionRefused("申请退回必须说明理由。")
    window = SuggestionPolicy.current().return_window_days
    if working_days_between(assignment.assigned_on, today()).days > window:
        raise TransitionRefused(f"交办后{window}个工作日内才能申请退回，已超过期限。")
    with transaction.atomic():
        # Locked first: two requests sent at once leave one, and the second is told so.
        _active_in_unit_hands(assignment, "申请退回")
        if assignment.return_requests.filter(accepted__isnull=True).exists():
            raise TransitionRefused("已有一份退回申请等待处理。")
        req = ReturnRequest.objects.create(assignment=assignment, reason=reason.strip(), requested_by=actor)
        record_event(suggestion=assignment.suggestion, actor=actor, action="申请退回",
                     note=f"{assignment.unit.name}：{reason.strip()}")
    return req


def return_decide(*, request: ReturnRequest, accept: bool, actor: User, new_unit: HandlingUnit | None = None,
                  note: str = "") -> ReturnRequest:
    """The office agrees (and transfers to `new_unit`) or refuses; the unit keeps it if refused."""
    if not staff_may_handle(actor, request.assignment.suggestion):
        raise TransitionRefused("只有代表工委可以处理退回申请。")
    if request.accepted is not None:
        raise TransitionRefused("该退回申请已经处理。")
    if accept and new_unit is None:
        raise TransitionRefused("同意退回时必须选择新的承办单位。")
    with transaction.atomic():
        # The item first, as every other write here locks it, then the request: its answer read
        # afresh, so two staff cannot decide one request both ways.
        Suggestion.objects.select_for_update().get(pk=request.assignment.suggestion_id)
        if ReturnRequest.objects.select_for_update().get(pk=request.pk).accepted is not None:
            raise TransitionRefused("该退回申请已由其他工作人员处理，请刷新页面查看。")
        request.accepted, request.decided_by, request.decided_at = accept, actor, timezone.now()
        request.decision_note = note
        request.save(update_fields=["accepted", "decided_by", "decided_at", "decision_note"])
        if accept:
            assignment_transfer(assignment=request.assignment, unit=new_unit, actor=actor, note="同意退回申请。")
        else:
            record_event(suggestion=request.assignment.suggestion, actor=actor, action="不同意退回", note=note)
    return request


# --- the units ----------------------------------------------------------------------------------

def _in_unit_hands(assignment: Assignment, doing: str = "登记") -> Suggestion:
    """Lock the item and check it is with the units (交办 or 办理中): nothing is recorded, passed on
    or given a new deadline on a closed item, one waiting for evaluation, or one not assigned yet.
    Call inside `atomic()`."""
    item = Suggestion.objects.select_for_update().get(pk=assignment.suggestion_id)
    if item.status not in (S.ASSIGNED, S.IN_PROGRESS):
        raise TransitionRefused(f"该建议当前状态为“{S(item.status).label}”，不在承办单位办理中，不能{doing}。")
    return item


def _active_in_unit_hands(assignment: Assignment, doing: str) -> Assignment:
    """`_in_unit_hands`, and the assignment itself locked and still in force (not transferred
    meanwhile): the locked row. Call inside `atomic()`."""
    _in_unit_hands(assignment, doing)
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not locked.active:
        raise TransitionRefused(f"该交办已经转办，不能{doing}。")
    return locked


def consultation_record(*, assignment: Assignment, date: dt.date, way: str, notes: str,
                        actor: User) -> Consultation:
    """面商. The lead unit's first consultation starts the handling (assigned → in_progress)."""
    if not unit_user_of(actor, assignment):
        raise TransitionRefused("只有承办单位可以登记面商记录。")
    if date > today():
        raise TransitionRefused("面商日期不能晚于今天。")
    with transaction.atomic():
        item = _in_unit_hands(assignment)
        c = Consultation.objects.create(assignment=assignment, date=date, way=way, notes=notes.strip(),
                                        recorded_by=actor)
        if assignment.role == "lead" and item.status == S.ASSIGNED:
            suggestion_transition(suggestion=item, to=S.IN_PROGRESS, actor=actor, action="面商，开始办理",
                                  note=f"{c.get_way_display()}：{c.notes}")
        else:
            record_event(suggestion=item, actor=actor, action="面商", note=f"{c.get_way_display()}：{c.notes}")
    assignment.suggestion.refresh_from_db()
    return c


def progress_note_add(*, assignment: Assignment, note: str, actor: User) -> ProgressNote:
    if not unit_user_of(actor, assignment):
        raise TransitionRefused("只有承办单位可以登记办理进展。")
    with transaction.atomic():
        item = _in_unit_hands(assignment)
        p = ProgressNote.objects.create(assignment=assignment, note=note.strip(), author=actor)
        record_event(suggestion=item, actor=actor, action="办理进展", note=p.note)
    return p


def assisting_view_send(*, assignment: Assignment, text: str, actor: User) -> Assignment:
    """协办意见: an assisting unit's view goes to the lead unit, which sends the one reply."""
    if not unit_user_of(actor, assignment) or assignment.role != "assisting":
        raise TransitionRefused("只有协办单位可以提交协办意见。")
    with transaction.atomic():
        item = _in_unit_hands(assignment)
        assignment.view_text, assignment.view_sent_at = text.strip(), timezone.now()
        assignment.save(update_fields=["view_text", "view_sent_at"])
        record_event(suggestion=item, actor=actor, action="协办意见",
                     note=f"{assignment.unit.name}已向主办单位提交协办意见")
    return assignment


def check_reply_pdf(upload: UploadedFile) -> None:
    if not upload.name.lower().endswith(".pdf"):
        raise TransitionRefused("盖章答复函只能上传 PDF 文件。")
    if upload.size > MAX_REPLY_PDF_BYTES:
        raise TransitionRefused(f"答复函不能超过 {MAX_REPLY_PDF_BYTES // (1024 * 1024)} MB。")
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise TransitionRefused("上传的文件不是有效的 PDF。")


def reply_send(*, suggestion: Suggestion, text: str, pdf: UploadedFile, reply_class: ReplyClass,
               actor: User) -> Reply:
    """答复 by the lead unit: needs a consultation first; starts the deputy's evaluation period."""
    if not text.strip():
        raise TransitionRefused("答复内容不能为空。")
    check_reply_pdf(pdf)
    policy = SuggestionPolicy.current()
    with transaction.atomic():
        due = add_working_days(today(), policy.evaluation_days)
        suggestion_transition(suggestion=suggestion, to=S.REPLIED, actor=actor, action=f"答复（{reply_class.code}类）",
                              evaluation_due=due.date, evaluation_due_estimated=due.estimated,
                              follow_up=reply_class.follow_up)
        lead = suggestion.assignments.get(active=True, role="lead")
        reply = Reply(suggestion=suggestion, assignment=lead, text=text.strip(), reply_class=reply_class,
                      on_time=today() <= lead.deadline, author=actor)
        reply.pdf.save(pdf.name, pdf, save=False)
        reply.save()
    return reply


# --- the deputy: evaluation ---------------------------------------------------------------------

def evaluation_submit(*, suggestion: Suggestion, actor: User, ratings: dict[str, str], overall: str,
                      reason: str = "") -> Evaluation:
    """满意度测评 by the lead deputy only. An overall 不满意 sends the item back to the unit
    with a new deadline (one month by default)."""
    if not is_lead_deputy(actor, suggestion):
        raise TransitionRefused("只有领衔代表可以进行满意度测评。")
    if set(ratings) != set(Evaluation.POINTS):
        raise TransitionRefused("请对五个方面逐项评价。")
    if (overall == "unsatisfied" or "unsatisfied" in ratings.values()) and not reason.strip():
        raise TransitionRefused("评为不满意时必须填写理由。")
    with transaction.atomic():
        unsatisfied = overall == "unsatisfied"
        suggestion_transition(suggestion=suggestion, to=S.IN_PROGRESS if unsatisfied else S.EVALUATED, actor=actor,
                              action="不满意，重新办理" if unsatisfied else "满意度测评",
                              note=reason.strip())
        reply = suggestion.replies.order_by("-created_at", "-pk").first()
        if hasattr(reply, "evaluation"):
            raise TransitionRefused("这份答复已经测评过。")
        evaluation = Evaluation.objects.create(suggestion=suggestion, reply=reply, deputy=actor.deputy,
                                               overall=overall, reason=reason.strip(), **ratings)
        if unsatisfied:
            due = deadline_for(start=today(), kind="redo")
            suggestion.assignments.filter(active=True).update(deadline=due.date, deadline_estimated=due.estimated)
            record_event(suggestion=suggestion, actor=actor, action="重新确定办理期限",
                         note=f"{due.date:%Y-%m-%d}")
    return evaluation


# --- the office: close, reopen, supervise ----------------------------------------------------------

def suggestion_close(*, suggestion: Suggestion, actor: User, note: str = "") -> Suggestion:
    return suggestion_transition(suggestion=suggestion, to=S.CLOSED, actor=actor, action="审核销号", note=note)


def suggestion_reopen(*, suggestion: Suggestion, actor: User, note: str) -> Suggestion:
    """回头看: the office reopens a closed item; the lead unit gets a fresh (redo) deadline."""
    if not note.strip():
        raise TransitionRefused("重新办理（回头看）必须说明原因。")
    with transaction.atomic():
        suggestion_transition(suggestion=suggestion, to=S.IN_PROGRESS, actor=actor, action="回头看，重新办理",
                              note=note)
        due = deadline_for(start=today(), kind="redo")
        suggestion.assignments.filter(active=True).update(deadline=due.date, deadline_estimated=due.estimated)
    return suggestion


def supervision_record(*, suggestion: Suggestion, kind: str, date: dt.date, notes: str, actor: User) -> Supervision:
    if not staff_may_handle(actor, suggestion):
        raise TransitionRefused("只有工作人员可以登记督办。")
    if suggestion.status in (S.DRAFT, S.NOT_REGISTERED, S.MERGED):
        raise TransitionRefused("该建议不在办理中，不能督办。")
    with transaction.atomic():
        s = Supervision.objects.create(suggestion=suggestion, kind=kind, date=date, notes=notes.strip(), actor=actor)
        record_event(suggestion=suggestion, actor=actor, action=f"督办（{s.get_kind_display()}）", note=s.notes)
    return s


def suggestion_flag(*, suggestion: Suggestion, actor: User, key_supervision: bool | None = None,
                    key_leader: str | None = None, public: bool | None = None,
                    follow_up: bool | None = None) -> Suggestion:
    """重点督办 with its leader, whether a closed item's result is public, and the end of a B/C
    item's follow-up (跟踪办理): it stays on the follow-up list and is carried into each next
    year's list until the office ends it here."""
    if not staff_may_handle(actor, suggestion):
        raise TransitionRefused("只有工作人员可以修改。")
    fields = []
    if key_supervision is not None:
        if key_supervision and not (key_leader or "").strip():
            raise TransitionRefused("重点督办必须填写责任领导。")
        suggestion.key_supervision, suggestion.key_leader = key_supervision, (key_leader or "").strip()
        fields += ["key_supervision", "key_leader"]
    if public is not None:
        if public and suggestion.status != S.CLOSED:
            raise TransitionRefused("只有已办结的建议可以公开办理结果。")
        suggestion.public = public
        fields.append("public")
    if follow_up is not None and follow_up != suggestion.follow_up:
        if follow_up and not suggestion.replies.exists():
            raise TransitionRefused("只有已答复的建议可以跟踪办理。")
        suggestion.follow_up = follow_up
        fields.append("follow_up")
    with transaction.atomic():
        suggestion.save(update_fields=[*fields, "updated_at"])
        notes = []
        if key_supervision is not None:
            notes.append(f"重点督办：{suggestion.key_leader}" if key_supervision else "取消重点督办")
        if public is not None:
            notes.append("公开办理结果" if public else "不公开办理结果")
        if "follow_up" in fields:
            notes.append("继续跟踪办理" if follow_up else "结束跟踪办理")
        record_event(suggestion=suggestion, actor=actor, action="标记", note="；".join(notes))
    return suggestion
