"""Demo data of the suggestions app (each part seeds its own)."""

from __future__ import annotations

from suggestions import demo_opinions


def seed(*, stdout) -> list[tuple[str, str]]:
    return demo_opinions.seed(stdout=stdout)
