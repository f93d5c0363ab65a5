"""Sources and their crawl runs: the built-in sources, registered feeds, the record of
each run and the health it gives a source."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from store.builtin_sources import BUILTIN_SOURCES
from store.models import CrawlRun, Notification, Source, StandardsChange
from store.models.types import utcnow

MAX_REJECTS_KEPT = 1000
FEED_SPIDER = "feed"


def seed_sources(session: Session) -> list[Source]:
    """Add the built-in sources that are missing (existing rows keep their settings)."""
    added = []
    for builtin in BUILTIN_SOURCES:
        if session.get(Source, builtin.name) is None:
            source = Source(
                name=builtin.name,
                spider=builtin.name,
                title=builtin.title,
                body=builtin.body,
                interval_minutes=builtin.interval_minutes,
            )
            session.add(source)
            added.append(source)
    session.flush()
    return added


def ensure_source(session: Session, *, name: str, spider: str) -> Source:
    """The source called ``name``; a built-in one is made when missing. Raises ValueError for
    any other unknown name (a feed must be registered first)."""
    source = session.get(Source, name)
    if source is None:
        builtin = next((b for b in BUILTIN_SOURCES if b.name == name and b.name == spider), None)
        if builtin is None:
            raise ValueError(f"no source called {name!r} (register a feed with `tbtwatch sources add-feed`)")
        source = Source(
            name=name, spider=spider, title=builtin.title, body=builtin.body, interval_minutes=builtin.interval_minutes
        )
        session.add(source)
        session.flush()
    return source


def add_feed(
    session: Session,
    *,
    name: str,
    url: str,
    body: str,
    title: str | None = None,
    ics_codes: list[str] | None = None,
    sectors: list[str] | None = None,
    interval_minutes: int = 360,
) -> Source:
    """Register an RSS/Atom feed of a standards body or regulator (raises ValueError when the
    name is taken)."""
    if session.get(Source, name) is not None:
        raise ValueError(f"a source called {name!r} exists already")
    source = Source(
        name=name,
        spider=FEED_SPIDER,
        url=url,
        body=body,
        title=title or name,
        interval_minutes=interval_minutes,
        options={"ics_codes": list(ics_codes or []), "sectors": list(sectors or [])},
    )
    session.add(source)
    session.flush()
    return source


def list_sources(session: Session) -> list[Source]:
    return list(session.exec(select(Source).order_by(col(Source.name))))


def start_run(session: Session, *, source: str, args: dict) -> CrawlRun:
    run = CrawlRun(source=source, status="running", args=args)
    session.add(run)
    session.flush()
    return run


@dataclass
class RunResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejects: list[dict] | None = None
    error: str | None = None


def finish_run(session: Session, *, run_id: int, result: RunResult) -> CrawlRun:
    """Close a run and update its source's health: a success resets the consecutive failures,
    a failure counts one more and keeps the error; the data stored so far stays either way."""
    run = session.get_one(CrawlRun, run_id)
    now = utcnow()
    run.finished_at = now
    run.status = "failed" if result.error else "success"
    run.items_new, run.items_updated = result.new, result.updated
    run.items_unchanged, run.items_rejected = result.unchanged, result.rejected
    run.rejects = list(result.rejects or [])[:MAX_REJECTS_KEPT]
    run.error = result.error
    session.add(run)
    source = session.get_one(Source, run.source)
    if result.error:
        source.consecutive_failures += 1
        source.last_error_at = now
        source.last_error = result.error
    else:
        source.consecutive_failures = 0
        source.last_success_at = now
    session.add(source)
    session.flush()
    return run


def fail_run(session: Session, *, source: str, args: dict, error: str) -> CrawlRun:
    """Record a run that died before it could record itself (the process crashed or was killed)."""
    run = start_run(session, source=source, args=args)
    return finish_run(session, run_id=run.id, result=RunResult(error=error))


def close_abandoned_runs(session: Session, *, source: str, error: str) -> int:
    """Mark the runs of ``source`` still "running" as failed (their process has ended)."""
    runs = session.exec(select(CrawlRun).where(CrawlRun.source == source, CrawlRun.status == "running")).all()
    for run in runs:
        finish_run(session, run_id=run.id, result=RunResult(error=error))
    return len(runs)


@dataclass(frozen=True)
class FirstCrawl:
    """How far a source's first crawl has come: ``waiting`` (not started), ``running``,
    ``done`` (it succeeded once) or ``failed`` (it has not succeeded yet; the scheduler tries again)."""

    name: str
    title: str | None
    state: str
    since: datetime | None  # when the latest run started (running) or ended
    items: int  # items the latest run stored, new and updated
    error: str | None


def first_crawls(session: Session) -> list[FirstCrawl]:
    """Every enabled source's first crawl while one of them has never succeeded; empty after."""
    sources = [source for source in list_sources(session) if source.enabled]
    if all(source.last_success_at is not None for source in sources):
        return []
    progress = []
    for source in sources:
        run = latest_run(session, source=source.name)
        if source.last_success_at is not None:
            state = "done"
        elif run is None:
            state = "waiting"
        else:
            state = "running" if run.status == "running" else "failed"
        progress.append(
            FirstCrawl(
                name=source.name,
                title=source.title,
                state=state,
                since=(run.finished_at or run.started_at) if run else None,
                items=(run.items_new + run.items_updated) if run else 0,
                error=source.last_error if state == "failed" else None,
            )
        )
    return progress


def latest_run(session: Session, *, source: str) -> CrawlRun | None:
    statement = (
        select(CrawlRun)
        .where(CrawlRun.source == source)
        .order_by(col(CrawlRun.started_at).desc(), col(CrawlRun.id).desc())
    )
    return session.exec(statement).first()


def set_next_run(session: Session, *, source: str, when: datetime | None) -> None:
    row = session.get(Source, source)
    if row is not None:
        row.next_run_at = when
        session.add(row)


def save_validators(session: Session, *, source: str, etag: str | None, last_modified: str | None) -> None:
    """Remember the ETag and Last-Modified of a source's last complete download."""
    row = session.get(Source, source)
    if row is not None:
        row.etag, row.last_modified = etag, last_modified
        session.add(row)


def latest_distribution_date(session: Session, *, sources: tuple[str, ...]) -> date | None:
    """The latest distribution date of the notifications stored from ``sources``."""
    statement = select(func.max(Notification.distribution_date)).where(col(Notification.source).in_(sources))
    return session.exec(statement).one()


def latest_published_date(session: Session, *, source: str) -> date | None:
    """The latest publication date of the changes stored from ``source``."""
    statement = select(func.max(StandardsChange.published_date)).where(StandardsChange.source == source)
    return session.exec(statement).one()
