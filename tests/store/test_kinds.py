"""One kind registry and one urgency scale: every view of an item reads the same fields."""

from datetime import date

from sqlmodel import Session

from nlp.urgency import LEVELS
from store.kinds import KINDS, MODELS, kind_of
from store.models import ITEM_KINDS, URGENCY_LEVELS, URGENCY_RANK, IntelligenceReport, NotificationCreate
from store.queries.alerts import alert_item, load_items
from store.queries.items import summary
from store.queries.notifications import upsert_notification


def test_one_urgency_scale_and_one_list_of_kinds():
    assert URGENCY_LEVELS == LEVELS and URGENCY_RANK == {"low": 0, "medium": 1, "high": 2}
    assert tuple(KINDS) == tuple(MODELS) == ITEM_KINDS


def test_a_report_is_labelled_alike_everywhere_and_counts_once_published(db_engine):
    with Session(db_engine, expire_on_commit=False) as session:
        report = IntelligenceReport(member_code="JPN", title="電池", text="…", status="submitted")
        notification = upsert_notification(
            session,
            notification=NotificationCreate(
                symbol="G/TBT/N/JPN/1",
                base_symbol="G/TBT/N/JPN/1",
                committee="TBT",
                member_name=None,
                title="T",
                distribution_date=date(2026, 1, 2),
            ),
            source="test",
        ).row
        session.add(report)
        session.commit()
        assert kind_of(report).name == "intelligence" and not KINDS["intelligence"].counted(report)
        assert load_items(session, [("intelligence", report.id)]) == {}
        report.status = "published"
        session.add(report)
        session.commit()
        for row in (report, notification):
            assert alert_item(row).label == summary(row).reference
        assert alert_item(report).label == f"INT-{report.id}"
        assert set(load_items(session, [("intelligence", report.id), ("notification", notification.id)])) == {
            ("intelligence", report.id),
            ("notification", notification.id),
        }
