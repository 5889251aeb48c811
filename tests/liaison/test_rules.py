import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from liaison import services
from liaison.models import (
    Activity,
    ActivityDayEvent,
    ActivityPhoto,
    DisputeEvent,
    DutyShift,
    Handling,
    InvestmentEvent,
    Participation,
    ReceptionEntry,
)
from liaison.privacy import mask_name, mask_phone, may_see_visitor
from tests.factories import (
    ActivityDayFactory,
    ActivityFactory,
    DeputyFactory,
    DisputeFactory,
    InvestmentProjectFactory,
    LiaisonStationFactory,
    ParticipationFactory,
    activity_kind,
)
from tests.liaison.conftest import meet_after_roster_check, png_upload
from tests.races import run_in_threads

T = dt.time


def test_seeded_activity_kinds_are_the_listed_ones(db):
    from liaison.models import ActivityKind

    names = set(ActivityKind.objects.values_list("name", flat=True))
    assert {"接待选民", "局长·代表面对面", "法律援助进基层", "招商引资", "其他"} <= names and len(names) == 14


def test_roster_refuses_one_deputy_in_two_places_at_once(township):
    day = ActivityDayFactory(region=township, date=dt.date(2025, 6, 15))
    a, b = LiaisonStationFactory(region=township), LiaisonStationFactory(region=township)
    deputy = DeputyFactory()
    good = [services.ShiftSpec(a, deputy, T(9), T(10))]
    services.roster_set(activity_day=day, shifts=good)
    clash = [services.ShiftSpec(a, deputy, T(9), T(11)), services.ShiftSpec(b, deputy, T(10, 30), T(12))]
    with pytest.raises(ValidationError) as exc:
        services.roster_set(activity_day=day, shifts=clash)
    assert "同一时间不能在两处值班" in exc.value.messages[0]
    # Nothing half-saved: the earlier roster stands.
    assert list(DutyShift.objects.values_list("start", "end")) == [(T(9), T(10))]


def test_roster_checks_other_activity_days_of_the_same_date(county, township):
    county_day = ActivityDayFactory(region=county, date=dt.date(2025, 6, 15))
    town_day = ActivityDayFactory(region=township, date=dt.date(2025, 6, 15))
    deputy = DeputyFactory()
    services.roster_set(activity_day=county_day, shifts=[services.ShiftSpec(LiaisonStationFactory(), deputy,
                                                                              T(9), T(11))])
    with pytest.raises(ValidationError, match="另一活动日"):
        services.roster_set(activity_day=town_day, shifts=[
            services.ShiftSpec(LiaisonStationFactory(region=township), deputy, T(10), T(12))])
    # Back to back is fine.
    services.roster_set(activity_day=town_day, shifts=[
        services.ShiftSpec(LiaisonStationFactory(region=township), deputy, T(11), T(12))])


def test_database_refuses_two_shifts_of_one_deputy_starting_together(township):
    day = ActivityDayFactory(region=township)
    deputy, station = DeputyFactory(), LiaisonStationFactory(region=township)
    DutyShift.objects.create(activity_day=day, station=station, deputy=deputy, date=day.date)
    with pytest.raises(IntegrityError), transaction.atomic():
        DutyShift.objects.create(activity_day=day, station=LiaisonStationFactory(region=township), deputy=deputy,
                                 date=day.date)


def test_activity_before_its_days_month_is_refused_and_nothing_saved(township):
    day = ActivityDayFactory(region=township, date=dt.date(2025, 6, 15))
    with pytest.raises(ValidationError, match="早于所属代表活动日所在月份"):
        services.activity_create(kind=activity_kind(), title="走访", date=dt.date(2025, 5, 31), region=township,
                                 place="村委会", activity_day=day)
    assert not Activity.objects.exists()
    services.activity_create(kind=activity_kind(), title="走访", date=dt.date(2025, 6, 1), region=township,
                             place="村委会", activity_day=day)


def test_activity_model_clean_catches_the_date_too(township):
    day = ActivityDayFactory(region=township, date=dt.date(2025, 6, 15))
    activity = ActivityFactory.build(region=township, date=dt.date(2025, 4, 30), activity_day=day)
    with pytest.raises(ValidationError):
        activity.full_clean()


def test_attendance_of_someone_not_invited_is_refused(township):
    invited, stranger = DeputyFactory(name="张建国"), DeputyFactory(name="陈明")
    with pytest.raises(ValidationError, match="未受邀的代表：陈明"):
        services.activity_create(kind=activity_kind(), title="座谈", date=dt.date(2025, 6, 1), region=township,
                                 place="镇政府", invited=[invited], attended=[invited, stranger])
    assert not Activity.objects.exists() and not Participation.objects.exists()
    activity = services.activity_create(kind=activity_kind(), title="座谈", date=dt.date(2025, 6, 1),
                                        region=township, place="镇政府", invited=[invited])
    with pytest.raises(ValidationError, match="陈明"):
        services.activity_set_attendance(activity=activity, attended=[stranger])
    services.activity_set_attendance(activity=activity, attended=[invited])
    assert Participation.objects.get().attended


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_saved(township):
    fake = SimpleUploadedFile("scan.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="不是图片"):
        services.activity_create(kind=activity_kind(), title="视察", date=dt.date(2025, 6, 1), region=township,
                                 place="工地", invited=[DeputyFactory()], photos=[png_upload(), fake])
    assert not Activity.objects.exists() and not ActivityPhoto.objects.exists()


def test_photos_are_reencoded_as_jpeg_and_size_is_capped(township, settings):
    activity = services.activity_create(kind=activity_kind(), title="视察", date=dt.date(2025, 6, 1),
                                        region=township, place="工地", photos=[png_upload()])
    photo = activity.photos.get()
    assert photo.image.name.endswith(".jpg") and photo.image.read(3) == b"\xff\xd8\xff"
    settings.MAX_UPLOAD_IMAGE_BYTES = 10
    with pytest.raises(ValidationError, match="超过"):
        services.activity_photo_add(activity=activity, upload=png_upload())


def test_deputy_signs_in_only_when_invited_and_on_the_day(township):
    part = ParticipationFactory(activity=ActivityFactory(region=township, date=dt.date(2025, 6, 1)))
    with pytest.raises(ValidationError, match="当天才能签到"):
        services.activity_sign_in(activity=part.activity, deputy=part.deputy, today=dt.date(2025, 5, 31))
    services.activity_sign_in(activity=part.activity, deputy=part.deputy, today=dt.date(2025, 6, 1))
    with pytest.raises(ValidationError, match="未受邀"):
        services.activity_sign_in(activity=part.activity, deputy=DeputyFactory(), today=dt.date(2025, 6, 1))


def test_publishing_a_roster_needs_three_days_notice_and_writes_an_event(township, township_user):
    day = ActivityDayFactory(region=township, date=dt.date(2025, 6, 15))
    with pytest.raises(ValidationError, match="至少在活动日前3天公布"):
        services.activity_day_transition(activity_day=day, to="published", actor=township_user,
                                         today=dt.date(2025, 6, 13))
    services.activity_day_transition(activity_day=day, to="published", actor=township_user,
                                     today=dt.date(2025, 6, 12))
    day.refresh_from_db()
    assert day.status == "published" and day.published_at
    assert ActivityDayEvent.objects.get().to_status == "published"
    with pytest.raises(ValidationError, match="不能从"):
        services.activity_day_transition(activity_day=day, to="draft", actor=township_user)


def test_a_draft_day_can_be_called_off_before_it_is_published(township, township_user):
    day = ActivityDayFactory(region=township, date=dt.date(2025, 6, 15))
    services.activity_day_transition(activity_day=day, to="cancelled", actor=township_user)
    day.refresh_from_db()
    assert day.status == "cancelled" and day.published_at is None
    assert ActivityDayEvent.objects.get().to_status == "cancelled"


def test_reception_outcomes_need_their_details(township):
    station, deputy = LiaisonStationFactory(region=township), DeputyFactory()
    base = {"station": station, "date": dt.date(2025, 6, 15), "deputies": [deputy], "visitor_name": "王小明",
            "visitor_phone": "13812345678", "matter": "村口路灯不亮"}
    with pytest.raises(ValidationError, match="不予受理的"):
        services.reception_record(**base, handling=Handling.DECLINED, decline_reason="litigation")
    with pytest.raises(ValidationError, match="转交办理的"):
        services.reception_record(**base, handling=Handling.FORWARDED)
    entry = services.reception_record(**base, handling=Handling.DECLINED, decline_reason="litigation",
                                      redirected_to="县人民法院")
    assert entry.uid and ReceptionEntry.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        ReceptionEntry.objects.create(station=station, date=base["date"], visitor_name="x", matter="y",
                                      handling=Handling.FORWARDED)


def test_visitor_is_masked_for_all_but_staff_in_scope(township, township_user, other_township_user, office_user):
    assert mask_phone("13812345678") == "138****5678" and mask_name("王小明") == "王**"
    entry = ReceptionEntry(station=LiaisonStationFactory(region=township))
    assert may_see_visitor(office_user, entry) and may_see_visitor(township_user, entry)
    assert not may_see_visitor(other_township_user, entry)
    from django.contrib.auth.models import AnonymousUser
    assert not may_see_visitor(AnonymousUser(), entry)


def test_dispute_moves_through_its_workflow_with_events(township, township_user):
    dispute = DisputeFactory(region=township, found_on=dt.date(2025, 3, 15))
    with pytest.raises(ValidationError, match="请写明化解情况"):
        services.dispute_transition(dispute=dispute, to="resolved", actor=township_user)
    services.dispute_transition(dispute=dispute, to="mediating", actor=township_user)
    done = services.dispute_transition(dispute=dispute, to="resolved", actor=township_user,
                                       result="双方签订调解协议", on_date=dt.date(2025, 3, 20))
    assert done.status == "resolved" and done.closed_on == dt.date(2025, 3, 20)
    assert list(DisputeEvent.objects.values_list("to_status", flat=True)) == ["mediating", "resolved"]
    with pytest.raises(ValidationError, match="不能从"):
        services.dispute_transition(dispute=dispute, to="referred", actor=township_user, referred_to="法院")


def test_investment_status_changes_write_events(county, office_user):
    project = InvestmentProjectFactory()
    services.investment_transition(project=project, to="signed", actor=office_user)
    with pytest.raises(ValidationError):
        services.investment_transition(project=project, to="negotiating", actor=office_user)
    assert InvestmentEvent.objects.get().to_status == "signed"


def test_own_activity_record_counts_the_deputy_as_attending(township):
    deputy = DeputyFactory(residence=township)
    activity = services.activity_record_own(deputy=deputy, kind=activity_kind(), title="走访困难群众",
                                            date=dt.date(2025, 6, 1), place="前何村", today=dt.date(2025, 6, 2))
    assert activity.region == township and activity.reported_by_deputy
    assert activity.participations.get().attended


def test_a_held_day_cannot_be_moved(township, township_user):
    day = ActivityDayFactory(region=township, date=dt.date(2025, 6, 15))
    services.activity_day_transition(activity_day=day, to="published", actor=township_user,
                                     today=dt.date(2025, 6, 1))
    services.activity_day_transition(activity_day=day, to="held", actor=township_user, today=dt.date(2025, 6, 15))
    with pytest.raises(ValidationError, match="已举行或已取消的活动日不能改期"):
        services.activity_day_reschedule(activity_day=day, date=dt.date(2025, 7, 15), actor=township_user)


@pytest.mark.django_db(transaction=True)
def test_two_days_moved_onto_one_date_at_once_do_not_double_book_a_deputy(county, township, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL row locks")
    deputy = DeputyFactory()
    days = [ActivityDayFactory(region=region, date=date)
            for region, date in ((county, dt.date(2031, 6, 15)), (township, dt.date(2031, 6, 16)))]
    # Overlapping, not the same start: the database's unique (deputy, date, start) does not see it.
    for day, start, end in zip(days, (T(9), T(10)), (T(11), T(12)), strict=True):
        services.roster_set(activity_day=day, shifts=[
            services.ShiftSpec(LiaisonStationFactory(region=day.region), deputy, start, end)])
    meet_after_roster_check(monkeypatch)
    outcomes = []

    def move(day):
        def run():
            try:
                services.activity_day_reschedule(activity_day=day, date=dt.date(2031, 6, 20), actor=None)
                outcomes.append("ok")
            except ValidationError as exc:
                outcomes.append("refused" if "同一时间不能在两处值班" in exc.messages[0] else exc.messages[0])
        return run

    run_in_threads(*(move(day) for day in days))
    assert sorted(outcomes) == ["ok", "refused"]
    assert DutyShift.objects.filter(deputy=deputy, date=dt.date(2031, 6, 20)).count() == 1
