"""The first run: `tbtwatch serve` on an empty database says where it listens and the one
command that creates the first administrator; the home page tells a visitor what tbtwatch is,
lets them search and says how to get an account; an administrator sees the first crawls."""

import os
import socket
import subprocess
import sys
import time
from datetime import timedelta

from sqlmodel import select
from typer.testing import CliRunner

from service.cli import app as cli
from service.cli.serve import first_admin_hint
from store.db import session_scope
from store.models import CrawlRun, Source
from store.models.types import utcnow
from store.queries.sources import seed_sources
from tests.service.web_helpers import accounts, app, client_for  # noqa: F401 (fixtures)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_on_an_empty_database_prints_its_url_and_the_first_admin_command(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "TBTWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'tbtwatch.db'}",
        "TBTWATCH_DATA_DIR": str(tmp_path / "var"),
        "TBTWATCH_SCHEDULER_ENABLED": "false",
    }
    code = "import sys; from service.cli import main; sys.argv[0] = 'tbtwatch'; main()"
    server = subprocess.Popen(
        [sys.executable, "-u", "-c", code, "serve", "--port", str(port), "--no-scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any("--role admin" in line for line in lines):
            line = server.stdout.readline()
            if not line:
                break
            lines.append(line)
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = "".join(lines)
    assert f"http://127.0.0.1:{port}" in output
    assert "tbtwatch users add --email you@example.org --role admin" in output


def test_the_hint_goes_once_an_administrator_exists(settings, accounts):
    assert first_admin_hint("tbtwatch") is None


def test_a_visitor_learns_what_the_service_is_searches_and_how_to_get_an_account(app, settings):
    assert CliRunner().invoke(cli, ["import", "--sample"]).exit_code == 0
    visitor = client_for(app)
    page = visitor.get("/").text
    assert "技术性贸易措施预警服务" in page and "请联系管理员" in page and 'href="/login"' in page
    assert 'name="q"' in page and 'action="/"' in page
    english = visitor.get("/?lang=en").text
    assert "Early warning of technical trade barriers" in english and "ask them for one" in english
    found = visitor.get("/?q=battery&lang=en").text
    assert "Search results" in found and "atter" in found
    assert "No notification found." in visitor.get("/?q=zzzxqv&lang=en").text


def test_an_administrator_sees_the_first_crawls_until_every_source_succeeded(app, accounts, db_engine):
    with session_scope(db_engine) as session:
        seed_sources(session)
        session.add(CrawlRun(source="wto_eping_latest", status="running", started_at=utcnow()))
        failed = CrawlRun(source="iso_open_data", status="failed", started_at=utcnow() - timedelta(minutes=5))
        failed.finished_at, failed.error = utcnow(), "HTTP 403"
        session.add(failed)
        session.get_one(Source, "iso_open_data").last_error = "http://x: HTTP 403"
    admin = client_for(app, "admin").get("/?lang=en").text
    assert "First crawls" in admin and "Running" in admin and "Failed; will retry" in admin and "HTTP 403" in admin
    assert "First crawls" not in client_for(app, "exporter").get("/?lang=en").text
    assert "First crawls" in client_for(app, "admin").get("/dashboard?lang=en").text
    with session_scope(db_engine) as session:
        for source in session.exec(select(Source)):
            source.last_success_at = utcnow()
    assert "First crawls" not in client_for(app, "admin").get("/?lang=en").text
