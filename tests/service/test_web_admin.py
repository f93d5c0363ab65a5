"""Administrators' pages: sources (run now), crawl runs, scheduler jobs, users, catalogue
editions, dead deliveries (replay), audit log; nobody else may open them."""

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlmodel import Session, select

from service.jobs import crawl as crawl_jobs
from store.db import session_scope
from store.models import Alert, AuditEntry, CrawlRun, Delivery, Source, Subscription, User
from store.models.types import utcnow
from tests.service.web_helpers import accounts, app, client_for, post_form  # noqa: F401 (fixtures)

PAGES = (
    "/admin/sources",
    "/admin/runs",
    "/admin/jobs",
    "/admin/users",
    "/admin/catalogue",
    "/admin/feedback",
    "/admin/deliveries",
    "/admin/audit",
)


@pytest.fixture
def operations(db_engine, accounts) -> dict[str, int]:
    with session_scope(db_engine) as session:
        session.add(
            Source(
                name="wto_eping_latest",
                spider="wto_eping_latest",
                title="ePing latest",
                consecutive_failures=2,
                last_error="HTTP 503",
                last_success_at=utcnow(),
            )
        )
        session.flush()
        session.add(CrawlRun(source="wto_eping_latest", status="failed", error="HTTP 503", finished_at=utcnow()))
        subscription = Subscription(user_id=accounts["exporter"], email="x@example.org", token="t" * 32)
        session.add(subscription)
        session.flush()
        delivery = Delivery(
            subscription_id=subscription.id,
            channel="mailto:x@example.org",
            idempotency_key="k1",
            status="dead",
            attempts=8,
            last_error="SMTP refused",
        )
        session.add(delivery)
        session.flush()
        return {"delivery": delivery.id}


@pytest.mark.parametrize("role", ["exporter", "staff", "embassy"])
def test_only_admins(app, accounts, operations, role):
    client = client_for(app, role)
    for path in PAGES:
        assert client.get(path).status_code == 403, path
    assert post_form(client, f"/admin/deliveries/{operations['delivery']}/replay").status_code == 403


def test_every_admin_page_renders(app, accounts, operations):
    client = client_for(app, "admin")
    texts = {path: client.get(path) for path in PAGES}
    assert all(response.status_code == 200 for response in texts.values())
    assert "ePing latest" in texts["/admin/sources"].text and "HTTP 503" in texts["/admin/sources"].text
    assert "HTTP 503" in texts["/admin/runs"].text
    assert "SMTP refused" in texts["/admin/deliveries"].text
    # the dead delivery's channel is named by its kind, not garbled into mailto:x@y://…
    assert "<code>mailto</code>" in texts["/admin/deliveries"].text and "://…" not in texts["/admin/deliveries"].text
    assert "exporter2@example.org" in texts["/admin/users"].text
    assert "2003" in texts["/admin/catalogue"].text


def test_replay_a_dead_delivery(app, accounts, operations, db_engine):
    client = client_for(app, "admin")
    response = post_form(client, f"/admin/deliveries/{operations['delivery']}/replay", page="/admin/deliveries")
    assert response.status_code == 303
    with Session(db_engine) as session:
        delivery = session.get(Delivery, operations["delivery"])
        assert (delivery.status, delivery.attempts) == ("pending", 0)
        assert [e.action for e in session.exec(select(AuditEntry))] == ["delivery.replay"]
    assert post_form(client, f"/admin/deliveries/{operations['delivery']}/replay").status_code == 404
    assert "delivery.replay" in client.get("/admin/audit").text


def test_run_now_through_the_scheduler_and_jobs_page(app, accounts, operations):
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(print, "interval", hours=6, id="crawl:wto_eping_latest", name="crawl wto_eping_latest")
    scheduler.start(paused=True)
    app.state.scheduler = scheduler
    try:
        client = client_for(app, "admin")
        assert "crawl:wto_eping_latest" in client.get("/admin/jobs").text
        before = scheduler.get_job("crawl:wto_eping_latest").next_run_time
        response = post_form(client, "/admin/sources/wto_eping_latest/run", page="/admin/sources")
        assert response.status_code == 303
        assert scheduler.get_job("crawl:wto_eping_latest").next_run_time < before
        assert post_form(client, "/admin/sources/nothing/run").status_code == 404
    finally:
        scheduler.shutdown(wait=False)


def test_add_and_deactivate_users(app, accounts, db_engine):
    client = client_for(app, "admin")
    form = {
        "email": "new@example.org",
        "role": "embassy",
        "name": "Embassy in Kenya",
        "member_code": "ken",
        "password": "long enough password",
    }
    assert post_form(client, "/admin/users", form, page="/admin/users").status_code == 303
    duplicate = post_form(client, "/admin/users", form, page="/admin/users")
    assert duplicate.status_code == 409 and "已有使用电子邮箱 new@example.org 的用户" in duplicate.text
    atlantis = post_form(client, "/admin/users?lang=en", {**form, "email": "b@example.org", "member_code": "Atlantis"})
    assert atlantis.status_code == 400 and "“Atlantis” is not a WTO member name or code" in atlantis.text
    assert 'value="Atlantis"' in atlantis.text and 'value="b@example.org"' in atlantis.text
    with Session(db_engine) as session:
        user = session.exec(select(User).where(User.email == "new@example.org")).one()
    assert (user.role, user.member_code) == ("embassy", "KEN")
    assert post_form(client, f"/admin/users/{user.id}/active", page="/admin/users").status_code == 303
    with Session(db_engine) as session:
        assert session.get(User, user.id).active is False
        assert [e.action for e in session.exec(select(AuditEntry))] == ["user.create", "user.deactivate"]
    assert post_form(client, f"/admin/users/{accounts['admin']}/active").status_code == 400


@pytest.mark.parametrize("with_scheduler", [False, True])
def test_run_now_is_one_use_case_for_the_page_and_the_api(
    app, accounts, operations, db_engine, monkeypatch, tmp_path, with_scheduler
):
    """The page and the API start a crawl the same way and leave the same audit record."""
    spawned: list[str] = []
    monkeypatch.setattr(crawl_jobs, "spawn_crawl", lambda name: spawned.append(name) or (4242, tmp_path / "log"))
    scheduler = BackgroundScheduler(timezone="UTC")
    if with_scheduler:
        scheduler.add_job(print, "interval", hours=6, id="crawl:wto_eping_latest")
        scheduler.start(paused=True)
        app.state.scheduler = scheduler
    try:
        client = client_for(app, "admin")
        assert post_form(client, "/admin/sources/wto_eping_latest/run", page="/admin/sources").status_code == 303
        answer = client.post("/api/v1/sources/wto_eping_latest/run")
        assert answer.status_code == 202 and answer.json()["via"] == ("scheduler" if with_scheduler else "process")
        assert spawned == ([] if with_scheduler else ["wto_eping_latest", "wto_eping_latest"])
        for refused in (post_form(client, "/admin/sources/nothing/run"), client.post("/api/v1/sources/nothing/run")):
            assert refused.status_code == 404
    finally:
        if with_scheduler:
            scheduler.shutdown(wait=False)
    with Session(db_engine) as session:
        entries = list(session.exec(select(AuditEntry).order_by(AuditEntry.id)))
    assert [(e.action, e.target_id, e.details) for e in entries] == 2 * [
        ("source.run", "wto_eping_latest", {"via": "scheduler"} if with_scheduler else {"via": "process", "pid": 4242})
    ]


def test_feedback_page_shows_judgements_per_sector_and_the_last_retraining(db_engine, app, accounts):
    from store.models import AlertFeedback
    from store.queries.feedback import record_training_run
    from tests.factories import add_notification, subscribe

    subscription = subscribe(db_engine, sectors=["EI"])
    item_id = add_notification(db_engine)
    with session_scope(db_engine) as session:
        session.add(Alert(subscription_id=subscription, item_kind="notification", item_id=item_id, reason="match"))
        session.add(
            AlertFeedback(
                subscription_id=subscription,
                item_kind="notification",
                item_id=item_id,
                verdict="not_relevant",
                sectors=["EI"],
                link_nonce="n",
            )
        )
    client = client_for(app, "admin")
    page = client.get("/admin/feedback?lang=zh").text
    assert "电子与信息</td><td>1</td><td>0</td><td>1</td>\n    <td>0 %</td>" in page
    assert "尚未用本数据库的人工标注重新训练过模型" in page
    with session_scope(db_engine) as session:
        record_training_run(session, output="nlp/model", staff_labels=3, feedback_labels=4)
    page = client.get("/admin/feedback?lang=en").text
    assert "Human labels: <strong>7</strong>" in page and "Electronics and information" in page


def test_change_role_and_reset_password_through_the_page(app, accounts, db_engine):
    """The page calls the API's one function (service.accounts.change_account): a role and a
    new password change, audited; a short password and an administrator demoting themselves
    are refused in the reader's language, nothing changed."""
    client = client_for(app, "admin")
    exporter = accounts["exporter"]
    done = post_form(
        client, f"/admin/users/{exporter}", {"role": "staff", "password": "a-new-long-one"}, page="/admin/users"
    )
    assert done.status_code == 303 and done.headers["location"].endswith("done=saved")
    with Session(db_engine) as session:
        changed = session.get(User, exporter)
        assert changed is not None and changed.role == "staff"
        assert [e.action for e in session.exec(select(AuditEntry))][-1] == "user.update"
    assert client_for(app).post("/login", data={"email": "exporter@example.org", "password": "a-new-long-one"})
    short = post_form(
        client, f"/admin/users/{exporter}?lang=en", {"role": "staff", "password": "abc"}, page="/admin/users"
    )
    assert short.status_code == 400 and "at least" in short.text
    short_zh = post_form(
        client, f"/admin/users/{exporter}?lang=zh", {"role": "staff", "password": "abc"}, page="/admin/users"
    )
    assert short_zh.status_code == 400 and "password" not in short_zh.text.split('role="alert"')[1][:200]
    myself = post_form(client, f"/admin/users/{accounts['admin']}?lang=en", {"role": "staff"}, page="/admin/users")
    assert myself.status_code == 409 and "may not demote" in myself.text
    with Session(db_engine) as session:
        admin = session.get(User, accounts["admin"])
        assert admin is not None and admin.role == "admin"
