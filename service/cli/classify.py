"""`tbtwatch classify` and `tbtwatch catalogue`: tagging items and installing editions."""

from pathlib import Path

import typer
import yaml
from rich.console import Console
from rich.table import Table
from sqlmodel import Session, select

from nlp.catalogue import Catalogue, CatalogueError, available_editions
from service.jobs.classify import classify_items
from store.db import default_engine, session_scope
from store.models import CatalogueEdition
from store.queries.classification import install_edition

console = Console(stderr=True, soft_wrap=True)
catalogue_app = typer.Typer(help="Editions of the High-Tech Products Export Catalogue.", no_args_is_help=True)


def classify(
    pending: bool = typer.Option(False, "--pending", help="Tag items not yet tagged with the current edition."),
    everything: bool = typer.Option(False, "--all", help="Re-tag every item (human tags are kept)."),
) -> None:
    """Tag items with catalogue sectors, HS chapters and urgency."""
    if pending == everything:
        raise typer.BadParameter("give exactly one of --pending or --all")
    counts = classify_items(everything=everything)
    console.print(", ".join(f"{n} {kind}" for kind, n in counts.items()) + " tagged")


@catalogue_app.command("load")
def load(path: Path = typer.Argument(..., exists=True, dir_okay=False, help="An edition file (YAML).")) -> None:
    """Validate and install a catalogue edition, make it current, and re-tag every item."""
    try:
        catalogue = Catalogue.from_file(path)
    except CatalogueError as error:
        console.print(str(error), style="red", markup=False)
        raise typer.Exit(code=1) from None
    with session_scope(default_engine()) as session:
        install_edition(session, name=catalogue.edition, content=yaml.safe_load(path.read_text(encoding="utf-8")))
    console.print(f"edition {catalogue.edition} installed with {len(catalogue.sectors)} sectors; re-tagging")
    counts = classify_items(everything=True)
    console.print(", ".join(f"{n} {kind}" for kind, n in counts.items()) + " tagged")


@catalogue_app.command("list")
def list_editions() -> None:
    """Editions shipped with tbtwatch and installed in the database."""
    with Session(default_engine()) as session:
        installed = {row.name: row for row in session.exec(select(CatalogueEdition))}
    table = Table("edition", "where", "active")
    for name in sorted(set(available_editions()) | set(installed)):
        row = installed.get(name)
        table.add_row(name, "installed" if row else "shipped", "yes" if row and row.active else "")
    Console().print(table)


def register(root: typer.Typer) -> None:
    root.command("classify")(classify)
    root.add_typer(catalogue_app, name="catalogue")
