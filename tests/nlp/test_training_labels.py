"""Human labels as training data: which labels a judgement teaches, and which it leaves unknown."""

from nlp import ItemText
from nlp.training import LabelledRecord
from nlp.training.data import records_to_examples, text_examples

CODES = ("EI", "SW", "BIO")


def test_a_staff_tag_list_is_complete():
    staff = LabelledRecord(ItemText(title="Smartphones"), confirmed=frozenset({"EI"}), complete=True)
    assert staff.cats(CODES) == {"EI": 1.0, "SW": 0.0, "BIO": 0.0}


def test_an_exporters_judgement_teaches_only_the_sector_judged():
    useful = LabelledRecord(ItemText(title="Smartphones"), confirmed=frozenset({"EI"}), source="exporter")
    not_relevant = LabelledRecord(ItemText(title="Fresh milk"), rejected=frozenset({"BIO"}), source="exporter")
    assert useful.cats(CODES) == {"EI": 1.0}
    assert not_relevant.cats(CODES) == {"BIO": 0.0}
    [example] = text_examples(not_relevant.item, not_relevant.cats(CODES))
    assert example.text == "Fresh milk" and example.cats == {"BIO": 0.0}


def test_records_of_the_dev_set_schema_are_complete_labels(classifier):
    record = {"title": "Medical devices", "sectors": ["OME"], "hs_codes": ["9018"]}
    assert LabelledRecord.from_record(record).cats(classifier.catalogue.codes)["OME"] == 1.0
    [example] = records_to_examples([record], classifier.catalogue)
    assert example.cats == {c: float(c == "OME") for c in classifier.catalogue.codes}
    assert text_examples(ItemText(), {"EI": 1.0}) == []
