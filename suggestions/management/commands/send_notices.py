"""Email deputies about new residents' opinions; run from cron every few minutes."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from suggestions.notices import notices_email


class Command(BaseCommand):
    help = (
        "Email each user who has new residents' opinions in the portal one message listing them "
        "(to the deputy's address, or the login's). Notices already read in the portal are not "
        "mailed. A notice is marked once dealt with, so running again never mails it twice; if the "
        "mail server refuses, nothing is marked and the next run tries again. Run from cron every "
        "few minutes, e.g. `*/5 * * * * manage.py send_notices`."
    )

    def handle(self, *args, **options) -> None:
        mailed = notices_email()
        for m in mailed:
            if m.address:
                self.stdout.write(f"user {m.user_id}\t{m.opinions} opinion(s)")
        sent = sum(1 for m in mailed if m.address)
        self.stdout.write(self.style.SUCCESS(f"{sent} email(s) sent, {len(mailed)} user(s) dealt with."))
