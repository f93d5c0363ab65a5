"""Item 2: one lone surrogate must not break a list for everyone. The API refuses it, a page
form cannot deliver one, crawled text is repaired, and rows stored before are read (and, by
migration 0007, rewritten) with U+FFFD in its place. (``tbtwatch import``: test_07.)"""

import importlib
import json

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import text
from sqlmodel import Session, select

from crawlers.normalise import plain_text
from store.models import IntelligenceReport
from tests.service.web_helpers import client_for, csrf_of

repair = importlib.import_module("store.migrations.versions.0007_repair_lone_surrogates")
BODY = {"title": "锂电池", "text": "回收规定", "links": ["http://example.test/\ud800"]}


def test_the_api_refuses_a_lone_surrogate_and_lists_stay_readable(api, users):
    embassy = users["embassy"].headers
    raw = json.dumps(BODY)  # ASCII JSON: the surrogate as the escape \ud800
    refused = api.post("/api/v1/intelligence", content=raw, headers=embassy | {"Content-Type": "application/json"})
    assert refused.status_code == 422 and "invalid Unicode" in refused.json()["detail"]
    paired = {**BODY, "links": ["http://example.test/\U0001f600"]}  # a whole pair is fine
    assert api.post("/api/v1/intelligence", json=paired, headers=embassy).status_code == 201
    for caller in ("embassy", "staff", "admin"):
        assert api.get("/api/v1/intelligence", headers=users[caller].headers).status_code == 200


def test_page_forms_cannot_store_one(app, users, db_engine):
    client = client_for(app, "embassy")
    form = "title=x&text=y&member_code=JPN&language=zh&action=save&links=http%3A%2F%2Fexample.test%2F%ED%A0%80"
    token = csrf_of(client, "/intelligence/new")
    sent = client.post(
        "/intelligence",
        content=f"{form}&csrf_token={token}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert sent.status_code in (303, 400), sent.text[:300]
    with Session(db_engine) as session:
        for report in session.exec(select(IntelligenceReport)):
            json.dumps(report.links, ensure_ascii=False).encode()  # UTF-8 all through


def test_crawled_text_is_repaired():
    assert plain_text("Batteries \ud800 and\x00 cells") == "Batteries \ufffd and cells"


def test_rows_stored_before_are_read_and_repaired(api, users, db_engine):
    if db_engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL never stored lone surrogates: it refuses them")
    assert api.post("/api/v1/intelligence", json=BODY | {"links": []}, headers=users["embassy"].headers)
    with db_engine.begin() as connection:  # as an earlier version stored it
        connection.execute(text("UPDATE intelligence_report SET links = :links"), {"links": json.dumps(BODY["links"])})
    listed = api.get("/api/v1/intelligence", headers=users["embassy"].headers)
    assert listed.status_code == 200 and listed.json()["items"][0]["links"] == ["http://example.test/\ufffd"]
    # the migration's own step, on the data as an earlier version left it
    with db_engine.begin() as connection, Operations.context(MigrationContext.configure(connection)):
        repair.upgrade()
    with db_engine.connect() as connection:
        stored = connection.execute(text("SELECT links FROM intelligence_report")).scalar_one()
    assert stored == json.dumps(["http://example.test/\ufffd"])
