"""`tbtwatch serve`: the web service (API, pages) with its scheduler."""

import logging
import os
import shlex
import sys

import typer
import uvicorn

from service.app import create_app
from store.db import default_engine, session_scope
from store.migrate import upgrade
from store.queries.members import sync_members
from store.queries.users import list_users
from store.settings import get_settings


def first_admin_hint(program: str) -> str | None:
    """The one command that creates the first administrator, while there is none."""
    with session_scope(default_engine()) as session:
        _admins, count = list_users(session, role="admin")
    if count:
        return None
    shown = os.path.relpath(program) if os.path.isabs(program) and program.startswith(os.getcwd()) else program
    return (
        "No administrator yet. Create the first one (the password is asked for):\n"
        f"    {shlex.quote(shown)} users add --email you@example.org --role admin"
    )


def serve(
    host: str = typer.Option(None, help="Listen address (default: TBTWATCH_HOST)."),
    port: int = typer.Option(None, help="Listen port (default: TBTWATCH_PORT)."),
    no_scheduler: bool = typer.Option(False, "--no-scheduler", help="Run no periodic jobs here."),
    migrate: bool = typer.Option(True, help="Apply pending migrations first."),
) -> None:
    """Serve the API and the web pages; run the scheduler unless --no-scheduler."""
    settings = get_settings()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if migrate:
        upgrade(default_engine())
        with session_scope(default_engine()) as session:
            sync_members(session)
    host = host or settings.host
    port = port or settings.port
    app = create_app(settings, scheduler=False if no_scheduler else None)
    typer.echo(f"tbtwatch serving on http://{host}:{port} (database: {default_engine().dialect.name})")
    if hint := first_admin_hint(sys.argv[0]):
        typer.echo(hint)
    uvicorn.run(app, host=host, port=port, log_level="info")


def register(root: typer.Typer) -> None:
    root.command("serve")(serve)
