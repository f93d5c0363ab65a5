"""HS/ICS codes: extraction from text and prefix matching against the catalogue."""

from nlp.catalogue import load_edition
from nlp.codes import CodeIndex, hs_code_list, hs_codes_in_text, ics_codes_in_text, normalise_hs


def test_hs_codes_are_read_after_their_markers_in_any_language():
    assert hs_codes_in_text("(HS code(s): 380891); (ICS code(s): 71.100.70)") == ["380891"]
    assert hs_codes_in_text("Mobile phone; HS code 8517.13.00") == ["85171300"]
    assert hs_codes_in_text("空调机 (HS: 8415.10.8415.81,8415.82)") == ["841510", "841581", "841582"]
    assert hs_codes_in_text("鲜杏(HS编码:080910)") == ["080910"]
    assert hs_codes_in_text("SA:  2711; ICS:  75.160.30") == ["2711"]
    assert hs_codes_in_text("Medicinal materials (HS: 05,06,09,30)") == ["05", "06", "09", "30"]
    assert hs_codes_in_text("published in 2015, 300 pages") == []


def test_ics_codes_need_the_ics_marker():
    assert ics_codes_in_text("环境保护,化工产品。ICS:13.020、71.100") == ["13.020", "71.100"]
    assert ics_codes_in_text("Drugs ICS: 11. HS: 30") == ["11"]
    assert ics_codes_in_text("version 10.100 of the text") == []


def test_national_codes_with_check_digit_are_cut_to_ten_digits():
    assert normalise_hs("8518.30.10.00.1") == "8518301000"
    assert normalise_hs("8") is None


def test_narrower_code_takes_the_line_strength_broader_code_is_partial():
    index = CodeIndex(load_edition("2003"))
    by_sector = {(m.sector, m.code): m.strength for m in index.match(["851713", "30"], [])}
    assert by_sector[("EI", "851713")] == "core"
    assert by_sector[("BIO", "30")] == "partial"


def test_most_specific_line_wins_so_emc_is_partial_under_core_telecoms():
    index = CodeIndex(load_edition("2003"))
    strengths = {m.code: m.strength for m in index.match([], ["33.100.10", "33.060.20"]) if m.sector == "EI"}
    assert strengths == {"33.100.10": "partial", "33.060.20": "core"}


def test_codes_after_a_dash_and_products_that_are_only_codes():
    assert hs_codes_in_text("Ethylene Oxide (HS CODE – 29101000)") == ["29101000"]
    assert hs_code_list("2709、2710、2713、3403、3819") == ["2709", "2710", "2713", "3403", "3819"]
    assert hs_code_list("3920, 3923, 4415.10") == ["3920", "3923", "4415.10"]
    assert hs_code_list("Toys, 2019") == [] and hs_code_list(None) == []
