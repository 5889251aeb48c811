"""The staff page of one activity: attendance and photos are saved together or not at all."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liaison.models import ActivityPhoto, Participation
from tests.factories import ActivityFactory, DeputyFactory, ParticipationFactory
from tests.liaison.conftest import png_upload


def _activity(township):
    activity = ActivityFactory(region=township, date=dt.date(2025, 6, 1))
    invited = ParticipationFactory(activity=activity).deputy
    return activity, invited


def test_a_bad_second_photo_saves_nothing(client, township, township_user):
    activity, invited = _activity(township)
    not_an_image = SimpleUploadedFile("two.png", b"not an image", content_type="image/png")
    client.force_login(township_user)
    client.post(reverse("liaison:staff_activity", args=[activity.pk]),
                {"attended": [invited.pk], "photos": [png_upload("one.png"), not_an_image]})
    assert not ActivityPhoto.objects.exists()
    assert not Participation.objects.get(activity=activity).attended


def test_a_refused_attendance_list_keeps_the_photos_out(client, township, township_user):
    activity, invited = _activity(township)
    stranger = DeputyFactory()
    client.force_login(township_user)
    response = client.post(reverse("liaison:staff_activity", args=[activity.pk]),
                           {"attended": [invited.pk, stranger.pk], "photos": [png_upload("one.png")]}, follow=True)
    assert "未受邀" in response.content.decode()
    assert not ActivityPhoto.objects.exists()
    assert not Participation.objects.get(activity=activity).attended


def test_photos_and_attendance_are_saved_together(client, township, township_user, other_township_user):
    activity, invited = _activity(township)
    url = reverse("liaison:staff_activity", args=[activity.pk])
    client.force_login(other_township_user)
    assert client.post(url, {"attended": [invited.pk]}).status_code == 404
    client.force_login(township_user)
    client.post(url, {"attended": [invited.pk], "photos": [png_upload("one.png"), png_upload("two.png")]})
    assert ActivityPhoto.objects.filter(activity=activity).count() == 2
    assert Participation.objects.get(activity=activity).attended


def test_photos_are_kept_privately_and_shown_to_the_staff_who_see_the_activity(client, settings, township,
                                                                                township_user, other_township_user):
    activity, invited = _activity(township)
    client.force_login(township_user)
    client.post(reverse("liaison:staff_activity", args=[activity.pk]), {"photos": [png_upload("one.png")]})
    photo = ActivityPhoto.objects.get(activity=activity)
    assert photo.image.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))  # not under /media/
    url = reverse("liaison:activity_photo", args=[photo.pk])
    assert url in client.get(reverse("liaison:staff_activity", args=[activity.pk])).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    client.force_login(other_township_user)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code in (302, 404)
    assert client.get(f"/media/{photo.image.name}").status_code == 404
