"""The ``tbtwatch`` command: one Typer app, its commands grouped in modules by concern."""

import typer

from service.cli import alerts, classify, crawl, data, db, nlp, serve, users, worker

app = typer.Typer(help="tbtwatch: technical trade barrier early warning.", no_args_is_help=True)
app.add_typer(nlp.app, name="nlp")
for module in (db, data, serve, crawl, classify, alerts, users, worker):
    module.register(app)


def main() -> None:
    app()
