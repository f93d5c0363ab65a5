"""`tbtwatch db`: the database schema and its reference data."""

import typer
from rich.console import Console

from store.db import default_engine, session_scope
from store.migrate import current_revision, upgrade
from store.queries.members import sync_members

app = typer.Typer(help="Database schema and reference data.", no_args_is_help=True)
console = Console(stderr=True)


@app.command("upgrade")
def upgrade_command() -> None:
    """Apply every pending migration and refresh the WTO member list."""
    engine = default_engine()
    upgrade(engine)
    with session_scope(engine) as session:
        count = sync_members(session)
    console.print(f"database at revision {current_revision(engine)}; {count} members")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="db")
