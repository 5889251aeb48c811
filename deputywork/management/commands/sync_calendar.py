from __future__ import annotations

from django.core.management.base import BaseCommand

from deputywork import workdays


class Command(BaseCommand):
    help = (
        "Load public holidays and make-up working days (调休) from the chinesecalendar package for "
        "every year it knows, or only --year. Days that staff corrected in the admin are kept."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, action="append", help="limit to this year (repeatable)")

    def handle(self, *args, year: list[int] | None = None, **options) -> None:
        count = workdays.seed_from_chinesecalendar(year)
        self.stdout.write(self.style.SUCCESS(f"已载入{count}天节假日与调休安排。"))
