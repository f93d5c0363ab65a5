"""Item 13: each send is recorded as it happens, so a dispatcher killed in the middle of a batch
sends again only the one message it was sending (before, the whole batch went out twice)."""

import os
import subprocess
import sys
import textwrap
from collections import Counter

from alerts.dispatch import match_new_items
from alerts.outbox import send_due
from tests.alerts.conftest import add_notification, subscribe

KILLER = textwrap.dedent("""
    import os, signal
    from alerts import channels
    from alerts.dispatch import dispatch
    from store.db import default_engine
    from store.settings import get_settings

    send, sent = channels.EmailSender.send, []
    def send_then_die_at_the_third(self, address, message):
        send(self, address, message)
        sent.append(address)
        if len(sent) == 3:
            os.kill(os.getpid(), signal.SIGKILL)  # sent, not yet recorded
    channels.EmailSender.send = send_then_die_at_the_third
    dispatch(default_engine(), get_settings())
""")


def test_at_most_one_duplicate_per_killed_dispatcher(db_engine, alert_settings, mailbox):
    for n in range(6):
        subscribe(db_engine, email=f"buyer{n}@example.com")
    add_notification(db_engine)
    match_new_items(db_engine, alert_settings)
    env = {key: value for key, value in os.environ.items() if key.startswith("TBTWATCH_")}
    killed = subprocess.run([sys.executable, "-c", KILLER], env=env, cwd=".", timeout=120, check=False)
    assert killed.returncode == -9 and len(mailbox.messages) == 3
    counts = send_due(db_engine, alert_settings)
    assert counts["released"] == 4 and counts["sent"] == 4  # the one in flight and three never sent
    assert sorted(Counter(mailbox.keys()).values()) == [1, 1, 1, 1, 1, 2]
