from __future__ import annotations

import sys
from argparse import RawDescriptionHelpFormatter
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from bulletins import selectors, services
from bulletins.models import DEFAULT_SERIES, Bulletin


class Command(BaseCommand):
    help = (
        "Render one issue of a bulletin to PDF (A4, GB/T 9704-2012 layout).\n\n"
        "Example:\n"
        "  manage.py render_bulletin --series 代表工作 --year 2024 --issue 38 -o out.pdf\n"
        "  manage.py render_bulletin --year 2024 --issue 1 --supplement -o zk1.pdf\n\n"
        "A published issue's stored PDF is reused while the issue is unchanged. Needs Chinese fonts\n"
        "(fonts-noto-cjk, fonts-arphic-ukai) and libharfbuzz-subset0; without a CJK font it stops\n"
        "with an error instead of printing empty boxes."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs):  # noqa: ANN201
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--series", default=DEFAULT_SERIES, help=f"bulletin series (default: {DEFAULT_SERIES})")
        parser.add_argument("--year", type=int, required=True, help="year of the issue, e.g. 2024")
        parser.add_argument("--issue", type=int, required=True, help="issue number N of 第N期")
        parser.add_argument("--supplement", action="store_true", help="the issue is a supplement (增刊)")
        parser.add_argument("-o", "--output", required=True, help="PDF file to write, or - for standard output")

    def handle(self, *args, series: str, year: int, issue: int, supplement: bool, output: str, **options) -> None:
        try:
            bulletin = selectors.bulletin_by_issue(series=series, year=year, number=issue, supplement=supplement)
        except Bulletin.DoesNotExist as exc:
            kind = "增刊" if supplement else ""
            raise CommandError(f"没有找到《{series}》{year}年{kind}第{issue}期。") from exc
        try:
            data = services.bulletin_pdf(bulletin=bulletin)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        if output == "-":
            sys.stdout.buffer.write(data)
            return
        Path(output).write_bytes(data)
        self.stderr.write(f"{bulletin}: {len(data):,} bytes → {output}")
