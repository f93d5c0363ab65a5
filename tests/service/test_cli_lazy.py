"""The command line loads a command only to run it, and its listing says what the commands do."""

import subprocess
import sys

import typer

from service.cli import COMMANDS, app, loaded_command
from store.db import session_scope
from store.queries.sources import seed_sources

HEAVY = ("service.app", "alerts.dispatch", "nlp.classifier", "scrapy", "fastapi", "spacy", "service.security")


def test_the_listing_matches_the_commands():
    for name, entry in COMMANDS.items():
        command = loaded_command(name)
        assert command.name == name
        first = (command.help or "").strip().split("\n\n")[0].replace("\n", " ")
        assert first.startswith(entry.help.rstrip(".")), (name, first)
    root = typer.main.get_command(app)
    assert set(root.list_commands(None)) == set(COMMANDS)


def imported_by(*arguments: str) -> set[str]:
    code = (
        "import sys; from service.cli import main; sys.argv = ['tbtwatch', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code, *arguments], capture_output=True, text=True, check=False)
    return set(done.stderr.split())


def test_help_and_listings_import_only_what_they_use(settings, db_engine):
    with session_scope(db_engine) as session:
        seed_sources(session)  # as the first `sources` did (it seeds through the ORM)
    assert not {"sqlalchemy", "sqlmodel", "store.models"} & imported_by("--help")
    # the listings read with Core: no ORM, no tables, no settings object (bench/cli.py)
    light = (*HEAVY, "sqlmodel", "sqlalchemy.orm", "store.models", "pydantic_settings")
    for arguments in (["sources"], ["users", "list"], ["subscriptions", "list"]):
        loaded = imported_by(*arguments)
        assert "store.queries.quick_lists" in loaded, arguments  # it did run
        assert not set(light) & loaded, (arguments, set(light) & loaded)


def test_every_command_loads_in_a_fresh_interpreter():
    """A command's modules are imported only when it runs: an import cycle shows only then."""
    code = "from service.cli import COMMANDS, loaded_command\nfor name in COMMANDS:\n    loaded_command(name)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
