import datetime as dt

import pytest

from deputies.models import ActivityGroup, Congress
from tests import factories


@pytest.fixture
def village(township):
    return factories.RegionFactory(code="411025100001", name="西街社区", parent=township)


@pytest.fixture
def other_village(other_township):
    return factories.RegionFactory(code="411025106202", name="前何村", parent=other_township)


@pytest.fixture
def county_congress(county) -> Congress:
    return factories.CongressFactory(region=county, term=17, start_date=dt.date(2021, 12, 28))


@pytest.fixture
def groups(township, other_township) -> dict[str, ActivityGroup]:
    return {
        "城关镇代表活动小组": factories.ActivityGroupFactory(name="城关镇代表活动小组", region=township),
        "库庄镇代表活动小组": factories.ActivityGroupFactory(name="库庄镇代表活动小组", region=other_township),
    }
