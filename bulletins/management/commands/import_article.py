from __future__ import annotations

from argparse import RawDescriptionHelpFormatter
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bulletins import services
from bulletins.models import Bulletin


class Command(BaseCommand):
    help = (
        "Import an article into an issue from a Word .docx file (or from plain text with --text).\n\n"
        "Example:\n"
        "  manage.py import_article --bulletin 12 稿件.docx\n"
        "  manage.py import_article --bulletin 12 --title 代表活动日 --text 稿件.txt\n\n"
        "The first paragraph becomes the title (unless --title is given); a last paragraph ending\n"
        "in 供稿 becomes the contributor line. Images are kept and tables drawn, in their place.\n"
        "Headings are recognised by their markers: 一、 (level 1), （一） (level 2), 1. (level 3).\n"
        "The article goes to the end of the issue. The issue's id is shown in the admin."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs):  # noqa: ANN201
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--bulletin", type=int, required=True, help="id of the issue (Bulletin) to add to")
        parser.add_argument("file", help="the .docx file (or a UTF-8 text file with --text)")
        parser.add_argument("--title", default="", help="title of the article (default: the first paragraph)")
        parser.add_argument("--text", action="store_true", help="read FILE as UTF-8 plain text, one paragraph a line")

    def handle(self, *args, bulletin: int, file: str, title: str, text: bool, **options) -> None:
        try:
            issue = Bulletin.objects.get(pk=bulletin)
        except Bulletin.DoesNotExist as exc:
            raise CommandError(f"没有编号为 {bulletin} 的简报。") from exc
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {file}。")
        try:
            if text:
                article = services.article_import_text(bulletin=issue, pasted=path.read_text(encoding="utf-8"),
                                                       title=title)
            else:
                with path.open("rb") as fh:
                    article = services.article_import_docx(bulletin=issue, file=fh, title=title)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"已导入《{article.title}》到 {issue}（{len(article.body)}字，图片{article.images.count()}张，"
            f"表格{article.tables.count()}个）。"))
