"""API search benchmark: 100,000 notifications in PostgreSQL (or SQLite), 50 concurrent
clients calling ``GET /api/v1/search`` for 60 s against a real uvicorn server on loopback.
Prints p50, p90, p99 and worst latency, requests per second, errors and the CPU a search
costs (target, open loop at 50 searches a second: p99 < 100 ms, no errors, at most 8 ms of
CPU a search in the server and the database together).

    .venv/bin/python bench/api.py [--items 100000] [--clients 50] [--seconds 60] [--workers 2]
                                  [--rate R ...] [--no-closed-loop] [--keep | --database NAME | --database sqlite]

``--database sqlite`` measures the embedded database instead: the notifications are written
to a new SQLite file under ``var/bench`` (indexed by its triggers as the service's writes are).

The PostgreSQL server is ``TBTWATCH_BENCH_DATABASE_URL`` (else ``TBTWATCH_TEST_DATABASE_URL``,
else ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``); the benchmark creates a
private database on it and drops it at the end (``--keep`` keeps it and prints its name;
``--database NAME`` measures a kept one again without loading). Notifications are variations
of the sample notifications (Chinese and English text), loaded with ``COPY`` over one connection per
CPU with the full-text index built afterwards; queries mix Chinese and English words, filters
and pages. Clients run in this process: asyncio tasks, each on one keep-alive HTTP/1.1
connection written by hand, so the load generator takes little of the CPUs it shares with the
server (``--workers`` uvicorn processes) and PostgreSQL.

By default the clients are a closed loop: each sends its next search as soon as the last one
is answered, so the figures are those of a saturated server and, by Little's law, the mean
latency is the number of clients over the throughput. ``--rate R`` (repeatable) measures an
open loop as well: searches arrive at R a second on average (Poisson), are sent over the same
50 connections, and each one's latency runs from when it was due, so waiting for a free
connection counts. Beside the latencies it prints the CPU time one search costs, in the
server processes and in the database's backends (PostgreSQL's processes serving the
benchmark's database, read from ``/proc`` when the server runs on this machine), the figure
that says how many searches a second a machine can answer, and what the rest of the machine
spent meanwhile (other people's load). ``--no-closed-loop`` measures only the open loops.

The first ``--warmup`` seconds (20) of searches are not counted: they pay what a start costs,
not a search (a new web process builds the SQL of each shape of query once, about 50 ms each,
and the mix has about a hundred shapes; the database reads its hot pages into memory). They
come from other seeds than the measured searches, at the first ``--rate`` when only open loops
run, so the measured searches find in the caches only what a running service's would hold.
"""

import argparse
import asyncio
import collections
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from nlp.samples import sample_records
from service.security import new_token
from store.db import make_engine
from store.migrate import upgrade
from store.models import Notification
from store.models.types import table_of
from store.queries.users import add_token, create_user, get_user_by_email

ROOT = Path(__file__).resolve().parents[1]

CPU_TARGET_MS = 8.0  # CPU a search may cost, server and database together (open loop)
MEMBERS = ["CHN", "USA", "EU", "JPN", "KOR", "IND", "BRA", "KEN", "UGA", "SAU", "VNM", "THA", "GBR", "CAN"]
WORDS = [
    "锂电池",
    "电池",
    "玩具",
    "食品",
    "医疗器械",
    "汽车",
    "化妆品",
    "电动汽车",
    "安全",
    "标签",
    "battery",
    "toys",
    "food",
    "safety",
    "medical devices",
    "labelling",
    "cosmetics",
    "vehicles",
    "pesticide",
    "energy efficiency",
    "lithium batteries",
]


def server_url() -> str:
    return (
        os.environ.get("TBTWATCH_BENCH_DATABASE_URL")
        or os.environ.get("TBTWATCH_TEST_DATABASE_URL")
        or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )


def notification_rows(count: int, rng: random.Random):
    """``count`` notification rows made from the dev set: each a dev record with a new symbol,
    member, dates and a few extra words."""
    records = sample_records()
    start, now = date(2015, 1, 1), datetime.now(UTC)
    for n in range(count):
        record = records[n % len(records)]
        member = rng.choice(MEMBERS)
        committee = rng.choice(("TBT", "SPS"))
        symbol = f"G/{committee}/N/{member}/{n + 1}"
        distributed = start + timedelta(days=rng.randrange(4000))
        extra = " ".join(rng.sample(WORDS, 2))
        yield {
            "symbol": symbol,
            "base_symbol": symbol,
            "symbol_kind": "regular",
            "committee": committee,
            "member_code": member,
            "member_name": record.get("member"),
            "notification_type": record.get("notification_type"),
            "distribution_date": distributed,
            "comment_deadline": distributed + timedelta(days=60) if rng.random() < 0.7 else None,
            "title": f"{record.get('title') or record.get('products_text') or ''} {extra}",
            "description": record.get("description"),
            "products_text": record.get("products_text"),
            "hs_codes": record.get("hs_codes") or [],
            "ics_codes": record.get("ics_codes") or [],
            "objectives": [],
            "keywords": [],
            "countries_affected": [],
            "joint_symbols": [],
            "links": [],
            "language": record.get("language"),
            "source": "bench",
            "raw": {},
            "content_hash": str(n),
            "first_seen_at": now,
            "last_changed_at": now,
        }


def load(engine, count: int) -> None:
    """Migrate and insert ``count`` notifications: ``COPY`` over one connection per CPU (the
    database computes each row's search vector, the dear part), then the full-text index in
    one build, which is quicker than keeping it up to date row by row."""
    upgrade(engine)
    started = time.perf_counter()
    rows = list(notification_rows(count, random.Random(7)))
    columns = list(rows[0]) if rows else []
    with engine.begin() as connection:
        index = connection.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'notification' "
                "AND indexdef ILIKE '%USING gin%'"
            )
        ).all()
        for name, _definition in index:
            connection.execute(text(f'DROP INDEX "{name}"'))

    def copy(share: list[dict]) -> None:
        raw = engine.raw_connection()
        try:
            with raw.cursor() as cursor, cursor.copy(f"COPY notification ({', '.join(columns)}) FROM STDIN") as copier:
                for row in share:
                    copier.write_row([json.dumps(v) if isinstance(v, (list, dict)) else v for v in row.values()])
            raw.commit()
        finally:
            raw.close()

    loaders = os.cpu_count() or 1
    with ThreadPoolExecutor(loaders) as pool:
        list(pool.map(copy, [rows[i::loaders] for i in range(loaders)]))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("SET maintenance_work_mem = '256MB'"))
        for _name, definition in index:
            connection.execute(text(definition))
        connection.execute(text("VACUUM ANALYZE"))
    print(f"loaded {count:,} notifications in {time.perf_counter() - started:.1f} s")


def load_sqlite(engine, count: int) -> None:
    """Migrate and insert ``count`` notifications into a SQLite database, in batches of
    5,000 rows; its triggers index each row as they do the service's writes."""
    upgrade(engine)
    started = time.perf_counter()
    rows = notification_rows(count, random.Random(7))
    table = table_of(Notification)
    with engine.begin() as connection:
        while batch := list(islice(rows, 5000)):
            connection.execute(table.insert(), batch)
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
    print(f"loaded {count:,} notifications into SQLite in {time.perf_counter() - started:.1f} s")


def bench_token(engine) -> str:
    """A new API token of the benchmark's exporter account (made on first use)."""
    plain, digest = new_token()
    with Session(engine) as session:
        user = get_user_by_email(session, email="bench@example.org") or create_user(
            session, email="bench@example.org", role="exporter", password_hash=""
        )
        add_token(session, user=user, name="bench", token_hash=digest)
        session.commit()
    return plain


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database_url: str, port: int, workers: int, data_dir: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "TBTWATCH_DATABASE_URL": database_url,
        "TBTWATCH_SECRET_KEY": "bench",
        "TBTWATCH_SCHEDULER_ENABLED": "false",
        "TBTWATCH_DATA_DIR": data_dir,
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "service.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
        "--timeout-worker-healthcheck",  # on a busy machine a late answer is not a dead worker
        "60",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 300  # a busy machine imports slowly
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code in (200, 503):
                return process
        except httpx.TransportError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("the server did not start")


def query(rng: random.Random) -> dict:
    """One search of the mix: a word (a Chinese one searches its glossary terms too), now and
    then a phrase, an OR or an exclusion; filters; a later page; another order."""
    words = rng.sample(WORDS, 2)
    shape = rng.random()
    if shape < 0.05:
        q = f'"{words[0]}"'
    elif shape < 0.1:
        q = f"{words[0]} OR {words[1]}"
    elif shape < 0.15:
        q = f"{words[0]} -{words[1]}"
    else:
        q = words[0]
    params: dict = {"q": q}
    if rng.random() < 0.3:
        params["member"] = ",".join(rng.sample(MEMBERS, rng.choice((1, 1, 2, 3))))
    if rng.random() < 0.2:
        params["committee"] = rng.choice(("TBT", "SPS"))
    if rng.random() < 0.2:
        params["date_from"] = f"{rng.randrange(2015, 2025)}-01-01"
    if rng.random() < 0.1:
        params["open_on"] = f"{rng.randrange(2015, 2026)}-06-01"
    if rng.random() < 0.1:
        params["hs"] = rng.choice(("85", "8507", "95", "02", "33"))
    if rng.random() < 0.2:
        params["page"] = rng.randrange(2, 6)
    if rng.random() < 0.2:
        params["sort"] = rng.choice(("relevance", "deadline"))
    return params


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Status and body of one HTTP/1.1 response (Content-Length or chunked)."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    headers = dict(line.lower().split(": ", 1) for line in head[1:] if ": " in line)
    if "content-length" in headers:
        return status, await reader.readexactly(int(headers["content-length"]))
    body = b""
    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
        body += (await reader.readexactly(size + 2))[:-2]
    await reader.readuntil(b"\r\n")
    return status, body


async def client(port: int, token: str, seed: int, next_due, latencies: list, errors: list) -> None:
    """Searches on one keep-alive connection, each when ``next_due()`` says (a moment of
    ``time.perf_counter``; None: stop), its latency counted from then; a failed request is
    counted as an error and the connection opened again."""
    rng = random.Random(seed)
    head = f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n\r\n"
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    while (due := next_due()) is not None:
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        params = query(rng)
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"GET /api/v1/search?{urlencode(params)} HTTP/1.1\r\n{head}".encode())
            assert reader is not None
            status, body = await read_response(reader)
            failure: int | str | None = None if status == 200 and body.startswith(b'{"items":') else status
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            failure, writer = repr(error), None
        latencies.append(time.perf_counter() - due)
        if failure is not None:
            errors.append((params, failure))
    if writer is not None:
        writer.close()


async def run_clients(
    port: int, token: str, clients: int, seconds: float, rate: float | None = None, first_seed: int = 0
) -> tuple[list, list, float]:
    """``clients`` connections searching for ``seconds``: each again as soon as answered
    (closed loop), or, given a ``rate``, as searches fall due at that rate a second (Poisson
    arrivals, open loop) on whichever connection is free. Client n draws its queries from
    seed ``first_seed + n``."""
    latencies: list[float] = []
    errors: list = []
    started = time.perf_counter()
    until = started + seconds
    if rate is None:

        def next_due():
            now = time.perf_counter()
            return now if now < until else None
    else:
        arrivals, moment, due = random.Random(11), started, collections.deque[float]()
        while (moment := moment + arrivals.expovariate(rate)) < until:
            due.append(moment)

        def next_due():
            return due.popleft() if due else None

    await asyncio.gather(
        *(client(port, token, seed, next_due, latencies, errors) for seed in range(first_seed, first_seed + clients))
    )
    return latencies, errors, time.perf_counter() - started


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (Linux ``/proc``)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def server_pids(process: subprocess.Popen) -> list[int]:
    """The uvicorn process and its workers."""
    children = subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    return [process.pid, *map(int, children)]


def busy_cpu_seconds() -> float:
    """CPU seconds every CPU of the machine has spent busy so far (Linux ``/proc/stat``)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def cpu_split(server: list[int], database_pids, run) -> tuple[tuple, tuple[float, float, float]]:
    """``run()``'s result, and the CPU seconds it took in the server processes, in the
    database's backends and in the rest of the machine but this process (other load).
    ``database_pids()`` lists the processes serving the benchmark's database (none for
    SQLite, which runs in the server); they are read every 0.2 s while ``run()`` runs, so a
    connection that the server's pool closes is counted up to its last reading."""
    mine, before = sum(os.times()[:2]), (cpu_seconds(server), busy_cpu_seconds())
    first: dict[int, float] = {pid: cpu_seconds([pid]) for pid in database_pids()}
    last = dict(first)
    done = threading.Event()

    def read() -> None:
        for pid in database_pids():
            last[pid] = max(last.get(pid, 0.0), cpu_seconds([pid]))  # 0 once gone

    def watch() -> None:
        while not done.wait(0.2):
            read()

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        result = run()
    finally:
        done.set()
        watcher.join()
    read()
    in_server = cpu_seconds(server) - before[0]
    in_database = sum(seconds - first.get(pid, 0.0) for pid, seconds in last.items())
    busy = busy_cpu_seconds() - before[1] - (sum(os.times()[:2]) - mine)
    return result, (in_server, in_database, busy - in_server - in_database)


def report(
    label: str,
    latencies: list[float],
    errors: list,
    elapsed: float,
    cpu: tuple[float, float, float],
    open_loop: bool,
    database: str | None,
) -> None:
    """The figures of one run; an open loop's against the targets (p99 < 100 ms, no errors,
    CPU <= 8 ms a search in the server and the database together), a closed loop's without."""
    ms = [v * 1000 for v in latencies]
    p99 = percentile(ms, 99)
    per_search = 1000 * (cpu[0] + cpu[1]) / len(ms)
    print(f"{label}")
    print(f"  requests  {len(ms):,} ({len(ms) / elapsed:.0f}/s)")
    print(
        f"  latency   p50 {percentile(ms, 50):.1f} ms   p90 {percentile(ms, 90):.1f} ms   "
        f"p99 {p99:.1f} ms   max {max(ms):.1f} ms   mean {statistics.fmean(ms):.1f} ms"
    )
    in_database = f" + {1000 * cpu[1] / len(ms):.1f} ms in {database}" if database else " (database included)"
    print(
        f"  CPU       {1000 * cpu[0] / len(ms):.1f} ms a search in the server{in_database} = {per_search:.1f} ms; "
        f"the rest of the machine {1000 * cpu[2] / len(ms):.1f} ms a search (other load)"
    )
    print(f"  errors    {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    if open_loop:
        met = p99 < 100 and not errors and per_search <= CPU_TARGET_MS
        print(
            f"  target    p99 < 100 ms, no errors, CPU <= {CPU_TARGET_MS:g} ms a search: {'met' if met else 'NOT met'}"
        )


def check_answer(port: int, token: str) -> None:
    """One search answered as the API documents it, before any timing."""
    response = httpx.get(
        f"http://127.0.0.1:{port}/api/v1/search",
        params={"q": "battery"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    response.raise_for_status()
    page = response.json()
    if not page["items"] or page["total"] < len(page["items"]):
        raise SystemExit(f"unexpected answer: {response.text[:300]}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--warmup", type=float, default=20, help="Seconds of searches before measuring (a warm-up, not counted)."
    )
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes.")
    parser.add_argument(
        "--rate",
        type=float,
        action="append",
        default=[],
        help="Also measure an open loop of this many searches a second (repeatable).",
    )
    parser.add_argument("--no-closed-loop", action="store_true", help="Measure only the open loops (--rate).")
    parser.add_argument("--keep", action="store_true", help="Keep the database and print its name.")
    parser.add_argument(
        "--database",
        help="Measure this kept PostgreSQL database again (no load, not dropped); 'sqlite': a new SQLite file.",
    )
    args = parser.parse_args()
    if args.database == "sqlite":
        measure_sqlite(args)
    else:
        measure_postgresql(args)


def measure_postgresql(args: argparse.Namespace) -> None:
    server = make_url(server_url())
    if server.get_backend_name() != "postgresql":
        raise SystemExit("bench/api.py needs a PostgreSQL server (TBTWATCH_BENCH_DATABASE_URL)")
    name = args.database or f"tbtwatch_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(server.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    if not args.database:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
            # SSD storage, as docs/deploy.md recommends: index scans are not 4x dearer than sequential reads
            connection.execute(text(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1'))
    database_url = server.set(database=name).render_as_string(hide_password=False)
    try:
        engine = make_engine(database_url)
        if args.database:
            upgrade(engine)
        else:
            load(engine, args.items)

        def backends() -> list[int]:
            """The PostgreSQL server processes serving the benchmark's database (on this machine)."""
            with admin.connect() as connection:
                query = "SELECT pid FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"
                return list(connection.execute(text(query), {"name": name}).scalars())

        local = server.host in (None, "", "localhost", "127.0.0.1", "::1")
        print_memory(engine)
        measure(args, engine, database_url, "PostgreSQL", backends if local else None)
    finally:
        if args.keep or args.database:
            print(f"database kept: {name}")
        else:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def print_memory(engine) -> None:
    """PostgreSQL's shared buffers beside the notification table with its indexes: when they
    do not hold it, a search's heap reads go to the operating system's cache (a read call and
    a copy of 8 kB each), which docs/deploy.md's sizing counts."""
    with engine.connect() as connection:
        buffers, table = connection.execute(
            text("SELECT pg_size_bytes(current_setting('shared_buffers')), pg_total_relation_size('notification')")
        ).one()
    held = "holds it" if buffers >= table else "does not hold it: pages are read from the OS cache"
    print(
        f"PostgreSQL shared_buffers {buffers / 2**20:.0f} MB, notifications and indexes {table / 2**20:.0f} MB ({held})"
    )


def measure_sqlite(args: argparse.Namespace) -> None:
    path = ROOT / "var" / "bench" / f"api-{uuid.uuid4().hex[:10]}.db"
    database_url = f"sqlite:///{path}"
    try:
        engine = make_engine(database_url)
        load_sqlite(engine, args.items)
        measure(args, engine, database_url, "SQLite", None)
    finally:
        if args.keep:
            print(f"database kept: {path}")
        else:
            for leftover in path.parent.glob(path.name + "*"):
                leftover.unlink()


def measure(args: argparse.Namespace, engine, database_url: str, database: str, backends) -> None:
    """Start the server on ``database_url`` and run the closed loop and each open loop;
    ``backends()`` lists the database server's processes serving it (None: the database runs
    in the server, as SQLite does, or its CPU cannot be read from this machine)."""
    token = bench_token(engine)
    with engine.connect() as connection:
        items = connection.execute(text("SELECT count(*) FROM notification")).scalar_one()
    engine.dispose()
    port = free_port()
    process = start_server(database_url, port, args.workers, str(ROOT / "var" / "bench"))
    try:
        check_answer(port, token)
        if args.warmup:  # other seeds: the measured searches find only what a running service's caches hold
            first_rate = args.rate[0] if args.rate and args.no_closed_loop else None
            asyncio.run(run_clients(port, token, args.clients, args.warmup, first_rate, first_seed=args.clients))
        print(
            f"search API on {database}: {items:,} notifications, {args.workers} uvicorn workers, {os.cpu_count()} CPUs"
        )
        runs = [
            *(
                []
                if args.no_closed_loop
                else [(f"closed loop: {args.clients} clients, each searching again at once", None)]
            ),
            *((f"open loop: {rate:g} searches a second over {args.clients} connections", rate) for rate in args.rate),
        ]
        for label, rate in runs:
            load_before = os.getloadavg()[0]
            clients = run_clients(port, token, args.clients, args.seconds, rate)
            (latencies, errors, elapsed), cpu = cpu_split(
                server_pids(process), backends or list, lambda c=clients: asyncio.run(c)
            )
            report(
                f"{label}, {elapsed:.0f} s, load average {load_before:.1f} before / {os.getloadavg()[0]:.1f} after",
                latencies,
                errors,
                elapsed,
                cpu,
                open_loop=rate is not None,
                database=database if backends else None,
            )
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
