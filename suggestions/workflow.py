"""The opinion workflow (群众意见): the one place an opinion changes status.

submitted → accepted (受理) → answered (当场答复) | forwarded (小事快办) | adopted (形成代表建议)
| declined (不予受理, with a reason the resident reads); answered/forwarded/adopted/declined → closed.
A submitted opinion may also be declined at once.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from deputywork.models import User
from deputywork.roles import is_staff_member, region_within_scope, sees_every_row
from suggestions.models import Opinion, OpinionEvent, OpinionStatus

S = OpinionStatus

TRANSITIONS: dict[str, set[str]] = {
    S.SUBMITTED: {S.ACCEPTED, S.DECLINED},
    S.ACCEPTED: {S.ANSWERED, S.FORWARDED, S.ADOPTED, S.DECLINED},
    S.FORWARDED: {S.ANSWERED, S.CLOSED},
    S.ANSWERED: {S.CLOSED},
    S.ADOPTED: {S.CLOSED},
    S.DECLINED: {S.CLOSED},
    S.CLOSED: set(),
}

# Fields a move may set on the opinion, beyond status.
MOVE_FIELDS = {"public_reply", "decline_reason", "forwarded_to", "due_date", "due_estimated"}


class TransitionRefused(Exception):
    """A move that is not allowed from the current status or not by this person."""


def may_handle(user: User, opinion: Opinion) -> bool:
    """Staff in scope, the deputy it was sent to, or (while no one deputy has it) a current member
    of its group or a deputy of its station."""
    if is_staff_member(user):
        return sees_every_row(user) or region_within_scope(user, opinion.placed_in)
    deputy = getattr(user, "deputy", None) if user.is_authenticated else None
    if deputy is None:
        return False
    if opinion.deputy_id == deputy.pk:
        return True
    if opinion.station_id and not opinion.deputy_id and opinion.station.deputies.filter(pk=deputy.pk).exists():
        return True
    return bool(opinion.group_id and not opinion.deputy_id
                and opinion.group.memberships.filter(deputy=deputy, ended_on__isnull=True).exists())


def opinion_transition(*, opinion: Opinion, to: str, actor: User | None, note: str = "",
                       data: dict[str, Any] | None = None, **changes: Any) -> Opinion:
    """Move `opinion` to `to`, or raise TransitionRefused with a Chinese message.

    Locks the row so that two people moving the same opinion at once leave one move; checks
    the move against TRANSITIONS and the actor against `may_handle` (actor None is the
    system itself, e.g. a resident's own rating path never moves status); writes one event.
    """
    unknown = set(changes) - MOVE_FIELDS
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = (Opinion.objects.select_for_update(of=("self",)).select_related("group", "station", "region")
                  .get(pk=opinion.pk))
        current = locked.status
        if to not in TRANSITIONS[current]:
            raise TransitionRefused(
                f"该意见当前状态为“{S(current).label}”，不能改为“{S(to).label}”。"
            )
        if actor is not None and not may_handle(actor, locked):
            raise TransitionRefused("你无权办理这条意见。")
        if to == S.DECLINED and not (changes.get("decline_reason") or "").strip():
            raise TransitionRefused("不予受理必须填写群众可以看到的理由。")
        if to == S.ANSWERED and not (changes.get("public_reply") or locked.public_reply).strip():
            raise TransitionRefused("答复内容不能为空。")
        if to == S.FORWARDED and not (changes.get("forwarded_to") and changes.get("due_date")):
            raise TransitionRefused("转交办理必须选择承办单位并确定办理期限。")
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.status = to
        fields = ["status", "updated_at", *changes]
        if to == S.CLOSED:
            locked.closed_at = timezone.now()
            fields.append("closed_at")
        locked.save(update_fields=fields)
        OpinionEvent.objects.create(opinion=locked, actor=actor, from_status=current, to_status=to, note=note,
                                    data=data or {})
    opinion.refresh_from_db()
    return opinion
