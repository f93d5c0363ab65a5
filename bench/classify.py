"""Benchmark: tbtwatch's classifier against a TF-IDF + logistic regression baseline.

Both are trained here, in this process, on the same data (``nlp.training.data``: catalogue +
nomenclatures, plus real labelled records), then scored on the same gold records, with and
without codes, by ``nlp.evaluate.report``. By default the sample notifications are split as in
``nlp.training.crossval.split_held_out``: both learn from the development part and are scored on
the held-out part, which neither the model nor the tagger's rules were tuned on, and then on the
unseen notifications (``nlp/data/unseen_notifications.jsonl``: real notifications outside the
samples, labelled before the tagger was run on them). ``--gold FILE``
(and ``--records FILE`` to learn from) score another file instead. The baseline reads text only
(it knows nothing of codes and phrases) with the same tokenizer. Then the tagger's throughput on
``--items`` items (the samples repeated) through ``classify_many`` as the service calls it (two
forked workers from 2,000 items), with the load average, since the machine may be shared.
Prints a side-by-side table; takes a few minutes.

    .venv/bin/python bench/classify.py [--gold FILE] [--records FILE] [--seed N] [--items N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import itertools

from nlp.catalogue import load_edition
from nlp.classifier import Classifier
from nlp.evaluate import report
from nlp.item import ItemText
from nlp.samples import sample_records, unseen_records
from nlp.text import words
from nlp.training import train_pipeline
from nlp.training.crossval import split_held_out
from nlp.training.data import hs_chapter_examples, records_to_examples, sector_examples


@dataclass
class BaselineResult:
    tags: list[str]
    hs_chapters: list[tuple[str, float]]


class Baseline:
    """TF-IDF (unigrams + bigrams of the shared tokenizer) + logistic regression."""

    def __init__(self, labels: list[str], sector_data, hs_data):
        self.labels = labels
        self.sector_vec = TfidfVectorizer(analyzer=_ngrams, sublinear_tf=True, min_df=1)
        x = self.sector_vec.fit_transform([e.text for e in sector_data])
        y = np.array([[e.cats[c] for c in labels] for e in sector_data])
        self.sectors = OneVsRestClassifier(LogisticRegression(C=10.0, max_iter=300)).fit(x, y)
        self.hs_vec = TfidfVectorizer(analyzer=_ngrams, sublinear_tf=True, min_df=1)
        xh = self.hs_vec.fit_transform([e.text for e in hs_data])
        yh = [max(e.cats, key=e.cats.get)[2:] for e in hs_data]
        self.hs = LogisticRegression(C=10.0, max_iter=300).fit(xh, yh)

    def classify_many(self, items: list[ItemText]) -> list[BaselineResult]:
        texts = [item.text for item in items]
        sector_p = self.sectors.predict_proba(self.sector_vec.transform(texts))
        hs_p = self.hs.predict_proba(self.hs_vec.transform(texts))
        out = []
        for row, hs_row in zip(sector_p, hs_p, strict=False):
            top = np.argsort(-hs_row)[:5]
            out.append(
                BaselineResult(
                    [c for c, p in zip(self.labels, row, strict=False) if p >= 0.5],
                    [(self.hs.classes_[i], float(hs_row[i])) for i in top],
                )
            )
        return out


def _ngrams(text: str) -> list[str]:
    tokens = words(text)
    return tokens + [a + " " + b for a, b in itertools.pairwise(tokens)]


def _score(system, records: list[dict], labels, text_only: bool) -> dict:
    items = [ItemText.from_record(r, text_only=text_only) for r in records]
    start = time.perf_counter()
    results = system.classify_many(items)
    return report(records, results, labels, time.perf_counter() - start)


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


def _table(tbtwatch, baseline, labels, name: str, gold: list[dict], learnt: int) -> None:
    """Side-by-side figures of both systems on ``gold``, with codes and text only."""
    rows = [
        ("micro-F1", "sectors", "micro_f1"),
        ("macro-F1", "sectors", "macro_f1"),
        ("none accuracy", "sectors", "none_accuracy"),
        ("HS top-1", "hs_chapters", "top1_accuracy"),
        ("HS top-3 recall", "hs_chapters", "top3_recall"),
    ]
    tagged = sum(bool(r.get("sectors")) for r in gold)
    print(f"gold: {name} ({len(gold)} records, {tagged} tagged); learnt from {learnt}")
    print(f"{'metric':<22}{'mode':<11}{'tbtwatch':>10}{'baseline':>10}")
    for mode, text_only in (("codes", False), ("text only", True)):
        ours = _score(tbtwatch, gold, labels, text_only)
        theirs = _score(baseline, gold, labels, text_only)
        for row, group, key in rows:
            print(f"{row:<22}{mode:<11}{ours[group][key]:>10.3f}{theirs[group][key]:>10.3f}")
        for code in labels:
            mine, other = ours["sectors"]["per_label"][code], theirs["sectors"]["per_label"][code]
            if mine["support"] or mine["precision"] or other["precision"]:
                label = f"{code} P (support {mine['support']})"
                print(f"{label:<22}{mode:<11}{mine['precision']:>10.3f}{other['precision']:>10.3f}")
        guesses = ours["hs_chapters"]["guesses"]
        print(
            f"{'HS guesses decided':<22}{mode:<11}  P {guesses['precision']:.3f} R {guesses['recall']:.3f} (n {guesses['decided']})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, help="gold records (default: the held-out part of the samples)")
    parser.add_argument("--records", type=Path, help="labelled real records both learn from (default: the dev part)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--items", type=int, default=20000, help="items classified for the throughput figure")
    args = parser.parse_args()
    catalogue = load_edition()
    dev, held_out = split_held_out(sample_records())
    gold = _jsonl(args.gold) if args.gold else held_out
    extra = _jsonl(args.records) if args.records else [] if args.gold else dev
    rng = random.Random(args.seed)
    real_sectors = records_to_examples(extra, catalogue)
    start = time.perf_counter()
    baseline = Baseline(
        list(catalogue.codes),
        sector_examples(catalogue, rng) + real_sectors * 3,
        hs_chapter_examples(catalogue, rng),
    )
    print(f"baseline trained in {time.perf_counter() - start:.0f}s")
    start = time.perf_counter()
    tbtwatch = Classifier(catalogue, train_pipeline(seed=args.seed, records=extra))
    print(f"tbtwatch model trained in {time.perf_counter() - start:.0f}s")
    tbtwatch.classify_many([ItemText(title="warm up")])
    golds = (
        [(str(args.gold), gold)]
        if args.gold
        else [("held-out samples", gold), ("unseen notifications", unseen_records())]
    )
    for name, records in golds:
        _table(tbtwatch, baseline, catalogue.codes, name, records, len(extra))
    corpus = sample_records()
    items = [ItemText.from_record(corpus[i % len(corpus)]) for i in range(args.items)]
    start = time.perf_counter()
    tbtwatch.classify_many(items)
    elapsed = time.perf_counter() - start
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"throughput: {len(items) / elapsed:,.0f} items/s ({len(items)} items, {elapsed:.1f} s, load average {load})")


if __name__ == "__main__":
    main()
