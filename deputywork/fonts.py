"""The CJK fonts every PDF needs (posters, performance records, bulletins).

Without them WeasyPrint prints empty boxes where the Chinese should be, and nobody notices
until the paper is on the wall: a render stops with a clear message instead.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

from django.core.exceptions import ImproperlyConfigured

INSTALL_HINT = "apt-get install fonts-noto-cjk fonts-arphic-ukai libharfbuzz-subset0（或 make system-packages）"


class CJKFontMissing(ImproperlyConfigured):
    pass


@lru_cache(maxsize=1)
def cjk_font_families() -> tuple[str, ...]:
    """Font families that cover Chinese, as fontconfig (which WeasyPrint uses) sees them."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return ()
    try:
        out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(sorted({name.strip() for line in out.splitlines() for name in line.split(",") if name.strip()}))


def fonts_missing(what: str = "PDF") -> CJKFontMissing:
    """The error for a render without a CJK font: a Chinese message, shown as it is to staff,
    naming the packages to install."""
    return CJKFontMissing(f"没有安装中文字体（fontconfig 找不到中文字体），无法生成{what}。"
                          f"请安装中文字体：{INSTALL_HINT}，然后重试。")


def require_cjk_fonts(what: str = "PDF") -> None:
    """Raise CJKFontMissing when fontconfig finds no CJK font."""
    if not cjk_font_families():
        raise fonts_missing(what)
