"""Tokenisation shared by phrases and models: Chinese characters, accents, plurals."""

from nlp.text import blank_pipeline, words


def test_chinese_is_split_into_characters_and_latin_into_words():
    assert words("锂离子电池 Li-ion") == ["锂", "离", "子", "电", "池", "li-ion"]


def test_accents_case_and_plurals_are_normalised():
    assert words("Dispositivos Médicos") == words("dispositivo medico")
    assert words("Batteries") == ["battery"]


def test_pipeline_tokenizer_gives_empty_text_a_placeholder_token():
    nlp = blank_pipeline()
    assert [t.text for t in nlp("")] == ["-"]
    assert [t.text for t in nlp("能效 label")] == ["能", "效", "label"]
