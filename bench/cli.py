"""Benchmark: how quickly the command line answers.

Runs ``tbtwatch --help``, ``tbtwatch sources``, ``tbtwatch users list`` and ``tbtwatch
subscriptions list`` against a fresh SQLite database, each ``--runs`` times in a process of its
own, beside the floor ``python -c "import typer, sqlalchemy"``, and prints the median CPU time
(user + system of the child: steadier than wall time on a shared machine), the median wall
time and the ratio to the floor (target: within 2x).

    .venv/bin/python bench/cli.py [--runs 7]
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOOR = [sys.executable, "-c", "import typer, sqlalchemy"]
TBTWATCH = [sys.executable, "-c", "import sys; from service.cli import main; sys.argv[0] = 'tbtwatch'; main()"]
COMMANDS = (["--help"], ["sources"], ["users", "list"], ["subscriptions", "list"])


def measure(command: list[str], env: dict, runs: int) -> tuple[float, float]:
    """Median CPU seconds and median wall seconds of ``runs`` runs."""
    cpu, wall = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        wall.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(cpu), statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TBTWATCH_DATABASE_URL": f"sqlite:///{folder}/bench.db",
            "TBTWATCH_DATA_DIR": folder,
            "TBTWATCH_SECRET_KEY": "bench",
        }
        subprocess.run([*TBTWATCH, "db", "upgrade"], env=env, cwd=ROOT, capture_output=True, check=True)
        floor_cpu, floor_wall = measure(FLOOR, env, args.runs)
        print(f"load average {os.getloadavg()[0]:.1f}; {args.runs} runs each, medians")
        print(f"{'command':32} {'CPU s':>7} {'wall s':>7} {'CPU ratio':>10}")
        print(f"{'python -c import typer, sqlalchemy':32} {floor_cpu:7.2f} {floor_wall:7.2f} {1:10.2f}")
        for command in COMMANDS:
            cpu, wall = measure([*TBTWATCH, *command], env, args.runs)
            print(f"{'tbtwatch ' + ' '.join(command):32} {cpu:7.2f} {wall:7.2f} {cpu / floor_cpu:10.2f}")


if __name__ == "__main__":
    main()
