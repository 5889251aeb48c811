"""An article body as staff paste it (one paragraph a line) read into blocks for the template.

Headings are recognised by their markers, the way Chinese official writing numbers them:
``一、`` level 1, ``（一）`` level 2, ``1.`` level 3. A heading that runs on into its
paragraph (``（一）聚焦民生实事。全县……``) keeps the run-on text in the body face, as in print.
Lead phrases ``一是……二是……`` are not headings: they stay inside their paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMERALS = "一二三四五六七八九十百零〇"
LEVEL1 = re.compile(rf"^[{NUMERALS}]+、")
LEVEL2 = re.compile(rf"^[（(][{NUMERALS}]+[）)]")
LEVEL3 = re.compile(r"^\d{1,2}[.．](?!\d)")
IMAGE = re.compile(r"^［图(\d+)］$")
TABLE = re.compile(r"^［表(\d+)］$")
STATS = "［统计］"
# A heading longer than this is a paragraph that happens to start with a number.
MAX_HEADING = 60


@dataclass(frozen=True)
class Block:
    kind: str  # "p", "h1", "h2", "h3", "image", "table", "stats"
    heading: str = ""  # the heading run of h1/h2/h3
    text: str = ""  # paragraph text (for headings: what runs on after the heading)
    ref: int = 0  # N of ［图N］ / ［表N］


def clean_lines(body: str) -> list[str]:
    """Non-empty paragraphs, with Word's indentation and full-width spaces trimmed."""
    lines = []
    for raw in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip().strip("\u3000").strip()
        if line:
            lines.append(line)
    return lines


def heading_level(line: str) -> int:
    for level, pattern in ((1, LEVEL1), (2, LEVEL2), (3, LEVEL3)):
        if pattern.match(line):
            return level
    return 0


def split_heading(line: str) -> tuple[str, str]:
    """The heading and what runs on after it: up to the first 。 (or ！？) when text follows."""
    match = re.search(r"[。！？]", line)
    if match and match.end() < len(line):
        return line[: match.end()], line[match.end():]
    return line, ""


def parse_body(body: str) -> list[Block]:
    blocks: list[Block] = []
    for line in clean_lines(body):
        if m := IMAGE.match(line):
            blocks.append(Block("image", ref=int(m.group(1))))
        elif m := TABLE.match(line):
            blocks.append(Block("table", ref=int(m.group(1))))
        elif line == STATS:
            blocks.append(Block("stats"))
        elif level := heading_level(line):
            heading, rest = split_heading(line)
            if len(heading) > MAX_HEADING:
                blocks.append(Block("p", text=line))
            else:
                blocks.append(Block(f"h{level}", heading=heading, text=rest))
        else:
            blocks.append(Block("p", text=line))
    return blocks
