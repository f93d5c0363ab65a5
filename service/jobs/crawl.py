"""Crawl jobs: each source on its own interval (with jitter), one run at a time per source,
each crawl a ``scrapy crawl`` process of its own so the web process stays responsive.

:func:`run_crawl` is also what ``tbtwatch crawl`` calls. A crawl that cannot reach its
source fails and is recorded as a failed run (the spider records it); a crawl process that
dies or is killed is recorded as failed here. Nothing raises into the scheduler.

:func:`run_now` is "run a source now" for the pages and the API alike: one way to start it,
one audit record.
"""

import fcntl
import logging
import os
import random
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from service.security import audit
from store.db import default_engine, session_scope
from store.models import CrawlRun, Source, User
from store.models.types import utcnow
from store.queries.sources import (
    BUILTIN_SOURCES,
    close_abandoned_runs,
    ensure_source,
    fail_run,
    latest_run,
    list_sources,
    seed_sources,
    set_next_run,
)
from store.settings import Settings, get_settings

log = logging.getLogger(__name__)
SCRAPY_SETTINGS_MODULE = "crawlers.settings"
CRAWL_TIMEOUT_SECONDS = 6 * 3600
SYNC_MINUTES = 10
BUSY = 75  # exit status when the source is being crawled already (EX_TEMPFAIL)
# Sources that cannot run without a setting: skipped by the scheduler while it is empty.
REQUIRED_SETTING = {"wto_eping_api": "eping_api_key"}


@dataclass(frozen=True)
class CrawlOutcome:
    status: int  # 0 success, 1 failed, BUSY already running, 2 unknown source
    message: str
    run: CrawlRun | None = None


@contextmanager
def source_lock(settings: Settings, name: str):
    """Yields True when this process holds the crawl lock of ``name``, False when another does."""
    folder = settings.data_dir / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"crawl-{name}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def crawl_command(source: Source, since: date | None, until: date | None) -> list[str]:
    command = [sys.executable, "-m", "scrapy", "crawl", source.spider, "-a", f"source={source.name}"]
    for name, value in (("since", since), ("until", until)):
        if value is not None:
            command += ["-a", f"{name}={value.isoformat()}"]
    return command


def run_crawl(
    name: str,
    *,
    since: date | None = None,
    until: date | None = None,
    timeout: float = CRAWL_TIMEOUT_SECONDS,
    extra_args: list[str] | None = None,
) -> CrawlOutcome:
    """Crawl source ``name`` in a ``scrapy crawl`` process; wait for it and say how it went."""
    settings = get_settings()
    engine = default_engine()
    with session_scope(engine) as session:
        source = session.get(Source, name)
        if source is None and any(b.name == name for b in BUILTIN_SOURCES):
            source = ensure_source(session, name=name, spider=name)
        if source is None:
            return CrawlOutcome(2, f"unknown source {name!r} (see `tbtwatch sources`)")
        before = latest_run(session, source=name)
    with source_lock(settings, name) as locked:
        if not locked:
            return CrawlOutcome(BUSY, f"{name} is being crawled already")
        command = crawl_command(source, since, until) + list(extra_args or [])
        env = {**os.environ, "SCRAPY_SETTINGS_MODULE": SCRAPY_SETTINGS_MODULE}
        args = {"since": since and since.isoformat(), "until": until and until.isoformat()}
        try:
            returncode = subprocess.run(command, env=env, timeout=timeout, check=False).returncode
            problem = f"crawl process exited with status {returncode}" if returncode else None
        except subprocess.TimeoutExpired:
            returncode, problem = 1, f"crawl process killed after {timeout:.0f} s"
        with session_scope(engine) as session:
            if problem:
                close_abandoned_runs(session, source=name, error=problem)
            run = latest_run(session, source=name)
            if run is None or (before is not None and run.id == before.id):
                run = fail_run(
                    session,
                    source=name,
                    args=args,
                    error=problem or "the crawl process ended without recording its run",
                )
            elif run.status == "running":
                close_abandoned_runs(session, source=name, error="the crawl process ended before closing its run")
                session.refresh(run)
    if run.status == "success":
        return CrawlOutcome(
            0,
            f"{name}: {run.items_new} new, {run.items_updated} updated, "
            f"{run.items_unchanged} unchanged, {run.items_rejected} rejected",
            run,
        )
    return CrawlOutcome(1, f"{name} failed: {run.error}", run)


@dataclass(frozen=True)
class RunStarted:
    """How a crawl asked for now was started: by its scheduled job in this process (``pid``
    and ``log`` None) or as a ``tbtwatch crawl`` process of its own."""

    source: str
    via: str  # "scheduler" or "process"
    pid: int | None = None
    log: Path | None = None


def spawn_crawl(name: str) -> tuple[int, Path]:
    """Start ``tbtwatch crawl NAME`` detached, its output in ``<data_dir>/logs``; (pid, log)."""
    logs = Path(get_settings().data_dir) / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / f"crawl-{name}.log"
    command = [
        sys.executable,
        "-c",
        "import sys; from service.cli import main; sys.argv[0] = 'tbtwatch'; main()",
        "crawl",
        name,
    ]
    with open(log_path, "ab") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    return process.pid, log_path


def run_now(session: Session, user: User, name: str, scheduler: BaseScheduler | None) -> RunStarted | None:
    """Crawl source ``name`` now, with its audit entry (the caller commits); None when there is
    no such source. Through its job when this process runs the scheduler (the job's lock keeps
    it single), else as a process of its own that outlives the request; either way the run is
    followed in the crawl runs."""
    if session.get(Source, name) is None:
        return None
    job = scheduler.get_job(f"crawl:{name}") if scheduler is not None else None
    if job is not None:
        job.modify(next_run_time=utcnow())
        started = RunStarted(name, "scheduler")
    else:
        pid, log_path = spawn_crawl(name)
        started = RunStarted(name, "process", pid, log_path)
    details: dict[str, object] = {"via": started.via} | ({"pid": started.pid} if started.pid else {})
    audit(session, user=user, action="source.run", target_kind="source", target_id=name, details=details)
    return started


def _crawl_job(scheduler: BaseScheduler, name: str) -> None:
    try:
        outcome = run_crawl(name)
        log.log(logging.INFO if outcome.status == 0 else logging.WARNING, "%s", outcome.message)
    except Exception:  # a job must never take the scheduler down
        log.exception("crawl of %s could not run", name)
    finally:
        _remember_next_run(scheduler, name)


def _remember_next_run(scheduler: BaseScheduler, name: str) -> None:
    job = scheduler.get_job(f"crawl:{name}")
    try:
        with session_scope(default_engine()) as session:
            set_next_run(session, source=name, when=job.next_run_time if job else None)
    except SQLAlchemyError:
        log.warning("could not record the next run of %s", name)


def sync_jobs(scheduler: BaseScheduler, settings: Settings) -> None:
    """One job per enabled source (new feeds included, disabled ones removed)."""
    with session_scope(default_engine()) as session:
        seed_sources(session)
        wanted = {}
        for source in list_sources(session):
            requirement = REQUIRED_SETTING.get(source.name)
            if source.enabled and not (requirement and not getattr(settings, requirement)):
                wanted[f"crawl:{source.name}"] = source
        for job in scheduler.get_jobs():
            if job.id.startswith("crawl:") and job.id != "crawl:sync" and job.id not in wanted:
                job.remove()
        for job_id, source in wanted.items():
            minutes = max(1, source.interval_minutes)
            existing = scheduler.get_job(job_id)
            if existing is not None and existing.trigger.interval == timedelta(minutes=minutes):
                continue
            first = utcnow() + timedelta(seconds=random.uniform(30, 300))
            if source.last_success_at is not None:
                first = max(first, source.last_success_at + timedelta(minutes=minutes))
            scheduler.add_job(
                _crawl_job,
                IntervalTrigger(minutes=minutes, jitter=min(600, minutes * 6)),
                args=[scheduler, source.name],
                id=job_id,
                name=f"crawl {source.name}",
                replace_existing=True,
                max_instances=1,
                coalesce=True,
                next_run_time=first,
            )
            set_next_run(session, source=source.name, when=first)


def schedule(scheduler: BaseScheduler, settings: Settings) -> None:
    """Add a crawl job per source, and a job that keeps them in step with the Source table."""
    try:
        sync_jobs(scheduler, settings)
    except SQLAlchemyError as error:
        log.warning("crawl jobs not scheduled yet (database not ready: %s)", error)
    scheduler.add_job(
        sync_jobs,
        "interval",
        minutes=SYNC_MINUTES,
        args=[scheduler, settings],
        id="crawl:sync",
        name="sync crawl jobs",
        replace_existing=True,
        max_instances=1,
    )
