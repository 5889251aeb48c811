"""HTML → PDF through WeasyPrint, refusing to print when no CJK font is installed."""

from __future__ import annotations

from django.template.loader import render_to_string

from deputywork.fonts import require_cjk_fonts


def render_pdf(template: str, context: dict, *, base_url: str | None = None) -> bytes:
    require_cjk_fonts()
    from weasyprint import HTML  # imported late: loading Pango costs time at startup

    html = render_to_string(template, context)
    return HTML(string=html, base_url=base_url).write_pdf()
