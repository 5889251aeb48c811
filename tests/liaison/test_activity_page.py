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
