"""`tbtwatch subscriptions` (add, list, remove) and `tbtwatch alerts` (dispatch, digest,
remind, dead, replay)."""

import typer
from rich.console import Console
from rich.table import Table

from service.cli.failure import fail
from store.db import default_engine, session_scope

# Each command imports the alerts machinery, tables and settings it uses, so that `subscriptions
# list` (Core: store.queries.quick_lists) starts at once.

subscriptions_app = typer.Typer(help="Exporters' subscriptions to alerts.", no_args_is_help=True)
alerts_app = typer.Typer(help="Matching items to subscriptions and delivering alerts.", no_args_is_help=True)


@subscriptions_app.command("add")
def add(
    email: str = typer.Option(None, help="E-mail address to send alerts to."),
    channel: list[str] = typer.Option(
        [], help="An Apprise URL (dingtalk://, wecombot://, feishu://, slack://, …) or an http(s) webhook; repeatable."
    ),
    sector: list[str] = typer.Option([], help="Catalogue sector code (EI, BIO, …); repeatable."),
    hs: list[str] = typer.Option([], help="HS code prefix (85, 8517, 8517.13); repeatable."),
    ics: list[str] = typer.Option([], help="ICS prefix (33, 33.050); repeatable."),
    member: list[str] = typer.Option([], help="Notifying member, name or code (a state also gets EU items)."),
    committee: str = typer.Option(None, help="TBT or SPS."),
    keyword: list[str] = typer.Option([], help="Word in title, description or products (zh or en); repeatable."),
    kind: list[str] = typer.Option([], help="notification, change or intelligence; repeatable."),
    min_urgency: str = typer.Option("low", help="low, medium or high."),
    frequency: str = typer.Option("immediate", help="immediate, daily or weekly."),
    at: str = typer.Option("08:00", help="Time of day of digests (HH:MM, in --timezone)."),
    weekday: str = typer.Option("mon", help="Day of weekly digests: mon, tue, wed, thu, fri, sat or sun."),
    timezone: str = typer.Option("Asia/Shanghai", help="The subscriber's time zone."),
    language: str = typer.Option("zh", help="zh or en."),
    name: str = typer.Option(None, help="A name for the subscription."),
    catch_up_now: bool = typer.Option(
        False, "--catch-up", help="Send one digest of matching items still open for comment."
    ),
) -> None:
    """Subscribe; selectors left out select everything. Prints the feed and unsubscribe URLs."""
    from alerts.channels import channel_type, webhook_secret
    from alerts.subscriptions import catch_up, create_subscription
    from service.refusals import explain
    from store.refusals import Refused
    from store.settings import get_settings

    fields = {
        "name": name,
        "email": email,
        "channels": channel,
        "sectors": sector,
        "hs_prefixes": hs,
        "ics_prefixes": ics,
        "members": member,
        "committees": [committee] if committee else [],
        "kinds": kind,
        "keywords": keyword,
        "min_urgency": min_urgency,
        "frequency": frequency,
        "deliver_at": at,
        "weekday": weekday,
        "timezone": timezone,
        "language": language,
    }
    settings = get_settings()
    try:
        with session_scope(default_engine()) as session:
            subscription = create_subscription(session, fields)
            caught_up = catch_up(session, subscription) if catch_up_now else None
    except Refused as error:
        fail(explain(error))
    base = settings.base_url.rstrip("/")
    typer.echo(f"subscription {subscription.id} created")
    typer.echo(f"atom feed:   {base}/feeds/{subscription.token}.atom")
    typer.echo(f"calendar:    {base}/feeds/{subscription.token}.ics")
    typer.echo(f"unsubscribe: {base}/unsubscribe/{subscription.token}")
    if any(channel_type(c) == "webhook" for c in subscription.channels):
        typer.echo(f"webhook secret: {webhook_secret(settings.secret_key, subscription.token)}")
    if caught_up is not None:
        typer.echo(f"catch-up digest of {caught_up} items open for comment enqueued")


@subscriptions_app.command("list")
def list_command() -> None:
    """Every subscription with its selectors and channels."""
    from store.queries.quick_lists import list_subscriptions

    with default_engine().connect() as connection:
        subscriptions = list_subscriptions(connection)
    table = Table("id", "active", "to", "selects", "frequency", "lang")
    for s in subscriptions:
        to = ", ".join(([s.email] if s.email else []) + [c.partition(":")[0] + "://…" for c in s.channels])
        selects = "; ".join(
            f"{label} {','.join(map(str, values))}"
            for label, values in (
                ("sectors", s.sectors),
                ("hs", s.hs_prefixes),
                ("ics", s.ics_prefixes),
                ("members", s.members),
                ("committee", s.committees),
                ("kinds", s.kinds),
                ("keywords", s.keywords),
            )
            if values
        )
        if s.min_urgency != "low":
            selects += f"; urgency ≥ {s.min_urgency}"
        day = f" {s.weekday}" if s.frequency == "weekly" else ""
        frequency = s.frequency if s.frequency == "immediate" else f"{s.frequency}{day} {s.deliver_at} {s.timezone}"
        table.add_row(
            str(s.id), "yes" if s.active else "no", to or "(feeds)", selects or "everything", frequency, s.language
        )
    Console().print(table)


@subscriptions_app.command("remove")
def remove(subscription_id: int = typer.Argument(..., help="The subscription's id.")) -> None:
    """Delete a subscription with its alerts and pending deliveries."""
    from alerts.subscriptions import delete_subscription
    from store.models import Subscription

    with session_scope(default_engine()) as session:
        subscription = session.get(Subscription, subscription_id)
        if subscription is None:
            fail(f"no subscription {subscription_id}")
        delete_subscription(session, subscription)
    typer.echo(f"subscription {subscription_id} removed")


def _report(counts) -> None:
    typer.echo(", ".join(f"{key} {value}" for key, value in sorted(counts.items()) if value) or "nothing to do")


@alerts_app.command("dispatch")
def dispatch_command() -> None:
    """Match every classified item not yet matched, then send what is due."""
    from alerts.dispatch import dispatch
    from store.settings import get_settings

    _report(dispatch(default_engine(), get_settings()))


@alerts_app.command("digest")
def digest(
    period: str = typer.Option(..., help="daily or weekly."),
    now: bool = typer.Option(False, "--now", help="Send every digest now, not at the subscribers' time of day."),
) -> None:
    """Enqueue the digests due (or all, with --now) and send them."""
    from alerts.digests import enqueue_digests
    from alerts.outbox import send_due
    from store.settings import get_settings

    if period not in ("daily", "weekly"):
        fail("period is daily or weekly")
    enqueued = enqueue_digests(default_engine(), period, force=now)
    counts = send_due(default_engine(), get_settings())
    counts["digests"] = enqueued
    _report(counts)


@alerts_app.command("remind")
def remind() -> None:
    """Make the comment-deadline reminders due now and send them."""
    from alerts.outbox import send_due
    from alerts.reminders import send_reminders
    from store.settings import get_settings

    made = send_reminders(default_engine())
    counts = send_due(default_engine(), get_settings())
    counts["reminders"] = made
    _report(counts)


@alerts_app.command("dead")
def dead() -> None:
    """Deliveries that gave up, for replay."""
    from store.queries.alerts import dead_deliveries, delivery_counts

    with session_scope(default_engine()) as session:
        deliveries = dead_deliveries(session)
        counts = delivery_counts(session)
    table = Table("id", "subscription", "kind", "channel", "attempts", "last error")
    for d in deliveries:
        table.add_row(
            str(d.id),
            str(d.subscription_id),
            d.kind,
            d.channel.partition(":")[0],
            str(d.attempts),
            (d.last_error or "")[:120],
        )
    Console().print(table)
    typer.echo(" ".join(f"{status} {count}" for status, count in sorted(counts.items())))


@alerts_app.command("replay")
def replay_command(delivery_id: int = typer.Argument(..., help="A dead delivery's id.")) -> None:
    """Queue a dead delivery again and send it."""
    from alerts.outbox import replay, send_due
    from store.settings import get_settings

    if not replay(default_engine(), delivery_id):
        fail(f"delivery {delivery_id} is not dead (or does not exist)")
    _report(send_due(default_engine(), get_settings()))


def register(root: typer.Typer) -> None:
    root.add_typer(subscriptions_app, name="subscriptions")
    root.add_typer(alerts_app, name="alerts")
