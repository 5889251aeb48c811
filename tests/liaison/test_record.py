import datetime as dt
import io

from django.utils import timezone
from openpyxl import load_workbook

from liaison import record as record_module
from liaison import services
from liaison.record import RecordItem, RecordSection, performance_record, performance_records
from tests.factories import (
    ActivityDayFactory,
    ActivityFactory,
    DeputyFactory,
    InvestmentProjectFactory,
    LiaisonStationFactory,
    ParticipationFactory,
    TrainingFactory,
)


def figures(record) -> dict:
    return dict(record.figures())


def test_a_fact_entered_once_shows_in_every_place(township, office_user):
    deputy, other = DeputyFactory(residence=township), DeputyFactory(residence=township)
    activity = ActivityFactory(region=township, date=dt.date(2025, 3, 15))
    ParticipationFactory(activity=activity, deputy=deputy)
    ParticipationFactory(activity=ActivityFactory(region=township, date=dt.date(2025, 4, 1)), deputy=deputy)
    services.activity_set_attendance(activity=activity, attended=[deputy])
    day = ActivityDayFactory(region=township, date=dt.date(2025, 3, 15))
    station = LiaisonStationFactory(region=township)
    services.roster_set(activity_day=day, shifts=[services.ShiftSpec(station, deputy, dt.time(9), dt.time(11))])
    services.activity_day_transition(activity_day=day, to="published", actor=None, today=dt.date(2025, 3, 1))
    services.reception_record(station=station, date=day.date, deputies=[deputy], visitor_name="王小明",
                              matter="路灯", handling="answered")
    InvestmentProjectFactory(deputy=deputy, amount_wan=1500, jobs=40)
    TrainingFactory().attendees.add(deputy)

    mine = figures(performance_record(deputy, 2025))
    assert mine["受邀参加活动（次）"] == 2 and mine["实际参加活动（次）"] == 1 and mine["出席率"] == "50%"
    assert mine["进站值班（次）"] == 1 and mine["接待群众（人次）"] == 1
    assert mine["引进项目（个）"] == 1 and mine["投资额（万元）"] == 1500 and mine["带动就业（人）"] == 40
    assert mine["参加培训（次）"] == 1
    assert figures(performance_record(deputy, 2024))["实际参加活动（次）"] == 0
    assert figures(performance_record(other, 2025))["受邀参加活动（次）"] == 0

    # The same numbers in the xlsx for all deputies and on the staff page.
    records = performance_records([deputy, other], 2025)
    from liaison.exports import records_xlsx

    ws = load_workbook(io.BytesIO(records_xlsx(records, year=2025))).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows[1]
    row = next(r for r in rows if r[1] == deputy.name and r[0] == 1)
    assert row[header.index("实际参加活动（次）")] == 1 and row[header.index("投资额（万元）")] == 1500


def test_a_higher_app_can_add_a_section(monkeypatch, county):
    monkeypatch.setattr(record_module, "_SECTIONS", dict(record_module._SECTIONS))
    deputy = DeputyFactory()

    def suggestions(deputies, year):
        return {d.pk: RecordSection("suggestions", "提出建议", [("领衔建议（件）", 3)],
                                    [RecordItem(dt.date(year, 1, 5), "关于修缮村道的建议")]) for d in deputies}

    record_module.register_record_section("suggestions", suggestions, order=50)
    rec = performance_record(deputy, 2025)
    assert rec.sections[-1].title == "提出建议" and figures(rec)["领衔建议（件）"] == 3



def test_only_duties_on_published_days_that_have_come_count(township, monkeypatch):
    today = dt.date(2025, 6, 20)
    monkeypatch.setattr(timezone, "localdate", lambda: today)
    deputy, station = DeputyFactory(residence=township), LiaisonStationFactory(region=township)

    def day_with_duty(date: dt.date, *moves: str) -> None:
        day = ActivityDayFactory(region=township, date=date)
        services.roster_set(activity_day=day, shifts=[services.ShiftSpec(station, deputy, dt.time(9), dt.time(11))])
        for to in moves:
            services.activity_day_transition(activity_day=day, to=to, actor=None, today=date - dt.timedelta(days=5)
                                             if to == "published" else today)

    day_with_duty(dt.date(2025, 6, 15), "published")  # counts
    day_with_duty(dt.date(2025, 5, 15), "published", "held")  # counts
    day_with_duty(dt.date(2025, 4, 15))  # a draft roster never published
    day_with_duty(dt.date(2025, 3, 14), "published", "cancelled")
    day_with_duty(dt.date(2025, 6, 25), "published")  # not yet come
    record = performance_record(deputy, 2025)
    assert figures(record)["进站值班（次）"] == 2
    duties = next(s for s in record.sections if s.key == "receptions").items
    assert [item.date for item in duties] == [dt.date(2025, 5, 15), dt.date(2025, 6, 15)]
