"""`tbtwatch subscriptions …` and `tbtwatch alerts …` against a real SMTP server on loopback."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from service.cli import app
from store.models import Delivery, Subscription
from tests.alerts.servers import configure, mailbox  # noqa: F401 (fixture)
from tests.factories import add_notification


def add_fresh(engine, **fields):
    """A notification seen just now (the subscriptions made by the CLI start now)."""
    now = datetime.now(UTC)
    return add_notification(
        engine,
        first_seen=now + timedelta(seconds=1),
        distribution_date=now.date(),
        comment_deadline=now.date() + timedelta(days=60),
        **fields,
    )


@pytest.fixture
def cli(settings, monkeypatch, mailbox):
    configure(monkeypatch, mailbox)
    runner = CliRunner()

    def run(*args, code=0):
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, result.output
        return result.output

    return run


def test_subscribe_dispatch_list_and_remove(cli, db_engine, mailbox):
    out = cli(
        "subscriptions",
        "add",
        "--email",
        "buyer@example.com",
        "--member",
        "Germany",
        "--member",
        "United States",
        "--sector",
        "ei",
        "--hs",
        "8507",
        "--committee",
        "TBT",
        "--keyword",
        "电池",
        "--keyword",
        "battery",
        "--kind",
        "notification",
        "--min-urgency",
        "medium",
        "--language",
        "en",
    )
    assert "subscription 1 created" in out and "/feeds/" in out and "/unsubscribe/" in out
    with Session(db_engine) as session:
        subscription = session.exec(select(Subscription)).one()
    assert subscription.members == ["DEU", "USA"] and subscription.sectors == ["EI"]
    listing = cli("subscriptions", "list")
    assert "buyer@example.com" in listing and "DEU,USA" in listing
    add_fresh(db_engine, title="Lithium battery packs")
    assert "sent 1" in cli("alerts", "dispatch")
    assert len(mailbox.messages) == 1
    assert "nothing to do" in cli("alerts", "dispatch")
    cli("subscriptions", "remove", "1")
    assert "no subscription 1" in cli("subscriptions", "remove", "1", code=2)


def test_bad_subscriptions_are_refused_clearly(cli):
    assert "not a WTO member" in cli("subscriptions", "add", "--email", "a@example.com", "--member", "Atlantis", code=2)
    assert "Unknown sector code: XX" in cli(
        "subscriptions", "add", "--email", "a@example.com", "--sector", "XX", code=2
    )
    assert "frequency" in cli("subscriptions", "add", "--email", "a@example.com", "--frequency", "hourly", code=2)
    assert "not an e-mail address" in cli("subscriptions", "add", "--email", "nobody", code=2)
    assert "weekly digest day is one of" in cli(
        "subscriptions", "add", "--email", "a@example.com", "--weekday", "x", code=2
    )


def test_weekly_digests_on_a_chosen_weekday(cli, db_engine):
    cli(
        "subscriptions",
        "add",
        "--email",
        "buyer@example.com",
        "--frequency",
        "weekly",
        "--weekday",
        "Fri",
        "--at",
        "17:30",
        "--timezone",
        "Europe/Berlin",
    )
    cli("subscriptions", "add", "--email", "buyer@example.com", "--frequency", "weekly")
    with Session(db_engine) as session:
        assert [s.weekday for s in session.exec(select(Subscription).order_by(Subscription.id))] == ["fri", "mon"]
    assert "weekly fri 17:30" in cli("subscriptions", "list")


def test_webhook_subscription_prints_its_secret(cli):
    out = cli("subscriptions", "add", "--channel", "https://hooks.example.com/tbt", "--channel", "dingtalk://token/")
    assert "webhook secret: " in out


def test_dead_letters_and_replay(cli, db_engine, mailbox, monkeypatch):
    cli("subscriptions", "add", "--email", "buyer@example.com")
    add_fresh(db_engine)
    mailbox.stop()
    monkeypatch.setenv("TBTWATCH_ALERT_MAX_ATTEMPTS", "1")
    from store.settings import get_settings

    get_settings.cache_clear()
    assert "dead 1" in cli("alerts", "dispatch")
    dead = cli("alerts", "dead")
    assert "mailto" in dead and "dead 1" in dead
    mailbox.start()
    assert "sent 1" in cli("alerts", "replay", "1")
    assert "is not dead" in cli("alerts", "replay", "1", code=2)
    with Session(db_engine) as session:
        assert session.exec(select(Delivery)).one().status == "sent"


def test_digest_and_remind_commands(cli, db_engine, mailbox):
    cli("subscriptions", "add", "--email", "buyer@example.com", "--frequency", "daily", "--language", "en")
    add_fresh(db_engine)
    cli("alerts", "dispatch")
    assert mailbox.messages == []
    assert "digests 1" in cli("alerts", "digest", "--period", "daily", "--now")
    assert mailbox.messages[0]["Subject"] == "[Daily digest] 1 items"
    assert "period is daily or weekly" in cli("alerts", "digest", "--period", "hourly", code=2)
    assert "nothing to do" in cli("alerts", "remind")
