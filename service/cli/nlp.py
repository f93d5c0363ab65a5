"""`tbtwatch nlp` commands (being built)."""

import typer

app = typer.Typer(help="Train and evaluate the classifier.")
