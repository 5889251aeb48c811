from io import StringIO

from deputywork import demo as core_demo
from deputywork.models import Region
from liaison import demo
from liaison.models import Activity, ActivityDay, Dispute, LiaisonStation, Participation, ReceptionEntry
from tests.factories import DeputyFactory


def counts() -> dict:
    return {m.__name__: m.objects.count()
            for m in (LiaisonStation, ActivityDay, Activity, Participation, ReceptionEntry, Dispute)}


def test_seed_builds_stations_and_a_year_and_is_idempotent(db):
    core_demo.seed(stdout=StringIO())
    for code in ("411025100000", "411025106202", "411624100000", "411624001000"):
        DeputyFactory(residence=Region.objects.get(code=code))
    demo.seed(stdout=StringIO())
    first = counts()
    demo.seed(stdout=StringIO())
    assert counts() == first
    towns = Region.objects.filter(level="township").count()
    assert first["LiaisonStation"] == towns + 1  # plus 库庄镇前何村代表联络点
    assert first["ActivityDay"] == 24 and first["ReceptionEntry"] > 0 and first["Dispute"] > 0
    assert LiaisonStation.objects.filter(is_demonstration=True).count() >= 3
    assert Participation.objects.filter(signed_in_at__isnull=False).exists()


def test_seed_works_without_deputies(db):
    core_demo.seed(stdout=StringIO())
    demo.seed(stdout=StringIO())
    assert LiaisonStation.objects.exists() and ActivityDay.objects.count() == 24
