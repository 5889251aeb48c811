"""A registry of the figures an office reports (for bulletins, dashboards and statistics).

Apps that own the facts register a source here; readers such as the bulletin's statistics
block call `collect_figures` without importing those apps (DESIGN.md: a lower app offers a
registry, a higher one fills it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from deputywork.models import Region


@dataclass(frozen=True)
class Figure:
    key: str  # stable, e.g. "opinions.collected"
    label: str  # a column heading, e.g. "收集意见建议"
    value: int
    phrase: str  # how a bulletin writes it, with {value}: "收集意见建议{value}条"

    def sentence_part(self) -> str:
        return self.phrase.format(value=self.value)


FigureSource = Callable[[dt.date, dt.date, Region | None], list[Figure]]
_SOURCES: dict[str, FigureSource] = {}


def register_figures(name: str, source: FigureSource) -> None:
    """`source(start, end, region)` returns the figures of that period inside `region`
    (the whole installation when region is None), both dates included."""
    _SOURCES[name] = source


def collect_figures(start: dt.date, end: dt.date, region: Region | None = None) -> list[Figure]:
    figures: list[Figure] = []
    for name in sorted(_SOURCES):
        figures.extend(_SOURCES[name](start, end, region))
    return figures


def figures_sentence(figures: list[Figure]) -> str:
    """The figures written the way a bulletin does: 收集意见建议212条，解决实际问题185个。

    A figure with an empty phrase is one the bulletin leaves unsaid (e.g. none forwarded)."""
    parts = [f.sentence_part() for f in figures if f.phrase]
    return "，".join(parts) + ("。" if parts else "")
