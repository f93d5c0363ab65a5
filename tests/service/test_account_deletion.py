"""Deleting an account (issue 10 §3): by its owner on the account page (password asked) or
through ``DELETE /api/v1/me``, by an administrator on the users page or through
``DELETE /api/v1/users/{id}``; one function (service.accounts.delete_account). Pending
deliveries are cancelled at once and nothing reaches the person afterwards; subscriptions,
inbox, feedback, thread choices and tokens go; the audit log and staff work stay. Both
databases, real SMTP."""

from sqlmodel import Session, func, select
from typer.testing import CliRunner

from alerts.dispatch import match_new_items
from alerts.feedback import FeedbackLink, nonce_of, record_judgement
from alerts.outbox import send_due
from alerts.threads import choose
from service.cli import app as cli
from store.db import session_scope
from store.models import (
    Alert,
    AlertFeedback,
    ApiToken,
    AuditEntry,
    Delivery,
    Subscription,
    ThreadChoice,
    TriageNote,
    User,
)
from tests.alerts.servers import alert_settings, mailbox  # noqa: F401 (fixtures)
from tests.factories import add_notification, subscribe
from tests.service.api_fixtures import api, users  # noqa: F401 (fixtures)
from tests.service.web_helpers import PASSWORD, accounts, app, client_for, csrf_of  # noqa: F401 (fixtures)


def count(engine, model, *where) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def pending_alerts_for(engine, user_id: int, settings) -> int:
    """Two subscriptions of the account, one item matched (a pending delivery), a judgement of
    it, a muted thread of another notification: what an exporter leaves behind."""
    subscribe(engine, user_id=user_id, email="exporter@example.org", hs_prefixes=["85"])
    follow = subscribe(engine, user_id=user_id, email="exporter@example.org", members=["USA"])
    item = add_notification(engine)
    other = add_notification(engine, symbol="G/TBT/N/USA/2200", hs_chapters=("30",))
    match_new_items(engine, settings)
    with session_scope(engine) as session:
        link = FeedbackLink(follow, "notification", item, "useful", nonce_of("test"))
        assert record_judgement(session, link) == "recorded"
        choose(session, session.get(User, user_id), other, "mute")
    return count(engine, Delivery, Delivery.status == "pending")


def test_the_owner_deletes_their_account_on_its_page(app, accounts, db_engine, alert_settings, mailbox):
    exporter = accounts["exporter"]
    assert pending_alerts_for(db_engine, exporter, alert_settings) == 1
    with session_scope(db_engine) as session:
        session.add(TriageNote(item_kind="notification", item_id=1, author_id=accounts["staff"], text="note"))
    client = client_for(app, "exporter")
    page = client.get("/account?lang=zh")
    assert page.status_code == 200 and "删除账户" in page.text and "exporter@example.org" in page.text
    token = csrf_of(client, "/account")
    wrong = client.post("/account/delete?lang=zh", data={"password": "not it", "csrf_token": token})
    assert wrong.status_code == 400 and "密码不正确" in wrong.text
    assert count(db_engine, User, User.id == exporter) == 1  # nothing deleted

    done = client.post("/account/delete", data={"password": PASSWORD, "csrf_token": token})
    assert done.status_code == 303 and done.headers["location"] == "/login?done=account_deleted"
    assert count(db_engine, User, User.id == exporter) == 0
    for model in (Subscription, Alert, Delivery, AlertFeedback, ThreadChoice, ApiToken):
        assert count(db_engine, model) == 0, model
    with Session(db_engine) as session:
        [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "user.delete")).all()
    assert entry.user_id is None and entry.target_id == str(exporter)
    assert entry.details == {"role": "exporter", "by": "owner", "deliveries_cancelled": 1}
    assert "exporter@example.org" not in str(entry.details)
    assert send_due(db_engine, alert_settings)["sent"] == 0 and mailbox.messages == []
    assert client.get("/account").status_code == 303  # signed out
    assert count(db_engine, TriageNote) == 1  # others' work stays


def test_an_administrator_deletes_accounts_but_not_their_own(app, accounts, db_engine):
    with session_scope(db_engine) as session:
        session.add(TriageNote(item_kind="notification", item_id=1, author_id=accounts["staff"], text="note"))
    client = client_for(app, "admin")
    token = csrf_of(client, "/admin/users")
    done = client.post(f"/admin/users/{accounts['staff']}/delete", data={"csrf_token": token})
    assert done.status_code == 303 and done.headers["location"] == "/admin/users?done=user_deleted"
    with Session(db_engine) as session:
        [note] = session.exec(select(TriageNote)).all()
        [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "user.delete")).all()
    assert note.author_id is None and entry.user_id == accounts["admin"] and entry.details["by"] == "administrator"
    own = client.post("/account/delete?lang=en", data={"password": PASSWORD, "csrf_token": token})
    assert own.status_code == 400 and "may not delete their own account" in own.text
    assert count(db_engine, User, User.id == accounts["admin"]) == 1


def test_the_api_deletes_the_callers_account_or_an_administrators_choice(api, users, db_engine, alert_settings):
    exporter = users["exporter"]
    assert pending_alerts_for(db_engine, exporter.id, alert_settings) == 1
    assert api.delete(f"/api/v1/users/{users['exporter2'].id}", headers=exporter.headers).status_code == 403
    assert api.delete("/api/v1/me", headers=exporter.headers).status_code == 204
    assert api.get("/api/v1/me", headers=exporter.headers).status_code == 401  # its tokens went with it
    assert count(db_engine, Subscription) == 0 and count(db_engine, Delivery) == 0
    admin = users["admin"].headers
    assert api.delete(f"/api/v1/users/{users['staff'].id}", headers=admin).status_code == 204
    assert api.delete(f"/api/v1/users/{users['staff'].id}", headers=admin).status_code == 404
    refused = api.delete("/api/v1/me", headers=admin)
    assert refused.status_code == 409 and "may not delete their own account" in refused.json()["detail"]


def test_the_command_line_deletes_an_account(settings, accounts, db_engine):
    runner = CliRunner()
    missing = runner.invoke(cli, ["users", "delete", "nobody@example.org", "--yes"])
    assert missing.exit_code == 2 and "no account" in missing.output
    done = runner.invoke(cli, ["users", "delete", "Exporter@example.org", "--yes"])
    assert done.exit_code == 0 and "deleted; 0 pending deliveries cancelled" in done.output
    assert count(db_engine, User, User.id == accounts["exporter"]) == 0
    with Session(db_engine) as session:
        [entry] = session.exec(select(AuditEntry).where(AuditEntry.action == "user.delete")).all()
    assert entry.user_id is None and entry.details["by"] == "command line"
