"""Demo data of the suggestions app: residents' opinions first, then deputies' suggestions."""

from __future__ import annotations

from suggestions import demo_opinions, demo_suggestions


def seed(*, stdout) -> list[tuple[str, str]]:
    return [*demo_opinions.seed(stdout=stdout), *demo_suggestions.seed(stdout=stdout)]
