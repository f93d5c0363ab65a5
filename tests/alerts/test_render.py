"""Bilingual templates, escaping of everything from outside, digests by sector."""

import email
from datetime import date, timedelta
from email.policy import default

from alerts.channels import EmailSender, Message
from alerts.render import Entry, render_message
from store.models import Alert, Subscription
from store.queries.alerts import AlertItem

TODAY = date(2024, 5, 6)


def entry(reason="match", why=None, **fields) -> Entry:
    item = AlertItem(
        **{
            "kind": "notification",
            "id": 7,
            "label": "G/TBT/N/CHN/1800",
            "title": "锂离子电池安全技术规范",
            "products": "锂离子电池",
            "member_code": "CHN",
            "committee": "TBT",
            "sectors": {"EI": ["HS 8507 核心"]},
            "hs": ["85"],
            "urgency": "high",
            "comment_deadline": TODAY + timedelta(days=20),
            "language": "zh",
            "links": ["https://docs.wto.org/x.pdf"],
        }
        | fields
    )
    return Entry(
        Alert(
            id=fields.get("id", 7),
            subscription_id=1,
            item_kind=item.kind,
            item_id=item.id,
            reason=reason,
            why=why or {"member": "CHN"},
        ),
        item,
    )


def subscription(language="en", **fields) -> Subscription:
    return Subscription(id=1, token="tok", language=language, email="a@example.com", **fields)


def render(kind="alert", entries=None, language="en", **fields):
    return render_message(
        kind, subscription(language, **fields), entries or [entry()], today=TODAY, base_url="https://tbtwatch.test"
    )


def test_a_chinese_notification_reaches_an_english_subscriber_in_english():
    rendered = render()
    assert rendered.subject.startswith("[Alert] G/TBT/N/CHN/1800 锂离子电池安全技术规范")
    for text in (rendered.text, rendered.html):
        assert "Comment deadline" in text and "20 days left" in text and "锂离子电池安全技术规范" in text
        assert "China (CHN)" in text and "Electronics and information" in text and "HS 8507 核心" in text
        assert "评议截止" not in text and "https://tbtwatch.test/items/notification/7" in text
        assert "https://tbtwatch.test/unsubscribe/tok" in text
    assert "Why you got this: market: China (CHN)" in rendered.text


def test_the_same_notification_in_chinese():
    rendered = render(language="zh")
    assert rendered.subject.startswith("【预警】")
    assert "评议截止" in rendered.text and "还剩 20 天" in rendered.text and "中国 (CHN)" in rendered.text
    assert "电子与信息" in rendered.text and "Comment deadline" not in rendered.text


def test_reasons_read_in_the_subscribers_language_and_stay_english_in_the_payload():
    reasoned = entry(
        sectors={"EPNE": ["code HS 850760 ~ 8507 (core)", "phrase 'lithium battery'"]},
        edition="2003",
        urgency_reasons=[
            "draft measure",
            "20 days left to comment (deadline 2024-05-26)",
            "sectors: EPNE",
            "noted by staff",
        ],
    )
    rendered = render(entries=[reasoned], language="zh")
    for text in (rendered.text, rendered.html):
        assert "产品：蓄电池（HS 8507.60）; 关键词：lithium battery" in text
        assert "措施草案; 距评议截止还有 20 天（2024-05-26）; 涉及领域：环境保护与新能源; noted by staff" in text
        assert "draft measure" not in text and "phrase '" not in text
    mail = EmailSender("smtp://127.0.0.1:25", "tbtwatch <a@tbtwatch.test>").build(
        "a@example.com",
        Message(
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            payload=rendered.payload,
            idempotency_key="k",
            message_id="<k@x>",
            unsubscribe_url="https://x/u",
        ),
    )
    body = email.message_from_bytes(mail, policy=default).get_body(("plain",)).get_content()
    assert "措施草案; 距评议截止还有 20 天（2024-05-26）" in body
    [item] = rendered.payload["items"]
    assert item["urgency_reasons"][:2] == ["draft measure", "20 days left to comment (deadline 2024-05-26)"]
    assert item["urgency_reasons_text"][:2] == ["措施草案", "距评议截止还有 20 天（2024-05-26）"]
    assert item["sectors"][0]["reasons"][0] == "code HS 850760 ~ 8507 (core)"
    english = render(entries=[reasoned])
    assert "draft measure; 20 days left to comment (deadline 2024-05-26); sectors: EPNE" in english.text


HOSTILE = "<script>alert(1)</script>\r\nBcc: victim@example.com\u202eevil"


def test_hostile_text_is_escaped_everywhere():
    bad = entry(
        title=HOSTILE,
        products='"><img src=x onerror=alert(1)>',
        description="<b>bold</b>",
        links=["javascript:alert(1)", "https://ok.example/doc"],
        label="G/TBT/N/CHN/1800\nX-Injected: 1",
    )
    rendered = render(entries=[bad])
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "<img" not in rendered.html and "&lt;b&gt;bold" in rendered.html
    assert "javascript:" not in rendered.html and "javascript:" not in rendered.text
    assert 'href="https://ok.example/doc"' in rendered.html
    assert "\u202e" not in rendered.html + rendered.text + rendered.subject
    assert "\n" not in rendered.subject and "\r" not in rendered.subject
    mail = EmailSender("smtp://127.0.0.1:25", "tbtwatch <a@tbtwatch.test>").build(
        "a@example.com",
        Message(
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            payload={},
            idempotency_key="k",
            message_id="<k@x>",
            unsubscribe_url="https://x/u",
        ),
    )
    parsed = email.message_from_bytes(mail, policy=default)
    assert parsed["Bcc"] is None and parsed["X-Injected"] is None
    assert "<script>alert(1)</script>" in parsed["Subject"]  # harmless as text in a header


def test_follow_up_and_reminder_say_what_changed():
    original = entry()
    follow = entry(
        reason="follow-up",
        id=8,
        label="G/TBT/N/CHN/1800/Add.1",
        why={"changes": [{"what": "comment_deadline", "old": "2024-05-26", "new": "2024-06-30"}, {"what": "adopted"}]},
    )
    follow.original = original.item
    rendered = render("follow-up", [follow])
    assert rendered.subject == "Re: " + render().subject
    assert "What changed: comment deadline now 2024-06-30 (was 2024-05-26); adopted" in rendered.text
    assert rendered.payload["items"][0]["changes"][1] == {"what": "adopted"}
    reminder = entry(reason="reminder-3", comment_deadline=TODAY + timedelta(days=3))
    reminder.original = reminder.item
    assert render("reminder", [reminder]).subject.startswith("[Comment deadline] 3 days left: G/TBT/N/CHN/1800")


def test_digest_groups_by_sector_most_urgent_first():
    entries = [
        entry(id=1, label="A-low-EI", urgency="low", sectors={"EI": []}),
        entry(id=2, label="B-high-BIO", urgency="high", sectors={"BIO": []}),
        entry(
            id=3, label="C-high-EI-soon", urgency="high", sectors={"EI": []}, comment_deadline=TODAY + timedelta(days=5)
        ),
        entry(id=4, label="D-high-EI-later", urgency="high", sectors={"EI": []}),
        entry(id=5, label="E-none", urgency="medium", sectors={}),
    ]
    rendered = render_message(
        "digest",
        subscription("en", frequency="daily"),
        entries,
        today=TODAY,
        base_url="https://tbtwatch.test",
        period="daily",
    )
    assert rendered.subject == "[Daily digest] 5 items"
    text = rendered.text
    order = [text.index(label) for label in ("C-high-EI-soon", "D-high-EI-later", "A-low-EI", "B-high-BIO", "E-none")]
    assert order == sorted(order)
    assert text.index("== Electronics and information ==") < text.index("== Biomedicine") < text.index("== Other ==")
