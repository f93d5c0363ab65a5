"""Reasons are stored in English and read back in Chinese, from one template per shape."""

from datetime import date

import pytest

from nlp import ItemText, reasons
from nlp.reasons import localise

STORED_AND_CHINESE = [
    (reasons.WITHDRAWN(), "措施已撤回"),
    (reasons.ADOPTED(), "措施已通过或已生效，须满足其要求"),
    (reasons.DRAFT(), "措施草案"),
    (reasons.COMMENT_PERIOD_CHANGED(), "评议期变更"),
    (reasons.EMERGENCY(), "紧急措施，已实施"),
    (reasons.NO_DEADLINE(), "未列明评议截止日期"),
    (reasons.DEADLINE_PASSED(days=3), "评议截止日期已过 3 天"),
    (reasons.DAYS_LEFT(days=9, deadline="2026-12-07"), "距评议截止还有 9 天（2026-12-07）"),
    (reasons.CHINA_NOT_AFFECTED(), "中国不在受影响国家之列"),
    (reasons.ALL_PARTNERS(), "影响所有贸易伙伴"),
    (reasons.NO_SECTOR(), "未涉及目录领域"),
    (reasons.SECTORS(sectors="EI, BIO"), "涉及领域：电子与信息、生物医药与中药"),
    (reasons.CODE(system="HS", code="85171300", line="851713", strength="core"), "产品：智能手机（HS 8517.13.00）"),
    (
        reasons.CODE(system="ICS", code="33.100", line="33.100", strength="partial"),
        "标准领域（部分属于目录）：电磁兼容性（EMC）（ICS 33.100）",
    ),
    (reasons.PHRASE(phrase="technologie de l'information"), "关键词：technologie de l'information"),
    (reasons.MODEL(score="0.85"), "文本模型评分 0.85"),
]
# Sector tag reasons are stored tersely and read in plain English too.
PLAIN_ENGLISH = {
    reasons.CODE(
        system="HS", code="850760", line="8507", strength="core"
    ): "product: Electric accumulators (HS 8507.60)",
    reasons.CODE(system="HS", code="85", line="8517", strength="partial"): (
        "product partly in the catalogue: Telephone sets, including smartphones and other telephones… (HS 8517)"
    ),
    reasons.PHRASE(phrase="lithium-ion battery"): "keyword: lithium-ion battery",
    reasons.MODEL(score="0.85"): "text model score 0.85",
}


@pytest.mark.parametrize("stored, chinese", STORED_AND_CHINESE)
def test_every_shape_reads_in_chinese_and_in_plain_english(stored, chinese):
    assert localise(stored, "zh") == chinese
    if not stored.startswith(("code ", "phrase ", "model ")):
        assert localise(stored, "en") == stored


@pytest.mark.parametrize("stored, english", PLAIN_ENGLISH.items())
def test_tag_reasons_read_as_plain_words(stored, english):
    assert localise(stored, "en") == english


def test_the_examples_cover_every_template():
    covered = {next(r for r in reasons.TEMPLATES if r.pattern.fullmatch(stored)) for stored, _ in STORED_AND_CHINESE}
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
def test_other_text_comes_back_unchanged(text):
    assert localise(text, "zh") == text


def test_sector_codes_unknown_to_the_edition_stay_codes():
    assert localise("sectors: EI, XYZ", "zh", edition="no-such-edition") == "涉及领域：电子与信息、XYZ"


def test_what_the_classifier_and_urgency_say_all_read_in_chinese(classifier):
    item = ItemText(
        title="Radio equipment and lithium batteries",
        hs_codes=["850760"],
        comment_deadline=date(2025, 3, 10),
        countries_affected=["Viet Nam"],
        all_trading_partners=False,
    )
    result = classifier.classify(item)
    said = [r for s in result.sectors for r in s.reasons] + result.urgency(item, date(2025, 3, 1)).reasons
    assert said and all(localise(r, "zh") != r for r in said)
    assert all("\u4e00" <= localise(r, "zh")[0] <= "\u9fff" for r in said)
