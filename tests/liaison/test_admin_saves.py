"""An admin page saves what it changed: a workflow move made meanwhile keeps its status."""

from __future__ import annotations

from django.contrib import admin
from django.test import RequestFactory

from liaison import services
from liaison.models import Dispute
from tests.factories import DisputeFactory


def test_an_admin_edit_keeps_the_status_a_move_set_while_the_page_was_saved(township, township_user):
    dispute = DisputeFactory(region=township)
    model_admin = admin.site.get_model_admin(Dispute)
    request = RequestFactory().post("/")
    request.user = township_user
    stale = Dispute.objects.get(pk=dispute.pk)  # read by the admin's request: status 已排查
    services.dispute_transition(dispute=dispute, to="mediating", actor=township_user)  # committed meanwhile
    form_class = model_admin.get_form(request, stale, change=True)
    data = {**form_class(instance=stale).initial, "summary": "宅基地边界争议，双方同意调解"}
    data = {k: v.pk if hasattr(v, "pk") else v for k, v in data.items() if v is not None}
    data["deputies"] = []
    form = form_class(data, instance=stale)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    dispute.refresh_from_db()
    assert dispute.summary == "宅基地边界争议，双方同意调解" and dispute.status == "mediating"
