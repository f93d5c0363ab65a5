"""Honest estimates on real records: k-fold cross-validation, and a held-out part never tuned on.

``split_held_out(records)`` sets aside about a quarter of the real records, chosen by a hash of
their notification family (so the same records every time, whatever the file order). Their errors
are never read: phrase lists, thresholds and training data are tuned on the other part only, by
cross-validation, and the held-out part is scored once per recipe (``held_out``).

For each fold of ``cross_validate`` a model is trained on the generated data plus the other folds'
records (the recipe of ``nlp.training.train`` with ``records``), and the fold's records are
classified with and without codes. Predictions of all folds are pooled and scored with
``nlp.evaluate.report``. Records of one notification family (same description) stay in one fold,
so an addendum cannot leak its original. The pooled text-only predictions also give the
precision/recall curve of decided HS chapter guesses (``hs_guess_curve``) from which
``nlp.hs_chapters.GUESS_DECIDES`` was chosen.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Sequence

from nlp.catalogue import DEFAULT_EDITION, load_edition
from nlp.classifier import Classification, Classifier
from nlp.evaluate import _gold_chapters, guess_metrics, report
from nlp.item import ItemText
from nlp.training import LabelledRecord, train_pipeline

HELD_OUT_EVERY = 4  # one family in four is held out
GUESS_THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
MODES = (("codes", False), ("text_only", True))


def split_held_out(records: Sequence[dict]) -> tuple[list[dict], list[dict]]:
    """(development part, held-out part) of ``records``, by a hash of each record's family."""
    dev: list[dict] = []
    held: list[dict] = []
    for record in records:
        digest = hashlib.sha256(_family(record).encode("utf-8")).digest()
        (held if digest[0] % HELD_OUT_EVERY == 0 else dev).append(record)
    return dev, held


def cross_validate(
    records: Sequence[dict],
    folds: int = 5,
    seed: int = 0,
    edition: str = DEFAULT_EDITION,
    with_records: bool = True,
    extra: Sequence[LabelledRecord] = (),
) -> dict:
    """``{"codes": evaluation, "text_only": evaluation, "hs_guess_curve": [...]}``;
    ``with_records=False`` trains every fold on generated data only (then folds differ only in
    what they are scored on); ``extra`` labelled records join every fold's training data."""
    catalogue = load_edition(edition)
    assignment = _folds(records, folds, seed)
    pooled: dict[str, tuple[list[dict], list[Classification], float]] = {mode: ([], [], 0.0) for mode, _ in MODES}
    for fold in range(folds):
        train = [r for r, f in zip(records, assignment, strict=False) if f != fold] if with_records else []
        test = [r for r, f in zip(records, assignment, strict=False) if f == fold]
        classifier = Classifier(catalogue, train_pipeline(seed=seed, edition=edition, records=train, extra=extra))
        for mode, text_only in MODES:
            gold, predicted, elapsed = pooled[mode]
            results, seconds = _classify(classifier, test, text_only)
            pooled[mode] = (gold + test, predicted + results, elapsed + seconds)
    out: dict = {
        mode: report(gold, predicted, catalogue.codes, elapsed) for mode, (gold, predicted, elapsed) in pooled.items()
    }
    gold, predicted, _ = pooled["text_only"]
    out["hs_guess_curve"] = guess_curve(gold, predicted)
    return out


def held_out(
    records: Sequence[dict], seed: int = 0, edition: str = DEFAULT_EDITION, extra: Sequence[LabelledRecord] = ()
) -> dict:
    """Train on the generated data + the development part, score the held-out part once."""
    dev, held = split_held_out(records)
    catalogue = load_edition(edition)
    classifier = Classifier(catalogue, train_pipeline(seed=seed, edition=edition, records=dev, extra=extra))
    out: dict = {}
    for mode, text_only in MODES:
        results, seconds = _classify(classifier, held, text_only)
        out[mode] = report(held, results, catalogue.codes, seconds)
        if text_only:
            out["hs_guess_curve"] = guess_curve(held, results)
    return out


def guess_curve(records: Sequence[dict], results: Sequence[Classification]) -> list[dict]:
    gold = [_gold_chapters(r) for r in records]
    return [guess_metrics(gold, [r.hs_chapters for r in results], t) for t in GUESS_THRESHOLDS]


def _classify(classifier: Classifier, records: Sequence[dict], text_only: bool) -> tuple[list[Classification], float]:
    start = time.perf_counter()
    results = classifier.classify_many([ItemText.from_record(r, text_only=text_only) for r in records])
    return results, time.perf_counter() - start


def _folds(records: Sequence[dict], folds: int, seed: int) -> list[int]:
    families = sorted({_family(r) for r in records})
    random.Random(seed).shuffle(families)
    fold_of = {family: i % folds for i, family in enumerate(families)}
    return [fold_of[_family(r)] for r in records]


def _family(record: dict) -> str:
    return (record.get("products_text") or record.get("title") or record.get("description") or "")[:60]
