"""Benchmark: tbtwatch's classifier against a TF-IDF + logistic regression baseline.

Both are trained here, in this process, on the same data (``nlp.training.data``: catalogue +
nomenclatures, plus ``--records`` if given), then scored on the same gold file, with and
without codes, by ``nlp.evaluate.report``. By default no real records are used for training, so
the gold file (the dev set) is unseen by both. The baseline reads text only (it knows nothing of
codes and phrases) with the same tokenizer. Prints a side-by-side table; takes a few minutes.

    .venv/bin/python bench/classify.py [--gold FILE] [--records FILE] [--seed N]
"""

from __future__ import annotations

import argparse
import json
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
from nlp.samples import SAMPLE_NOTIFICATIONS
from nlp.text import words
from nlp.training import train_pipeline
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=SAMPLE_NOTIFICATIONS)
    parser.add_argument("--records", type=Path, help="labelled real records to add to both training sets")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    catalogue = load_edition()
    gold = [json.loads(line) for line in args.gold.open(encoding="utf-8") if line.strip()]
    extra = [json.loads(line) for line in args.records.open(encoding="utf-8")] if args.records else []
    rng = random.Random(args.seed)
    real_sectors, real_hs = records_to_examples(extra, catalogue)
    start = time.perf_counter()
    baseline = Baseline(
        list(catalogue.codes),
        sector_examples(catalogue, rng) + real_sectors * 3,
        hs_chapter_examples(catalogue, rng) + real_hs * 3,
    )
    print(f"baseline trained in {time.perf_counter() - start:.0f}s")
    start = time.perf_counter()
    tbtwatch = Classifier(catalogue, train_pipeline(seed=args.seed, records=extra))
    print(f"tbtwatch model trained in {time.perf_counter() - start:.0f}s")
    tbtwatch.classify_many([ItemText(title="warm up")])
    rows = [
        ("micro-F1", "sectors", "micro_f1"),
        ("macro-F1", "sectors", "macro_f1"),
        ("none accuracy", "sectors", "none_accuracy"),
        ("HS top-1", "hs_chapters", "top1_accuracy"),
        ("HS top-3 recall", "hs_chapters", "top3_recall"),
    ]
    print(f"gold: {args.gold} ({len(gold)} records)")
    print(f"{'metric':<18}{'mode':<11}{'tbtwatch':>10}{'baseline':>10}")
    for mode, text_only in (("codes", False), ("text only", True)):
        ours = _score(tbtwatch, gold, catalogue.codes, text_only)
        theirs = _score(baseline, gold, catalogue.codes, text_only)
        for name, group, key in rows:
            print(f"{name:<18}{mode:<11}{ours[group][key]:>10.3f}{theirs[group][key]:>10.3f}")
        print(f"{'docs/s':<18}{mode:<11}{ours['docs_per_second']:>10.0f}{theirs['docs_per_second']:>10.0f}")


if __name__ == "__main__":
    main()
