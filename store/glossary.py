"""The bilingual product glossary that lets a Chinese query find English, French and Spanish
text, and an English query Chinese text (``也搜索了：battery, accumulator, 电池 …``).

Three files in ``store/data`` make it, in this order of precedence:

* ``glossary.yaml``: product terms in zh, en, fr and es, written for search (everyday names,
  the 100 most frequent product terms of the sample notifications);
* ``glossary_catalogue.csv``: the Chinese and English product names of the High-Tech
  Products Export Catalogue (2003 edition's HS table, as ``nlp/catalogue`` ships it), each
  Chinese name also cut at its parentheses and 、 (``便携式自动数据处理设备（笔记本电脑、平板电脑）``),
  each English one cut before its first comma, semicolon or parenthesis;
* ``glossary_hs.csv``: each HS chapter's Chinese name with its English description (cut the
  same way) and its French and Spanish names (from ``nlp/training/resources``).

A term is looked up in any of its word forms (:func:`store.search_text.query_forms`), so
``batteries`` finds the entry of ``battery``. A CJK run that is no entry but is made of entries
from end to end (``锂电池回收`` → ``锂电池``, ``回收``) is searched as those words.
"""

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml

from store.search_syntax import Clause, expand
from store.search_text import is_cjk, query_forms

DATA = Path(__file__).parent / "data"
LANGUAGES = ("zh", "en", "fr", "es")  # the order in which added terms are listed (and kept, up to MAX_ADDED)
MAX_ADDED = 10  # terms the glossary adds to one clause at most
MAX_PHRASE_WORDS = 4  # adjacent query words read together as one glossary term at most
_CUT = re.compile(r"[,;(（]")


@dataclass
class Glossary:
    entries: list[dict[str, list[str]]] = field(default_factory=list)
    index: dict[object, list[int]] = field(default_factory=dict)

    def add(self, entry: dict[str, list[str]]) -> None:
        entry = {language: [t.strip() for t in entry.get(language) or [] if t and t.strip()] for language in LANGUAGES}
        number = len(self.entries)
        self.entries.append(entry)
        for term in (t for terms in entry.values() for t in terms):
            for key in _keys(term):
                numbers = self.index.setdefault(key, [])
                if number not in numbers:
                    numbers.append(number)

    def knows(self, term: str) -> bool:
        return any(key in self.index for key in _keys(term))

    def lookup(self, term: str) -> list[tuple[str, str]]:
        """The other terms of every entry that has ``term``, with their language, in
        :data:`LANGUAGES` order."""
        numbers = sorted({n for key in _keys(term) for n in self.index.get(key, ())})
        found = [(t, language) for language in LANGUAGES for n in numbers for t in self.entries[n][language]]
        own = set(_keys(term))
        return [(t, language) for t, language in dict.fromkeys(found) if own.isdisjoint(_keys(t))]

    def expand(self, clauses: list[Clause]) -> list[Clause]:
        """``clauses`` with the glossary's terms added to each unquoted, positive one (at most
        :data:`MAX_ADDED`): adjacent plain words that together are a glossary term become one
        clause first, and a CJK run is cut into glossary words when it is made of them."""
        clauses = self._segment(self._phrases(clauses))
        expanded = expand(clauses, self.lookup)
        return [
            replace(
                c,
                terms=c.terms[: len(c.terms) - len(c.added) + MAX_ADDED],
                added=c.added[:MAX_ADDED],
                added_languages=c.added_languages[:MAX_ADDED],
            )
            for c in expanded
        ]

    def _phrases(self, clauses: list[Clause]) -> list[Clause]:
        out: list[Clause] = []
        i = 0
        while i < len(clauses):
            for n in range(min(MAX_PHRASE_WORDS, len(clauses) - i), 1, -1):
                group = clauses[i : i + n]
                if all(_plain_word(c) for c in group):
                    phrase = " ".join(c.terms[0] for c in group)
                    if self.knows(phrase):
                        out.append(Clause((phrase,), loose=True))
                        i += n
                        break
            else:
                out.append(clauses[i])
                i += 1
        return out

    def _segment(self, clauses: list[Clause]) -> list[Clause]:
        out: list[Clause] = []
        for clause in clauses:
            run = clause.terms[0]
            if len(clause.terms) == 1 and not (clause.quoted or clause.negated) and is_cjk(run) and not self.knows(run):
                pieces = self._pieces(run)
                if pieces:
                    out += [Clause((p,)) for p in pieces]
                    continue
            out.append(clause)
        return out

    def _pieces(self, run: str) -> list[str] | None:
        """``run`` as glossary words from end to end, longest first, or None."""
        pieces, start = [], 0
        while start < len(run):
            end = next((e for e in range(len(run), start + 1, -1) if run[start:e] in self.index), None)
            if end is None:
                return None
            pieces.append(run[start:end])
            start = end
        return pieces if len(pieces) > 1 else None


def _plain_word(clause: Clause) -> bool:
    return len(clause.terms) == 1 and not (clause.quoted or clause.negated) and not is_cjk(clause.terms[0])


def _keys(term: str) -> list:
    return [term] if is_cjk(term) else list(query_forms(term))


def short_name(name: str) -> str:
    """An English nomenclature name up to its first comma, semicolon or parenthesis."""
    return _CUT.split(name, maxsplit=1)[0].removesuffix(" thereof").strip()


def chinese_names(name: str) -> list[str]:
    """A Chinese product name without its parenthesis, then each name inside it."""
    outside = re.sub(r"（[^）]*）|\([^)]*\)", "", name).strip()
    inside = [
        p for group in re.findall(r"（([^）]*)）|\(([^)]*)\)", name) for g in group for p in re.split("[、，,]", g)
    ]
    return [n for n in dict.fromkeys([outside, *inside]) if n]


def _entries() -> Iterable[dict[str, list[str]]]:
    yield from yaml.safe_load((DATA / "glossary.yaml").read_text(encoding="utf-8"))
    with (DATA / "glossary_catalogue.csv").open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            yield {"zh": chinese_names(row["zh"]), "en": [short_name(row["en"])]}
    with (DATA / "glossary_hs.csv").open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            yield {"zh": [row["zh"]], "en": [short_name(row["en"])], "fr": [row["fr"]], "es": [row["es"]]}


@lru_cache(maxsize=1)
def glossary() -> Glossary:
    """The glossary of the files in ``store/data`` (read once)."""
    built = Glossary()
    for entry in _entries():
        built.add(entry)
    return built
