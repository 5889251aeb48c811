"""QR codes and printable A4 posters (二维码上墙), reusable for anything with a public page.

A poster is a title, a few lines, a photo, a QR code and one sentence telling residents what
to do. Deputies and activity groups use it here; liaison stations can build `Poster`s the same
way and call `render_posters`.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from deputywork.fonts import require_cjk_fonts

# 9 cm on paper: a phone reads it from well beyond a metre (a rule of thumb is distance / 10).
POSTER_QR_MM = 90


def public_url(path: str) -> str:
    """The address a QR code encodes: the site's public base URL plus the page's path."""
    return settings.SITE_BASE_URL.rstrip("/") + path


def qr_svg(url: str, *, scale: int = 8, border: int = 2) -> str:
    """The QR code of `url` as an SVG document (error correction M: survives some dirt)."""
    return segno.make(url, error="m", micro=False).svg_inline(scale=scale, border=border, dark="#000")


def qr_png(url: str, *, scale: int = 10, border: int = 2) -> bytes:
    import io

    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=scale, border=border)
    return out.getvalue()


def qr_data_uri(url: str) -> str:
    """An SVG data URI, sharp at any print size."""
    svg = segno.make(url, error="m", micro=False).svg_data_uri(scale=1, border=2, omitsize=True)
    return svg


@dataclass
class Poster:
    title: str  # the name: 张建国
    subtitle: str = ""  # what they are: 襄城县人大代表
    lines: list[str] = field(default_factory=list)  # seats, groups, address …
    url: str = ""  # what the QR code opens (absolute)
    photo_path: str | None = None  # a local photo file, or None (no picture slot); never another QR code
    call_to_action: str = ""  # one sentence for residents
    footer: str = ""


def _photo_uri(path: str | None) -> str:
    if not path or not Path(path).is_file():
        return ""
    data = Path(path).read_bytes()
    kind = "png" if data[:4] == b"\x89PNG" else "jpeg"
    return f"data:image/{kind};base64," + base64.b64encode(data).decode()


def posters_html(posters: Iterable[Poster]) -> str:
    items = [{"poster": p, "qr": qr_data_uri(p.url), "photo": _photo_uri(p.photo_path)} for p in posters]
    return render_to_string("deputies/poster.html", {"items": items, "qr_mm": POSTER_QR_MM,
                                                     "default_footer": _("县人大常委会代表工作委员会")})


def render_posters(posters: Iterable[Poster]) -> bytes:
    """One A4 page per poster, all in one PDF."""
    require_cjk_fonts("海报PDF")
    from weasyprint import HTML

    html = posters_html(posters)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
