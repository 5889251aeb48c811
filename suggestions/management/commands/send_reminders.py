"""Daily reminders about suggestions; run from cron. Safe to run twice: each reminder has a key."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from suggestions.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Send the day's reminders about deputies' suggestions: to handling units a few working days "
        "before a deadline (SuggestionPolicy.reminder_days) and once it has passed, and to lead deputies "
        "when an evaluation is due. Each reminder is recorded with a unique key (unit, deadline, kind), "
        "so running the command again — the same day or later — never tells anyone twice. "
        "A reminder is recorded only once it is mailed to at least one address: a unit or deputy "
        "with no e-mail address yet is told on the first run after one is added. "
        "Run daily from cron, e.g. `30 8 * * * manage.py send_reminders`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=dt.date.fromisoformat, default=None,
                            help="count as if today were this day (YYYY-MM-DD); default: today in Asia/Shanghai")
        parser.add_argument("--dry-run", action="store_true",
                            help="list who would be told, send nothing and record nothing")

    def handle(self, *args, date: dt.date | None = None, dry_run: bool = False, **options) -> None:
        on = date or timezone.localdate()
        sent = send_reminders(on=on, dry_run=dry_run)
        for r in sent:
            self.stdout.write(f"{r.kind}\t{r.key}\t{r.recipients}")
        verb = "would send" if dry_run else "sent"
        self.stdout.write(self.style.SUCCESS(f"{on:%Y-%m-%d}: {verb} {len(sent)} reminder(s)."))
