"""HTML → PDF through WeasyPrint, refusing to print when no CJK font is installed
(an empty-box PDF would go out unnoticed)."""

from __future__ import annotations

import functools
import shutil
import subprocess

from django.template.loader import render_to_string


class MissingCJKFont(RuntimeError):
    pass


@functools.cache
def cjk_font_available() -> bool:
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    return bool(out.strip())


def render_pdf(template: str, context: dict, *, base_url: str | None = None) -> bytes:
    if not cjk_font_available():
        raise MissingCJKFont("没有安装中文字体（fonts-noto-cjk），无法生成PDF。请运行 make system-packages。")
    from weasyprint import HTML  # imported late: loading Pango costs time at startup

    html = render_to_string(template, context)
    return HTML(string=html, base_url=base_url).write_pdf()
