"""The admin API: sources and runs, users, catalogue editions, dead deliveries, audit log."""

import secrets

from sqlmodel import Session

from service.jobs import crawl as crawl_jobs
from store.models import CatalogueEdition, CrawlRun, Delivery, Source, Subscription
from tests.service.api_fixtures import api, users  # noqa: F401 (fixtures)

ADMIN_GETS = (
    "/api/v1/sources",
    "/api/v1/crawl-runs",
    "/api/v1/users",
    "/api/v1/catalogue-editions",
    "/api/v1/deliveries/dead",
    "/api/v1/audit",
)


def test_admin_only(api, users):
    for path in ADMIN_GETS:
        assert api.get(path).status_code == 401
        for role in ("exporter", "staff", "embassy"):
            assert api.get(path, headers=users[role].headers).status_code == 403, (path, role)
        assert api.get(path, headers=users["admin"].headers).status_code == 200, path


def test_sources_runs_and_run_now(api, users, db_engine, monkeypatch, tmp_path):
    with Session(db_engine) as session:
        session.add(Source(name="wto_eping_api", spider="wto_eping_api", consecutive_failures=2, last_error="503"))
        session.flush()
        session.add(CrawlRun(source="wto_eping_api", status="failed", error="503"))
        session.commit()
    headers = users["admin"].headers
    sources = api.get("/api/v1/sources", headers=headers).json()
    assert sources[0]["name"] == "wto_eping_api" and sources[0]["consecutive_failures"] == 2
    runs = api.get("/api/v1/crawl-runs", params={"source": "wto_eping_api"}, headers=headers).json()
    assert runs["total"] == 1 and runs["items"][0]["status"] == "failed"
    started = []
    monkeypatch.setattr(crawl_jobs, "spawn_crawl", lambda name: started.append(name) or (4242, tmp_path / "log"))
    response = api.post("/api/v1/sources/wto_eping_api/run", headers=headers)
    assert response.status_code == 202 and response.json()["pid"] == 4242 and started == ["wto_eping_api"]
    assert response.json()["via"] == "process"
    assert api.post("/api/v1/sources/nope/run", headers=headers).status_code == 404
    assert api.post("/api/v1/sources/wto_eping_api/run", headers=users["staff"].headers).status_code == 403


def test_spawn_crawl_starts_a_tbtwatch_process(settings, monkeypatch):
    calls = []

    class FakePopen:
        pid = 77

        def __init__(self, command, **kwargs):
            calls.append((command, kwargs))

    monkeypatch.setattr(crawl_jobs.subprocess, "Popen", FakePopen)
    pid, log = crawl_jobs.spawn_crawl("iso_open_data")
    command, kwargs = calls[0]
    assert pid == 77 and command[-2:] == ["crawl", "iso_open_data"] and kwargs["start_new_session"]
    assert log.parent.is_dir()


def test_users_create_list_update(api, users):
    headers = users["admin"].headers
    made = api.post(
        "/api/v1/users",
        json={"email": "New@Example.org", "role": "embassy", "password": "a-long-password", "member_code": "Germany"},
        headers=headers,
    )
    assert made.status_code == 201 and made.json()["member_code"] == "DEU" and made.json()["email"] == "new@example.org"
    assert "password_hash" not in made.json()
    again = api.post(
        "/api/v1/users",
        json={"email": "new@example.org", "role": "staff", "password": "a-long-password"},
        headers=headers,
    )
    assert again.status_code == 409
    assert (
        api.post(
            "/api/v1/users",
            json={"email": "e@x.org", "role": "embassy", "password": "a-long-password"},
            headers=headers,
        ).status_code
        == 422
    )
    assert api.get("/api/v1/users", params={"role": "staff"}, headers=headers).json()["total"] == 2
    uid = made.json()["id"]
    assert api.patch(f"/api/v1/users/{uid}", json={"active": False}, headers=headers).json()["active"] is False
    assert api.patch(f"/api/v1/users/{users['admin'].id}", json={"role": "staff"}, headers=headers).status_code == 409
    assert (
        api.patch(f"/api/v1/users/{users['exporter'].id}", json={"role": "staff"}, headers=headers).json()["role"]
        == "staff"
    )
    assert api.patch("/api/v1/users/999", json={"active": False}, headers=headers).status_code == 404
    audit = api.get("/api/v1/audit", headers=headers).json()
    assert [e["action"] for e in audit["items"]] == ["user.update", "user.update", "user.create"]


def test_editions_and_dead_deliveries(api, users, db_engine):
    with Session(db_engine, expire_on_commit=False) as session:
        session.add(CatalogueEdition(name="2003", active=True, content={"sectors": [{"code": "EI"}]}))
        subscription = Subscription(email="a@example.org", token=secrets.token_urlsafe(8))
        session.add(subscription)
        session.flush()
        dead = Delivery(
            subscription_id=subscription.id,
            channel="mailto:a@example.org",
            idempotency_key="k1",
            status="dead",
            attempts=8,
            last_error="550",
        )
        sent = Delivery(
            subscription_id=subscription.id, channel="mailto:a@example.org", idempotency_key="k2", status="sent"
        )
        session.add_all([dead, sent])
        session.commit()
    headers = users["admin"].headers
    editions = api.get("/api/v1/catalogue-editions", headers=headers).json()
    assert [(e["name"], e["active"], e["sectors"]) for e in editions] == [("2003", True, 1)]
    listed = api.get("/api/v1/deliveries/dead", headers=headers).json()
    assert [d["id"] for d in listed["items"]] == [dead.id]
    replayed = api.post(f"/api/v1/deliveries/{dead.id}/replay", headers=headers).json()
    assert replayed["status"] == "pending" and replayed["attempts"] == 0
    assert api.post(f"/api/v1/deliveries/{sent.id}/replay", headers=headers).status_code == 409
    assert api.post("/api/v1/deliveries/999/replay", headers=headers).status_code == 404
    assert api.post(f"/api/v1/deliveries/{dead.id}/replay", headers=users["staff"].headers).status_code == 403
    assert api.get("/api/v1/deliveries/dead", headers=headers).json()["total"] == 0
