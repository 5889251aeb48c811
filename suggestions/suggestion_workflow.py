"""The suggestion workflow (代表建议): the one place a suggestion changes status.

draft → submitted → registered (立案) | not_registered (参阅件 / 代表来信) | merged (并案)
registered → assigned (交办) → in_progress (first 面商) → replied (答复)
replied → evaluated (测评) | in_progress (overall 不满意: 重新办理) ; evaluated → closed (销号)
closed → in_progress (回头看, reopened by the office).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from deputies.models import Deputy
from deputywork.models import User
from deputywork.roles import is_staff_member, region_within_scope, sees_every_row
from deputywork.services import lock_rows
from suggestions.models import Consultation, Suggestion, SuggestionEvent, SuggestionStatus

S = SuggestionStatus
log = logging.getLogger(__name__)

TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED},
    S.SUBMITTED: {S.REGISTERED, S.NOT_REGISTERED, S.MERGED},
    S.REGISTERED: {S.ASSIGNED, S.MERGED},
    S.NOT_REGISTERED: set(),
    S.MERGED: set(),
    S.ASSIGNED: {S.IN_PROGRESS},
    S.IN_PROGRESS: {S.REPLIED},
    S.REPLIED: {S.EVALUATED, S.IN_PROGRESS},
    S.EVALUATED: {S.CLOSED},
    S.CLOSED: {S.IN_PROGRESS},
}

# Who may make each move, per (from, to): "deputy" = the lead deputy, "unit" = a user of the active
# lead unit. Per move, not per target: in_progress is reached three ways by three different people.
ACTORS: dict[tuple[str, str], set[str]] = {
    (S.DRAFT, S.SUBMITTED): {"deputy", "staff"},
    (S.SUBMITTED, S.REGISTERED): {"staff"},
    (S.SUBMITTED, S.NOT_REGISTERED): {"staff"},
    (S.SUBMITTED, S.MERGED): {"staff"},
    (S.REGISTERED, S.ASSIGNED): {"staff"},
    (S.REGISTERED, S.MERGED): {"staff"},
    (S.ASSIGNED, S.IN_PROGRESS): {"unit"},  # the lead unit's first 面商
    (S.IN_PROGRESS, S.REPLIED): {"unit"},
    (S.REPLIED, S.EVALUATED): {"deputy"},
    (S.REPLIED, S.IN_PROGRESS): {"deputy"},  # an overall 不满意 sends it back
    (S.EVALUATED, S.CLOSED): {"staff"},
    (S.CLOSED, S.IN_PROGRESS): {"staff"},  # 回头看
}
assert set(ACTORS) == {(a, b) for a, tos in TRANSITIONS.items() for b in tos}, "ACTORS must cover TRANSITIONS"

MOVE_FIELDS = {"decline_reason", "declined_as", "merged_into", "evaluation_due", "evaluation_due_estimated",
               "follow_up", "fast_track"}


class TransitionRefused(Exception):
    """A move that is not allowed from the current status or not by this person."""


def staff_may_handle(user: User, suggestion: Suggestion) -> bool:
    if not is_staff_member(user):
        return False
    if sees_every_row(user):
        return True
    return region_within_scope(user, suggestion.placed_in)


def is_lead_deputy(user: User, suggestion: Suggestion) -> bool:
    deputy = getattr(user, "deputy", None) if user.is_authenticated else None
    return deputy is not None and suggestion.lead_deputy_id == deputy.pk


def is_lead_unit_user(user: User, suggestion: Suggestion) -> bool:
    return suggestion.assignments.filter(active=True, role="lead", unit__users=user).exists()


def actor_kinds(user: User, suggestion: Suggestion) -> set[str]:
    kinds = set()
    if staff_may_handle(user, suggestion):
        kinds.add("staff")
    if is_lead_deputy(user, suggestion):
        kinds.add("deputy")
    if user.is_authenticated and user.role == "unit" and is_lead_unit_user(user, suggestion):
        kinds.add("unit")
    return kinds


def _refuse_move(*, seen: str, current: str, to: str) -> None:
    """A move not allowed from the locked row's status. When the row moved since the caller read
    it (two clerks on one page, a double submit), say so rather than name the statuses."""
    if current == S.ASSIGNED and to == S.ASSIGNED:
        # Only staff assign, and only once: the item was assigned since this page was loaded.
        raise TransitionRefused("该建议已由其他工作人员交办，请刷新页面查看。")
    if seen != current:
        raise TransitionRefused(f"该建议已由其他人处理，当前状态为“{S(current).label}”，请刷新页面查看。")
    if to == S.CLOSED and current in (S.REPLIED, S.IN_PROGRESS, S.ASSIGNED):
        raise TransitionRefused("代表尚未完成满意度测评，不能销号。")
    raise TransitionRefused(f"该建议当前状态为“{S(current).label}”，不能改为“{S(to).label}”。")


def _refuse_unless_ready(locked: Suggestion, current: str, to: str, changes: dict[str, Any]) -> None:
    """The rules that depend on what else has been recorded, each with its own message."""
    if to == S.NOT_REGISTERED and not changes.get("decline_reason"):
        raise TransitionRefused("不予立案必须选择理由。")
    if to in (S.NOT_REGISTERED, S.MERGED) and locked.merged_items.exists():
        # Their deputies are answered through this item: it must be handled, not set aside.
        if to == S.NOT_REGISTERED:
            raise TransitionRefused("已有其他建议并入本件，不能不予立案；请立案办理，使并案的代表都能得到答复。")
        raise TransitionRefused("已有其他建议并入本件，不能再并入其他建议；请将其他建议直接并入目标建议。")
    if to == S.MERGED:
        target = changes.get("merged_into")
        if target is None or target.pk == locked.pk:
            raise TransitionRefused("并案必须选择另一件建议。")
        # The target locked and read afresh: a clerk merging it elsewhere, or declining it, at the
        # same moment must not leave this item merged into an item that is set aside.
        target = Suggestion.objects.select_for_update().get(pk=target.pk)
        # Not into one already answered either: the merged item's deputies are told when the
        # main item is answered, and would never hear of it.
        if target.status not in (S.SUBMITTED, S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS):
            raise TransitionRefused(f"只能并入尚未答复的建议（已提交、已立案、已交办或办理中），"
                                    f"所选建议当前状态为“{S(target.status).label}”。")
    if to == S.REPLIED and not Consultation.objects.filter(
        assignment__suggestion=locked, assignment__active=True, assignment__role="lead"
    ).exists():
        raise TransitionRefused("答复前至少要与代表面商一次，请先登记面商记录。")


def suggestion_transition(*, suggestion: Suggestion, to: str, actor: User | None, note: str = "",
                          action: str = "", data: dict[str, Any] | None = None, **changes: Any) -> Suggestion:
    """Move `suggestion` to `to`, or raise TransitionRefused with a Chinese message.

    Locks the row (two clerks moving one item leave one move), checks the move against
    TRANSITIONS and the actor against ACTORS (actor None is the system: commands, fast track),
    saves with update_fields, writes one SuggestionEvent, and mails the people concerned
    once the transaction commits. Call it inside your own `atomic()` to keep the lock while you
    write related rows (assignments, replies).
    """
    unknown = set(changes) - MOVE_FIELDS
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        if to == S.MERGED and changes.get("merged_into") is not None:
            # A merge locks its target too. Both rows are locked in one statement, in the
            # order of their ids: two items merged into each other at the same moment would
            # otherwise each hold one lock and wait for the other (a deadlock, and an error
            # page). The second merge then finds the first done and is refused with a reason.
            lock_rows(Suggestion, [suggestion.pk, changes["merged_into"].pk])
        locked = (Suggestion.objects.select_for_update(of=("self",))
                  .select_related("congress__region", "region").get(pk=suggestion.pk))
        current = locked.status
        if to not in TRANSITIONS[current]:
            _refuse_move(seen=suggestion.status, current=current, to=to)
        if actor is not None and not (actor_kinds(actor, locked) & ACTORS[(current, to)]):
            raise TransitionRefused("你无权对这件建议进行此项操作。")
        _refuse_unless_ready(locked, current, to, changes)
        fields = ["status", "updated_at", *changes]
        for field, value in changes.items():
            setattr(locked, field, value)
        now = timezone.now()
        if to == S.SUBMITTED:
            _number(locked)
            locked.submitted_at = now
            fields += ["year", "seq", "submitted_at"]
        if to == S.REGISTERED:
            locked.registered_at = now
            fields.append("registered_at")
        if to == S.CLOSED:
            locked.closed_at = now
            fields.append("closed_at")
        locked.status = to
        locked.save(update_fields=fields)
        SuggestionEvent.objects.create(suggestion=locked, actor=actor, from_status=current, to_status=to,
                                       action=action or S(to).label, note=note, data=data or {})
        transaction.on_commit(lambda: _mail_about(locked.pk, to))
    suggestion.refresh_from_db()
    return suggestion


def _number(locked: Suggestion) -> None:
    """The next number within congress, year and period. The year is the year of submission in
    China (a draft begun in December and sent in January is numbered in January's year). The
    congress row is locked so that two submissions at once do not take the same number (the
    unique constraint backs it)."""
    from deputies.models import Congress

    locked.year = timezone.localdate().year
    lock_rows(Congress, [locked.congress_id])
    last = (Suggestion.objects.filter(congress_id=locked.congress_id, year=locked.year, period=locked.period)
            .exclude(seq=None).order_by("-seq").values_list("seq", flat=True).first())
    locked.seq = (last or 0) + 1


def record_event(*, suggestion: Suggestion, actor: User | None, action: str, note: str = "",
                 data: dict[str, Any] | None = None) -> SuggestionEvent:
    """A step that does not change the status (面商, 督办, 转办 …) still shows on the timeline."""
    return SuggestionEvent.objects.create(suggestion=suggestion, actor=actor, from_status=suggestion.status,
                                          to_status=suggestion.status, action=action, note=note, data=data or {})


def _deputy_email(deputy: Deputy) -> str:
    return deputy.email or (deputy.user.email if deputy.user else "")


def _mail_about(pk: int, to: str) -> None:
    """Tell the people who must act next. Mail failures are logged, never raised."""
    item = Suggestion.objects.select_related("lead_deputy__user", "congress__region").get(pk=pk)
    mails: list[tuple[str, list[str]]] = []
    if to in (S.ASSIGNED, S.IN_PROGRESS) and to == item.status:
        if to == S.IN_PROGRESS and not item.events.filter(action="不满意，重新办理").exists():
            return
        emails = item.assignments.filter(active=True).values_list("unit__email", "unit__users__email")
        subject = f"代表建议交办：{item.number}" if to == S.ASSIGNED else f"代表建议需重新办理：{item.number}"
        mails.append((subject, sorted({e for pair in emails for e in pair if e})))
    elif to == S.REPLIED:
        lead_email = _deputy_email(item.lead_deputy)
        mails.append((f"您领衔的建议已答复，请测评：{item.number}", [lead_email] if lead_email else []))
        # 并案: the lead deputies of items merged into this one are answered by this reply too.
        merged = item.merged_items.select_related("lead_deputy__user")
        mails.append((f"您提出的建议已并案办理，主办建议已答复：{item.number}",
                      sorted({e for m in merged if (e := _deputy_email(m.lead_deputy))})))
    for subject, recipients in mails:
        if not recipients:
            continue
        try:
            send_mail(subject, f"{item.number}《{item.title}》\n请登录代表工作平台查看。", settings.DEFAULT_FROM_EMAIL,
                      recipients)
        except Exception:  # noqa: BLE001 - the move is done; a mail server outage must not undo it
            log.exception("mail about suggestion %s failed", pk)
