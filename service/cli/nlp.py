"""`tbtwatch nlp`: train the shipped classifier model, evaluate it, cross-validate the recipe."""

import json
from pathlib import Path

import typer

app = typer.Typer(help="Train and evaluate the sector / HS chapter classifier.", no_args_is_help=True)


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


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
) -> None:
    """Build the model from the catalogue, the nomenclatures and labelled real records."""
    from nlp.training import DEFAULT_OUTPUT
    from nlp.training import train as train_model

    extra = () if generated_only else _read_jsonl(records) if records else None
    path = train_model(output or DEFAULT_OUTPUT, seed=seed, records=extra)
    typer.echo(f"model written to {path}")


@app.command()
def evaluate(
    gold: Path = typer.Option(..., "--gold", exists=True, dir_okay=False, help="Gold records (dev-set JSONL)."),
    text_only: bool = typer.Option(False, "--text-only", help="Blank hs_codes and ics_codes before classifying."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on one line."),
) -> None:
    """Score the classifier against gold sectors and HS chapters."""
    from nlp.evaluate import evaluate as run

    result = run(_read_jsonl(gold), text_only=text_only)
    typer.echo(json.dumps(result) if as_json else json.dumps(result, indent=2))


@app.command()
def crossval(
    gold: Path = typer.Option(..., "--gold", exists=True, dir_okay=False, help="Gold records (dev-set JSONL)."),
    folds: int = typer.Option(5, "--folds", min=2),
    seed: int = typer.Option(0, "--seed"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on one line."),
) -> None:
    """K-fold estimate of the recipe: train on generated data + other folds, score the held-out fold."""
    from nlp.training.crossval import cross_validate

    result = cross_validate(_read_jsonl(gold), folds=folds, seed=seed)
    typer.echo(json.dumps(result) if as_json else json.dumps(result, indent=2))
