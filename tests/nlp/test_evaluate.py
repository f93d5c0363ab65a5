"""Evaluation: the JSON shape and the metric definitions, on a tiny hand-made gold set."""

from dataclasses import dataclass

from nlp.evaluate import chapter_metrics, evaluate, sector_metrics


@dataclass
class _Result:
    tags: list
    hs_chapters: list


class _StubClassifier:
    """Answers fixed results, so the metrics can be checked by hand."""

    class catalogue:
        codes = ("EI", "BIO", "NM")

    def __init__(self, results):
        self.results = results
        self.seen = []

    def classify_many(self, items):
        self.seen = items
        return self.results


GOLD = [
    {"title": "a", "sectors": ["EI"], "hs_codes": ["851713", "8525"], "ics_codes": ["33.060"]},
    {"title": "b", "sectors": ["EI", "BIO"], "hs_codes": ["3002"]},
    {"title": "c", "sectors": [], "hs_codes": []},
    {"title": "d", "sectors": [], "hs_codes": ["0401"]},
]
RESULTS = [
    _Result(["EI"], [("85", 1.0), ("84", 0.5)]),  # EI tp; chapters 85 top-1
    _Result(["EI"], [("38", 0.6), ("30", 0.3)]),  # EI tp, BIO fn; 30 in top-3 not top-1
    _Result(["BIO"], [("02", 0.9)]),  # BIO fp on a none record
    _Result([], [("19", 0.6), ("21", 0.3), ("22", 0.1), ("04", 0.05)]),  # 04 only 4th
]


def test_shape_and_definitions():
    stub = _StubClassifier(RESULTS)
    result = evaluate(GOLD, text_only=True, classifier=stub)
    assert set(result) == {"sectors", "hs_chapters", "docs_per_second"}
    assert set(result["sectors"]) == {"micro_f1", "macro_f1", "none_accuracy", "per_label"}
    assert set(result["hs_chapters"]) == {"top1_accuracy", "top3_recall", "support", "guesses"}
    per_label = result["sectors"]["per_label"]
    assert set(per_label) == {"EI", "BIO", "NM"}
    assert per_label["EI"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2}
    assert per_label["BIO"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    # micro: tp 2, fp 1, fn 1 -> P = R = 2/3
    assert result["sectors"]["micro_f1"] == 0.6667
    # macro over labels with gold support (EI, BIO)
    assert result["sectors"]["macro_f1"] == 0.5
    # two gold-empty records, one given no sector
    assert result["sectors"]["none_accuracy"] == 0.5
    # three records with HS codes: top-1 right for "a" only; gold in top three for "a" and "b"
    guesses = result["hs_chapters"].pop("guesses")
    assert result["hs_chapters"] == {"top1_accuracy": 0.3333, "top3_recall": 0.6667, "support": 3}
    # "a" has a code chapter (1.0): not scored; "b" decides 38 (wrong, gold 30); "d" decides 19 (wrong, gold 04)
    assert guesses == {"threshold": 0.5, "precision": 0.0, "recall": 0.0, "decided": 2, "support": 2}
    assert all(not item.hs_codes and not item.ics_codes for item in stub.seen)


def test_codes_are_kept_unless_text_only():
    stub = _StubClassifier(RESULTS)
    evaluate(GOLD, text_only=False, classifier=stub)
    assert stub.seen[0].hs_codes == ["851713", "8525"] and stub.seen[0].ics_codes == ["33.060"]


def test_top3_recall_counts_at_most_three_gold_chapters():
    assert chapter_metrics([["01", "02", "03", "04", "05"]], [["02", "04", "05"]])["top3_recall"] == 1.0
    assert chapter_metrics([["85", "84"]], [["85", "90", "39"]])["top3_recall"] == 0.5
    assert chapter_metrics([[]], [["85"]]) == {"top1_accuracy": 0.0, "top3_recall": 0.0, "support": 0}


def test_sector_metrics_without_predictions_are_zero_not_errors():
    metrics = sector_metrics([{"EI"}, set()], [set(), set()], ["EI"])
    assert metrics["micro_f1"] == 0.0 and metrics["none_accuracy"] == 1.0


def test_real_classifier_json_shape(classifier):
    result = evaluate(
        [{"title": "Mobile phones", "hs_codes": ["851713"], "sectors": ["EI"]}], text_only=False, classifier=classifier
    )
    assert result["sectors"]["micro_f1"] == 1.0
    assert result["hs_chapters"]["top1_accuracy"] == 1.0
    assert result["docs_per_second"] > 0
