import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from deputies.models import Mandate
from tests.factories import (
    ActivityGroupFactory,
    CongressFactory,
    DeputyFactory,
    MandateFactory,
    MembershipFactory,
)


def test_congress_name_is_written_in_chinese(county):
    congress = CongressFactory(region=county, term=17)
    assert str(congress) == "襄城县第十七届人民代表大会"


def test_one_active_seat_per_person_per_congress(county):
    seat = MandateFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Mandate.objects.create(deputy=seat.deputy, congress=seat.congress)


def test_a_person_may_sit_in_a_city_and_a_county_congress(county):
    deputy = DeputyFactory()
    MandateFactory(deputy=deputy, congress=CongressFactory(region=county))
    MandateFactory(deputy=deputy, congress=CongressFactory(level="city", region=county.parent, term=7))
    assert deputy.mandates.count() == 2


def test_ended_seat_needs_date_and_reason(county):
    seat = MandateFactory()
    seat.status = "ended"
    with pytest.raises(IntegrityError), transaction.atomic():
        seat.save()
    seat.ended_on, seat.end_reason = dt.date(2024, 5, 1), "transferred"
    seat.save()
    Mandate.objects.create(deputy=seat.deputy, congress=seat.congress)  # a new active seat is allowed


def test_one_current_leader_per_group(county):
    group = ActivityGroupFactory()
    MembershipFactory(group=group, role="leader")
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(group=group, role="leader")
    MembershipFactory(group=group, role="leader", ended_on=dt.date(2023, 1, 1), started_on=dt.date(2022, 1, 1))


def test_database_refuses_an_implausible_mobile(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        DeputyFactory(mobile="12345")
