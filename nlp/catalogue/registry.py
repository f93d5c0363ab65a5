"""Edition registry: editions shipped in ``editions/`` plus any registered at run time."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from nlp.catalogue.model import Catalogue

EDITIONS_DIR = Path(__file__).parent / "editions"
DEFAULT_EDITION = "2003"
_registered: dict[str, Catalogue] = {}


def available_editions() -> list[str]:
    shipped = {p.stem for p in EDITIONS_DIR.glob("*.yaml")}
    return sorted(shipped | set(_registered))


def register_edition(catalogue: Catalogue) -> None:
    """Make a validated catalogue (e.g. from ``Catalogue.from_file``) loadable by its edition name."""
    _registered[catalogue.edition] = catalogue


def load_edition(edition: str | Path = DEFAULT_EDITION) -> Catalogue:
    """Return an edition by name ("2003") or read one from a file path."""
    if isinstance(edition, Path) or str(edition).endswith((".yaml", ".yml")):
        return Catalogue.from_file(edition)
    if edition in _registered:
        return _registered[edition]
    return _shipped(str(edition))


@cache
def _shipped(edition: str) -> Catalogue:
    path = EDITIONS_DIR / f"{edition}.yaml"
    if not path.exists():
        raise KeyError(f"unknown catalogue edition {edition!r}; available: {available_editions()}")
    return Catalogue.from_file(path)
