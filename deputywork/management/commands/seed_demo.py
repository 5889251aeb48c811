from __future__ import annotations

import logging
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from deputywork.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Load the demo data of 襄城县 and 沈丘县 (regions, calendar, deputies, stations, opinions, "
        "suggestions, bulletins) and print the demo logins. Safe to run again: it updates, never duplicates."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")

    def handle(self, *args, quiet_logins: bool = False, **options) -> None:
        logins: list[tuple[str, str]] = []
        # Each of our apps may have a `demo` module with `seed(stdout=…)`; INSTALLED_APPS
        # order is dependency order, so earlier apps' data exists when later ones seed.
        # The services log each write at INFO; the seed's own summary lines say enough here.
        logging.disable(logging.INFO)
        try:
            self._seed(logins)
        finally:
            logging.disable(logging.NOTSET)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
        if quiet_logins:
            return
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        width = max(len(label) for label, _ in logins) + 2
        for label, username in logins:
            self.stdout.write(f"  {label.ljust(width, '　')}{username}")
        self.stdout.write("")

    def _seed(self, logins: list[tuple[str, str]]) -> None:
        # The demo's workflow moves send notifications; nobody should receive them.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if not config.name.startswith("django") and find_spec(config.name) and find_spec(module_name):
                    self.stdout.write(f"seeding {config.name} …")
                    logins += import_module(module_name).seed(stdout=self.stdout) or []
