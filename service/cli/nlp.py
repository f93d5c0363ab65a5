"""`tbtwatch nlp`: train the shipped classifier model, evaluate it, cross-validate the recipe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:  # imported where used: the command line starts without them
    from sqlalchemy import Engine

    from nlp.training import LabelledRecord

app = typer.Typer(help="Train and evaluate the sector / HS chapter classifier.", no_args_is_help=True)


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def human_labels(engine: Engine) -> list[LabelledRecord]:
    """The human sector labels of the database as training records: staff confirmations and
    corrections of tags, and people's judgements of their alerts (see
    :func:`store.queries.feedback.training_labels`)."""
    from sqlmodel import Session

    from nlp.training import LabelledRecord
    from service.jobs.classify import item_text
    from store.queries.feedback import training_labels
    from store.queries.items import get_item

    records = []
    with Session(engine) as session:
        for label in training_labels(session):
            row = get_item(session, item_kind=label.item_kind, item_id=label.item_id)
            if row is not None:
                records.append(
                    LabelledRecord(
                        item_text(label.item_kind, row),
                        frozenset(label.confirmed),
                        frozenset(label.rejected),
                        complete=label.complete,
                        source=label.source,
                    )
                )
    return records


def _database() -> Engine | None:
    """The service's database when it is migrated (training also works without one)."""
    from sqlalchemy.exc import SQLAlchemyError

    from store.db import default_engine
    from store.migrate import is_current

    engine = default_engine()
    try:
        return engine if is_current(engine) else None
    except SQLAlchemyError:
        return None


@app.command()
def train(
    output: Path = typer.Option(None, "--output", help="Model directory (default: the one shipped in nlp/model)."),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed gives the same model."),
    records: Path = typer.Option(
        None,
        "--records",
        exists=True,
        dir_okay=False,
        help="Labelled real records (dev-set JSONL) instead of the bundled ones.",
    ),
    generated_only: bool = typer.Option(False, "--generated-only", help="Train without any real records."),
    no_feedback: bool = typer.Option(
        False, "--no-feedback", help="Leave out the human labels of the database (staff tags, alert judgements)."
    ),
) -> None:
    """Build the model from the catalogue, the nomenclatures, labelled real records and, unless
    told not to, the human labels of the database."""
    from nlp.training import DEFAULT_OUTPUT
    from nlp.training import train as train_model
    from store.db import session_scope
    from store.queries.feedback import record_training_run

    real = () if generated_only else _read_jsonl(records) if records else None
    engine = None if no_feedback else _database()
    extra = human_labels(engine) if engine is not None else []
    staff = sum(1 for label in extra if label.source == "staff")
    if not no_feedback:
        typer.echo(
            f"human labels: {staff} from staff, {len(extra) - staff} from alert judgements"
            if engine is not None
            else "human labels: none (no migrated database)"
        )
    path = train_model(output or DEFAULT_OUTPUT, seed=seed, records=real, extra=extra)
    if engine is not None:
        with session_scope(engine) as session:
            record_training_run(session, output=str(path), staff_labels=staff, feedback_labels=len(extra) - staff)
    typer.echo(f"model written to {path}")


@app.command()
def evaluate(
    gold: Path = typer.Option(None, "--gold", exists=True, dir_okay=False, help="Gold records (dev-set JSONL)."),
    unseen: bool = typer.Option(
        False, "--unseen", help="Gold records: the real notifications outside the samples (nlp/data/README.md)."
    ),
    text_only: bool = typer.Option(False, "--text-only", help="Blank hs_codes and ics_codes before classifying."),
    feedback: bool = typer.Option(
        False, "--feedback", help="Precision per sector as people judged their alerts (from the database)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on one line."),
) -> None:
    """Score the classifier against gold sectors and HS chapters, and/or as people judged it."""
    if gold is not None and unseen:
        raise typer.BadParameter("give --gold FILE or --unseen, not both")
    if gold is None and not unseen and not feedback:
        raise typer.BadParameter("give --gold FILE (or --unseen), --feedback, or both")
    result: dict = {}
    if gold is not None or unseen:
        from nlp.evaluate import evaluate as run
        from nlp.samples import unseen_records

        result = run(unseen_records() if unseen else _read_jsonl(gold), text_only=text_only)
    if feedback:
        result["feedback"] = judged_precision()
    typer.echo(json.dumps(result) if as_json else json.dumps(result, indent=2))


def judged_precision() -> dict:
    """Per sector: alerts, judged useful, judged not relevant, and precision = useful / judged."""
    from sqlmodel import Session

    from store.queries.feedback import sector_figures

    engine = _database()
    if engine is None:
        raise typer.BadParameter("--feedback needs the service's database, migrated (tbtwatch db upgrade)")
    with Session(engine) as session:
        figures = sector_figures(session)
    return {
        sector: {"alerts": f.alerts, "useful": f.useful, "not_relevant": f.not_relevant, "precision": f.precision}
        for sector, f in sorted(figures.items())
    }


@app.command()
def crossval(
    gold: Path = typer.Option(
        None,
        "--gold",
        exists=True,
        dir_okay=False,
        help="Gold records (dev-set JSONL); default: the sample notifications, development part and held-out part.",
    ),
    folds: int = typer.Option(5, "--folds", min=2),
    seed: int = typer.Option(0, "--seed"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on one line."),
) -> None:
    """K-fold estimate of the recipe: train on generated data + other folds, score the left-out fold.
    Without --gold: cross-validate the samples' development part, then train on all of it and score
    the held-out part once ({"crossval": …, "held_out": …})."""
    from nlp.samples import sample_records
    from nlp.training.crossval import cross_validate, held_out, split_held_out

    if gold is not None:
        result = cross_validate(_read_jsonl(gold), folds=folds, seed=seed)
    else:
        records = sample_records()
        dev, _ = split_held_out(records)
        result = {"crossval": cross_validate(dev, folds=folds, seed=seed), "held_out": held_out(records, seed=seed)}
    typer.echo(json.dumps(result) if as_json else json.dumps(result, indent=2))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="nlp")
