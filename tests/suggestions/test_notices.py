# ruff: noqa: F811 - fixtures imported from opinions_support are redefined as test arguments
"""New opinions are mailed from the notice queue by `manage.py send_notices`, not by the request."""

import pytest
from django.core import mail
from django.core.management import call_command

from suggestions.models import OpinionNotice
from suggestions.services_opinions import notices_mark_read, opinion_reassign, opinion_submit
from tests.factories import DeputyFactory, UserFactory
from tests.suggestions.opinions_support import _fresh_cache, colleague_user, deputy_user, village  # noqa: F401

pytestmark = pytest.mark.django_db


def submit(deputy, text="村东头的路灯坏了一个多月，晚上出行很不方便。", phone="13912345678"):
    return opinion_submit(content=text, deputy=deputy, resident_name="赵大娘", resident_phone=phone,
                          consent=True, sender="10.0.0.1").opinion


def test_a_submit_mails_nobody_until_the_run_which_mails_once(deputy_user):
    opinion = submit(deputy_user.deputy)
    assert mail.outbox == [] and OpinionNotice.objects.get().emailed_at is None
    call_command("send_notices", stdout=None)
    [message] = mail.outbox
    assert message.to == ["zhang@example.cn"] and f"/portal/opinions/{opinion.pk}/" in message.body
    # Nothing personal, and not the tracking code: the resident's key to rating the answer.
    assert "赵大娘" not in message.body and "13912345678" not in message.body
    assert opinion.tracking_code not in message.body
    notice = OpinionNotice.objects.get()
    assert notice.emailed_at is not None and notice.emailed_to == "zhang@example.cn"
    call_command("send_notices", stdout=None)
    assert len(mail.outbox) == 1


def test_several_new_opinions_make_one_email(deputy_user):
    first = submit(deputy_user.deputy)
    second = submit(deputy_user.deputy, text="北关村小学门口没有减速带，上下学时段车速太快。")
    call_command("send_notices", stdout=None)
    [message] = mail.outbox
    assert "2条新的群众意见" in message.subject
    assert f"/portal/opinions/{first.pk}/" in message.body and f"/portal/opinions/{second.pk}/" in message.body


def test_a_notice_read_in_the_portal_is_not_mailed(deputy_user):
    opinion = submit(deputy_user.deputy)
    notices_mark_read(user=deputy_user, opinion=opinion)
    call_command("send_notices", stdout=None)
    assert mail.outbox == []
    notice = OpinionNotice.objects.get()
    assert notice.emailed_at is not None and notice.emailed_to == ""


def test_no_address_means_no_email_and_the_notice_is_dealt_with(village):
    user = UserFactory(role="deputy", username="wang", email="")
    DeputyFactory(user=user, name="王红梅", residence=village, email="")
    submit(user.deputy)
    call_command("send_notices", stdout=None)
    assert mail.outbox == [] and OpinionNotice.objects.get().emailed_at is not None


def test_a_refused_address_is_kept_for_the_next_run_and_does_not_stop_the_others(
        deputy_user, colleague_user, monkeypatch):
    from django.core.mail import send_mail as real_send_mail

    colleague_user.deputy.email = "li@example.cn"
    colleague_user.deputy.save()
    submit(deputy_user.deputy)
    submit(colleague_user.deputy, text="北关村小学门口没有减速带，上下学时段车速太快。")

    def refuse_zhang(subject, body, sender, to, **kwargs):
        if to == ["zhang@example.cn"]:
            raise OSError("550 mailbox unavailable")
        return real_send_mail(subject, body, sender, to, **kwargs)

    monkeypatch.setattr("suggestions.notices.send_mail", refuse_zhang)
    call_command("send_notices", stdout=None)
    assert [m.to for m in mail.outbox] == [["li@example.cn"]]
    assert OpinionNotice.objects.get(user=deputy_user).emailed_at is None
    monkeypatch.undo()
    call_command("send_notices", stdout=None)
    assert [m.to for m in mail.outbox] == [["li@example.cn"], ["zhang@example.cn"]]
    assert not OpinionNotice.objects.filter(emailed_at__isnull=True).exists()


def test_a_reassigned_opinion_is_mailed_to_the_new_deputy(deputy_user, colleague_user, office_user):
    opinion = submit(deputy_user.deputy)
    call_command("send_notices", stdout=None)
    colleague_user.deputy.email = "li@example.cn"
    colleague_user.deputy.save()
    opinion_reassign(opinion=opinion, deputy=colleague_user.deputy, actor=office_user)
    call_command("send_notices", stdout=None)
    assert [m.to for m in mail.outbox] == [["zhang@example.cn"], ["li@example.cn"]]


def test_a_reassigned_opinion_not_yet_mailed_is_not_mailed_to_the_former_deputy(deputy_user, colleague_user,
                                                                               office_user):
    opinion = submit(deputy_user.deputy)
    colleague_user.deputy.email = "li@example.cn"
    colleague_user.deputy.save()
    opinion_reassign(opinion=opinion, deputy=colleague_user.deputy, actor=office_user)
    call_command("send_notices", stdout=None)
    assert [m.to for m in mail.outbox] == [["li@example.cn"]]
    assert not OpinionNotice.objects.filter(user=deputy_user, read_at__isnull=True).exists()
