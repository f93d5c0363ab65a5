"""Benchmark: a full ingest of the ePing bulk workbook, beside openpyxl's bare read of it.

Generates a workbook of 105,000 rows (the sample notifications replicated under new
symbols, in the bulk file's columns), then measures, each in a process of its own: openpyxl's
read-only pass over every row (the floor), and ``scrapy crawl wto_eping_bulk`` reading it
through a ``file://`` URL into SQLite and into PostgreSQL (a private database created and
dropped here, on the server named by ``TBTWATCH_BENCH_DATABASE_URL``, else
``TBTWATCH_TEST_DATABASE_URL``, else the local default).
Prints rows/s, peak memory and the ratio to the floor (target: within 3×), in wall time and in
the child's own CPU time (user + system: on a loaded machine the steadier figure; the database
server's work, PostgreSQL's full-text index above all, counts only in wall time).

    .venv/bin/python bench/ingest.py [--rows N]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.workbook import write_workbook
from nlp.samples import sample_records
from store.db import make_engine
from store.migrate import upgrade
from store.symbols import Symbol, SymbolError, parse_symbols

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BARE_READ = """
import sys, openpyxl
sheet = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True).worksheets[0]
rows = sum(1 for _ in sheet.iter_rows(values_only=True))
print(rows - 1)
"""


def renumbered(symbols: list[str], copy: int) -> list[str] | None:
    """The symbols under new numbers (copy ``copy``); None for legacy ones (no member)."""
    try:
        parsed = parse_symbols(", ".join(symbols))
    except SymbolError:
        return None
    if any(s.legacy for s in parsed):
        return None
    return [str(Symbol(s.committee, s.member, s.number + 100_000 * (copy + 1), s.suffixes)) for s in parsed]


def replicated(rows: int):
    """``rows`` dev records, replicated under new symbols."""
    records = sample_records()
    records = [r for r in records if r["symbol"]]
    made, copy = 0, 0
    while True:
        for record in records:
            symbols = renumbered(record["all_symbols"] or [record["symbol"]], copy)
            if symbols is None:
                continue
            yield {**record, "symbol": symbols[0], "all_symbols": symbols if len(symbols) > 1 else None}
            made += 1
            if made == rows:
                return
        copy += 1


def measured(command: list[str], env: dict) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, peak resident memory (MB) and output of a child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    output, errors = child.communicate()
    output += errors
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command[:4])} failed:\n{output[-3000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output


def ingest(database_url: str, workbook: Path, data_dir: Path) -> tuple[float, float, float, int]:
    engine = make_engine(database_url)
    upgrade(engine)
    env = {
        **os.environ,
        "SCRAPY_SETTINGS_MODULE": "crawlers.settings",
        "TBTWATCH_DATABASE_URL": database_url,
        "TBTWATCH_DATA_DIR": str(data_dir),
        "TBTWATCH_EPING_BULK_URL": workbook.as_uri(),
    }
    elapsed, cpu, peak, output = measured([sys.executable, "-m", "scrapy", "crawl", "wto_eping_bulk"], env)
    with engine.connect() as connection:
        run = connection.execute(text("SELECT status, items_new, items_rejected, error FROM crawl_run")).one()
    engine.dispose()
    if run.status != "success":
        raise SystemExit(f"the ingest failed: {run.error}\n{output[-2000:]}")
    return elapsed, cpu, peak, run.items_new


def private_postgres() -> str | None:
    server = os.environ.get("TBTWATCH_BENCH_DATABASE_URL") or os.environ.get("TBTWATCH_TEST_DATABASE_URL") or DEFAULT_PG
    try:
        admin = make_engine(server, isolation_level="AUTOCOMMIT")
        name = f"tbtwatch_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        print(f"PostgreSQL skipped: {type(error).__name__}: {error}".splitlines()[0])
        return None
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_postgres(url: str) -> None:
    parsed = make_url(url)
    admin = make_engine(
        parsed.set(database="postgres").render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=105_000)
    parser.add_argument("--workbook", type=Path, default=None, help="reuse (or write) the workbook here")
    parser.add_argument("--databases", default="sqlite,postgresql", help="which of sqlite,postgresql to ingest into")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tbtwatch-bench-") as name:
        folder = Path(name)
        workbook = args.workbook or folder / "Notification_EN.xlsx"
        if not workbook.exists():
            started = time.perf_counter()
            write_workbook(workbook, replicated(args.rows))
            print(
                f"workbook: {args.rows:,} rows, {workbook.stat().st_size / 1e6:.1f} MB, "
                f"written in {time.perf_counter() - started:.1f} s"
            )
        floor, floor_cpu, floor_peak, counted = measured(
            [sys.executable, "-c", BARE_READ, str(workbook)], dict(os.environ)
        )
        rows = int(counted.strip())
        print(f"{'':28}{'seconds':>9}{'rows/s':>10}{'peak MB':>9}{'× floor':>9}{'CPU s':>9}{'× floor':>9}")
        print(
            f"{'openpyxl bare read (floor)':28}{floor:9.1f}{rows / floor:10,.0f}{floor_peak:9.0f}{1:9.2f}"
            f"{floor_cpu:9.1f}{1:9.2f}"
        )
        wanted = args.databases.split(",")
        targets = [("ingest into SQLite", f"sqlite:///{folder / 'bench.db'}")] if "sqlite" in wanted else []
        postgres = private_postgres() if "postgresql" in wanted else None
        if postgres:
            targets.append(("ingest into PostgreSQL", postgres))
        try:
            for label, url in targets:
                elapsed, cpu, peak, stored = ingest(url, workbook, folder / label.split()[-1])
                print(
                    f"{label:28}{elapsed:9.1f}{rows / elapsed:10,.0f}{peak:9.0f}{elapsed / floor:9.2f}"
                    f"{cpu:9.1f}{cpu / floor_cpu:9.2f}   ({stored:,} notifications stored)"
                )
        finally:
            if postgres:
                drop_postgres(postgres)


if __name__ == "__main__":
    main()
