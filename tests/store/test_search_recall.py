"""Recall@10 of the judged queries (``data/judged_queries.yaml``, half of them Chinese) over the
sample notifications: the share of the items a person expects that the first ten results
(by relevance) hold, averaged over the queries. Reported, and the test fails below 0.9."""

from pathlib import Path

import yaml

from store.queries.search import SearchQuery, search
from tests.factories import seed_notifications

JUDGED = Path(__file__).parent / "data" / "judged_queries.yaml"
MIN_RECALL = 0.9


def test_recall_at_10_of_the_judged_queries(db_engine, session, dev_records, capsys):
    judged = yaml.safe_load(JUDGED.read_text(encoding="utf-8"))
    assert len(judged) >= 40 and sum(any("\u4e00" <= ch <= "\u9fff" for ch in j["q"]) for j in judged) >= 20
    ids = seed_notifications(db_engine, dev_records)
    symbols = {row_id: record["symbol"] for row_id, record in zip(ids, dev_records, strict=True)}
    recalls, misses = [], []
    for query in judged:
        top = search(session, SearchQuery(q=query["q"], sort="relevance", page_size=10)).items
        shown = {symbols.get(hit.id) for hit in top if hit.kind == "notification"}
        expected = set(query["expect"])
        recalls.append(len(expected & shown) / len(expected))
        misses += [f"{query['q']}: {s}" for s in sorted(expected - shown)]
    recall = sum(recalls) / len(recalls)
    with capsys.disabled():
        print(f"\nrecall@10 over {len(judged)} judged queries: {recall:.3f}; missed: {misses}")
    assert recall >= MIN_RECALL, misses
