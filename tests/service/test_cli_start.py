"""The ``tbtwatch`` command starts in a fresh interpreter, whichever module is imported first.

The suite itself imports the application before any command, which hides import cycles that
only a command line run meets."""

import subprocess
import sys


def test_help_answers_from_a_fresh_interpreter():
    done = subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Usage" in done.stdout
