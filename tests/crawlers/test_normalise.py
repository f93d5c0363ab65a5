"""Published values to plain, normalised ones."""

from datetime import date, datetime

import pytest

from crawlers.normalise import first_text, hs_codes, ics_codes, links, names, parse_date, plain_text, text_language


@pytest.mark.parametrize(
    ("published", "plain"),
    [
        ("<p>Petroleum jelly</p>", "Petroleum jelly"),
        ('<div><span style="font-size:11pt">Safety &amp; health &ndash; toys</span></div>', "Safety & health – toys"),
        ("<p>First</p><p>Second&nbsp;part</p>", "First\nSecond part"),
        ("Line one<br/>Line two", "Line one\nLine two"),
        ("Already plain &amp;amp; twice escaped", "Already plain & twice escaped"),
        ("  spaced   out\r\n text ", "spaced out\ntext"),
        ("<p>化学品散装存储(CBS)。</p>", "化学品散装存储(CBS)。"),
        ("<style>p {color: red}</style><p>Kept</p>", "Kept"),
        ("PM < 2.5 and x<y", "PM < 2.5 and x<y"),
        ("AT&T; R&amp;D &unknown;", "AT&T; R&D &unknown;"),
        ("<ul><li>One</li><li>Two</li></ul><script>alert(1)</script>", "One\nTwo"),
        ("<p> </p>", None),
        (None, None),
    ],
)
def test_plain_text(published, plain):
    assert plain_text(published) == plain


def test_first_text_prefers_plain_and_falls_back_to_html():
    assert first_text({"titlePlain": "Plain", "title": "<p>HTML</p>"}, "titlePlain", "title") == "Plain"
    assert first_text({"titlePlain": "", "title": "<p>HTML</p>"}, "titlePlain", "title") == "HTML"
    assert first_text({"title": None}, "titlePlain", "title") is None


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("2025-11-26T00:00:00", date(2025, 11, 26)),
        ("2025-11-26T00:00:00Z", date(2025, 11, 26)),
        ("2025-11-26", date(2025, 11, 26)),
        ("26/11/2025", date(2025, 11, 26)),
        ("Mon, 14 Oct 2024 00:00:00 +0200", date(2024, 10, 14)),
        ("9/15/2026", date(2026, 9, 15)),
        ("14.10.2024", date(2024, 10, 14)),
        ("14 Oct. 2024", date(2024, 10, 14)),
        ("2024/10/14", date(2024, 10, 14)),
        (datetime(2024, 1, 2, 3, 4), date(2024, 1, 2)),
        ("0001-01-01T00:00:00", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(published, expected):
    assert parse_date(published) == expected


@pytest.mark.parametrize("text", ["soon", "May", "October 2026", "30"])
def test_parse_date_rejects_text_that_is_no_date(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    "shape",
    [
        ["8507.60", "850760", " 2712.10 "],
        [{"code": "8507.60"}, {"code": "850760"}, {"code": "271210"}],
        "8507.60, 850760; 2712.10",
    ],
)
def test_hs_codes_in_every_shape(shape):
    assert hs_codes(shape) == ["850760", "271210"]


def test_ics_codes_in_every_shape():
    assert ics_codes(["71.100.70", {"code": "13.020"}]) == ["71.100.70", "13.020"]
    assert ics_codes("71.100.70, 13.020") == ["71.100.70", "13.020"]
    assert ics_codes(None) == []


def test_codes_are_taken_from_the_start_of_each_entry_and_the_rest_dropped():
    assert hs_codes(["ex 8507.60", "850760 Lithium-ion accumulators", "n/a", "85a7", "12345678901"]) == ["850760"]
    assert ics_codes(["71.100.70 Cosmetics", "71.1", "see annex"]) == ["71.100.70"]


def test_names_and_links():
    assert names([{"name": "Harmonization"}, {"name": "<p>Quality requirements</p>"}, {"name": "Harmonization"}]) == [
        "Harmonization",
        "Quality requirements",
    ]
    assert names("Consumer information, labelling; Harmonization") == [
        "Consumer information, labelling",
        "Harmonization",
    ]
    assert links("https://a.example/1.pdf\nhttps://b.example/2.pdf, https://a.example/1.pdf", None) == [
        "https://a.example/1.pdf",
        "https://b.example/2.pdf",
    ]


def test_text_language():
    assert text_language("化学品散装存储(CBS)。", "修订化学品散装存储(CBS)规定第597部分。") == "zh"
    assert text_language("Petroleum jelly (ICS 71.100.70)", None) == "en"
    assert text_language(None, default="es") == "es"
