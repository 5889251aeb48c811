from __future__ import annotations

from django.http import HttpRequest

from deputywork.roles import MenuEntry, is_staff_member, menu_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    menu = [MenuEntry(link, user) for link in menu_for(user)]
    return {"menu": menu, "is_staff_member": is_staff_member(user)}
