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


def test_train_passes_output_and_seed(tmp_path, monkeypatch, settings):
    calls = []
    monkeypatch.setattr(
        nlp.training,
        "train",
        lambda output, seed, records, extra: calls.append((output, seed, records, extra)) or output,
    )
    result = runner.invoke(nlp_cli.app, ["train", "--output", str(tmp_path / "m"), "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert calls == [(tmp_path / "m", 7, None, [])]
    runner.invoke(nlp_cli.app, ["train", "--output", str(tmp_path / "m"), "--generated-only"])
    assert calls[-1] == (tmp_path / "m", 0, (), [])


def test_train_learns_from_human_labels_unless_told_not_to(tmp_path, monkeypatch, settings, db_engine):
    from sqlmodel import Session, select

    from store.db import session_scope
    from store.models import AlertFeedback, TrainingRun
    from tests.factories import add_notification, confirm_tags, subscribe

    subscription = subscribe(db_engine, sectors=["EI"])
    judged = add_notification(db_engine, symbol="G/TBT/N/USA/1", sectors={"EI": [], "EPNE": []})
    staffed = add_notification(db_engine, symbol="G/TBT/N/USA/2", title="Ecodesign of phones")
    with session_scope(db_engine) as session:
        session.add(
            AlertFeedback(
                subscription_id=subscription,
                item_kind="notification",
                item_id=judged,
                verdict="useful",
                sectors=["EI", "EPNE"],
                subscribed_sectors=["EI"],
                link_nonce="n1",
            )
        )
        confirm_tags(session, "notification", staffed, ["EI"])
    calls = []
    monkeypatch.setattr(nlp.training, "train", lambda output, seed, records, extra: calls.append(extra) or output)
    result = runner.invoke(nlp_cli.app, ["train", "--output", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    assert "human labels: 1 from staff, 1 from alert judgements" in result.output
    staff, people = calls[0]
    assert (staff.item.title, staff.confirmed, staff.complete) == ("Ecodesign of phones", {"EI"}, True)
    assert (people.confirmed, people.rejected, people.complete, people.source) == ({"EI"}, set(), False, "exporter")
    with Session(db_engine) as session:
        run = session.exec(select(TrainingRun)).one()
    assert (run.staff_labels, run.feedback_labels, run.output) == (1, 1, str(tmp_path / "m"))

    result = runner.invoke(nlp_cli.app, ["train", "--output", str(tmp_path / "m"), "--no-feedback"])
    assert result.exit_code == 0 and calls[-1] == [] and "human labels" not in result.output

    report = runner.invoke(nlp_cli.app, ["evaluate", "--feedback", "--json"])
    assert report.exit_code == 0, report.output
    figures = json.loads(report.stdout)["feedback"]
    assert figures["EI"] == {"alerts": 0, "useful": 1, "not_relevant": 0, "precision": 1.0}
    assert runner.invoke(nlp_cli.app, ["evaluate"]).exit_code != 0


def test_evaluate_unseen_scores_the_unseen_notifications():
    result = runner.invoke(nlp_cli.app, ["evaluate", "--unseen", "--text-only", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["hs_chapters"]["support"] > 0
    assert runner.invoke(nlp_cli.app, ["evaluate", "--unseen", "--gold", __file__]).exit_code != 0
