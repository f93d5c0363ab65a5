"""K-fold cross-validation on real records: the honest estimate of how the shipped recipe does.

For each fold a model is trained on the generated data plus the other folds' records (the recipe
of ``nlp.training.train`` with ``records``), and the fold's records are classified with and without
codes. Predictions of all folds are pooled and scored with ``nlp.evaluate.report``. Records of one
notification family (same description) stay in one fold, so an addendum cannot leak its original.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence

from nlp.catalogue import DEFAULT_EDITION, load_edition
from nlp.classifier import Classifier
from nlp.evaluate import report
from nlp.item import ItemText
from nlp.training import train_pipeline


def cross_validate(
    records: Sequence[dict], folds: int = 5, seed: int = 0, edition: str = DEFAULT_EDITION, with_records: bool = True
) -> dict:
    """``{"codes": evaluation, "text_only": evaluation}``; ``with_records=False`` trains every fold
    on generated data only (then folds differ only in what they are scored on)."""
    catalogue = load_edition(edition)
    assignment = _folds(records, folds, seed)
    pooled: dict[str, tuple[list, list, float]] = {"codes": ([], [], 0.0), "text_only": ([], [], 0.0)}
    for fold in range(folds):
        train = [r for r, f in zip(records, assignment, strict=False) if f != fold] if with_records else []
        test = [r for r, f in zip(records, assignment, strict=False) if f == fold]
        classifier = Classifier(catalogue, train_pipeline(seed=seed, edition=edition, records=train))
        for mode, text_only in (("codes", False), ("text_only", True)):
            start = time.perf_counter()
            results = classifier.classify_many([ItemText.from_record(r, text_only=text_only) for r in test])
            gold, predicted, elapsed = pooled[mode]
            pooled[mode] = (gold + test, predicted + results, elapsed + time.perf_counter() - start)
    return {
        mode: report(gold, predicted, catalogue.codes, elapsed) for mode, (gold, predicted, elapsed) in pooled.items()
    }


def _folds(records: Sequence[dict], folds: int, seed: int) -> list[int]:
    families = sorted({_family(r) for r in records})
    random.Random(seed).shuffle(families)
    fold_of = {family: i % folds for i, family in enumerate(families)}
    return [fold_of[_family(r)] for r in records]


def _family(record: dict) -> str:
    return (record.get("products_text") or record.get("title") or record.get("description") or "")[:60]
