"""Reasons are stored in English, one template per kind, and read back as kind and values
(their wording for readers is the catalogue's: tests/alerts/test_reasons.py)."""

import pytest

from nlp import reasons
from nlp.reasons import ReadReason, read

STORED_AND_READ = [
    (reasons.WITHDRAWN(), ReadReason("withdrawn")),
    (reasons.ADOPTED(), ReadReason("adopted")),
    (reasons.DRAFT(), ReadReason("draft")),
    (reasons.COMMENT_PERIOD_CHANGED(), ReadReason("comment_period_changed")),
    (reasons.EMERGENCY(), ReadReason("emergency")),
    (reasons.NO_DEADLINE(), ReadReason("no_deadline")),
    (reasons.DEADLINE_PASSED(days=3), ReadReason("deadline_passed", {"days": "3"})),
    (
        reasons.DAYS_LEFT(days=9, deadline="2026-12-07"),
        ReadReason("days_left", {"days": "9", "deadline": "2026-12-07"}),
    ),
    (reasons.CHINA_NOT_AFFECTED(), ReadReason("china_not_affected")),
    (reasons.ALL_PARTNERS(), ReadReason("all_partners")),
    (reasons.NO_SECTOR(), ReadReason("no_sector")),
    (reasons.SECTORS(sectors="EI, BIO"), ReadReason("sectors", {"sectors": "EI, BIO"})),
    (
        reasons.CODE(system="HS", code="85171300", line="851713", strength="core"),
        ReadReason("product", {"system": "HS", "code": "8517.13.00", "line": "851713"}),
    ),
    (  # a code broader than the line it touched shows as the line
        reasons.CODE(system="HS", code="85", line="8517", strength="partial"),
        ReadReason("product_partly", {"system": "HS", "code": "8517", "line": "8517"}),
    ),
    (
        reasons.CODE(system="ICS", code="33.100", line="33.100", strength="partial"),
        ReadReason("standards_field_partly", {"system": "ICS", "code": "33.100", "line": "33.100"}),
    ),
    (reasons.PHRASE(phrase="lithium-ion battery"), ReadReason("keyword", {"phrase": "lithium-ion battery"})),
    (reasons.MODEL(score="0.85"), ReadReason("model", {"score": "0.85"})),
]


@pytest.mark.parametrize(("stored", "expected"), STORED_AND_READ)
def test_every_shape_reads_back_as_kind_and_values(stored, expected):
    assert read(stored) == expected


def test_the_examples_cover_every_template():
    covered = {next(r for r in reasons.TEMPLATES if r.pattern.fullmatch(stored)) for stored, _ in STORED_AND_READ}
    assert covered == set(reasons.TEMPLATES)


def test_stored_wording_is_unchanged():
    assert reasons.DAYS_LEFT(days=9, deadline="2026-12-07") == "9 days left to comment (deadline 2026-12-07)"
    assert reasons.CODE(system="HS", code="850760", line="8507", strength="core") == "code HS 850760 ~ 8507 (core)"
    assert reasons.PHRASE(phrase="radio equipment") == "phrase 'radio equipment'"
    assert reasons.SECTORS(sectors="EI") == "sectors: EI"


@pytest.mark.parametrize(
    "text",
    [
        "HS 8507 核心",
        "deadline soon",
        "comment deadline passed many days ago",
        "sectors: battery makers",
        "draft measure!",
        "",
        "model high",
    ],
)
def test_other_text_reads_as_none(text):
    assert read(text) is None
