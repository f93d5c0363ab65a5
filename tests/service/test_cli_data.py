"""`tbtwatch import` and `tbtwatch export notifications` on the sample notifications."""

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from nlp.samples import SAMPLE_NOTIFICATIONS
from service.cli import app

ROUND_TRIP_FIELDS = (
    "symbol",
    "member",
    "distribution_date",
    "comment_deadline",
    "title",
    "description",
    "products_text",
    "hs_codes",
    "ics_codes",
    "committee",
    "notification_type",
    "objectives",
    "language",
    "source_url",
)


@pytest.fixture
def runner(settings):
    return CliRunner()


@pytest.fixture
def dev_file():
    return SAMPLE_NOTIFICATIONS


def export(runner, *args) -> str:
    result = runner.invoke(app, ["export", "notifications", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def normalised(value):
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        return [v.replace(".", "") if v.replace(".", "").isdigit() else v for v in value]
    return value


def test_import_then_export_gives_every_record_back(runner, dev_records):
    result = runner.invoke(app, ["import", "--sample"])
    assert result.exit_code == 0, result.output
    exported = {r["id"]: r for r in map(json.loads, export(runner).splitlines())}
    assert len(exported) == len(dev_records)
    for record in dev_records:
        out = exported[record["id"]]
        for field in ROUND_TRIP_FIELDS:
            if field == "symbol" and record["symbol"]:
                assert out["symbol"].replace(" ", "") == record["symbol"].replace(" ", "")
                continue
            assert normalised(out[field]) == normalised(record[field]), (record["id"], field)
        assert sorted(out["sectors"]) == sorted(record["sectors"])


@pytest.mark.parametrize("arguments", [[], ["--sample", str(SAMPLE_NOTIFICATIONS)]])
def test_import_wants_a_file_or_the_sample(runner, arguments):
    result = runner.invoke(app, ["import", *arguments])
    assert result.exit_code == 2
    assert "--sample" in result.output


def test_importing_twice_adds_nothing(runner, dev_file, dev_records):
    runner.invoke(app, ["import", str(dev_file)])
    second = runner.invoke(app, ["import", str(dev_file)])
    assert f"0 new, 0 updated, {len(dev_records)} unchanged" in second.stderr
    assert len(export(runner).splitlines()) == len(dev_records)


def test_a_broken_line_is_named_and_the_rest_imported(runner, tmp_path, dev_records):
    path = tmp_path / "broken.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in dev_records[:3]]
    lines.insert(1, '{"symbol": "G/TBT/N/USA/1", "title": ')
    lines.insert(3, json.dumps({"symbol": "G/TBT/CS/N/1", "id": "x"}))
    lines.insert(4, json.dumps({**dev_records[5], "distribution_date": "26/11/2025"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2:" in result.stderr
    assert f"{path}:4:" in result.stderr
    assert f"{path}:5: distribution_date is not a YYYY-MM-DD date" in result.stderr
    assert "3 new" in result.stderr
    assert len(export(runner).splitlines()) == 3


def test_a_changed_record_updates_the_row(runner, tmp_path, dev_records, session):
    record = next(r for r in dev_records if r["symbol"])
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    runner.invoke(app, ["import", str(path)])
    path.write_text(json.dumps({**record, "comment_deadline": "2030-01-31"}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(path)])
    assert "1 updated" in result.stderr
    (out,) = map(json.loads, export(runner).splitlines())
    assert out["comment_deadline"] == "2030-01-31"


def test_csv_export_has_the_same_field_names(runner, dev_file, dev_records):
    runner.invoke(app, ["import", str(dev_file)])
    rows = list(csv.DictReader(io.StringIO(export(runner, "--format", "csv"))))
    assert len(rows) == len(dev_records)
    assert set(ROUND_TRIP_FIELDS) <= set(rows[0])
    joint = next(r for r in rows if r["all_symbols"])
    assert "; " in joint["all_symbols"]


def test_unknown_format_is_refused(runner):
    result = runner.invoke(app, ["export", "notifications", "--format", "xml"])
    assert result.exit_code != 0
