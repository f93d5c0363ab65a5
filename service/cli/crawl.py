"""`tbtwatch crawl`, `tbtwatch sources` (health table, registering feeds) and
`tbtwatch export changes`."""

from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from store.builtin_sources import BUILTIN_SOURCES
from store.db import default_engine, session_scope

if TYPE_CHECKING:
    from sqlmodel import Session

# `sources` reads with Core (store.queries.quick_lists) and starts at once; the ORM, the
# tables and their queries are imported by the commands that use them.

console = Console(stderr=True)
sources_app = typer.Typer(help="Collected sources: health table, registering feeds.", invoke_without_command=True)
CHANGE_LIST_FIELDS = ("ics_codes", "hs_codes", "agencies")
DATE_FORMATS = ["%Y-%m-%d"]
TABLE_WIDTH = 130


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def crawl(
    source: str = typer.Argument(..., help="A source name (see `tbtwatch sources`)."),
    since: datetime = typer.Option(None, formats=DATE_FORMATS, help="Backfill from this date (YYYY-MM-DD)."),
    until: datetime = typer.Option(None, formats=DATE_FORMATS, help="Backfill up to this date (YYYY-MM-DD)."),
) -> None:
    """Crawl one source now, as a `scrapy crawl` process; exits non-zero when the run failed."""
    from service.jobs.crawl import run_crawl

    outcome = run_crawl(source, since=_day(since), until=_day(until))
    console.print(outcome.message, style=None if outcome.status == 0 else "red", highlight=False)
    if outcome.run is not None and outcome.run.rejects:
        for reject in outcome.run.rejects[:20]:
            console.print(f"  rejected {reject['location']}: {reject['error']}", highlight=False)
    raise typer.Exit(code=outcome.status)


def _when(value: datetime | None) -> str:
    return value.strftime("%m-%d %H:%M") if value else "—"


@sources_app.callback()
def sources(context: typer.Context) -> None:
    """The health of every source: last success, last error, consecutive failures, next run."""
    if context.invoked_subcommand is not None:
        return
    from store.queries.quick_lists import list_sources

    with default_engine().connect() as connection:
        rows = list_sources(connection)
    if {builtin.name for builtin in BUILTIN_SOURCES} - {row.name for row in rows}:
        from store.queries.sources import seed_sources

        with session_scope(default_engine()) as session:
            seed_sources(session)
        with default_engine().connect() as connection:
            rows = list_sources(connection)
    table = Table(title="tbtwatch sources (times in UTC)")
    for column in ("source", "every", "last success", "last error", "failures", "next run"):
        table.add_column(column, no_wrap=True)
    table.add_column("error", overflow="ellipsis", no_wrap=True, max_width=40)
    for source in rows:
        table.add_row(
            source.name if source.enabled else f"{source.name} (off)",
            f"{source.interval_minutes}m",
            _when(source.last_success_at),
            _when(source.last_error_at),
            str(source.consecutive_failures),
            _when(source.next_run_at) if source.enabled else "—",
            (source.last_error or "").splitlines()[0] if source.consecutive_failures and source.last_error else "",
            style="red" if source.consecutive_failures else None,
        )
    Console(width=max(Console().width, TABLE_WIDTH)).print(table)  # wide rather than squeezed


@sources_app.command("add-feed")
def add_feed_command(
    name: str = typer.Argument(..., help="Source name, used by `tbtwatch crawl NAME`."),
    url: str = typer.Argument(..., help="The RSS or Atom feed URL."),
    body: str = typer.Option(..., "--body", help="The standards body or regulator publishing it."),
    title: str = typer.Option(None, "--title", help="A longer description."),
    ics: list[str] = typer.Option(None, "--ics", help="Default ICS code of its items (repeatable)."),
    sector: list[str] = typer.Option(None, "--sector", help="Catalogue sector hint (repeatable)."),
    interval: int = typer.Option(360, "--interval", help="Minutes between crawls."),
) -> None:
    """Register an RSS/Atom feed of a standards body or regulator."""
    from store.queries.sources import add_feed

    if not url.startswith(("http://", "https://")):
        raise typer.BadParameter("a feed URL starts with http:// or https://", param_hint="URL")
    try:
        with session_scope(default_engine()) as session:
            add_feed(
                session,
                name=name,
                url=url,
                body=body,
                title=title,
                ics_codes=ics or [],
                sectors=sector or [],
                interval_minutes=interval,
            )
    except ValueError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(code=1) from None
    console.print(f"feed {name} registered; crawl it now with `tbtwatch crawl {name}`")


def change_records(session: "Session", fields: tuple[str, ...]):
    from store.models import StandardsChangePublic
    from store.queries.changes import iter_changes

    for change in iter_changes(session):
        record = StandardsChangePublic.model_validate(change).model_dump(mode="json")
        yield {field: record[field] for field in fields}


def export_changes(
    output_format: ExportFormat = typer.Option(ExportFormat.jsonl, "--format"),
    output: Path = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
) -> None:
    """Every standards and regulation change, one record each (lists joined by "; " in CSV)."""
    from sqlmodel import Session

    from service.cli.data import write_records
    from store.models import StandardsChangePublic

    fields = tuple(StandardsChangePublic.model_fields)
    with Session(default_engine()) as session:
        count = write_records(change_records(session, fields), fields, CHANGE_LIST_FIELDS, output_format.value, output)
    console.print(f"{count} changes")


def register(root: typer.Typer) -> None:
    root.command("crawl")(crawl)
    root.add_typer(sources_app, name="sources")
