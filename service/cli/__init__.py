"""The ``tbtwatch`` command: one Typer app, its commands grouped in modules by concern.

A command imports what it uses and nothing else: ``tbtwatch --help`` lists the commands from
:data:`COMMANDS` (each command's module and first line of help) without importing any of them,
and running a command imports only the modules that define it. ``tests/service/test_cli_lazy.py``
checks that the table says what the modules do.
"""

import importlib
from dataclasses import dataclass

import typer
from typer import _click  # Typer's own click (since 0.26), whose types its group's methods take and return
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True)
class Entry:
    modules: tuple[str, ...]  # modules of service.cli whose ``register`` adds the command
    help: str  # the first line of the command's help, as ``tbtwatch --help`` lists it


COMMANDS: dict[str, Entry] = {
    "db": Entry(("db",), "Database schema and reference data."),
    "import": Entry(("data",), "Import notifications (the schema of the sample notifications)."),
    "export": Entry(("data",), "Write stored items out."),
    "serve": Entry(("serve",), "Serve the API and the web pages; run the scheduler unless --no-scheduler."),
    "crawl": Entry(
        ("crawl",), "Crawl one source now, as a `scrapy crawl` process; exits non-zero when the run failed."
    ),
    "sources": Entry(("crawl",), "Collected sources: health table, registering feeds."),
    "classify": Entry(("classify",), "Tag items with catalogue sectors, HS chapters and urgency."),
    "catalogue": Entry(("classify",), "Editions of the High-Tech Products Export Catalogue."),
    "subscriptions": Entry(("alerts",), "Exporters' subscriptions to alerts."),
    "alerts": Entry(("alerts",), "Matching items to subscriptions and delivering alerts."),
    "users": Entry(("users",), "Accounts and API tokens."),
    "worker": Entry(("worker",), "Classify new items and dispatch alerts in a loop; run the scheduler when leader."),
    "nlp": Entry(("nlp",), "Train and evaluate the sector / HS chapter classifier."),
}

_loaded = typer.Typer()
_registered: set[str] = set()


def loaded_command(name: str) -> _click.Command:
    """The real command ``name``, its modules imported (once) and registered."""
    for module in COMMANDS[name].modules:
        if module not in _registered:
            importlib.import_module(f"service.cli.{module}").register(_loaded)
            _registered.add(module)
    command = typer.main.get_group(_loaded).commands[name]
    return command


class LazyGroup(TyperGroup):
    """Lists the commands of :data:`COMMANDS` as they are described there; loads one only to run it."""

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        entry = COMMANDS.get(cmd_name)
        return TyperCommand(cmd_name, help=entry.help) if entry else None

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        return name, loaded_command(name) if name in COMMANDS else command, rest


app = typer.Typer(help="tbtwatch: technical trade barrier early warning.", no_args_is_help=True, cls=LazyGroup)


@app.callback()
def _root() -> None:
    """tbtwatch: technical trade barrier early warning."""


def main() -> None:
    app()
