"""Demo data of the suggestions app (the lead merges the opinions side in here)."""

from __future__ import annotations

from suggestions import demo_suggestions


def seed(*, stdout) -> list[tuple[str, str]]:
    return demo_suggestions.seed(stdout=stdout)
