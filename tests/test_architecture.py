"""Imports point one way: service -> alerts, nlp, store, translations; alerts -> store, nlp,
translations; crawlers -> store; translations -> store (the codes it names); nlp and store
import no other package of ours."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("crawlers", "nlp", "alerts", "service", "store", "translations")
ALLOWED = {
    "service": {"alerts", "nlp", "store", "translations"},
    "alerts": {"store", "nlp", "translations"},
    "translations": {"store"},
    "crawlers": {"store"},
    "nlp": set(),
    "store": set(),
}


def imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_point_one_way(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) - ALLOWED[package] - {package})
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
