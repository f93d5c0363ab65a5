"""`GET /health` and the home page on a migrated database."""

from fastapi.testclient import TestClient

from service.app import create_app
from store.db import default_engine
from store.interchange import notification_from_record
from store.queries.notifications import upsert_notification


def test_health_reports_database_migrations_and_scheduler(settings):
    with TestClient(create_app(settings)) as client:
        body = client.get("/health").json()
    assert body["database"] is True
    assert body["migrations_current"] is True
    assert body["scheduler_running"] is False
    assert body["status"] == "ok"


def test_health_says_when_the_database_is_unreachable(settings, monkeypatch, tmp_path):
    monkeypatch.setenv("TBTWATCH_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    from store.settings import get_settings

    get_settings.cache_clear()
    default_engine.cache_clear()
    with TestClient(create_app(get_settings(), scheduler=False)) as client:
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["database"] is False


def test_health_with_scheduler_running(settings):
    with TestClient(create_app(settings, scheduler=True)) as client:
        assert client.get("/health").json()["scheduler_running"] is True


def test_home_lists_latest_notifications(settings, session, dev_records):
    for record in dev_records[:20]:
        notification, _ = notification_from_record(record)
        upsert_notification(session, notification=notification, source="import", external_id=record["id"])
    session.commit()
    with TestClient(create_app(settings)) as client:
        page = client.get("/").text
    newest = max((r for r in dev_records[:20] if r["distribution_date"]), key=lambda r: r["distribution_date"])
    assert newest["symbol"].strip() in page
