"""Seats edited in the deputy's admin page: ending one goes through services.mandate_end."""

import datetime as dt

from django.forms import inlineformset_factory

from deputies.admin import MandateInlineForm, save_mandates
from deputies.models import Deputy, Mandate
from tests.factories import CongressFactory, MandateFactory, MembershipFactory

SeatFormSet = inlineformset_factory(Deputy, Mandate, form=MandateInlineForm, extra=0, can_delete=False)


def _data(seat: Mandate, **changes) -> dict:
    row = {"id": seat.pk, "deputy": seat.deputy_id, "congress": seat.congress_id,
           "electoral_district": seat.electoral_district, "elected_on": seat.elected_on or "",
           "status": seat.status, "ended_on": seat.ended_on or "", "end_reason": seat.end_reason,
           "end_note": seat.end_note}
    row.update(changes)
    data = {"mandates-TOTAL_FORMS": "1", "mandates-INITIAL_FORMS": "1", "mandates-MIN_NUM_FORMS": "0",
            "mandates-MAX_NUM_FORMS": "1000"}
    data.update({f"mandates-0-{k}": v for k, v in row.items()})
    return data


def test_ending_the_only_seat_in_the_admin_ends_group_work_too(county):
    seat = MandateFactory(elected_on=dt.date(2021, 12, 1))
    membership = MembershipFactory(deputy=seat.deputy)
    formset = SeatFormSet(_data(seat, status="ended", ended_on="2025-03-01", end_reason="transferred",
                                electoral_district="第二选区"), instance=seat.deputy, prefix="mandates")
    assert formset.is_valid(), formset.errors
    save_mandates(formset)
    seat.refresh_from_db()
    membership.refresh_from_db()
    assert (seat.status, seat.ended_on, seat.end_reason, seat.electoral_district) == (
        "ended", dt.date(2025, 3, 1), "transferred", "第二选区")
    assert membership.ended_on == dt.date(2025, 3, 1)  # the service's rule, not a bare save


def test_bad_endings_are_refused_with_a_chinese_message(county):
    seat = MandateFactory(elected_on=dt.date(2021, 12, 1))
    cases = [
        ({"status": "ended"}, "终止日期和终止原因"),
        ({"status": "ended", "ended_on": "2020-01-01", "end_reason": "resigned"}, "不能早于当选日期"),
        ({"ended_on": "2025-01-01"}, "在任的代表资格不填写终止日期"),
    ]
    for changes, message in cases:
        formset = SeatFormSet(_data(seat, **changes), instance=seat.deputy, prefix="mandates")
        assert not formset.is_valid()
        assert message in str(formset.errors)
    seat.refresh_from_db()
    assert seat.status == "active"


def test_an_ended_seat_cannot_be_revived_but_a_second_congress_is_added(county):
    seat = MandateFactory(status="ended", ended_on=dt.date(2024, 1, 1), end_reason="resigned")
    formset = SeatFormSet(_data(seat, status="active", ended_on="", end_reason=""), instance=seat.deputy,
                          prefix="mandates")
    assert not formset.is_valid() and "不能修改" in str(formset.errors)

    other = CongressFactory(level="city")
    data = _data(seat)
    data["mandates-TOTAL_FORMS"] = "2"
    data.update({"mandates-1-deputy": seat.deputy_id, "mandates-1-congress": other.pk,
                 "mandates-1-electoral_district": "襄城代表团", "mandates-1-status": "active"})
    formset = SeatFormSet(data, instance=seat.deputy, prefix="mandates")
    assert formset.is_valid(), formset.errors
    save_mandates(formset)
    assert seat.deputy.mandates.filter(status="active", congress=other).exists()


def test_staff_see_and_fill_in_the_seats_and_groups_of_a_deputy_in_the_admin(client, office_user, township_user,
                                                                            village, county_congress):
    # Staff accounts carry roles, not Django's model permissions: the inlines follow the page.
    from django.urls import reverse

    from tests.factories import DeputyFactory, UserFactory

    deputy = DeputyFactory(residence=village, name="王建华")
    url = reverse("admin:deputies_deputy_change", args=[deputy.pk])
    for user in (office_user, township_user):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert 'name="mandates-TOTAL_FORMS"' in html and 'name="memberships-TOTAL_FORMS"' in html
    client.force_login(UserFactory(role="deputy", username="deputy-x"))
    assert client.get(url).status_code in (302, 403)


def _rows(prefix: str, rows: list[dict], initial: int) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def test_a_township_clerk_keeps_to_their_townships_seats_and_groups(rf, township_user, office_user, village,
                                                                   township, other_township, county_congress,
                                                                   groups):
    from django.contrib import admin

    from deputies.admin import MandateInline, MembershipInline
    from tests.factories import CongressFactory, DeputyFactory

    deputy = DeputyFactory(residence=village, name="王建华")
    own = CongressFactory(level="township", region=township, term=18)
    other = CongressFactory(level="township", region=other_township, term=18)
    county_seat = MandateFactory(deputy=deputy, congress=county_congress)

    def seats(user, rows, initial=0):
        request = rf.post("/")
        request.user = user
        formset_class = MandateInline(Deputy, admin.site).get_formset(request, deputy)
        return formset_class(_rows("mandates", rows, initial), instance=deputy, prefix="mandates")

    def seat(congress, **extra):
        return {"congress": congress.pk, "electoral_district": "第二选区", "elected_on": "", "status": "active",
                "ended_on": "", "end_reason": "", "end_note": "", **extra}

    existing = {"id": county_seat.pk, "deputy": deputy.pk, **seat(county_congress, electoral_district="第一选区")}
    # Their own township's congress: yes. Another township's, or the county seat changed: no.
    assert seats(township_user, [existing, seat(own)], initial=1).is_valid()
    assert not seats(township_user, [existing, seat(other)], initial=1).is_valid()
    changed = {**existing, "electoral_district": "第九选区"}
    formset = seats(township_user, [changed], initial=1)
    assert not formset.is_valid() and "不属于城关镇" in str(formset.errors)
    assert seats(office_user, [changed], initial=1).is_valid()

    request = rf.post("/")
    request.user = township_user
    memberships = MembershipInline(Deputy, admin.site).get_formset(request, deputy)
    def place(group):
        return _rows("memberships", [{"group": group.pk, "role": "member", "started_on": "", "ended_on": ""}], 0)
    assert memberships(place(groups["城关镇代表活动小组"]), instance=deputy, prefix="memberships").is_valid()
    assert not memberships(place(groups["库庄镇代表活动小组"]), instance=deputy, prefix="memberships").is_valid()


def test_the_seat_rows_fit_the_page_without_links_beside_their_pickers(client, office_user):
    seat = MandateFactory()
    MembershipFactory(deputy=seat.deputy)
    client.force_login(office_user)
    html = client.get(f"/admin/deputies/deputy/{seat.deputy_id}/change/").content.decode()
    assert "deputies/admin-rows.css" in html
    # The deputy's own pickers keep their links (the residence); the rows' congress and group do not.
    assert 'id="view_id_residence"' in html
    for link in ("change", "add", "view"):
        assert f'id="{link}_id_mandates-0-congress"' not in html
        assert f'id="{link}_id_memberships-0-group"' not in html
