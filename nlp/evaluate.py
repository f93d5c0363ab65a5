"""Evaluation of the classifier against gold records in the dev-set schema.

``evaluate(records, text_only)`` returns exactly::

    {"sectors": {"micro_f1", "macro_f1", "none_accuracy",
                 "per_label": {code: {"precision", "recall", "f1", "support"}}},
     "hs_chapters": {"top1_accuracy", "top3_recall", "support",
                     "guesses": {"threshold", "precision", "recall", "decided", "support"}},
     "docs_per_second"}

* gold sectors are ``record["sectors"]``; macro-F1 averages the labels with gold support (a label
  never seen in the gold set has no defined recall and would only add noise);
* ``none_accuracy``: share of gold-empty records given no sector;
* gold HS chapters are the first two digits of ``hs_codes``; over records that have some,
  ``top1_accuracy`` is the share whose best chapter is a gold chapter and ``top3_recall`` the mean
  share of their gold chapters found among the three best, counting at most three gold chapters
  (a record with five gold chapters and three of them in the top three scores 1);
* ``guesses``: the model's guessed chapters that count (``nlp.hs_chapters.decided_chapters`` at
  ``threshold``), over records that have gold chapters and no chapter from a given or quoted code:
  ``precision`` = decided guesses that are gold chapters / decided guesses, ``recall`` = gold
  chapters found among decided guesses / gold chapters, ``decided`` = number of decided guesses;
* with ``text_only``, ``hs_codes`` and ``ics_codes`` are blanked before classifying;
* ``docs_per_second`` times ``classify_many`` only, not loading.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

from nlp.hs_chapters import GUESS_DECIDES, chapter_decisions
from nlp.item import ItemText


def evaluate(records: Iterable[dict], text_only: bool = False, classifier=None) -> dict:
    if classifier is None:
        from nlp.classifier import get_classifier

        classifier = get_classifier()
    records = list(records)
    items = [ItemText.from_record(r, text_only=text_only) for r in records]
    start = time.perf_counter()
    results = classifier.classify_many(items)
    elapsed = time.perf_counter() - start
    return report(records, results, classifier.catalogue.codes, elapsed)


def report(records: Sequence[dict], results: Sequence, labels: Sequence[str], elapsed: float) -> dict:
    """The evaluation JSON for classification ``results`` of ``records`` (same order)."""
    predicted = [set(r.tags) for r in results]
    gold = [set(r.get("sectors") or []) for r in records]
    gold_chapters = [_gold_chapters(r) for r in records]
    return {
        "sectors": sector_metrics(gold, predicted, labels),
        "hs_chapters": chapter_metrics(gold_chapters, [[c for c, _ in res.hs_chapters] for res in results])
        | {"guesses": guess_metrics(gold_chapters, [res.hs_chapters for res in results])},
        "docs_per_second": round(len(results) / elapsed, 1) if elapsed > 0 else float("inf"),
    }


def sector_metrics(gold: Sequence[set[str]], predicted: Sequence[set[str]], labels: Sequence[str]) -> dict:
    per_label, tp_all, fp_all, fn_all = {}, 0, 0, 0
    for label in labels:
        tp = sum(label in g and label in p for g, p in zip(gold, predicted, strict=False))
        fp = sum(label not in g and label in p for g, p in zip(gold, predicted, strict=False))
        fn = sum(label in g and label not in p for g, p in zip(gold, predicted, strict=False))
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        per_label[label] = {"precision": precision, "recall": recall, "f1": _f1(precision, recall), "support": tp + fn}
    supported = [m["f1"] for m in per_label.values() if m["support"]]
    empty = [p for g, p in zip(gold, predicted, strict=False) if not g]
    return {
        "micro_f1": _f1(_ratio(tp_all, tp_all + fp_all), _ratio(tp_all, tp_all + fn_all)),
        "macro_f1": round(sum(supported) / len(supported), 4) if supported else 0.0,
        "none_accuracy": _ratio(sum(not p for p in empty), len(empty)),
        "per_label": per_label,
    }


def chapter_metrics(gold: Sequence[list[str]], ranked: Sequence[list[str]]) -> dict:
    scored = [(g, r) for g, r in zip(gold, ranked, strict=False) if g]
    top1 = sum(bool(r) and r[0] in g for g, r in scored)
    recall = sum(min(len(set(g) & set(r[:3])), 3) / min(len(g), 3) for g, r in scored)
    return {
        "top1_accuracy": _ratio(top1, len(scored)),
        "top3_recall": _ratio(recall, len(scored)),
        "support": len(scored),
    }


def guess_metrics(
    gold: Sequence[list[str]], ranked: Sequence[Sequence[tuple[str, float]]], threshold: float = GUESS_DECIDES
) -> dict:
    """Precision and recall of the guessed chapters decided at ``threshold`` (see module docstring)."""
    decided = right = wanted = support = 0
    for g, r in zip(gold, ranked, strict=False):
        decisions = chapter_decisions(r, threshold)
        if not g or any(d.origin == "code" for d in decisions):
            continue
        support += 1
        wanted += len(g)
        guesses = [d.chapter for d in decisions if d.decided]
        decided += len(guesses)
        right += len(set(guesses) & set(g))
    return {
        "threshold": threshold,
        "precision": _ratio(right, decided),
        "recall": _ratio(right, wanted),
        "decided": decided,
        "support": support,
    }


def _gold_chapters(record: dict) -> list[str]:
    digits = ("".join(ch for ch in str(code) if ch.isdigit()) for code in record.get("hs_codes") or [])
    return list(dict.fromkeys(d[:2] for d in digits if len(d) >= 2))


def _ratio(a: float, b: float) -> float:
    return round(a / b, 4) if b else 0.0


def _f1(precision: float, recall: float) -> float:
    return round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0
