from __future__ import annotations

import pytest

from deputywork.models import Region
from tests import factories


@pytest.fixture
def county(db) -> Region:
    return factories.county_region()


@pytest.fixture
def township(county) -> Region:
    return factories.RegionFactory(code="411025100000", name="城关镇", parent=county)


@pytest.fixture
def other_township(county) -> Region:
    return factories.RegionFactory(code="411025106000", name="库庄镇", parent=county)


@pytest.fixture
def office_user(county):
    return factories.UserFactory(role="office", region=county, username="office")


@pytest.fixture
def township_user(township):
    return factories.UserFactory(role="township", region=township, username="chengguan")


@pytest.fixture
def other_township_user(other_township):
    return factories.UserFactory(role="township", region=other_township, username="kuzhuang")


@pytest.fixture(autouse=True)
def _plain_http(settings) -> None:
    # Production settings redirect to HTTPS; the test client speaks plain HTTP.
    settings.SECURE_SSL_REDIRECT = False
