"""Who a user is, what they may see, and where they land.

Later apps scope their selectors with `region_q` / `scope_to_region` and register their
portal home and menu entries here (a lower app never imports a higher one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from deputywork.models import REGION_CODE_LENGTHS, Region, RegionLevel, Role, User


def is_office(user: Any) -> bool:
    """County office staff (or a superuser): the office's powers (register, assign, close …).

    What they see is another question: `sees_every_row`, `scope_region`."""
    return bool(user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.OFFICE))


def is_township_staff(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and not user.is_superuser and user.role == Role.TOWNSHIP)


def is_staff_member(user: Any) -> bool:
    """Office or township staff: the people who keep the records."""
    return is_office(user) or is_township_staff(user)


def has_role(user: Any, role: str) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == role)


def sees_every_row(user: Any) -> bool:
    """A superuser, or office staff with no region set: one office for the whole deployment.

    Office staff whose user names a county see that county's rows only, as township staff see
    their township's: one deployment can serve several counties (or a whole province) without
    one county's office reading another's residents' names and phones."""
    return bool(user.is_authenticated and user.is_active
                and (user.is_superuser or (user.role == Role.OFFICE and not user.region_id)))


def scope_region(user: Any) -> Region | None:
    """The region a staff member's rows lie in: a township clerk's township, a county office's
    county. None for those who see every row, and for everyone else (who see none)."""
    if sees_every_row(user) or not is_staff_member(user) or not user.region_id:
        return None
    return user.region


def scope_name(user: Any) -> str:
    """How a refusal names the user's area: 城关镇, 襄城县."""
    region = scope_region(user)
    return region.name if region is not None else "您的管辖范围"


def outside_scope(user: Any) -> str:
    """The refusal of a region outside the user's area: 所在区划不在城关镇。"""
    return _("所在区划不在%(scope)s。") % {"scope": scope_name(user)}


def region_q(user: User, *paths: str) -> Q:
    """A filter that keeps the rows a staff member may see.

    `paths` name Region foreign keys reachable from the model (``"residence"``,
    ``"mandates__congress__region"``); a row is visible when any of them lies inside the
    user's region (`scope_region`). Those who see every row see everything; anyone else nothing.
    """
    if sees_every_row(user):
        return Q()
    region = scope_region(user)
    if region is not None and paths:
        return _under(region.prefix, paths)
    return Q(pk__in=[])


def county_q(user: User, *paths: str) -> Q:
    """`region_q` widened to the whole county the user works in: whom a record of theirs may
    name beside their own rows (a township's station is served by deputies living in town; a
    county office names its county's deputies and groups, never another county's). A path of
    "" asks it of the regions themselves."""
    if sees_every_row(user):
        return Q()
    region = scope_region(user)
    if region is None or not paths:
        return Q(pk__in=[])
    return _under(region.prefix[:REGION_CODE_LENGTHS[RegionLevel.COUNTY]], paths)


def _under(prefix: str, paths: tuple[str, ...]) -> Q:
    """Rows any of whose regions at `paths` lie under the region code `prefix`."""
    q = Q()
    for path in paths:
        q |= Q(**{f"{path}__code__startswith" if path else "code__startswith": prefix})
    return q


def scope_to_region(qs: QuerySet, user: User, *paths: str) -> QuerySet:
    """`qs` limited by `region_q`; distinct when a path crosses a to-many relation."""
    scoped = qs.filter(region_q(user, *paths))
    if not sees_every_row(user) and any("__" in p for p in paths):
        scoped = scoped.distinct()
    return scoped


def region_within_scope(user: User, region: Region | None) -> bool:
    if sees_every_row(user):
        return True
    scope = scope_region(user)
    return bool(scope is not None and region is not None and scope.contains(region))


def role_required(*roles: str) -> Callable:
    """Anonymous users go to the login page; users of another role get 404, not 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            allowed = any(
                is_office(user) if r == Role.OFFICE else is_township_staff(user) if r == Role.TOWNSHIP
                else has_role(user, r)
                for r in roles
            )
            if not allowed:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required(Role.OFFICE, Role.TOWNSHIP)


@dataclass(frozen=True)
class MenuLink:
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 100
    # How many things wait behind the link for this user (unread opinions): one query, asked
    # only when a page shows the menu.
    badge: Callable[[Any], int] | None = None


class MenuEntry:
    """A menu link as one user's page shows it; `count` is worked out on first use, once."""

    def __init__(self, link: MenuLink, user: Any) -> None:
        self.label, self.url_name = link.label, link.url_name
        self._link, self._user = link, user

    @cached_property
    def count(self) -> int:
        return self._link.badge(self._user) if self._link.badge is not None else 0


_HOMES: dict[str, str] = {}
_MENU: list[MenuLink] = []


def register_home(role: str, url_name: str) -> None:
    """The page a user of `role` lands on after logging in."""
    _HOMES[role] = url_name


def register_menu(label: str, url_name: str, *roles: str, order: int = 100,
                  badge: Callable[[Any], int] | None = None) -> None:
    """Add an entry to the menu of the given roles (staff pages or portals); `badge(user)`, if
    given, counts what waits behind it (shown beside the link when more than none)."""
    if not any(m.url_name == url_name for m in _MENU):
        _MENU.append(MenuLink(label, url_name, frozenset(roles), order, badge))


def home_url_name(user: User) -> str | None:
    if user.is_superuser and not user.role:
        return "admin:index"
    return _HOMES.get(user.role) or ("admin:index" if user.is_staff else None)


def menu_for(user: Any) -> list[MenuLink]:
    if not user.is_authenticated:
        return []
    role = Role.OFFICE if user.is_superuser and not user.role else user.role
    return sorted((m for m in _MENU if role in m.roles), key=lambda m: (m.order, m.label))
