"""Who must be reminded today, and the record that makes sure nobody is told twice."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from deputywork.workdays import add_working_days
from suggestions.models import Assignment, Reminder, Suggestion, SuggestionPolicy, SuggestionStatus

log = logging.getLogger(__name__)
S = SuggestionStatus


def _unit_recipients(a: Assignment) -> list[str]:
    emails = {a.unit.email} | {u.email for u in a.unit.users.all()}
    return sorted(e for e in emails if e)


def _due(on: dt.date) -> list[tuple[str, str, Suggestion, list[str], str, str]]:
    """(kind, key, suggestion, recipients, subject, body) of every reminder due on `on`."""
    policy = SuggestionPolicy.current()
    soon_until = add_working_days(on, policy.reminder_days).date
    out = []
    assignments = (Assignment.objects.filter(active=True, suggestion__status__in=(S.ASSIGNED, S.IN_PROGRESS),
                                             deadline__lte=soon_until)
                   .select_related("unit", "suggestion__congress__region").prefetch_related("unit__users"))
    for a in assignments:
        item = a.suggestion
        if a.deadline < on:
            kind, subject = "overdue", f"代表建议已超过办理期限：{item.number}"
        else:
            kind, subject = "due_soon", f"代表建议即将到期（{a.deadline:%Y-%m-%d}）：{item.number}"
        # The deadline is in the key: a new deadline (redo, transfer) earns a new reminder.
        key = f"{kind}:a{a.pk}:{a.deadline:%Y%m%d}"
        body = (f"{a.unit.name}：\n{item.number}《{item.title}》办理期限为 {a.deadline:%Y-%m-%d}。"
                "请登录代表工作平台办理。")
        out.append((kind, key, item, _unit_recipients(a), subject, body))
    replied = (Suggestion.objects.filter(status=S.REPLIED, evaluation_due__isnull=False)
               .select_related("lead_deputy__user", "congress__region"))
    for item in replied:
        last = item.replies.order_by("-created_at", "-pk").values_list("pk", flat=True).first()
        deputy = item.lead_deputy
        email = deputy.email or (deputy.user.email if deputy.user else "")
        key = f"evaluation:r{last}"
        estimated = "（节假日安排尚未公布，按周一至周五估算）" if item.evaluation_due_estimated else ""
        body = (f"{deputy.name}代表：\n您领衔的建议{item.number}《{item.title}》已答复，"
                f"请在 {item.evaluation_due:%Y-%m-%d}{estimated} 前完成满意度测评。")
        out.append(("evaluation_due", key, item, [email] if email else [], f"请测评建议答复：{item.number}", body))
    return out


def send_reminders(*, on: dt.date, dry_run: bool = False) -> list[Reminder]:
    """Send what is due on `on` and not sent before. The Reminder row is written first, under
    its unique key; only the process that wrote it sends, so two runs at once tell nobody twice.

    A reminder with nobody to send to (a unit or deputy with no e-mail address yet) is not
    recorded, so the first run after an address is added still tells them. A send that fails
    removes its row again for the same reason: only a reminder that went out counts as sent."""
    sent: list[Reminder] = []
    for kind, key, item, recipients, subject, body in _due(on):
        if not recipients:
            log.warning("reminder %s: no e-mail address, not sent", key)
            continue
        reminder = Reminder(key=key, kind=kind, suggestion=item, recipients=", ".join(recipients), sent_on=on)
        if dry_run:
            if not Reminder.objects.filter(key=key).exists():
                sent.append(reminder)
            continue
        try:
            with transaction.atomic():
                reminder.save()
        except IntegrityError:
            continue
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception:  # noqa: BLE001 - one bad address must not stop the others
            log.exception("reminder %s failed", key)
            reminder.delete()
            continue
        sent.append(reminder)
    return sent
