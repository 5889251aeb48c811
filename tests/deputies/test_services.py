import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from PIL import Image

from deputies import services
from deputies.models import Mandate, Membership
from tests.factories import ActivityGroupFactory, CongressFactory, DeputyFactory, MandateFactory, MembershipFactory
from tests.races import meet_at, run_in_threads


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (2000, 1000), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = 6  # Orientation: rotated
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_photo_is_reencoded_upright_small_and_without_exif(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    deputy = DeputyFactory()
    services.deputy_set_photo(deputy=deputy, upload=SimpleUploadedFile("p.jpg", jpeg_with_exif()))
    with Image.open(deputy.photo.path) as stored:
        assert stored.format == "JPEG" and not stored.getexif()
        assert stored.size == (600, 1200)  # turned upright, longer side 1200
    assert b"SecretCam" not in deputy.photo.read()


def test_a_new_photo_in_a_rolled_back_change_keeps_the_old_file(db, settings, tmp_path,
                                                                django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    deputy = DeputyFactory()
    services.deputy_set_photo(deputy=deputy, upload=SimpleUploadedFile("p.jpg", jpeg_with_exif()))
    first = deputy.photo.name
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.deputy_set_photo(deputy=deputy, upload=SimpleUploadedFile("q.jpg", jpeg_with_exif()))
        raise RuntimeError("the rest of the page failed")
    deputy.refresh_from_db()
    assert deputy.photo.name == first and deputy.photo.storage.exists(first)
    # Committed, the replaced file goes.
    with django_capture_on_commit_callbacks(execute=True):
        services.deputy_set_photo(deputy=deputy, upload=SimpleUploadedFile("r.jpg", jpeg_with_exif()))
    assert not deputy.photo.storage.exists(first) and deputy.photo.storage.exists(deputy.photo.name)


def test_non_images_and_big_files_are_refused(db, settings):
    with pytest.raises(ValidationError, match="不是图片"):
        services.image_reencode(upload=SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image"))
    settings.MAX_UPLOAD_IMAGE_BYTES = 1000
    with pytest.raises(ValidationError, match="不能超过"):
        services.image_reencode(upload=SimpleUploadedFile("p.jpg", jpeg_with_exif()))


def test_ending_the_last_seat_ends_group_work(county):
    seat = MandateFactory()
    membership = MembershipFactory(deputy=seat.deputy)
    services.mandate_end(mandate=seat, ended_on=dt.date(2024, 5, 1), reason="transferred")
    assert (seat.status, seat.end_reason) == ("ended", "transferred")
    membership.refresh_from_db()
    assert membership.ended_on == dt.date(2024, 5, 1)
    with pytest.raises(ValidationError):
        services.mandate_end(mandate=seat, ended_on=dt.date(2024, 6, 1), reason="other")


@pytest.mark.django_db(transaction=True)
def test_ending_both_seats_at_once_ends_group_work(county, township, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL row locks")
    county_seat = MandateFactory()
    township_congress = CongressFactory(level="township", region=township)
    township_seat = MandateFactory(deputy=county_seat.deputy, congress=township_congress)
    membership = MembershipFactory(deputy=county_seat.deputy)
    # Each call has ended its own seat before either looks for the deputy's other seats: without
    # a lock on the deputy, each still sees the other seat active and neither ends group work.
    meet_at(monkeypatch, Mandate, "save")
    outcomes: list[str] = []

    def end(seat):
        services.mandate_end(mandate=Mandate.objects.get(pk=seat.pk), ended_on=dt.date(2024, 5, 1),
                             reason="transferred")
        outcomes.append("ok")

    run_in_threads(lambda: end(county_seat), lambda: end(township_seat))
    assert outcomes == ["ok", "ok"]
    membership.refresh_from_db()
    assert membership.ended_on == dt.date(2024, 5, 1)


def test_second_leader_is_refused_unless_replacing(county):
    group = ActivityGroupFactory()
    old = MembershipFactory(group=group, role="leader")
    with pytest.raises(ValidationError, match="已有组长"):
        services.membership_add(group=group, deputy=DeputyFactory(), role="leader")
    services.membership_add(group=group, deputy=DeputyFactory(), role="leader", replace_leader=True)
    old.refresh_from_db()
    assert old.role == "member" and Membership.objects.filter(group=group, role="leader").count() == 1


def test_deputy_create_validates_the_mobile(db):
    with pytest.raises(ValidationError):
        services.deputy_create(name="王五", gender="male", mobile="12345")
    assert services.deputy_create(name="王五", gender="male", mobile="13800001111").pk


def test_seed_demo_gives_deputies_of_four_levels_and_logins(db):
    from io import StringIO

    from django.core.management import call_command

    from deputies.models import Deputy, Mandate

    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert 55 <= Deputy.objects.count() <= 65
    levels = set(Mandate.objects.values_list("congress__level", flat=True))
    assert levels == {"province", "city", "county", "township"}
    assert "deputy2" in out.getvalue() and Deputy.objects.get(user__username="deputy").name == "张建国"
