import datetime as dt

import pytest

from suggestions.models import OpinionEvent
from suggestions.workflow import TransitionRefused, opinion_transition
from tests.factories import DeputyFactory, HandlingUnitFactory, OpinionFactory, UserFactory


@pytest.fixture
def deputy_user(db):
    user = UserFactory(role="deputy")
    DeputyFactory(user=user)
    return user


def test_accept_then_answer_writes_one_event_each(deputy_user):
    opinion = OpinionFactory(deputy=deputy_user.deputy)
    opinion_transition(opinion=opinion, to="accepted", actor=deputy_user)
    opinion_transition(opinion=opinion, to="answered", actor=deputy_user, public_reply="已联系村委会疏通。")
    assert opinion.status == "answered" and opinion.public_reply == "已联系村委会疏通。"
    moves = list(OpinionEvent.objects.filter(opinion=opinion).values_list("from_status", "to_status"))
    assert moves == [("submitted", "accepted"), ("accepted", "answered")]


def test_invalid_move_is_refused_with_a_chinese_message(deputy_user):
    opinion = OpinionFactory(deputy=deputy_user.deputy)
    with pytest.raises(TransitionRefused, match="不能改为"):
        opinion_transition(opinion=opinion, to="closed", actor=deputy_user)
    assert not OpinionEvent.objects.exists()


def test_another_deputy_may_not_move_it(deputy_user):
    other = UserFactory(role="deputy")
    DeputyFactory(user=other)
    opinion = OpinionFactory(deputy=deputy_user.deputy)
    with pytest.raises(TransitionRefused, match="无权"):
        opinion_transition(opinion=opinion, to="accepted", actor=other)


def test_decline_needs_a_reason_and_forward_needs_unit_and_due_date(deputy_user):
    opinion = OpinionFactory(deputy=deputy_user.deputy)
    with pytest.raises(TransitionRefused, match="理由"):
        opinion_transition(opinion=opinion, to="declined", actor=deputy_user)
    opinion_transition(opinion=opinion, to="accepted", actor=deputy_user)
    with pytest.raises(TransitionRefused, match="承办单位"):
        opinion_transition(opinion=opinion, to="forwarded", actor=deputy_user)
    opinion_transition(opinion=opinion, to="forwarded", actor=deputy_user, forwarded_to=HandlingUnitFactory(),
                       due_date=dt.date(2026, 12, 10))
    assert opinion.status == "forwarded"
