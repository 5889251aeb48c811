"""WeasyPrint for Chinese print: fonts checked first, lines justified between characters.

WeasyPrint 70 justifies a line by widening its spaces (U+0020 and U+00A0) only, and it
knows no ``text-justify``. Chinese text has no spaces, so a justified paragraph would keep
ragged right edges wherever a line breaks short (a closing mark that may not begin a line,
a run of half-width digits). CSS Text 3 says that for CJK text the space is shared between
characters; `install_cjk_justification` teaches WeasyPrint that, once per process: the
extra width of a justified line is spread over its CJK characters as well as its spaces.
Nothing is inserted into the text, so copying from the PDF and searching in it still work.

A render reuses, per thread, WeasyPrint's font configuration and the parsed stylesheet
(`stylesheet`); the faces themselves are reduced copies made by `bulletins.fonts`.
"""

from __future__ import annotations

import atexit
import logging
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from deputywork.fonts import fonts_missing

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2014\u2018-\u201d\u2026]")
logger = logging.getLogger(__name__)

# WeasyPrint logs every layout step at INFO; a server log needs only its warnings.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@dataclass(frozen=True)
class InstalledFace:
    file: str
    index: int  # the face's index in a font collection (.ttc)
    weight: int  # fontconfig's scale: 80 regular, 200 bold; 0 for a variable font
    families: tuple[str, ...]


@lru_cache(maxsize=1)
def cjk_faces() -> tuple[InstalledFace, ...]:
    """Faces that cover Chinese, as fontconfig (which WeasyPrint uses) sees them; one fc-list."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return ()
    out = subprocess.run([fc_list, "-f", "%{file}\t%{index}\t%{weight}\t%{family}\n", ":lang=zh"],
                         capture_output=True, text=True, check=False).stdout
    faces = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 4:
            continue
        families = tuple(name.strip() for name in parts[3].split(",") if name.strip())
        # A variable font gives a weight range ("[0 210]"): 0, never matched as one weight.
        weight = int(parts[2]) if parts[2].isdigit() else 0
        faces.append(InstalledFace(parts[0], int(parts[1] or 0), weight, families))
    return tuple(faces)


def cjk_font_families() -> tuple[str, ...]:
    """Font families that cover Chinese."""
    return tuple(sorted({name for face in cjk_faces() for name in face.families}))


def require_cjk_fonts() -> None:
    """Stop with a clear message instead of printing empty boxes where the Chinese should be."""
    if not cjk_font_families():  # the faces this module reads itself, not deputywork.fonts' list
        raise fonts_missing("简报PDF")


_installed = False


def install_cjk_justification() -> None:
    global _installed
    if _installed:
        return
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline
    from weasyprint.text import line_break
    from weasyprint.text.ffi import pango

    original_count = inline.count_expandable_spaces
    original_set_text = line_break.Layout.set_text

    def count_expandable_spaces(box):  # noqa: ANN001, ANN202 - WeasyPrint's own signature
        if isinstance(box, boxes.TextBox) and CJK.search(box.text):
            # Every gap between two characters, spaces included, takes an equal share.
            return max(len(box.text.rstrip(" ")) - 1, 0)
        return original_count(box)

    def set_text(self, text, justify=False):  # noqa: ANN001, ANN202
        original_set_text(self, text, justify)
        spacing = self.justification_spacing if justify else 0
        if not spacing or not CJK.search(self.text):
            return
        letter_spacing = self.style["letter_spacing"]
        base = 0 if letter_spacing == "normal" else letter_spacing
        units = int((base + spacing) * line_break.TO_UNITS)
        attr_list = pango.pango_layout_get_attributes(self.layout)
        if attr_list == line_break.ffi.NULL:
            attr_list = line_break.ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        # One attribute over the whole text, spaces included (it takes the place of WeasyPrint's
        # word spacing there), so that Pango shapes the line as one item and widens each gap
        # between its characters: (length − 1) gaps, as counted above, and the line ends flush.
        # Digits and Latin letters among the Chinese are spaced too, as a Chinese typesetter
        # spaces them. Pango wants byte offsets into the UTF-8 text.
        attr = pango.pango_attr_letter_spacing_new(units)
        attr.start_index, attr.end_index = 0, len(self.text.encode())
        pango.pango_attr_list_change(attr_list, attr)
        pango.pango_layout_set_attributes(self.layout, attr_list)

    inline.count_expandable_spaces = count_expandable_spaces
    line_break.Layout.set_text = set_text
    _installed = True


def _find_box(box, css_class: str):  # noqa: ANN001, ANN202 - WeasyPrint boxes
    element = getattr(box, "element", None)
    if element is not None and css_class in (element.get("class") or "").split():
        return box
    for child in getattr(box, "children", ()):
        if (found := _find_box(child, css_class)) is not None:
            return found
    return None


def push_to_page_foot(document, css_class: str) -> bool:  # noqa: ANN001 - a weasyprint Document
    """Move the block of `css_class` on the last page down to the bottom of the text block.

    The closing block (版记) of a bulletin sits at the foot of the last page whatever the length
    of the issue. WeasyPrint 70 has no way to say so in CSS (a call-less footnote should do it,
    but once the text has run over a page, it pushes the footnote to a page of its own), so
    the laid-out box is moved after layout: one layout pass, no second render.
    """
    page = document.pages[-1]._page_box
    box = _find_box(page, css_class)
    if box is None:
        return False
    text_bottom = page.content_box_y() + page.height
    box_bottom = box.position_y + box.margin_height()
    if text_bottom - box_bottom > 0.01:
        box.translate(dy=text_bottom - box_bottom)
    return True


class _PrintSetup(threading.local):
    """Per thread: one WeasyPrint font configuration and the stylesheets parsed with it.

    WeasyPrint builds a fresh font configuration for every document unless it is given one:
    fontconfig set up again, every face opened again, and the stylesheet tokenised and its
    selectors compiled again. None of that depends on the issue, and a server process renders
    many. A Pango font map must not be used by two threads at once, hence one setup per thread.
    """

    font_config = None
    font_files: tuple[str, ...] = ()
    stylesheets: dict

    def __init__(self) -> None:
        self.stylesheets = {}


_setup = _PrintSetup()


def forget_setup() -> None:
    """Drop this thread's font configuration and stylesheets (the next render builds them)."""
    _setup.font_config = None
    _setup.font_files = ()
    _setup.stylesheets = {}


# WeasyPrint removes a configuration's scratch folder when it is collected; at exit, before
# the modules it needs are torn down.
atexit.register(forget_setup)


def _font_configuration(font_files: tuple[str, ...]):  # noqa: ANN202 - a weasyprint FontConfiguration
    """A font configuration that also knows `font_files`, added to fontconfig as they are: no
    @font-face rule, which would copy each file to a scratch folder for every configuration."""
    from weasyprint.text.ffi import ffi, fontconfig, pangoft2
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    for path in font_files:
        # `_config` is the FcConfig WeasyPrint's own @font-face support adds files to.
        if not fontconfig.FcConfigAppFontAddFile(font_config._config, path.encode()):  # noqa: SLF001
            logger.warning("fontconfig could not load %s", path)
    if font_files:
        pangoft2.pango_fc_font_map_config_changed(ffi.cast("PangoFcFontMap *", font_config.font_map))
    return font_config


def stylesheet(css: str, font_files: tuple[str, ...] = ()):  # noqa: ANN201 - weasyprint objects
    """The parsed `css` and a font configuration with `font_files`, both kept for this thread."""
    from weasyprint import CSS

    if _setup.font_config is None or _setup.font_files != font_files:
        forget_setup()
        _setup.font_config, _setup.font_files = _font_configuration(font_files), font_files
    sheet = _setup.stylesheets.get(css)
    if sheet is None:
        if len(_setup.stylesheets) >= 4:  # a template edited while the server runs
            _setup.stylesheets.clear()
        sheet = _setup.stylesheets[css] = CSS(string=css, font_config=_setup.font_config)
    return sheet, _setup.font_config


def _url_fetcher(resources: Mapping[str, Callable[[], bytes]]):  # noqa: ANN202 - a weasyprint URLFetcher
    """WeasyPrint's fetcher, answering the URLs of `resources` with what their function reads."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ResourceFetcher(URLFetcher):
        def fetch(self, url, headers=None):  # noqa: ANN001, ANN202 - WeasyPrint's own signature
            if url not in resources:
                return super().fetch(url, headers)
            # No content type: WeasyPrint tells a raster image by its bytes (Pillow).
            return URLFetcherResponse(url, resources[url]())

    return ResourceFetcher()


def html_to_pdf(html: str, *, css: str = "", font_files: Sequence[Path] = (), base_url: str | None = None,
                foot_class: str = "", resources: Mapping[str, Callable[[], bytes]] | None = None) -> bytes:
    """The PDF of `html` styled by `css`, with `font_files` usable besides the installed fonts
    (both kept per thread for the next render), after checking for Chinese fonts; `foot_class`
    names a block to set at the foot of the last page; `resources` maps URLs in `html` (images
    kept in a Django storage) to functions that read them."""
    require_cjk_fonts()
    install_cjk_justification()
    from weasyprint import HTML

    fetcher = _url_fetcher(resources) if resources else None
    source = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    if css or font_files:
        sheet, font_config = stylesheet(css, tuple(str(path) for path in font_files))
        document = source.render(stylesheets=[sheet], font_config=font_config)
    else:
        document = source.render()
    if foot_class:
        push_to_page_foot(document, foot_class)
    return document.write_pdf()
