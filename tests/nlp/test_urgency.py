"""Urgency rules: deadline, kind of measure, who is affected, sectors."""

from datetime import date

from nlp import ItemText
from nlp.classifier import SectorScore
from nlp.urgency import assess, measure_kind

TODAY = date(2025, 3, 1)
EI = [SectorScore("EI", 0.9, True, ["phrase 'radio equipment'"], "rule")]


def test_draft_levels_follow_days_left():
    def level(deadline):
        return assess(ItemText(title="Draft", comment_deadline=deadline), EI, TODAY).level

    assert level(date(2025, 3, 10)) == "high"
    assert level(date(2025, 4, 1)) == "medium"
    assert level(date(2025, 6, 1)) == "low"
    assert level(date(2025, 2, 1)) == "medium"
    assert level(None) == "medium"


def test_reasons_explain_the_level():
    urgency = assess(ItemText(comment_deadline=date(2025, 3, 11), all_trading_partners=True), EI, TODAY)
    assert urgency.level == "high"
    assert "10 days left to comment (deadline 2025-03-11)" in urgency.reasons
    assert "all trading partners affected" in urgency.reasons
    assert "sectors: EI" in urgency.reasons


def test_no_sector_caps_at_low():
    urgency = assess(ItemText(comment_deadline=date(2025, 3, 5)), [], TODAY)
    assert urgency.level == "low" and "no catalogue sector affected" in urgency.reasons
    not_decided = [SectorScore("EI", 0.2, False, [], "model")]
    assert assess(ItemText(comment_deadline=date(2025, 3, 5)), not_decided, TODAY).level == "low"


def test_china_not_affected_lowers_one_step():
    item = ItemText(comment_deadline=date(2025, 3, 5), countries_affected=["Viet Nam"], all_trading_partners=False)
    assert assess(item, ["EI"], TODAY).level == "medium"
    item.countries_affected = ["China", "Viet Nam"]
    assert assess(item, ["EI"], TODAY).level == "high"


def test_kinds_of_measure():
    adopted = ItemText(notification_type="Addendum", description="The draft was adopted on 24 May 2023.")
    withdrawn = ItemText(notification_type="Addendum", description="The notified measure has been withdrawn.")
    extended = ItemText(
        notification_type="Addendum",
        description="The comment period is extended to 30 April 2025.",
        comment_deadline=date(2025, 3, 10),
    )
    zh_extended = ItemText(title="补遗", description="重新开始评议期", notification_type="Addendum")
    assert measure_kind(adopted) == "adopted" and assess(adopted, EI, TODAY).level == "medium"
    assert measure_kind(withdrawn) == "withdrawal" and assess(withdrawn, EI, TODAY).level == "low"
    assert measure_kind(extended) == "comment_period"
    assert assess(extended, EI, TODAY).reasons[0] == "comment period changed"
    assert measure_kind(zh_extended) == "comment_period"
    assert measure_kind(ItemText(notification_type="Regular notification")) == "draft"


def test_emergency_measures_are_high():
    item = ItemText(notification_type="Emergency", comment_deadline=date(2025, 6, 1))
    assert assess(item, EI, TODAY).level == "high"


def test_classification_offers_urgency(classifier):
    item = ItemText(title="Radio equipment: technical requirements", comment_deadline=date(2025, 3, 8))
    assert classifier.classify(item).urgency(item, TODAY).level == "high"
