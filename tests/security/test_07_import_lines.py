"""Item 7 and "Also" (import): a line holding a NUL character (which PostgreSQL refuses) or a
lone surrogate is reported by number and the rest is stored; a byte order mark does not spoil
line 1; a repeated id within one file is refused rather than flipping the record; unknown
members and languages are refused."""

import json

from sqlmodel import Session, select
from typer.testing import CliRunner

from service.cli import app
from store.models import Notification


def record(n: int, **fields: object) -> dict:
    return {
        "id": f"r{n}",
        "symbol": f"G/TBT/N/USA/{2000 + n}",
        "member": "United States of America",
        "title": f"Batteries {n}",
        "language": "en",
        **fields,
    }


def test_bad_lines_are_reported_and_the_rest_stored(settings, db_engine, tmp_path):
    lines = [
        json.dumps(record(1)),
        json.dumps(record(2, title="Batteries\u0000 2")),  # JSON's \u0000 escape
        json.dumps(record(3)),
        json.dumps(record(4, description="\ud800")),
        json.dumps(record(1, title="Batteries, again")),  # the id of line 1 again
        json.dumps(record(5, member="Atlantis")),
        json.dumps(record(6, language="klingon")),
        json.dumps(record(7, language="fr", member="EU")),
    ]
    path = tmp_path / "batch.jsonl"
    path.write_bytes("\ufeff".encode() + "\n".join(lines).encode() + b"\n")  # with a byte order mark
    result = CliRunner().invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    for number, words in (
        (2, "NUL"),
        (4, "invalid Unicode"),
        (5, "already came on line 1"),
        (6, "Atlantis"),
        (7, "klingon"),
    ):
        assert f"{path}:{number}:" in result.stderr and words in result.stderr, (number, result.stderr)
    assert f"{path}:1:" not in result.stderr and f"{path}:3:" not in result.stderr
    with Session(db_engine) as session:
        titles = sorted(n.title for n in session.exec(select(Notification)))
    assert titles == ["Batteries 1", "Batteries 3", "Batteries 7"]
