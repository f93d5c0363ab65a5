"""HS chapters: the chapters of the codes an item carries or quotes, the model's guesses, and which count.

The model is a spaCy ``textcat`` (exclusive classes) whose labels are ``HS`` + two-digit chapter,
trained from the HS nomenclature texts (see ``nlp.training``). A ranking (:func:`rank_chapters`,
stored with each classified item) lists the chapters of given or quoted codes first, with score
``CODE_SCORE`` (1.0, in order of appearance), then the model's guesses with their probabilities,
which are kept below 1.0 so that the two can always be told apart.

Which chapters *count* (:func:`decided_chapters`, :func:`chapter_decisions`) is one rule:

* chapters of given or quoted codes always count;
* when there are none, a guessed chapter counts from ``GUESS_DECIDES``, a threshold calibrated by
  cross-validation on real notifications (``nlp.training.crossval``; figures in ``nlp/MODEL.md``);
* guesses never add to codes the notification gives: the notifying member listed its products.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

HS_LABEL_PREFIX = "HS"
CODE_SCORE = 1.0
GUESS_CAP = 0.9999  # a guess is never stored as 1.0, the score of a given or quoted code
GUESS_DECIDES = 0.5  # calibrated by cross-validation: see nlp/MODEL.md, "HS chapters"


@dataclass(frozen=True)
class ChapterDecision:
    chapter: str  # two digits, "85"
    score: float  # CODE_SCORE for given/quoted codes, else the model's probability
    origin: str  # "code" (given or quoted) | "guess" (the model's)
    decided: bool  # whether the chapter counts (matching, search, pages, alerts)


def rank_chapters(hs_codes: list[str], model_scores: dict[str, float], top: int = 5) -> list[tuple[str, float]]:
    """Chapters of ``hs_codes`` (score 1.0), then the model's best guesses, ``top`` in all."""
    ranked: dict[str, float] = {}
    for code in hs_codes:
        digits = "".join(ch for ch in str(code) if ch.isdigit())
        if len(digits) >= 2:
            ranked.setdefault(digits[:2], CODE_SCORE)
    for chapter, score in sorted(model_scores.items(), key=lambda kv: -kv[1]):
        if len(ranked) >= top:
            break
        ranked.setdefault(chapter, min(round(float(score), 4), GUESS_CAP))
    return list(ranked.items())


def chapter_decisions(ranked: Iterable[Sequence[object]], threshold: float = GUESS_DECIDES) -> list[ChapterDecision]:
    """Each ranked chapter (``[(chapter, score), …]`` or the stored ``[[chapter, score], …]``) with
    its origin and decision, in ranking order."""
    pairs = [(str(pair[0]), float(pair[1])) for pair in ranked]  # type: ignore[arg-type]
    has_codes = any(score >= CODE_SCORE for _, score in pairs)
    decisions = []
    for chapter, score in pairs:
        origin = "code" if score >= CODE_SCORE else "guess"
        decided = origin == "code" or (not has_codes and score >= threshold)
        decisions.append(ChapterDecision(chapter, score, origin, decided))
    return decisions


def decided_chapters(ranked: Iterable[Sequence[object]], threshold: float = GUESS_DECIDES) -> list[str]:
    """The chapters that count, in ranking order: given/quoted ones, else guesses from ``threshold``."""
    return [d.chapter for d in chapter_decisions(ranked, threshold) if d.decided]
