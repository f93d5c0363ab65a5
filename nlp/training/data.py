"""Training data built from the catalogue and the nomenclatures, not from real notifications.

Sector examples (multi-label over the edition's sectors):

* positives: HS subheadings under each **core** HS line and ICS subgroups under each core ICS
  line (English nomenclature titles), the catalogue's own product names (zh/en, partial lines
  included, since they name the high-tech product), its phrases in zh/en/fr/es and its scope;
* negatives: every other HS subheading and ICS subgroup (food, textiles, vehicles, steel, household
  appliances…) except those under partial lines, which are ambiguous, and the outside phrases;
* ``resources/labelled_sentences.yaml``: hand-written sentences for the settled cases.

Short items are wrapped in notification-like templates of their language ("Draft technical
regulation on …", "关于…的技术法规草案"), so that the template words carry no signal. Real
notifications are long and name many things, so ``COMPOSITES`` longer examples are also made by
joining one or two items with two to four negative ones (their tags are the union): a product
of the catalogue keeps its weight however much else the text says.

HS chapter examples (one chapter each): HS chapter, heading and subheading descriptions (at most
``HS_PER_CHAPTER`` per chapter), the
Chinese/Spanish/French chapter terms in ``resources/hs_chapter_terms.yaml``, and the catalogue's
Chinese product names under the chapter of their HS line.

Real records in the dev-set schema can be added (``records_to_examples``) for cross-validation
folds; the shipped model is trained without them unless asked.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from nlp.catalogue import Catalogue
from nlp.hs_chapters import HS_LABEL_PREFIX
from nlp.item import ItemText

RESOURCES = Path(__file__).parent / "resources"
COMPOSITES = 6000
HS_PER_CHAPTER = 80

TEMPLATES = {
    "en": [
        "Draft technical regulation on {}",
        "This standard specifies requirements, sampling and test methods for {}.",
        "Products covered: {}",
        "Amendment to the conformity assessment procedures for {}",
        "{} — safety requirements",
        "Labelling requirements for {}",
        "Proposed rule on {}; request for comments",
        "Mandatory national standard for {} (in English)",
        "{}",
    ],
    "zh": [
        "关于{}的技术法规草案",
        "本标准规定了{}的要求、取样和试验方法。",
        "{}强制性国家标准",
        "{}合格评定程序修订",
        "{}安全要求",
        "{}标签要求",
        "产品范围：{}",
        "{}",
    ],
    "es": [
        "Proyecto de reglamento técnico sobre {}",
        "Norma que establece los requisitos para {}",
        "Productos abarcados: {}",
        "Procedimiento de evaluación de la conformidad de {}",
        "{}",
    ],
    "fr": [
        "Projet de règlement technique concernant {}",
        "Norme fixant les exigences applicables aux {}",
        "Produits visés : {}",
        "Procédure d'évaluation de la conformité des {}",
        "{}",
    ],
}


@dataclass(frozen=True)
class Example:
    text: str
    cats: dict[str, float]


def _csv(name: str) -> list[dict[str, str]]:
    with open(RESOURCES / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _wrap(rng: random.Random, text: str, lang: str) -> str:
    return rng.choice(TEMPLATES[lang]).format(text)


def sector_examples(catalogue: Catalogue, rng: random.Random) -> list[Example]:
    codes = catalogue.codes
    labelled: list[tuple[str, list[str]]] = []

    def tags_for(code: str, lines_by_sector) -> tuple[list[str], bool]:
        """Sectors whose core lines cover the code, and whether a partial line touches it."""
        core, partial = [], False
        for sector, lines in lines_by_sector.items():
            for line in lines:
                if code.startswith(line.code):
                    if line.strength == "core":
                        core.append(sector)
                    else:
                        partial = True
        return sorted(set(core)), partial

    hs_lines = {s.code: s.hs for s in catalogue.sectors}
    for row in _csv("hs_subheadings.csv") + _csv("hs_headings.csv"):
        code = row.get("subheading") or row["heading"]
        tags, partial = tags_for(code, hs_lines)
        if tags or not partial:
            labelled.append((_wrap(rng, row["description"], "en"), tags))
    ics_lines = {s.code: s.ics for s in catalogue.sectors}
    for row in _csv("ics_groups.csv") + _csv("ics_subgroups.csv"):
        tags, partial = tags_for(row["code"], ics_lines)
        if tags or not partial:
            labelled.append((_wrap(rng, row["title_en"], "en"), tags))
    for sector in catalogue.sectors:
        for line in sector.hs:
            labelled.append((_wrap(rng, line.label, "en"), [sector.code]))
        for lang, phrases in sector.phrases.items():
            for phrase in phrases:
                for _ in range(2):
                    labelled.append((_wrap(rng, phrase, lang), [sector.code]))
        for item in sector.scope.rstrip(".").split(", "):
            labelled.append((_wrap(rng, item, "en"), [sector.code]))
        for zh, en in sector.subfields:
            labelled += [(_wrap(rng, zh, "zh"), [sector.code]), (_wrap(rng, en, "en"), [sector.code])]
    for lang, phrases in catalogue.outside_phrases.items():
        for phrase in phrases:
            for _ in range(2):
                labelled.append((_wrap(rng, phrase, lang), []))
    for entry in yaml.safe_load((RESOURCES / "labelled_sentences.yaml").read_text(encoding="utf-8")):
        for _ in range(3):
            labelled.append((entry["text"], entry["tags"]))
    labelled += _chinese_product_names(catalogue, rng)
    labelled += _composites(labelled, rng)
    return [Example(text, {c: float(c in tags) for c in codes}) for text, tags in labelled]


def _composites(labelled: list[tuple[str, list[str]]], rng: random.Random) -> list[tuple[str, list[str]]]:
    positives = [x for x in labelled if x[1]]
    negatives = [x for x in labelled if not x[1]]
    out = []
    for i in range(COMPOSITES):
        parts = rng.sample(negatives, rng.randint(2, 4))
        if i % 3:  # two thirds carry catalogue products, one third is all negative
            parts += rng.sample(positives, 1 if i % 5 else 2)
        rng.shuffle(parts)
        out.append((". ".join(text for text, _ in parts), sorted({t for _, tags in parts for t in tags})))
    return out


def _chinese_product_names(catalogue: Catalogue, rng: random.Random) -> list[tuple[str, list[str]]]:
    """Catalogue zh product names are positives; zh HS chapter terms of non-catalogue chapters negatives."""
    out: list[tuple[str, list[str]]] = []
    for sector_code, _, zh_name in _catalogue_zh_lines(catalogue):
        out.append((_wrap(rng, zh_name, "zh"), [sector_code]))
    covered = {line.code[:2] for s in catalogue.sectors for line in s.hs}
    for chapter, by_lang in _chapter_terms().items():
        if chapter in covered:
            continue
        for lang, terms in by_lang.items():
            out += [(_wrap(rng, t, lang), []) for t in terms]
    return out


def _catalogue_zh_lines(catalogue: Catalogue) -> list[tuple[str, str, str]]:
    """(sector, HS code, Chinese product name) of the shipped edition file; the loaded
    Catalogue keeps only English labels."""
    path = Path(__file__).parents[1] / "catalogue" / "editions" / f"{catalogue.edition}.yaml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        (s["code"], line["code"], line["zh"]) for s in data["sectors"] for line in s.get("hs", []) if line.get("zh")
    ]


def _chapter_terms() -> dict[str, dict[str, list[str]]]:
    return yaml.safe_load((RESOURCES / "hs_chapter_terms.yaml").read_text(encoding="utf-8"))


def hs_chapter_examples(catalogue: Catalogue, rng: random.Random) -> list[Example]:
    """At most ``HS_PER_CHAPTER`` nomenclature texts per chapter: chapter 84 alone has ten times
    more subheadings than chapter 04, and an unbalanced model ranks 84 first for anything."""
    chapters = [row["chapter"] for row in _csv("hs_chapters.csv") if row["chapter"] not in ("99",)]
    by_chapter: dict[str, list[str]] = {c: [] for c in chapters}
    for row in _csv("hs_chapters.csv") + _csv("hs_headings.csv") + _csv("hs_subheadings.csv"):
        if row["chapter"] in by_chapter:
            by_chapter[row["chapter"]].append(row["description"])
    labelled: list[tuple[str, str]] = []
    for chapter, texts in by_chapter.items():
        head, rest = texts[:1], texts[1:]  # the chapter title itself is always kept
        kept = head + (rng.sample(rest, HS_PER_CHAPTER) if len(rest) > HS_PER_CHAPTER else rest)
        labelled += [(_wrap(rng, text, "en"), chapter) for text in kept]
    for chapter, by_lang in _chapter_terms().items():
        for lang, terms in by_lang.items():
            for term in terms:
                for _ in range(3):
                    labelled.append((_wrap(rng, term, lang), chapter))
    for _, code, zh_name in _catalogue_zh_lines(catalogue):
        if code[:2] in chapters:
            labelled.append((_wrap(rng, zh_name, "zh"), code[:2]))
    return [Example(text, _one_hot(chapter, chapters)) for text, chapter in labelled]


def _one_hot(chapter: str, chapters: list[str]) -> dict[str, float]:
    return {HS_LABEL_PREFIX + c: float(c == chapter) for c in chapters}


def records_to_examples(records: Iterable[dict], catalogue: Catalogue) -> list[Example]:
    """Real records (dev-set schema) → sector examples."""
    out: list[Example] = []
    for record in records:
        gold = set(record.get("sectors") or [])
        out += text_examples(ItemText.from_record(record), {c: float(c in gold) for c in catalogue.codes})
    return out


def text_examples(item: ItemText, cats: dict[str, float]) -> list[Example]:
    """An item's sector example (``cats``: the labels known, others left out of the loss).

    Real items give no HS chapter examples: a notification lists several chapters, and as one
    one-hot example per chapter they taught the exclusive chapter model contradictions (top-3
    recall from text, cross-validated, 0.88 with them, 0.94 without; see nlp/MODEL.md)."""
    text = item.text
    return [Example(text, cats)] if text and cats else []
