"""The structured summary opening each alert, in the subscriber's language, built from data:
through dispatch into a real SMTP server, and on its own for each kind of measure."""

from datetime import timedelta

from alerts.dispatch import dispatch
from alerts.summary import measure, products_text, summary_lines
from store.db import session_scope
from store.models import Triage
from store.queries.alerts import AlertItem
from tests.factories import TODAY, add_notification, clock, date_of, subscribe

SMARTPHONES = {
    "symbol": "G/TBT/N/EU/1042",
    "member": "EU",
    "title": "Draft Commission Regulation on the ecodesign of smartphones",
    "description": "The draft lays down ecodesign requirements for smartphones and slate tablets.",
    "products_text": "Smartphones; tablets",
    "hs_codes": ["8517.13.00"],
    "objectives": ["Protection of the environment", "Consumer information, labelling", "Safety of users"],
    "comment_deadline": date_of(50),
}


def summary(text: str, language: str) -> list[str]:
    """The summary block of a plain-text alert: the lines between the kind line and the original."""
    start = text.index(" · ")
    start = text.index("\n", start) + 1
    end = text.index("原文（未经翻译）" if language == "zh" else "As published")
    return [line for line in text[start:end].splitlines() if line.strip()]


def test_chinese_alert_opens_with_a_summary_built_from_data(db_engine, alert_settings, mailbox):
    subscribe(db_engine, sectors=["EI"])
    item_id = add_notification(db_engine, **SMARTPHONES)
    with session_scope(db_engine) as session:
        session.add(Triage(item_kind="notification", item_id=item_id, status="comment_drafted"))
    dispatch(db_engine, alert_settings, clock=clock())
    [mail] = mailbox.messages
    text = mail.get_body(("plain",)).get_content()
    deadline = date_of(50).isoformat()
    assert summary(text, "zh") == [
        "成员: 欧盟",
        "措施类型: 技术法规草案",
        "产品: 智能手机（HS 8517.13.00）",
        "目的: 保护环境；消费者信息、标签；Safety of users",
        f"评议截止: {deadline}（还剩 50 天）",
        f"如何应对: 如需评议，请于 {deadline} 前通过 WTO/TBT 国家通报咨询中心提交。咨询中心正在起草评议意见",
    ]
    # the original follows, unchanged
    after = text[text.index("原文（未经翻译）") :]
    assert SMARTPHONES["title"] in after and SMARTPHONES["description"] in after
    html = mail.get_body(("html",)).get_content()
    assert "智能手机（HS 8517.13.00）" in html and "<strong>如需评议" in html


def test_english_subscribers_get_the_same_summary_in_english(db_engine, alert_settings, mailbox):
    subscribe(db_engine, sectors=["EI"], language="en")
    item_id = add_notification(db_engine, **SMARTPHONES)
    with session_scope(db_engine) as session:
        session.add(
            Triage(
                item_kind="notification", item_id=item_id, status="comment_sent", comment_sent_on=TODAY - timedelta(1)
            )
        )
    dispatch(db_engine, alert_settings, clock=clock())
    text = mailbox.messages[0].get_body(("plain",)).get_content()
    deadline = date_of(50).isoformat()
    assert summary(text, "en") == [
        "Member: European Union",
        "Kind of measure: Draft technical regulation",
        "Products: Telephone sets; smartphones for cellular or other wireless networks (HS 8517.13.00)",
        "Objectives: Protection of the environment; Consumer information, labelling; Safety of users",
        f"Comment deadline: {deadline} (50 days left)",
        "What to do: To comment, submit your comments through China's WTO/TBT National Enquiry Point before "
        f"{deadline}. The Enquiry Point sent comments on {(TODAY - timedelta(1)).isoformat()}",
    ]


def item(**fields) -> AlertItem:
    return AlertItem(**{"kind": "notification", "id": 1, "label": "G/TBT/N/USA/1", "title": None, **fields})


def test_kind_of_measure():
    assert measure(item(committee="SPS", notification_type="Regular")) == "sps"
    assert measure(item(committee="SPS", notification_type="Emergency")) == "emergency"
    assert measure(item(title="Conformity assessment procedures for toys")) == "conformity_assessment"
    assert measure(item(title="Draft Indian Standard for helmets")) == "standard"
    assert measure(item(symbol_kind="corrigendum")) == "corrigendum"
    assert measure(item(symbol_kind="revision")) == "revision"
    extended = "The comment period is extended to 30 June 2026."
    assert measure(item(symbol_kind="addendum", description=extended)) == "addendum_deadline"
    assert measure(item(symbol_kind="addendum", description="The regulation was adopted on 1 May.")) == "adopted"
    assert measure(item(symbol_kind="addendum", description="The draft has been withdrawn.")) == "withdrawn"
    assert measure(item(kind="change", notification_type="draft")) == "change_draft"
    assert measure(item(kind="intelligence")) == "intelligence"


def test_products_fall_back_to_chapter_names_then_the_original_wording():
    assert products_text(item(hs_codes=["1201"], products="Soya  beans"), "zh") == "油籽、子仁及工业或药用植物（HS 12）"
    assert products_text(item(hs=["85"], products="Chargers"), "en").startswith("Electrical machinery")
    assert products_text(item(products="Soya  beans"), "zh") == "Soya beans"
    assert (
        products_text(item(hs_codes=["85076000", "851713"]), "zh")
        == "锂离子蓄电池（HS 8507.60.00）；智能手机（HS 8517.13）"
    )


def test_a_closed_period_and_no_deadline_say_so():
    closed = summary_lines(item(comment_deadline=TODAY - timedelta(3)), language="zh", today=TODAY)
    assert [line.text for line in closed if line.key in ("deadline", "action")] == [
        f"{(TODAY - timedelta(3)).isoformat()}（已截止）",
        "评议期已结束；如受影响，可联系 WTO 国家通报咨询中心",
    ]
    none = summary_lines(item(), language="zh", today=TODAY)
    assert [line.key for line in none] == ["measure", "deadline"]
