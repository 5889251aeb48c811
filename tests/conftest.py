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


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    # Stored files (photos, replies, PDFs, uploads) go to the test's scratch directory, never to var/.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


REFERENCE_DATA = [
    "deputywork.migrations.0002_seed_calendar",
    "liaison.migrations.0002_seed_activity_kinds",
    "suggestions.migrations.0002_default_categories",
    "suggestions.migrations.0005_suggestions_default_reply_classes",
]


@pytest.fixture(autouse=True)
def _restore_reference_data(request):
    """A transactional test ends by emptying every table, including the rows the data
    migrations loaded (calendar, categories, reply classes, activity kinds); put them back
    so that the tests after it see the database a real installation has."""
    from importlib import import_module

    from django.apps import apps

    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    transactional = transactional or {"transactional_db", "live_server"} & set(request.fixturenames)
    if transactional:
        request.getfixturevalue("transactional_db")
        for name in REFERENCE_DATA:
            import_module(name).seed(apps, None)
    yield
    if transactional:
        for name in REFERENCE_DATA:
            import_module(name).seed(apps, None)
