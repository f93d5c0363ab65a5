"""Imports point one way: service -> alerts, nlp, store, translations; alerts -> store, nlp,
translations; crawlers -> store; translations -> store (the codes it names); nlp and store
import no other package of ours. Within the service, the API
(service.api) and the pages (service.web) do not import each other: what both need is a use
case below them (service.intelligence, alerts.subscriptions, …)."""

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


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports (``from a.b import c`` counts as a.b and a.b.c)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def imported_packages(path: Path) -> set[str]:
    return {module.split(".")[0] for module in imported_modules(path)} & set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_point_one_way(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) - ALLOWED[package] - {package})
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize(("inside", "outside"), [("service.api", "service.web"), ("service.web", "service.api")])
def test_the_api_and_the_pages_do_not_import_each_other(inside, outside):
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path) if (m + ".").startswith(outside + "."))
        for path in ROOT.joinpath(*inside.split(".")).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_test_imports_a_conftest():
    """Test data comes from tests.factories (the real write paths), shared helpers from plain
    modules; a conftest only declares fixtures."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path) if m.split(".")[-1] == "conftest")
        for path in (ROOT / "tests").rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
