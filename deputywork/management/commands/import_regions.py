from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from deputywork import services


class Command(BaseCommand):
    help = (
        "Import administrative regions from a CSV file with the columns 区划代码, 名称, 上级区划代码 "
        "(code, name, parent code; header optional; UTF-8 or GB18030). Every row is checked first; "
        "one bad row rejects the whole file and nothing is written."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="the CSV file")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")

    def handle(self, *args, file: Path, dry_run: bool, **options) -> None:
        try:
            text = services.decode_upload(file.read_bytes())
            result = services.regions_preview(text=text) if dry_run else services.regions_import(text=text)
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{file}") from exc
        except services.ImportRejected as exc:
            raise CommandError("未导入任何数据：\n" + "\n".join(exc.errors)) from exc
        if result.errors:
            raise CommandError("未导入任何数据：\n" + "\n".join(result.errors))
        verb = "检查通过" if dry_run else "导入完成"
        self.stdout.write(self.style.SUCCESS(f"{verb}：新增{result.new_count}个，更新{result.update_count}个。"))
