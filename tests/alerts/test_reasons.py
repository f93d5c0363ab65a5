"""Stored reasons in the reader's words, from the message catalogue, in Chinese and English."""

from datetime import date

import pytest

from alerts.reasons import WORDING, localise
from nlp import ItemText, reasons
from nlp.classifier import get_classifier

STORED_CHINESE_ENGLISH = [
    (reasons.WITHDRAWN(), "措施已撤回", "measure withdrawn"),
    (reasons.ADOPTED(), "措施已通过或已生效，须满足其要求", "measure adopted or in force: compliance needed"),
    (reasons.DRAFT(), "措施草案", "draft measure"),
    (reasons.COMMENT_PERIOD_CHANGED(), "评议期变更", "comment period changed"),
    (reasons.EMERGENCY(), "紧急措施，已实施", "emergency measure, already applied"),
    (reasons.NO_DEADLINE(), "未列明评议截止日期", "no comment deadline given"),
    (reasons.DEADLINE_PASSED(days=3), "评议截止日期已过 3 天", "comment deadline passed 3 days ago"),
    (
        reasons.DAYS_LEFT(days=9, deadline="2026-12-07"),
        "距评议截止还有 9 天（2026-12-07）",
        "9 days left to comment (deadline 2026-12-07)",
    ),
    (reasons.CHINA_NOT_AFFECTED(), "中国不在受影响国家之列", "China is not among the affected countries"),
    (reasons.ALL_PARTNERS(), "影响所有贸易伙伴", "all trading partners affected"),
    (reasons.NO_SECTOR(), "未涉及目录领域", "no catalogue sector affected"),
    (reasons.SECTORS(sectors="EI, BIO"), "涉及领域：电子与信息、生物医药与中药", "sectors: EI, BIO"),
    (
        reasons.CODE(system="HS", code="851713", line="851713", strength="core"),
        "产品：智能手机（HS 8517.13）",
        "product: Telephone sets; smartphones for cellular or other wireless… (HS 8517.13)",
    ),
    (
        reasons.CODE(system="HS", code="850760", line="8507", strength="core"),
        "产品：蓄电池（HS 8507.60）",
        "product: Electric accumulators (HS 8507.60)",
    ),
    (
        reasons.CODE(system="HS", code="85", line="8517", strength="partial"),
        "产品（部分属于目录）：电话机（含手机）及其他有线/无线网络通信设备（HS 8517）",
        "product partly in the catalogue: Telephone sets, including smartphones and other telephones… (HS 8517)",
    ),
    (
        reasons.CODE(system="ICS", code="33.100", line="33.100", strength="partial"),
        "标准领域（部分属于目录）：电磁兼容性（EMC）（ICS 33.100）",
        "standards field partly in the catalogue: Electromagnetic compatibility (EMC) (ICS 33.100)",
    ),
    (reasons.PHRASE(phrase="lithium-ion battery"), "关键词：lithium-ion battery", "keyword: lithium-ion battery"),
    (reasons.MODEL(score="0.85"), "文本模型评分 0.85", "text model score 0.85"),
]


@pytest.mark.parametrize(("stored", "chinese", "english"), STORED_CHINESE_ENGLISH)
def test_every_shape_reads_in_chinese_and_in_plain_english(stored, chinese, english):
    assert localise(stored, "zh") == chinese
    assert localise(stored, "en") == english


def test_every_kind_has_its_wording():
    assert set(WORDING) == set(reasons.KINDS)


@pytest.mark.parametrize("text", ["HS 8507 核心", "draft measure!", "", "人工复核：电池"])
def test_other_text_comes_back_unchanged(text):
    assert localise(text, "zh") == text == localise(text, "en")


def test_sector_codes_unknown_to_the_edition_stay_codes():
    assert localise("sectors: EI, XYZ", "zh", edition="no-such-edition") == "涉及领域：电子与信息、XYZ"


def test_what_the_classifier_and_urgency_say_all_read_in_chinese():
    item = ItemText(
        title="Radio equipment and lithium batteries",
        hs_codes=["850760"],
        comment_deadline=date(2025, 3, 10),
        countries_affected=["Viet Nam"],
        all_trading_partners=False,
    )
    result = get_classifier("2003").classify(item)
    said = [r for s in result.sectors for r in s.reasons] + result.urgency(item, date(2025, 3, 1)).reasons
    assert said and all(localise(r, "zh") != r for r in said)
    assert all("\u4e00" <= localise(r, "zh")[0] <= "\u9fff" for r in said)
