"""How a command refuses: one red line on standard error and exit status 2."""

from typing import NoReturn

import typer
from rich.console import Console

_stderr = Console(stderr=True)


def fail(message: str) -> NoReturn:
    _stderr.print(f"[red]error:[/red] {message}")
    raise typer.Exit(2)
