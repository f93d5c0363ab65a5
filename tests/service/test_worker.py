"""`tbtwatch worker`: one pass runs the installed jobs; a failing or missing job does not
stop the others; the scheduler goes to one process at a time."""

import sys
import types

from typer.testing import CliRunner

from service.cli import app as cli
from service.cli import worker as worker_cli


def test_a_pass_runs_each_job_and_survives_failures(monkeypatch):
    ran = []
    good = types.ModuleType("fake_good")
    good.work = lambda: ran.append("good") or 3
    bad = types.ModuleType("fake_bad")

    def explode():
        raise RuntimeError("broken")

    bad.work = explode
    monkeypatch.setitem(sys.modules, "fake_good", good)
    monkeypatch.setitem(sys.modules, "fake_bad", bad)
    monkeypatch.setattr(
        worker_cli,
        "JOBS",
        (("fake_bad", "work"), ("fake_missing_module", "work"), ("fake_good", "absent"), ("fake_good", "work")),
    )
    results = worker_cli.run_jobs()
    assert ran == ["good"] and results["fake_good.work"] == 3
    assert isinstance(results["fake_bad.work"], RuntimeError)
    assert isinstance(results["fake_missing_module.work"], ImportError)
    assert results["fake_good.absent"] is None


def test_only_one_leader(settings, monkeypatch):
    monkeypatch.setattr(
        worker_cli, "build_scheduler", lambda s: types.SimpleNamespace(start=lambda: None, shutdown=lambda wait: None)
    )
    first, second = worker_cli.Leadership(settings), worker_cli.Leadership(settings)
    try:
        assert first.try_lead() and not second.try_lead()
        first.stop()
        assert second.try_lead()
    finally:
        first.stop()
        second.stop()
    assert not worker_cli.Leadership(settings, enabled=False).try_lead()


def test_worker_once(settings, monkeypatch):
    passes = []
    monkeypatch.setattr(worker_cli, "run_jobs", lambda: passes.append(1) or {"x": 1})
    result = CliRunner().invoke(cli, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert passes == [1]
