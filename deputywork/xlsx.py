"""Cells of the spreadsheets the app exports."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Excel reads a cell that starts with one of these as a formula: =HYPERLINK(…) in a resident's
# text could send the row's name and phone away when a clerk clicks it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: Any) -> Any:
    """`value`, with a text that would start a formula kept as text (OWASP's leading apostrophe)."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def text_row(values: Iterable[Any]) -> list[Any]:
    return [text_cell(v) for v in values]
