"""`tbtwatch` commands for crawl (being built)."""

import typer


def register(root: typer.Typer) -> None:
    """Add this module's commands to the root app."""
