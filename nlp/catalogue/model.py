"""Immutable catalogue objects (edition → sectors → code lines, phrases) and their validation.

An edition is read from one YAML file (see ``editions/2003.yaml`` for the format); every problem
found is reported at once in a :class:`CatalogueError` so an administrator can fix a new edition
file in one pass before ``tbtwatch catalogue load FILE`` installs it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

STRENGTHS = ("core", "partial")
LANGUAGES = ("en", "zh", "fr", "es")
_SECTOR_CODE = re.compile(r"^[A-Z]{2,6}$")
_HS_CODE = re.compile(r"^\d{2}(\d{2}){0,4}$")
_ICS_CODE = re.compile(r"^\d{2}(\.\d{3}(\.\d{2})?)?$")


class CatalogueError(ValueError):
    """An edition file is unreadable or inconsistent; ``problems`` lists every finding."""

    def __init__(self, source: str, problems: list[str]):
        self.problems = problems
        super().__init__(f"invalid catalogue {source}:\n  - " + "\n  - ".join(problems))


@dataclass(frozen=True)
class CodeLine:
    """One HS or ICS prefix assigned to a sector; ``partial`` lines need textual confirmation."""

    code: str
    strength: str
    label: str = ""
    label_zh: str = ""  # the product's Chinese name where the edition gives one


@dataclass(frozen=True)
class Sector:
    code: str
    name_zh: str
    name_en: str
    scope: str
    subfields: tuple[tuple[str, str], ...]
    hs: tuple[CodeLine, ...]
    ics: tuple[CodeLine, ...]
    phrases: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Catalogue:
    edition: str
    title_zh: str
    title_en: str
    sectors: tuple[Sector, ...]
    outside_phrases: Mapping[str, tuple[str, ...]]
    ignore_phrases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # sector phrases that name a product in passing as often as they name the product covered
    # ("battery", "computer"): they decide only with other evidence (see nlp.classifier)
    generic_phrases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.sectors)

    def sector(self, code: str) -> Sector:
        for s in self.sectors:
            if s.code == code:
                return s
        raise KeyError(code)

    @classmethod
    def from_file(cls, path: str | Path) -> Catalogue:
        """Read and validate an edition file; raise :class:`CatalogueError` listing all problems."""
        path = Path(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise CatalogueError(str(path), [f"cannot read: {exc}"]) from exc
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: Any, source: str = "<dict>") -> Catalogue:
        problems: list[str] = []
        if not isinstance(data, dict):
            raise CatalogueError(source, ["top level must be a mapping"])
        edition = str(data.get("edition") or "").strip()
        if not edition:
            problems.append("'edition' is missing")
        raw_sectors = data.get("sectors")
        if not isinstance(raw_sectors, list) or not raw_sectors:
            problems.append("'sectors' must be a non-empty list")
            raw_sectors = []
        sectors = [_sector(i, raw, problems) for i, raw in enumerate(raw_sectors)]
        seen: set[str] = set()
        for s in sectors:
            if s.code in seen:
                problems.append(f"sector {s.code}: duplicated")
            seen.add(s.code)
        outside = _phrases((data.get("outside") or {}).get("phrases", {}), "outside", problems)
        ignore = _phrases((data.get("ignore") or {}).get("phrases", {}), "ignore", problems)
        generic = _phrases((data.get("generic") or {}).get("phrases", {}), "generic", problems)
        if problems:
            raise CatalogueError(source, problems)
        return cls(
            edition,
            str(data.get("title_zh", "")),
            str(data.get("title_en", "")),
            tuple(sectors),
            outside,
            ignore,
            generic,
        )


def _sector(index: int, raw: Any, problems: list[str]) -> Sector:
    if not isinstance(raw, dict):
        problems.append(f"sectors[{index}]: must be a mapping")
        raw = {}
    code = str(raw.get("code", ""))
    where = f"sector {code or '#' + str(index)}"
    if not _SECTOR_CODE.match(code):
        problems.append(f"{where}: code must be 2-6 capital letters")
    for name in ("name_zh", "name_en", "scope"):
        if not raw.get(name):
            problems.append(f"{where}: '{name}' is missing")
    hs = _lines(raw.get("hs", []), _HS_CODE, f"{where} hs", problems)
    ics = _lines(raw.get("ics", []), _ICS_CODE, f"{where} ics", problems)
    phrases = _phrases(raw.get("phrases", {}), where, problems)
    if not (hs or ics or any(phrases.values())):
        problems.append(f"{where}: has no codes and no phrases, it could never be tagged")
    subfields = tuple(
        (str(s.get("zh", "")), str(s.get("en", ""))) for s in raw.get("subfields", []) if isinstance(s, dict)
    )
    return Sector(
        code,
        str(raw.get("name_zh", "")),
        str(raw.get("name_en", "")),
        str(raw.get("scope", "")),
        subfields,
        hs,
        ics,
        phrases,
    )


def _lines(raw: Any, pattern: re.Pattern, where: str, problems: list[str]) -> tuple[CodeLine, ...]:
    if not isinstance(raw, list):
        problems.append(f"{where}: must be a list")
        return ()
    lines = []
    for entry in raw:
        row = entry if isinstance(entry, dict) else {"code": entry}
        code, strength = str(row.get("code", "")), row.get("strength", "core")
        if not pattern.match(code):
            problems.append(f"{where}: malformed code {code!r}")
        if strength not in STRENGTHS:
            problems.append(f"{where} {code}: strength must be one of {STRENGTHS}, not {strength!r}")
        label = str(row.get("en") or row.get("title") or "")
        lines.append(CodeLine(code, strength, label, str(row.get("zh") or "")))
    return tuple(lines)


def _phrases(raw: Any, where: str, problems: list[str]) -> Mapping[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        problems.append(f"{where} phrases: must be a mapping language -> list")
        return MappingProxyType({})
    out = {}
    for lang, items in raw.items():
        if lang not in LANGUAGES:
            problems.append(f"{where} phrases: unknown language {lang!r} (use {LANGUAGES})")
        if not isinstance(items, list) or not all(isinstance(p, str) and p.strip() for p in items):
            problems.append(f"{where} phrases[{lang}]: must be a list of non-empty strings")
            continue
        out[lang] = tuple(items)
    return MappingProxyType(out)
