"""The triage workflow's rules, enforced where the record is written: allowed transitions,
the comment before "sent" and the date sent, the caller's assignee test; a refusal changes
nothing."""

from datetime import date

import pytest
from sqlmodel import select

from store.models import TRIAGE_STATUSES, Triage, TriageNote
from store.queries.triage import TRANSITIONS, TriageRefused, triage_status, update_triage

ITEM = {"item_kind": "notification", "item_id": 7}


def move(session, *statuses, **fields):
    for status in statuses:
        update_triage(session, **ITEM, user_id=None, status=status, **fields)
    session.commit()


def test_every_status_has_its_next_steps():
    assert set(TRANSITIONS) == set(TRIAGE_STATUSES)
    assert all(TRANSITIONS[status] <= set(TRIAGE_STATUSES) - {status} for status in TRIAGE_STATUSES)


def test_a_status_not_allowed_from_the_current_one_is_a_conflict(session):
    with pytest.raises(TriageRefused, match="triage_move") as refused:
        update_triage(session, **ITEM, user_id=None, status="closed", note="skip ahead")
    assert refused.value.conflict
    # the statuses are terms of the catalogue's "triage status" enumeration, so each reader sees
    # them in their language
    values = refused.value.values
    assert values == {"current": "new", "allowed": ["triaged", "no_action"], "wanted": "closed"}
    assert {term.enumeration for term in [values["current"], values["wanted"], *values["allowed"]]} == {"triage status"}
    assert session.get(Triage, ("notification", 7)) is None and not session.new
    with pytest.raises(TriageRefused, match="triage_status") as unknown:
        update_triage(session, **ITEM, user_id=None, status="bogus")
    assert not unknown.value.conflict
    move(session, "triaged", "triaged", "new")  # the same status again changes nothing; a step back is allowed
    assert triage_status(session, **ITEM) == "new"


def test_comment_sent_needs_the_comment_text_and_records_today(session):
    move(session, "triaged", "under_review", "comment_drafted")
    with pytest.raises(TriageRefused, match="triage_comment_first") as refused:
        update_triage(session, **ITEM, user_id=None, status="comment_sent")
    assert not refused.value.conflict and triage_status(session, **ITEM) == "comment_drafted"
    move(session, "comment_sent", comment_text="Please align with IEC 62368", note="sent by mail")
    row = session.get(Triage, ("notification", 7))
    assert (row.status, row.comment_text, row.comment_sent_on) == (
        "comment_sent",
        "Please align with IEC 62368",
        date.today(),
    )
    assert [n.text for n in session.exec(select(TriageNote))] == ["sent by mail"]


def test_a_stored_comment_and_a_given_date_are_used(session):
    move(session, "triaged", "under_review")
    move(session, "comment_drafted", comment_text="Draft")
    move(session, "comment_sent", comment_sent_on=date(2024, 5, 1))
    row = session.get(Triage, ("notification", 7))
    assert (row.comment_text, row.comment_sent_on) == ("Draft", date(2024, 5, 1))


def test_the_callers_assignee_test_comes_after_the_workflow(session):
    def nobody(user_id):
        return False

    with pytest.raises(TriageRefused, match="triage_move") as first:  # both wrong: the status is reported
        update_triage(
            session, **ITEM, user_id=None, status="closed", assignee_id=3, set_assignee=True, may_assign=nobody
        )
    assert first.value.conflict
    with pytest.raises(TriageRefused, match="triage_assignee") as refused:
        update_triage(
            session, **ITEM, user_id=None, status="triaged", assignee_id=3, set_assignee=True, may_assign=nobody
        )
    assert not refused.value.conflict and session.get(Triage, ("notification", 7)) is None
    move(session, "triaged", assignee_id=None, set_assignee=True, may_assign=nobody)  # unassigning needs no test
    assert session.get(Triage, ("notification", 7)).assignee_id is None
