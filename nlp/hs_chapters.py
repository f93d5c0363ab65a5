"""HS chapters: the chapters of the codes an item carries or quotes, the model's guesses, and which count.

The model is a spaCy ``textcat`` (exclusive classes) whose labels are ``HS`` + two-digit chapter,
trained from the HS nomenclature texts (see ``nlp.training``). Chapter terms
(``training/resources/hs_chapter_terms.yaml``: everyday product words per chapter in zh/en/fr/es,
"服装" → 61, 62) named in an item's products or title (:class:`ChapterTerms`) raise their
chapters to at least ``TERM_SCORE``. A ranking (:func:`rank_chapters`, stored with each classified
item) lists the chapters of given or quoted codes first, with score ``CODE_SCORE`` (1.0, in order
of appearance), then the guesses by score, which are kept below 1.0 so that the two can always be
told apart.

Which chapters *count* (:func:`decided_chapters`, :func:`chapter_decisions`) is one rule:

* chapters of given or quoted codes always count;
* when there are none, a guessed chapter counts from ``GUESS_DECIDES``, a threshold calibrated by
  cross-validation on real notifications (``nlp.training.crossval``; figures in ``nlp/MODEL.md``);
* guesses never add to codes the notification gives: the notifying member listed its products.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

HS_LABEL_PREFIX = "HS"
CODE_SCORE = 1.0
GUESS_CAP = 0.9999  # a guess is never stored as 1.0, the score of a given or quoted code
GUESS_DECIDES = 0.5  # calibrated by cross-validation: see nlp/MODEL.md, "HS chapters"
TERM_SCORE = 0.45  # a chapter whose terms the products or title name ranks high, but is not decided alone
TERMS = Path(__file__).parent / "training" / "resources" / "hs_chapter_terms.yaml"


@dataclass(frozen=True)
class ChapterDecision:
    chapter: str  # two digits, "85"
    score: float  # CODE_SCORE for given/quoted codes, else the model's probability
    origin: str  # "code" (given or quoted) | "guess" (the model's)
    decided: bool  # whether the chapter counts (matching, search, pages, alerts)


class ChapterTerms:
    """One PhraseMatcher over the chapter terms; which chapters a doc names where it counts."""

    def __init__(self, nlp: Language, path: Path = TERMS):
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        terms = yaml.safe_load(path.read_text(encoding="utf-8"))
        for chapter, by_language in terms.items():
            patterns = [nlp.make_doc(t) for words in by_language.values() for t in words]
            self.matcher.add(str(chapter), [p for p in patterns if len(p) and p[0].text != "-"])
        self._strings = nlp.vocab.strings

    def __call__(self, doc: Doc, counts: Callable[[int], bool]) -> list[str]:
        """Chapters whose terms appear at token positions where ``counts``, in order of appearance."""
        found = [self._strings[m] for m, start, _ in sorted(self.matcher(doc), key=lambda m: m[1]) if counts(start)]
        return list(dict.fromkeys(found))


def rank_chapters(
    hs_codes: list[str], model_scores: dict[str, float], top: int = 5, named: Sequence[str] = ()
) -> list[tuple[str, float]]:
    """Chapters of ``hs_codes`` (score 1.0), then the guesses: the model's, with the ``named``
    chapters (by their terms) raised to ``TERM_SCORE``, best first, ``top`` in all."""
    ranked: dict[str, float] = {}
    for code in hs_codes:
        digits = "".join(ch for ch in str(code) if ch.isdigit())
        if len(digits) >= 2:
            ranked.setdefault(digits[:2], CODE_SCORE)
    guesses = dict(model_scores)
    for chapter in named:
        guesses[chapter] = max(guesses.get(chapter, 0.0), TERM_SCORE)
    for chapter, score in sorted(guesses.items(), key=lambda kv: -kv[1]):
        if len(ranked) >= top:
            break
        ranked.setdefault(chapter, min(round(float(score), 4), GUESS_CAP))
    return list(ranked.items())


def chapter_decisions(
    ranked: Iterable[Sequence[str | float]], threshold: float = GUESS_DECIDES
) -> list[ChapterDecision]:
    """Each ranked chapter (``[(chapter, score), …]`` or the stored ``[[chapter, score], …]``) with
    its origin and decision, in ranking order."""
    pairs = [(str(pair[0]), float(pair[1])) for pair in ranked]
    has_codes = any(score >= CODE_SCORE for _, score in pairs)
    decisions = []
    for chapter, score in pairs:
        origin = "code" if score >= CODE_SCORE else "guess"
        decided = origin == "code" or (not has_codes and score >= threshold)
        decisions.append(ChapterDecision(chapter, score, origin, decided))
    return decisions


def decided_chapters(ranked: Iterable[Sequence[str | float]], threshold: float = GUESS_DECIDES) -> list[str]:
    """The chapters that count, in ranking order: given/quoted ones, else guesses from ``threshold``."""
    return [d.chapter for d in chapter_decisions(ranked, threshold) if d.decided]
