from __future__ import annotations

from django.http import HttpRequest

from deputywork.roles import is_staff_member, menu_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {"menu": menu_for(user), "is_staff_member": is_staff_member(user)}
