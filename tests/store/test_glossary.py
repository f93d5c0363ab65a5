"""The search glossary: cross-language lookups, and what it covers (the catalogue's products,
the 100 most frequent product terms of the sample notifications)."""

import csv
import re
from collections import Counter

from store.glossary import DATA, chinese_names, glossary, short_name
from store.search_syntax import parse
from store.search_text import is_cjk, stem, tokens, words

# Words of "products covered" that name no product: grammar, packaging of the text, HS wording.
NOT_PRODUCTS = set(
    re.findall(
        r"\w+",
        """and or of the for in to with a an on by as other than not from their its whether be is are used use
    products product etc including incl excl excluding included e g i which that this these those such may all any
    no under into parts part thereof containing made code codes ics hs heading headings put retail sale goods forms
    form two together mixed unmixed consisting more measured doses kind stuffs have been subject control general
    purposes purpose multiple defined see separately regulated non origin elsewhere specified related similar
    constituents covered produce fresh dried live care commercial domestic treatment treatments contact charged
    element elements technology technologies fitted prepared processed raw whole broken roasted level levels
    requirements standard standards specification safety quality system systems chapter notification various
    commodities also n c s type types certain new designed intended based uses administration external processing
    age analysis assessment assistants attached available base""",
    )
)


def product_terms(records: list[dict], count: int = 100) -> list[str]:
    """The ``count`` English product words (as their most frequent spelling) named by most
    notifications' "products covered"."""
    counts: Counter = Counter()
    spellings: dict[str, Counter] = {}
    for record in records:
        if record.get("language") != "en":
            continue
        seen = set()
        for word in words(record.get("products_text")):
            if is_cjk(word) or word in NOT_PRODUCTS or len(word) < 3 or any(ch.isdigit() for ch in word):
                continue
            key = stem(word, "en")
            spellings.setdefault(key, Counter())[word] += 1
            if key not in seen:
                seen.add(key)
                counts[key] += 1
    ranked = sorted(counts, key=lambda k: (-counts[k], k))[:count]
    return [spellings[k].most_common(1)[0][0] for k in ranked]


def test_chinese_finds_other_languages_and_back():
    battery = [t for t, _language in glossary().lookup("电池")]
    assert {"battery", "batterie", "batería"} <= set(battery)
    assert "电池" in [t for t, _language in glossary().lookup("batteries")]
    toys = [t for t, _language in glossary().lookup("玩具")]
    assert {"toy", "jouet", "juguete"} <= set(toys)


def test_expansion_reads_phrases_and_cuts_chinese_runs():
    phone = glossary().expand(parse("mobile phone"))
    assert len(phone) == 1 and "手机" in phone[0].added and phone[0].loose
    assert [c.terms[0] for c in glossary().expand(parse("锂电池回收"))] == ["锂电池", "回收"]
    assert glossary().expand(parse('"mobile phone"'))[0].added == ()  # quoted: as typed
    assert glossary().expand(parse("玩具 -电池"))[1].added == ()  # an exclusion: as typed


def test_every_catalogue_product_is_in_it():
    with (DATA / "glossary_catalogue.csv").open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            name = chinese_names(row["zh"])[0]
            assert short_name(row["en"]) in [t for t, _language in glossary().lookup(name)], row


def test_the_most_frequent_product_terms_are_in_it(dev_records):
    terms = product_terms(dev_records)
    assert len(terms) == 100
    covered = {token for entry in glossary().entries for term in entry["en"] for token in tokens(term, "en")}
    missing = [t for t in terms if stem(t, "en") not in covered]
    assert not missing, missing
