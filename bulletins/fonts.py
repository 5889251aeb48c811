"""Lighter copies of the bulletin's four Chinese faces, cut once and kept on disk.

WeasyPrint embeds a subset of every face a PDF uses, but it keeps each glyph at its original
index, so subsetting, writing and compressing a face costs in proportion to the highest glyph
index used, not to the number of glyphs used. The Noto CJK collections put the simplified
Chinese forms of common punctuation near glyph 63,000 of 65,535, so any Chinese page pays for a
whole font: about 50 ms and 800 kB before compression per face, and a 20-27 MB copy of the
collection in memory while the PDF is written. The bulletin needs four faces (宋 body, bold
titles, 黑体 and 楷体 headings), so that cost dominated its render.

`reduced_files` returns copies of those faces cut down to GB 2312 (the 6,763 characters of
everyday simplified Chinese) plus Latin, digits and punctuation: about 8,000 glyphs without the
tables a PDF never reads (OpenType layout, vertical metrics, hinting). `bulletins.pdf` adds them
to WeasyPrint's fontconfig. Each copy has a family name of its own ("… GB"), which bulletin.css
lists before the full system face; a character outside GB 2312 (a rare character in a name,
say) falls through to the full face, as it did before, and is printed correctly at the old cost.

The copies are cut with libharfbuzz-subset (well under a second for all four) and stored in
``settings.BULLETIN_FONT_CACHE`` (default ``var/cache/fonts``), named after the source file's
path, size and time, so that a font upgrade makes new copies.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from django.conf import settings

from bulletins import pdf

logger = logging.getLogger(__name__)

# Bump when the cut changes (characters, tables, flags): the old files are then ignored.
RECIPE = "gb2312-nolayout-1"


@dataclass(frozen=True)
class Face:
    family: str  # the copy's family name, used in bulletin.css
    source_family: str  # the installed family it is cut from
    weight: str = "normal"  # CSS
    fc_weight: int = 80  # fontconfig's scale: 80 regular, 200 bold


FACES = (
    Face("Noto Serif CJK SC GB", "Noto Serif CJK SC"),
    Face("Noto Serif CJK SC GB", "Noto Serif CJK SC", "bold", 200),
    Face("Noto Sans CJK SC GB", "Noto Sans CJK SC"),
    Face("AR PL UKai CN GB", "AR PL UKai CN"),
)

# Tables a PDF viewer never reads from an embedded font: shaping has been done by then, and
# the text is horizontal. Dropping them also spares WeasyPrint's own subsetter the work.
DROPPED_TABLES = (b"BASE", b"GDEF", b"GPOS", b"GSUB", b"JSTF", b"MATH", b"DSIG", b"LTSH", b"PCLT",
                  b"EBDT", b"EBLC", b"EBSC", b"SVG ", b"vhea", b"vmtx", b"VORG")

_CDEF = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
typedef uint32_t hb_codepoint_t;
typedef uint32_t hb_tag_t;
hb_blob_t *hb_blob_create_from_file_or_fail(const char *file_name);
void hb_blob_destroy(hb_blob_t *blob);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
void hb_face_destroy(hb_face_t *face);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
hb_tag_t hb_tag_from_string(const char *str, int len);
void hb_set_add(hb_set_t *set, hb_codepoint_t codepoint);
void hb_set_add_range(hb_set_t *set, hb_codepoint_t first, hb_codepoint_t last);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_unicode_set(hb_subset_input_t *input);
hb_set_t *hb_subset_input_set(hb_subset_input_t *input, int set_type);
void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned value);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
"""
_SETS_DROP_TABLE_TAG = 3
_FLAGS_NO_HINTING = 0x1
_FLAGS_DESUBROUTINIZE = 0x4

# Besides GB 2312: Latin-1, general punctuation (“ ” — …), letterlike and number forms (Ⅰ Ⅱ),
# enclosed numbers (① ②), CJK symbols and punctuation, full-width forms.
EXTRA_RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2100, 0x218F), (0x2460, 0x24FF),
                (0x2500, 0x257F), (0x25A0, 0x25FF), (0x3000, 0x303F), (0xFF00, 0xFFEF))


@lru_cache(maxsize=1)
def gb2312_codepoints() -> tuple[int, ...]:
    found = []
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.append(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return tuple(found)


@lru_cache(maxsize=1)
def _harfbuzz():  # noqa: ANN202 - cffi objects
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(_CDEF)
    # The same libraries WeasyPrint loads; libharfbuzz-subset0 is required by its install notes.
    return ffi, ffi.dlopen("libharfbuzz.so.0"), ffi.dlopen("libharfbuzz-subset.so.0")


def cut(path: str, index: int) -> bytes:
    """The face `index` of the font file `path`, reduced to GB 2312 and the extra ranges."""
    ffi, hb, hb_subset = _harfbuzz()
    blob = hb.hb_blob_create_from_file_or_fail(path.encode())
    if blob == ffi.NULL:
        raise OSError(f"cannot read {path}")
    face = hb.hb_face_create(blob, index)
    subset_input = hb_subset.hb_subset_input_create_or_fail()
    reduced = result = ffi.NULL
    try:
        unicodes = hb_subset.hb_subset_input_unicode_set(subset_input)
        for codepoint in gb2312_codepoints():
            hb.hb_set_add(unicodes, codepoint)
        for first, last in EXTRA_RANGES:
            hb.hb_set_add_range(unicodes, first, last)
        drop = hb_subset.hb_subset_input_set(subset_input, _SETS_DROP_TABLE_TAG)
        for tag in DROPPED_TABLES:
            hb.hb_set_add(drop, hb.hb_tag_from_string(tag, -1))
        hb_subset.hb_subset_input_set_flags(subset_input, _FLAGS_NO_HINTING | _FLAGS_DESUBROUTINIZE)
        reduced = hb_subset.hb_subset_or_fail(face, subset_input)
        if reduced == ffi.NULL:
            raise OSError(f"libharfbuzz-subset could not cut {path}")
        result = hb.hb_face_reference_blob(reduced)
        length = ffi.new("unsigned int *")
        data = hb.hb_blob_get_data(result, length)
        return ffi.unpack(data, length[0])
    finally:
        if result != ffi.NULL:
            hb.hb_blob_destroy(result)
        if reduced != ffi.NULL:
            hb.hb_face_destroy(reduced)
        hb_subset.hb_subset_input_destroy(subset_input)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def renamed(data: bytes, family: str) -> bytes:
    """`data` with `family` as its name, so that fontconfig never offers the copy for a request
    for the full face (which must stay the fallback for characters the copy lacks)."""
    from fontTools.ttLib import TTFont

    font = TTFont(BytesIO(data), lazy=True)  # only the name table is read and written again
    name = font["name"]
    style = str(name.getName(2, 3, 1, 0x409) or name.getName(2, 1, 0, 0) or "Regular")
    full = family if style in ("Regular", "Book") else f"{family} {style}"
    values = {1: family, 4: full, 6: f"{family.replace(' ', '')}-{style}", 16: family, 21: family}
    for record in list(name.names):
        if record.nameID in values:
            name.setName(values[record.nameID], record.nameID, record.platformID, record.platEncID, record.langID)
    out = BytesIO()
    font.save(out)
    return out.getvalue()


def locate(face: Face) -> tuple[str, int] | None:
    """The file and index of the installed face to cut `face` from."""
    for installed in pdf.cjk_faces():
        if face.source_family in installed.families and installed.weight == face.fc_weight:
            return installed.file, installed.index
    return None


def cache_dir() -> Path:
    configured = getattr(settings, "BULLETIN_FONT_CACHE", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "cache" / "fonts"


@lru_cache(maxsize=1)
def _scratch_dir() -> Path:
    # Only when the cache directory cannot be written: the copies live as long as the process.
    folder = Path(tempfile.mkdtemp(prefix="deputywork-fonts-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def reduced_file(face: Face) -> Path | None:
    """The reduced copy of `face`, cut now unless a copy from the same source file is stored."""
    found = locate(face)
    if found is None:
        return None
    path, index = found
    stat = os.stat(path)
    key = hashlib.sha256(f"{RECIPE}|{path}|{index}|{stat.st_size}|{stat.st_mtime_ns}|{face.family}".encode())
    name = f"{face.family.replace(' ', '')}-{face.weight}-{key.hexdigest()[:16]}"
    stored = [cache_dir(), _scratch_dir()] if _scratch_dir.cache_info().currsize else [cache_dir()]
    for folder in stored:
        for suffix in (".otf", ".ttf"):
            if (folder / (name + suffix)).exists():
                return folder / (name + suffix)
    data = renamed(cut(path, index), face.family)
    name += ".otf" if data[:4] == b"OTTO" else ".ttf"
    for make_folder in (cache_dir, _scratch_dir):  # the scratch folder only if the cache fails
        folder = make_folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            partial = folder / f".{name}.{os.getpid()}"
            partial.write_bytes(data)
            os.replace(partial, folder / name)  # atomic: another process may store the same copy
            return folder / name
        except OSError as error:
            logger.warning("Cannot store a reduced copy of %s in %s: %s", face.source_family, folder, error)
    return None


@lru_cache(maxsize=1)
def reduced_files() -> tuple[Path, ...]:
    """The reduced faces that could be made, for bulletins.pdf to add to fontconfig (none: the
    CSS falls back to the full system faces, and the PDF is as before, only slower)."""
    found = []
    for face in FACES:
        try:
            path = reduced_file(face)
        except Exception:  # noqa: BLE001 - a missing library or a font it cannot read: print as before
            logger.exception("No reduced copy of %s; the full face is used", face.source_family)
            path = None
        if path is not None:
            found.append(path)
    return tuple(found)
