"""The labelled data files: the samples and the unseen notifications kept apart from them."""

from nlp.catalogue import load_edition
from nlp.samples import sample_records, unseen_records


def _symbols(records):
    """Symbols as written, and with '.' and '/' made one (G/TBT/Notif.00.194 = G/TBT/Notif.00/194)."""
    return {s.upper().replace(".", "/") for r in records for s in [r.get("symbol"), *(r.get("all_symbols") or [])] if s}


def test_unseen_notifications_are_not_samples():
    samples, unseen = sample_records(), unseen_records()
    assert len(unseen) >= 40
    assert not _symbols(unseen) & _symbols(samples)
    sample_titles = {r["title"] for r in samples if r.get("title")}
    assert not {r["title"] for r in unseen if r.get("title")} & sample_titles


def test_unseen_notifications_carry_catalogue_labels_and_a_source():
    codes = set(load_edition().codes)
    for record in unseen_records():
        assert set(record["sectors"]) <= codes, record["id"]
        assert record["source_url"].startswith("http"), record["id"]
        assert record.get("title") or record.get("description"), record["id"]
    assert len({r["id"] for r in unseen_records()}) == len(unseen_records())
