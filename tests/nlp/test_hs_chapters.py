"""HS chapters: quoted codes first, then the model's ranking from text alone."""

import pytest

from nlp import ItemText
from nlp.hs_chapters import rank_chapters


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
