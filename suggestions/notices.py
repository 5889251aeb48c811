"""Emails about new opinions, sent from a queue by `manage.py send_notices`, not by the request.

A submit writes the deputy's portal notice (OpinionNotice) and nothing else: the resident
never waits for a mail server, and a mail server that is down delays the email instead of
losing it. The email run, every few minutes from cron, sends each user one email listing the
opinions they have not yet read, then marks those notices dealt with. A notice already read in
the portal is marked without an email. Safe to run twice at once: a user's notices are locked
while they are mailed, and a second run skips them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from suggestions.models import OpinionNotice

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mailed:
    user_id: int
    address: str  # "" when nobody was mailed (no address, or everything was already read)
    opinions: int


def notices_email(*, limit: int = 500) -> list[Mailed]:
    """Deal with the pending notices of up to `limit` users, one transaction and at most one
    email per user. A user whose mail is refused keeps their notices for the next run; the
    others are still mailed."""
    user_ids = list(OpinionNotice.objects.filter(emailed_at__isnull=True).order_by("user_id")
                    .values_list("user_id", flat=True).distinct()[:limit])
    done = []
    for user_id in user_ids:
        try:
            mailed = _email_user(user_id)
        except Exception:  # noqa: BLE001 - a mail server's refusal, whatever its class, is retried next run
            log.exception("opinion notices of user %s not mailed; kept for the next run", user_id)
            continue
        if mailed is not None:
            done.append(mailed)
    return done


def _email_user(user_id: int) -> Mailed | None:
    with transaction.atomic():
        notices = list(OpinionNotice.objects.select_for_update(skip_locked=True, of=("self",))
                       .filter(user_id=user_id, emailed_at__isnull=True)
                       .select_related("user__deputy", "opinion").order_by("opinion__submitted_at", "pk"))
        if not notices:
            return None  # another run has them
        user = notices[0].user
        deputy = getattr(user, "deputy", None)
        address = ((deputy.email if deputy else "") or user.email) if user.is_active else ""
        unread = [n.opinion for n in notices if n.read_at is None]
        if not (address and unread):
            address = ""
        else:
            # Sent inside the transaction (EMAIL_TIMEOUT bounds the wait): if the mail server
            # refuses, nothing is marked and the next run tries again.
            send_mail(*_message(unread), settings.DEFAULT_FROM_EMAIL, [address])
        OpinionNotice.objects.filter(pk__in=[n.pk for n in notices]).update(
            emailed_at=timezone.now(), emailed_to=address)
    log.info("opinion notices of user %s dealt with (%s mailed)", user_id, len(unread) if address else 0)
    return Mailed(user_id, address, len(unread) if address else 0)


def _message(opinions: list) -> tuple[str, str]:
    lines = []
    for o in opinions:
        link = settings.SITE_BASE_URL + reverse("suggestions:inbox_detail", args=[o.pk])
        when = timezone.localtime(o.submitted_at)
        channel = o.get_channel_display()
        lines.append(f"· {when:%m月%d日 %H:%M} 通过“{channel}”反映：\n  {link}")
    if len(opinions) == 1:
        subject = "【代表工作平台】您收到一条新的群众意见"
    else:
        subject = f"【代表工作平台】您收到{len(opinions)}条新的群众意见"
    body = "群众向您反映了意见，请登录平台查看并及时受理：\n" + "\n".join(lines) + "\n"
    return subject, body
