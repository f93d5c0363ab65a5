"""`tbtwatch nlp` sub-commands, invoked through the Typer sub-app."""

import json

from typer.testing import CliRunner

import nlp.training
from service.cli import nlp as nlp_cli

runner = CliRunner()


def _gold(tmp_path):
    path = tmp_path / "gold.jsonl"
    records = [
        {"title": "Technical requirements for mobile phones", "hs_codes": ["851713"], "sectors": ["EI"]},
        {"title": "Raw cow milk — specification", "hs_codes": ["0401"], "sectors": []},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def test_evaluate_json_prints_exactly_one_object(tmp_path):
    result = runner.invoke(nlp_cli.app, ["evaluate", "--gold", str(_gold(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert set(report) == {"sectors", "hs_chapters", "docs_per_second"}
    assert report["sectors"]["none_accuracy"] == 1.0


def test_evaluate_text_only(tmp_path):
    result = runner.invoke(nlp_cli.app, ["evaluate", "--gold", str(_gold(tmp_path)), "--text-only", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["hs_chapters"]["support"] == 2


def test_train_passes_output_and_seed(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(
        nlp.training, "train", lambda output, seed, records: calls.append((output, seed, records)) or output
    )
    result = runner.invoke(nlp_cli.app, ["train", "--output", str(tmp_path / "m"), "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert calls == [(tmp_path / "m", 7, None)]
    runner.invoke(nlp_cli.app, ["train", "--output", str(tmp_path / "m"), "--generated-only"])
    assert calls[-1] == (tmp_path / "m", 0, ())
