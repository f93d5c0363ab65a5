"""Sector and HS-chapter classifier: codes + phrases + a trained spaCy model, with reasons.

Evidence per sector and how it is weighed (the table in ``nlp/MODEL.md``; thresholds below). What
counts most is *where* a product is named: the title and the start of the products say what an
item covers, the rest of a long description mentions many things in passing.

* a **core** code (HS or ICS prefix of the edition, given or quoted in the text) decides alone;
* a specific **phrase** of the sector in the title or products decides alone (the model cannot veto
  it: its bag-of-words score drops on long real texts even when they name the product);
* a **generic** phrase there (the edition's ``generic`` list: "battery", "computer", "software")
  decides with other evidence: another phrase, a partial code, or the model's agreement;
* phrases only in the description decide with a partial code or the model's agreement, or when
  ``MENTIONS_DECIDE`` distinct ones appear and the products name nothing outside the catalogue;
  generic phrases there are no evidence;
* a **partial** code of a heading or finer decides with the model's agreement (``MODEL_CONFIRMS``);
* the **model** alone decides from ``MODEL_DECIDES``, or from ``MODEL_DECIDES_OUTSIDE`` when the
  text names products outside the catalogue (food, toys, textiles, vehicles…);
* SPS notifications (food safety, animal and plant health) are tagged only with ``BIO`` named in
  their title or products (veterinary medicines, vaccines, GMOs), never when they set residue limits.

Origin is ``rule`` when codes or phrases decided, ``model`` when the model score alone did; the
tag's ``basis`` names the evidence that decided it. Sectors of an edition the model was not
trained on get rule evidence only. HS chapters: see ``nlp.hs_chapters``.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import cast

import numpy
import spacy
from spacy.language import Language
from spacy.pipeline import TextCategorizer
from spacy.strings import StringStore
from spacy.tokens import Doc

from nlp import reasons as why
from nlp.catalogue import DEFAULT_EDITION, Catalogue, load_edition
from nlp.codes import CodeIndex, CodeMatch, hs_code_list, hs_codes_in_text, ics_codes_in_text
from nlp.hs_chapters import HS_LABEL_PREFIX, ChapterDecision, ChapterTerms, chapter_decisions, rank_chapters
from nlp.item import ItemText
from nlp.phrases import OUTSIDE, PhraseEvidence
from nlp.text import MixedScriptTokenizer, tokens, word_count  # registers the model's tokenizer
from nlp.urgency import Urgency, assess

MODEL_DIR = Path(__file__).parent / "model"
MODEL_DECIDES = 0.5
MODEL_DECIDES_OUTSIDE = 0.85
MODEL_CONFIRMS = 0.5
NAMED_TOKENS = 60  # the products list beyond this many tokens reads like a description
NAMED_MIN = 3  # with fewer tokens of products and title, the description's start names the products
MENTIONS_DECIDE = 2  # distinct phrases of a sector that decide from the description alone
SPS_SECTORS = frozenset({"BIO"})
RESIDUE_WORDS = ("residue", "残留", "residuo", "residu")
MAX_CHARS = 2000  # long descriptions add little once products and title are read
PARALLEL_FROM = 2000  # below this many items, forking workers costs more than it saves


@dataclass(frozen=True)
class SectorScore:
    code: str
    score: float
    decided: bool
    reasons: list[str]
    origin: str  # "rule" | "model"
    basis: str = ""  # the strongest evidence: "code", "named", "generic", "mentioned", "partial", "model", ""


@dataclass
class Classification:
    sectors: list[SectorScore]
    hs_chapters: list[tuple[str, float]]
    edition: str

    @property
    def tags(self) -> list[str]:
        return [s.code for s in self.sectors if s.decided]

    @property
    def chapter_decisions(self) -> list[ChapterDecision]:
        return chapter_decisions(self.hs_chapters)

    @property
    def decided_chapters(self) -> list[str]:
        """HS chapters that count: given or quoted codes, else guesses from ``GUESS_DECIDES``."""
        return [d.chapter for d in self.chapter_decisions if d.decided]

    def urgency(self, item: ItemText, today: date) -> Urgency:
        return assess(item, self.sectors, today)


class Classifier:
    def __init__(self, catalogue: Catalogue, nlp: Language):
        if not isinstance(nlp.tokenizer, MixedScriptTokenizer):
            raise ValueError("the classifier makes its docs as nlp.text.MixedScriptTokenizer does")
        self.catalogue = catalogue
        self.nlp = nlp
        self.codes = CodeIndex(catalogue)
        self.phrases = PhraseEvidence(catalogue, nlp)
        self.generic = self.phrases.generic
        self.chapter_terms = ChapterTerms(nlp)
        self._sector_model = cast(TextCategorizer, nlp.get_pipe("sectors"))
        self._hs_model = cast(TextCategorizer, nlp.get_pipe("hs_chapters"))
        self._sector_labels = list(self._sector_model.labels)
        self._chapters = [label[len(HS_LABEL_PREFIX) :] for label in self._hs_model.labels]
        self._orths = _Orths(nlp.vocab.strings)

    @classmethod
    def load(cls, edition: str | Path = DEFAULT_EDITION, model_dir: Path = MODEL_DIR) -> Classifier:
        return cls(load_edition(edition), spacy.load(model_dir))

    def classify(self, item: ItemText) -> Classification:
        return self.classify_many([item])[0]

    def classify_many(
        self, items: Iterable[ItemText], batch_size: int = 256, n_process: int | None = None
    ) -> list[Classification]:
        """Classify in batches; large inputs are split over ``n_process`` forked workers
        (default: up to two, for at least ``PARALLEL_FROM`` items)."""
        items = list(items)
        if n_process is None:
            n_process = min(2, os.cpu_count() or 1) if len(items) >= PARALLEL_FROM else 1
        if n_process > 1 and "fork" in multiprocessing.get_all_start_methods():
            return _classify_in_workers(self, items, n_process, batch_size)
        results = []
        for start in range(0, len(items), batch_size):
            batch = items[start : start + batch_size]
            texts = [item.text[:MAX_CHARS] for item in batch]
            # The tokenizer's docs, made here to keep their tokens' texts (they show the phrases
            # found), of the words' hashes (see _Orths; spaCy's stub omits that Doc takes them).
            words = [tokens(text) for text in texts]
            orths = self._orths
            docs = [Doc(self.nlp.vocab, words=[orths[w] for w in ws]) for ws in words]  # type: ignore[misc]
            # The components' scores are read as arrays: writing ~100 floats per doc into
            # doc.cats (what nlp.pipe does) cost more than the models themselves.
            sector_scores = self._sector_model.predict(docs).tolist()
            hs_top = _top_chapters(self._chapters, self._hs_model.predict(docs))
            for item, text, doc, w, scores, chapters in zip(
                batch, texts, docs, words, sector_scores, hs_top, strict=True
            ):
                model = dict(zip(self._sector_labels, scores, strict=False))
                results.append(self._decide(item, text, doc, w, model, chapters))
        return results

    def _decide(
        self,
        item: ItemText,
        text: str,
        doc: Doc,
        words: list[str],
        model: dict[str, float],
        model_chapters: dict[str, float],
    ) -> Classification:
        hs = list(item.hs_codes) + hs_codes_in_text(text) + hs_code_list(item.products_text)
        ics = list(item.ics_codes) + ics_codes_in_text(text)
        matches: dict[str, list[CodeMatch]] = {}
        for m in self.codes.match(hs, ics):
            matches.setdefault(m.sector, []).append(m)
        phrases = self.phrases(doc, words)
        named_at = _named_positions(item)
        outside = phrases.get(OUTSIDE, [])
        sps = (item.committee or "").upper() == "SPS"
        context = _Context(
            outside_named=any(named_at(at) for _, at in outside),
            outside=bool(outside),
            sps=sps,
            residue=sps and any(w in text.lower() for w in RESIDUE_WORDS),
        )
        sectors = []
        for code in self.catalogue.codes:
            named: list[str] = []
            named_generic: list[str] = []
            mentioned: list[str] = []
            for p, at in phrases.get(code, ()):
                if named_at(at):
                    (named_generic if p in self.generic else named).append(p)
                elif p not in self.generic:
                    mentioned.append(p)
            sectors.append(
                _sector_score(
                    code, model.get(code, 0.0), matches.get(code, ()), named, named_generic, mentioned, context
                )
            )
        sectors.sort(key=lambda s: (not s.decided, -s.score))
        chapters = rank_chapters(hs, model_chapters, named=self.chapter_terms(doc, named_at))
        return Classification(sectors, chapters, self.catalogue.edition)


def _named_positions(item: ItemText) -> Callable[[int], bool]:
    """Whether a token of ``item.text`` (products, title, description) is where the item says what
    it covers: the title and the start of the products, or the start of the description when the
    item has neither; the rest is where products are mentioned in passing."""
    products = word_count(item.products_text or "")
    title = word_count(item.title or "")
    if products + title < NAMED_MIN:
        return lambda at: at < products + title + NAMED_TOKENS
    return lambda at: at < min(products, NAMED_TOKENS) or products <= at < products + title


@dataclass(frozen=True)
class _Context:
    outside_named: bool  # the products or title name products outside the catalogue
    outside: bool  # the text does, anywhere
    sps: bool
    residue: bool


def _top_chapters(chapters: list[str], scores, top: int = 5) -> list[dict[str, float]]:
    """The ``top`` chapters of each row of ``scores``, in argpartition's order (which orders ties)."""
    best = numpy.argpartition(-scores, top, axis=1)[:, :top]
    values = numpy.take_along_axis(scores, best, axis=1).tolist()
    return [dict(zip([chapters[i] for i in row], v, strict=True)) for row, v in zip(best.tolist(), values, strict=True)]


def _sector_score(
    code: str,
    model: float,
    codes: Iterable[CodeMatch],
    named: list[str],
    named_generic: list[str],
    mentioned: list[str],
    context: _Context,
) -> SectorScore:
    """``named``: the sector's phrases in the products or title; ``named_generic``: generic ones
    there; ``mentioned``: specific phrases only in the description (passing mentions, most of
    them; generic ones there are not evidence at all)."""
    core: list[CodeMatch] = []
    partial: list[CodeMatch] = []
    for m in codes:
        if m.strength == "core":
            core.append(m)
        # a chapter ("85") touching a partial line says little: only headings or finer codes confirm
        elif m.strength == "partial" and len(m.code.replace(".", "")) >= 4:
            partial.append(m)
    phrases = named + named_generic
    if mentioned:
        phrases += [p for p in mentioned if p not in phrases]
    reasons = [m.reason() for m in core + partial] if core or partial else []
    if phrases:
        reasons += [_phrase_reason(p) for p in phrases]
    reasons.append(_model_reason(f"{model:.2f}"))
    confirmed = model >= MODEL_CONFIRMS
    rule_score, basis = 0.0, ""
    if core:
        rule_score, basis = 0.9, "code"
    elif named:
        rule_score, basis = min(0.85, 0.65 + 0.05 * len(phrases) + (0.1 if partial else 0.0)), "named"
    elif named_generic and (confirmed or partial or mentioned):
        rule_score, basis = 0.6, "generic"
    elif mentioned and (partial or confirmed or (len(mentioned) >= MENTIONS_DECIDE and not context.outside_named)):
        rule_score, basis = 0.55, "mentioned"
    elif partial and confirmed:
        rule_score, basis = 0.6, "partial"
    model_bar = MODEL_DECIDES_OUTSIDE if context.outside else MODEL_DECIDES
    decided = rule_score >= 0.5 or model >= model_bar
    if not basis and decided:
        basis = "model"
    if context.sps and not core and (code not in SPS_SECTORS or context.residue or not (named or named_generic)):
        decided = False
    if not decided:
        basis = ""
    origin = "rule" if rule_score >= 0.5 else "model"
    return SectorScore(code, round(max(rule_score, model), 4), decided, reasons, origin, basis)


# Reasons repeat from item to item (phrases of the catalogue, scores to two decimals): made once,
# they are also shared, so results pickle smaller.
@cache
def _phrase_reason(phrase: str) -> str:
    return why.PHRASE(phrase=phrase)


@cache
def _model_reason(score: str) -> str:
    return why.MODEL(score=score)


class _Orths(dict[str, int]):
    """Memo of the hashes of token texts in a vocabulary's strings: a doc made of hashes skips
    hashing its words, half the cost of making it."""

    def __init__(self, strings: StringStore):
        super().__init__()
        self.strings = strings

    def __missing__(self, word: str) -> int:
        orth = self[word] = self.strings.add(word)
        return orth


# Jobs of this process's worker pools, inherited by the forked workers and never pickled: a task
# is a job's key and a batch's bounds, so the items are not pickled to the workers either.
_worker_jobs: dict[int, tuple[Classifier, list[ItemText]]] = {}


def _classify_in_workers(
    classifier: Classifier, items: list[ItemText], n_process: int, batch_size: int
) -> list[Classification]:
    key = id(items)
    _worker_jobs[key] = classifier, items
    tasks = [(key, start, start + batch_size) for start in range(0, len(items), batch_size)]
    # One batch a task: the parent unpickles a batch's results while the workers classify the
    # next ones. The results are many small objects, and the collections of the whole heap they
    # set off tripled the cost of unpickling them; classifying makes no cyclic garbage.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with multiprocessing.get_context("fork").Pool(n_process) as pool:
            parts = pool.map(_classify_batch, tasks, chunksize=1)
    finally:
        del _worker_jobs[key]
        if collecting:
            gc.enable()
    return [result for part in parts for result in part]


def _classify_batch(task: tuple[int, int, int]) -> list[Classification]:
    key, start, end = task
    classifier, items = _worker_jobs[key]
    return classifier.classify_many(items[start:end], n_process=1)


@lru_cache(maxsize=1)
def _shipped_model() -> Language:
    return spacy.load(MODEL_DIR)


_classifiers: dict[str, Classifier] = {}


def get_classifier(edition: str = DEFAULT_EDITION) -> Classifier:
    """The shared classifier for an edition: the model is loaded once per process, and a new
    catalogue registered under the same edition name replaces the cached one."""
    catalogue = load_edition(edition)
    cached = _classifiers.get(catalogue.edition)
    if cached is None or cached.catalogue is not catalogue:
        cached = _classifiers[catalogue.edition] = Classifier(catalogue, _shipped_model())
    return cached
