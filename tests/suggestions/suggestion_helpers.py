"""Builders shared by the suggestion tests: a deputy with a login and a seat, a unit with a login,
and an item walked to a given status through the services."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from suggestions import services_suggestions as svc
from suggestions.models import ReplyClass
from tests.factories import (
    CongressFactory,
    DeputyFactory,
    HandlingUnitFactory,
    MandateFactory,
    SuggestionFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def fast_hashing(settings) -> None:
    """Import into a test module: users are made by the dozen here, PBKDF2 would dominate."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "reply.pdf", body: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def deputy_with_login(username: str, name: str, residence=None):
    user = UserFactory(username=username, role="deputy")
    deputy = DeputyFactory(user=user, name=name, residence=residence)
    MandateFactory(deputy=deputy, congress=CongressFactory())
    return user


def unit_with_login(username: str, name: str, region=None, kind: str = "department"):
    kwargs = {"name": name, "kind": kind}
    if region is not None:
        kwargs["region"] = region
    unit = HandlingUnitFactory(**kwargs)
    user = UserFactory(username=username, role="unit", email=f"{username}@example.cn")
    unit.users.add(user)
    return unit, user


def item_at(status: str, *, office, deputy_user, unit, unit_user, region=None, **kw):
    """A suggestion led by `deputy_user`'s deputy, moved to `status` the way people would."""
    item = SuggestionFactory(lead_deputy=deputy_user.deputy, region=region, **kw)
    if status == "draft":
        return item
    svc.suggestion_submit(suggestion=item, actor=deputy_user)
    if status == "submitted":
        return item
    svc.suggestion_register(suggestion=item, actor=office)
    if status == "registered":
        return item
    (assignment,) = svc.suggestion_assign(suggestion=item, lead_unit=unit, actor=office)
    if status == "assigned":
        return item
    svc.consultation_record(assignment=assignment, date=svc.today(), way="in_person", notes="到村里面商",
                            actor=unit_user)
    if status == "in_progress":
        return item
    svc.reply_send(suggestion=item, text="已安排资金改造。", pdf=pdf(), reply_class=ReplyClass.objects.get(code="A"),
                   actor=unit_user)
    if status == "replied":
        return item
    svc.evaluation_submit(suggestion=item, actor=deputy_user, overall="satisfied",
                          ratings=dict.fromkeys(("leadership", "attitude", "communication", "quality",
                                                 "implementation"), "satisfied"))
    if status == "evaluated":
        return item
    svc.suggestion_close(suggestion=item, actor=office)
    return item
