"""HS chapters: quoted codes first, then the model's ranking from text alone."""

import pytest

from nlp import ItemText
from nlp.hs_chapters import GUESS_CAP, GUESS_DECIDES, TERM_SCORE, chapter_decisions, decided_chapters, rank_chapters


def test_codes_come_first_in_order_then_model_guesses():
    ranked = rank_chapters(["8517.13", "850760", "30"], {"90": 0.4, "85": 0.3, "84": 0.2, "39": 0.1})
    assert [c for c, _ in ranked] == ["85", "30", "90", "84", "39"]
    assert ranked[0][1] == 1.0


@pytest.mark.parametrize(
    "title, chapter",
    [
        ("Mobile phones and radio equipment", "85"),
        ("Fresh apricots — specification", "08"),
        ("Raw cow milk — specification", "04"),
        ("鲜猪肉及冻猪肉", "02"),
        ("Juguetes: requisitos de seguridad", "95"),
    ],
)
def test_text_alone_puts_the_chapter_in_the_top_three(classifier, title, chapter):
    ranked = classifier.classify(ItemText(title=title)).hs_chapters
    assert chapter in [c for c, _ in ranked[:3]]
    assert [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)


def test_codes_quoted_in_the_text_count(classifier):
    ranked = classifier.classify(ItemText(products_text="Petroleum jelly (HS code(s): 271210)")).hs_chapters
    assert ranked[0] == ("27", 1.0)


def test_model_guesses_never_look_like_codes():
    ranked = rank_chapters([], {"85": 0.99996, "84": 0.00004})
    assert ranked[0] == ("85", GUESS_CAP)


def test_codes_always_count_and_guesses_never_add_to_them():
    decisions = chapter_decisions([("12", 1.0), ("85", 0.9), ("84", 0.05)])
    assert [(d.chapter, d.origin, d.decided) for d in decisions] == [
        ("12", "code", True),
        ("85", "guess", False),
        ("84", "guess", False),
    ]


def test_guesses_count_from_the_calibrated_threshold():
    # the stored form is a list of lists
    assert decided_chapters([["85", GUESS_DECIDES], ["84", GUESS_DECIDES - 0.01]]) == ["85"]
    assert decided_chapters([["85", 0.086]]) == []
    assert decided_chapters([]) == []


def test_soybean_sps_item_does_not_count_chapter_85(classifier):
    result = classifier.classify(
        ItemText(title="Maximum residue limits for glyphosate in soybeans", hs_codes=["1201"], committee="SPS")
    )
    assert result.decided_chapters == ["12"]
    assert "85" not in result.decided_chapters


def test_a_confident_guess_counts_without_codes(classifier):
    result = classifier.classify(ItemText(title="Battery chargers for mobile phones: safety requirements"))
    assert result.decided_chapters == ["85"]


def test_chapter_terms_in_the_products_rank_their_chapters_without_deciding_them(classifier):
    result = classifier.classify(ItemText(title="商品标签规定：服装标签", products_text="服装"))
    assert {"61", "62"} <= {c for c, _ in result.hs_chapters[:3]}
    ranked = rank_chapters([], {"85": 0.3, "61": 0.1}, named=["61", "62"])
    assert ranked[:3] == [("61", TERM_SCORE), ("62", TERM_SCORE), ("85", 0.3)]
    assert decided_chapters(ranked) == []
