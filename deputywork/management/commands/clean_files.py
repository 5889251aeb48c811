"""Delete stored files that no row names any more; run daily from cron."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from deputywork.files import orphan_files, remove_orphan_files


class Command(BaseCommand):
    help = (
        "Delete the files in the media directories that no row names any more: files of a "
        "transaction that rolled back, of deleted rows (residents' photos with their opinion), "
        "replaced files and roster uploads never confirmed. Only files older than --hours are "
        "touched, so that a file whose save is still under way is kept. Run daily from cron, "
        "e.g. `15 3 * * * manage.py clean_files`."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--hours", type=int, default=24, help="grace period in hours (default 24, at least 1)")
        parser.add_argument("--dry-run", action="store_true", help="list the files, delete nothing")

    def handle(self, *args, hours: int, dry_run: bool, **options) -> None:
        if hours < 1:
            raise CommandError("--hours 至少为1：正在保存的文件不能删除。")
        orphans = orphan_files(older_than=dt.timedelta(hours=hours))
        for orphan in orphans:
            self.stdout.write(f"{orphan.path}\t{orphan.size}")
        size = sum(o.size for o in orphans)
        if dry_run:
            self.stdout.write(f"{len(orphans)}个文件无记录引用（共{size}字节），未删除（--dry-run）。")
            return
        removed = remove_orphan_files(orphans)
        self.stdout.write(self.style.SUCCESS(f"已删除{removed}个无记录引用的文件（共{size}字节）。"))
