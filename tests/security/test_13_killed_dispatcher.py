"""Item 13: each send is recorded as it happens, so a dispatcher killed in the middle of a batch
sends again only the one message it was sending (before, the whole batch went out twice)."""

from collections import Counter

from alerts.dispatch import match_new_items
from alerts.outbox import send_due
from tests.alerts.servers import dispatch_killed_after
from tests.factories import add_notification, subscribe


def test_at_most_one_duplicate_per_killed_dispatcher(db_engine, alert_settings, mailbox):
    for n in range(6):
        subscribe(db_engine, email=f"buyer{n}@example.com")
    add_notification(db_engine)
    match_new_items(db_engine, alert_settings)
    killed = dispatch_killed_after(3)
    assert killed.returncode == -9 and len(mailbox.messages) == 3
    counts = send_due(db_engine, alert_settings)
    assert counts["released"] == 4 and counts["sent"] == 4  # the one in flight and three never sent
    assert sorted(Counter(mailbox.keys()).values()) == [1, 1, 1, 1, 1, 2]
