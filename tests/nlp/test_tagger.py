"""Sector tagging: the settled cases of SECTORS.md, several languages, "none" as a normal answer."""

import pytest

from nlp import ItemText


def tags(classifier, **fields) -> set[str]:
    return set(classifier.classify(ItemText(**fields)).tags)


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Energy Conservation Program: Test Procedures for Residential Refrigerators", {"EPNE"}),
        ("Minimum energy performance standards for three-phase electric motors", {"EPNE"}),
        ("Electromagnetic compatibility requirements for household appliances and electric tools", set()),
        ("Safety of household electrical appliances: particular requirements for irons", set()),
        ("Requirements for diesel particulate filters and catalytic converters for exhaust after-treatment", {"EPNE"}),
        ("Surgical masks and medical gowns: requirements and test methods", set()),
        ("Legal metrology: fuel dispensers for liquid fuels", set()),
        ("Biodiesel (B100) specification", {"EPNE"}),
        ("Restriction of hazardous substances in electrical and electronic equipment", {"EI"}),
        ("Restriction of certain chemical substances in mixtures", set()),
        ("Registration of substances in nanoform (nanomaterials)", {"NM"}),
        ("Safety requirements for lithium-ion batteries for mobile phones", {"EPNE", "EI"}),
    ],
)
def test_settled_cases(classifier, title, expected):
    assert tags(classifier, title=title, language="en", committee="TBT") == expected


def test_sps_food_rules_are_none_but_gmo_labelling_is_bio(classifier):
    assert tags(classifier, title="Maximum residue limits for veterinary drugs in foods", committee="SPS") == set()
    assert tags(classifier, title="Pesticide tolerances for fluazinam in cabbage", committee="SPS") == set()
    assert tags(classifier, title="Labelling of genetically modified food", committee="SPS") == {"BIO"}


@pytest.mark.parametrize(
    "title, products",
    [
        ("Dairy ice cream — Specification", "Milk and processed milk products"),
        ("Labelling of garments and textile products", "Clothing"),
        ("Safety of toys — Part 6: graphical symbol for age warning", "Toys"),
        ("Federal motor vehicle safety standard: rear impact guards", "Trucks and trailers"),
    ],
)
def test_outside_products_get_no_sector(classifier, title, products):
    result = classifier.classify(ItemText(title=title, products_text=products, language="en"))
    assert result.tags == []
    assert all(not s.decided for s in result.sectors)


def test_chinese_items(classifier):
    assert tags(classifier, title="医疗器械注册管理办法", products_text="医疗器械", language="zh") == {"OME"}
    assert tags(classifier, title="民用无人驾驶航空器适航管理规定", language="zh") == {"AA"}
    assert tags(classifier, title="罐装蔬菜规范", products_text="罐装蔬菜", language="zh") == set()


def test_spanish_and_french_items(classifier):
    assert "EI" in tags(
        classifier, title="Norma técnica para equipos de telecomunicaciones y radiocomunicación", language="es"
    )
    assert tags(classifier, title="Reglamento sanitario de leche y productos lácteos", language="es") == set()
    assert "OME" in tags(classifier, title="Exigences applicables aux dispositifs médicaux", language="fr")


def test_core_code_decides_and_partial_code_needs_text(classifier):
    by_code = classifier.classify(ItemText(title="Draft regulation", hs_codes=["851713"]))
    ei = next(s for s in by_code.sectors if s.code == "EI")
    assert ei.decided and ei.origin == "rule" and any("851713" in r for r in ei.reasons)
    partial_only = classifier.classify(ItemText(title="Plastic packaging for food", hs_codes=["8506"]))
    assert "EPNE" not in partial_only.tags
    confirmed = classifier.classify(ItemText(title="Lithium batteries", hs_codes=["8506"]))
    assert "EPNE" in confirmed.tags


def test_every_sector_is_scored_with_reasons_and_edition(classifier):
    result = classifier.classify(ItemText(title="Radio equipment", language="en"))
    assert result.edition == "2003"
    assert sorted(s.code for s in result.sectors) == sorted(classifier.catalogue.codes)
    for score in result.sectors:
        assert 0.0 <= score.score <= 1.0 and score.origin in ("rule", "model")
        assert any(r.startswith("model ") for r in score.reasons)
    ei = next(s for s in result.sectors if s.code == "EI")
    assert "phrase 'radio equipment'" in ei.reasons


def test_classify_many_matches_classify(classifier):
    items = [ItemText(title="Mobile phones"), ItemText(title="Fresh apricots"), ItemText()]
    batch = classifier.classify_many(items)
    assert [r.tags for r in batch] == [classifier.classify(i).tags for i in items]


def test_forked_workers_classify_as_one_process(classifier):
    titles = ["Mobile phones", "Fresh apricots", None, "锂离子电池"] * 5
    items = [ItemText(title=title) for title in titles]
    assert classifier.classify_many(items, batch_size=3, n_process=2) == classifier.classify_many(items, n_process=1)


def test_get_classifier_is_shared_and_follows_a_re_registered_edition(classifier):
    import dataclasses

    from nlp import get_classifier
    from nlp.catalogue import register_edition

    assert get_classifier("2003") is classifier
    replacement = dataclasses.replace(classifier.catalogue, edition="2003-replaced")
    register_edition(replacement)
    first = get_classifier("2003-replaced")
    assert first.catalogue is replacement and first.nlp is classifier.nlp
    assert get_classifier("2003-replaced") is first
    register_edition(dataclasses.replace(replacement))
    assert get_classifier("2003-replaced") is not first


@pytest.mark.parametrize(
    "fields",
    [
        # a generic word in passing, in the description
        {
            "title": "Maximum residue limits for pesticides in tea",
            "description": "Results are stored by computer software and reported to the authority.",
            "committee": "SPS",
        },
        {
            "title": "Labelling of garden tools",
            "products_text": "Garden tools",
            "description": "Tools powered by a battery are covered by another regulation.",
        },
        # a generic word in the products, with nothing else for the sector
        {"title": "Safety of toys", "products_text": "Toys, including toys with batteries"},
    ],
)
def test_generic_words_and_passing_mentions_do_not_tag(classifier, fields):
    assert tags(classifier, **fields) == set()


def test_where_evidence_is_found_is_its_basis(classifier):
    named = classifier.classify(ItemText(title="Radio equipment: technical requirements"))
    assert [(s.code, s.basis) for s in named.sectors if s.decided] == [("EI", "named")]
    # with neither title nor products, the start of the description says what the item covers
    untitled = classifier.classify(ItemText(description="Radio equipment: technical requirements"))
    assert untitled.tags == ["EI"]


def test_a_longer_phrase_of_another_label_wins(classifier):
    found = classifier.phrases(classifier.nlp.make_doc("Hydrogen fuel cell vehicles"))
    assert "OUTSIDE" not in found or "fuel" not in [p for p, _ in found["OUTSIDE"]]
    assert "fuel cell" in [p for p, _ in found["EPNE"]]
