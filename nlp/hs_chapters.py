"""HS chapter ranking: chapters of the codes an item carries or quotes, then the model's guesses.

The model is a spaCy ``textcat`` (exclusive classes) whose labels are ``HS`` + two-digit chapter,
trained from the HS nomenclature texts (see ``nlp.training``). Quoted codes are trusted first
(score 1.0, in order of appearance); model chapters follow with their probabilities.
"""

from __future__ import annotations

HS_LABEL_PREFIX = "HS"


def rank_chapters(hs_codes: list[str], model_scores: dict[str, float], top: int = 5) -> list[tuple[str, float]]:
    ranked: dict[str, float] = {}
    for code in hs_codes:
        digits = "".join(ch for ch in str(code) if ch.isdigit())
        if len(digits) >= 2:
            ranked.setdefault(digits[:2], 1.0)
    for chapter, score in sorted(model_scores.items(), key=lambda kv: -kv[1]):
        if len(ranked) >= top:
            break
        ranked.setdefault(chapter, round(float(score), 4))
    return list(ranked.items())
