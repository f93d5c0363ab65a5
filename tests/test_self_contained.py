"""The repository stands on its own: nothing in it reaches for data beside it, the quick start
works from a copy with nothing beside it, and a machine without the browser is told what to
install instead of skipping the page tests."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE = ("../" + "shared", "shared/" + "data", "shared/" + "catalogue", "/work/" + "shared")
SKIPPED_DIRS = {".git", ".venv", "var", "node_modules", "__pycache__"}


def repository_files() -> list[Path]:
    if (ROOT / ".git").exists():
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
        return [ROOT / name for name in listed.decode().split("\0") if name and (ROOT / name).is_file()]
    return [
        path
        for path in ROOT.rglob("*")
        if path.is_file() and not SKIPPED_DIRS & set(path.relative_to(ROOT).parts[:-1]) and ".cache" not in str(path)
    ]


def test_no_file_reaches_outside_the_repository():
    offenders = []
    for path in repository_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        offenders += [f"{path.relative_to(ROOT)}: {needle}" for needle in OUTSIDE if needle in text]
    assert offenders == []


def test_quick_start_import_from_a_copy_with_nothing_beside_it(tmp_path):
    copy = tmp_path / "clone" / "tbtwatch"
    for path in repository_files():
        target = copy / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("TBTWATCH_") and key not in ("PYTHONPATH", "PYTHONHOME")
    }
    env |= {
        "PYTHONPATH": str(copy),
        "TBTWATCH_DATABASE_URL": f"sqlite:///{copy / 'var' / 'tbtwatch.db'}",
        "TBTWATCH_DATA_DIR": str(copy / "var"),
        "TBTWATCH_SCHEDULER_ENABLED": "false",
    }
    tbtwatch = [sys.executable, "-c", "import sys; from service.cli import main; sys.argv[0] = 'tbtwatch'; main()"]

    def run(*arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*tbtwatch, *arguments], check=False, cwd=copy, env=env, capture_output=True, text=True, timeout=300
        )

    where = subprocess.run(
        [sys.executable, "-c", "import nlp.samples, service; print(nlp.samples.__file__, service.__file__)"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert all(Path(name).is_relative_to(copy) for name in where.stdout.split()), where.stdout
    upgraded = run("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    imported = run("import", "--sample")
    assert imported.returncode == 0, imported.stderr
    assert "212 new" in imported.stderr


def test_without_chromium_the_browser_script_names_what_to_install(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").write_text("#!/bin/sh\necho 1000\n")
    (bin_dir / "id").chmod(0o755)
    for tool in ("cat", "grep"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    result = subprocess.run(
        ["/bin/bash", str(ROOT / "scripts" / "ensure-browser")],
        env={"PATH": str(bin_dir)},
        check=False,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "apt-get install chromium fonts-wqy-zenhei" in result.stderr


def test_make_test_and_ci_use_the_browser_script():
    assert "scripts/ensure-browser" in (ROOT / "Makefile").read_text()
    assert "scripts/ensure-browser" in (ROOT / ".ci" / "run").read_text()
