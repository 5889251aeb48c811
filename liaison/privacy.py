"""Residents' names and phone numbers are shown whole only to the staff who handle them."""

from __future__ import annotations

from typing import Any

from deputywork.roles import region_within_scope


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; anything shorter keeps only its last two digits."""
    digits = phone.strip()
    if not digits:
        return ""
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * max(len(digits) - 2, 1) + digits[-2:]


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳明月 → 欧***."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def may_see_visitor(user: Any, entry: Any) -> bool:
    """Office staff, or township staff whose region holds the entry's station."""
    return region_within_scope(user, entry.station.region)
