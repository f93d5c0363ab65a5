"""Where the database is, read from the environment as :class:`store.settings.Settings` reads
it (a ``TBTWATCH_*`` variable, else the same name in ``.env``), without building the settings.

The settings object is pydantic-settings, whose import alone costs about what a command-line
listing does in all (``bench/cli.py``); finding the database is all that a listing, or the
engine, needs. :class:`~store.settings.Settings` uses :func:`database_url_for` too, so both say
the same.
"""

import os
from functools import cache
from pathlib import Path

PREFIX = "TBTWATCH_"
ENV_FILE = ".env"
DEFAULT_DATA_DIR = Path("var")


def database_url_for(database_url: str, data_dir: Path) -> str:
    """The configured URL, or an SQLite file under ``data_dir``."""
    return database_url or f"sqlite:///{data_dir / 'tbtwatch.db'}"


@cache
def _env_file() -> dict[str, str]:
    if not Path(ENV_FILE).is_file():
        return {}
    from dotenv import dotenv_values  # pydantic-settings reads .env with it too

    return {key.upper(): value for key, value in dotenv_values(ENV_FILE).items() if value is not None}


def setting(name: str) -> str | None:
    """The text of setting ``name`` (a field of Settings), if set; names are matched without
    regard to case, as pydantic-settings matches them."""
    key = PREFIX + name.upper()
    for variable, value in os.environ.items():
        if variable.upper() == key:
            return value
    return _env_file().get(key)


def database_url() -> str:
    """The database URL the settings give (called anew each time: tests change the environment)."""
    return database_url_for(setting("database_url") or "", Path(setting("data_dir") or DEFAULT_DATA_DIR))
