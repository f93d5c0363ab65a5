"""Storing standards changes: a hash made before a field was added is no change, and one
document shown by two sources in turn stays one row."""

from sqlmodel import select

from store.models import ItemRevision, StandardsChange
from store.models.items import StandardsChangeBase
from store.queries.changes import upsert_change

CHANGE = {
    "external_id": "2026-20007",
    "kind": "new",
    "body": "Foreign Assets Control Office",
    "reference": "2026-20007",
}


def test_a_hash_of_the_same_values_made_before_a_new_field_is_no_change(session):
    change = StandardsChangeBase(source="us_federal_register", **CHANGE)
    row = upsert_change(session, change=change).row
    row.content_hash = "made before the series field existed"
    assert upsert_change(session, change=change).outcome == "unchanged"
    assert session.exec(select(ItemRevision)).all() == []


def test_the_published_record_takes_over_the_inspection_record(session):
    inspection = StandardsChangeBase(source="us_federal_register_inspection", stage="public inspection", **CHANGE)
    first = upsert_change(session, change=inspection, later_source="us_federal_register").row
    published = StandardsChangeBase(source="us_federal_register", **CHANGE)
    stored = upsert_change(session, change=published, earlier_source="us_federal_register_inspection")
    assert (stored.outcome, stored.row.id) == ("updated", first.id)
    assert upsert_change(session, change=inspection, later_source="us_federal_register").outcome == "unchanged"
    assert [(c.source, c.stage) for c in session.exec(select(StandardsChange))] == [("us_federal_register", None)]
