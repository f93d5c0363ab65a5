"""The short structured summary that opens every alert and item page, in the reader's language.

It is built from data, never by machine translation: the member's name from the member
register; the kind of measure from the notification type, the symbol and the cue words of
:func:`nlp.urgency.measure_kind`; the products by the names the catalogue gives the HS codes
the item carries (HS 8517.13 → 智能手机), else as published; the WTO objectives from their
fixed list; the comment deadline with the days left; and what to do, with the enquiry point's
comment status when staff have one. The original title and description follow it, unchanged.

E-mail, IM text, the inbox, feeds and the item page all call :func:`summary_lines`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from nlp.codes import normalise_hs
from nlp.hs_names import chapter_name, hs_display, product_name
from nlp.item import ItemText
from nlp.urgency import measure_kind
from store.members import resolve_member
from store.queries.alerts import AlertItem

Translate = Callable[..., str]
PRODUCTS_SHOWN = 4
PRODUCT_TEXT_CHARS = 200
# The WTO's objectives (ePing vocabulary: TBT, then SPS), keyed by their lower-case English name.
OBJECTIVES = {
    "protection of human health or safety": "objective_health",
    "consumer information, labelling": "objective_labelling",
    "prevention of deceptive practices and consumer protection": "objective_deception",
    "quality requirements": "objective_quality",
    "harmonization": "objective_harmonization",
    "reducing trade barriers and facilitating trade": "objective_trade",
    "protection of the environment": "objective_environment",
    "protection of animal or plant life or health": "objective_animal_plant",
    "cost saving and productivity enhancement": "objective_cost",
    "national security requirements": "objective_security",
    "food safety": "objective_food_safety",
    "animal health": "objective_animal_health",
    "plant protection": "objective_plant_protection",
    "protect humans from animal/plant pest or disease": "objective_pests_humans",
    "protect territory from other damage from pests": "objective_pests_territory",
    "other": "objective_other",
}
# Comment statuses of the enquiry point that tell a reader something.
COMMENT_STATUSES = ("under_review", "comment_drafted", "comment_sent", "no_action")


@dataclass(frozen=True)
class SummaryLine:
    """One line of the summary: ``key`` says which (member, measure, products, objectives,
    deadline, action), ``label`` and ``text`` are in the reader's language."""

    key: str
    label: str
    text: str


def summary_lines(item: AlertItem, *, t: Translate, language: str, today: date) -> list[SummaryLine]:
    """The summary of ``item`` for a reader of ``language`` on ``today``; ``t`` translates the
    alert strings (:func:`alerts.render.translator`)."""
    lines = [
        SummaryLine(
            "member",
            t("host_country" if item.kind == "intelligence" else "member"),
            member_text(item.member_code, language),
        ),
        SummaryLine("measure", t("summary_measure"), t(f"measure_{measure(item)}")),
        SummaryLine("products", t("products"), products_text(item, language)),
        SummaryLine("objectives", t("summary_objectives"), _join(objectives(item, t), language)),
        SummaryLine("deadline", t("deadline"), deadline_text(item, t, language, today)),
        SummaryLine("action", t("summary_action"), action_text(item, t, today)),
    ]
    return [line for line in lines if line.text]


def _join(parts: list[str], language: str) -> str:
    return ("；" if language == "zh" else "; ").join(parts)


def _aside(text: str, note: str, language: str) -> str:
    """``text (note)`` with the reader's brackets."""
    return f"{text}（{note}）" if language == "zh" else f"{text} ({note})"


def member_text(code: str | None, language: str) -> str:
    member = resolve_member(code) if code else None
    if member is None:
        return code or ""
    return member.name_zh if language == "zh" else member.name_en


def measure(item: AlertItem) -> str:
    """What kind of measure ``item`` is: a key of the ``measure_*`` strings."""
    if item.kind == "intelligence":
        return "intelligence"
    if item.kind == "change":
        known = item.notification_type in ("new", "revised", "withdrawn", "draft")
        return f"change_{item.notification_type}" if known else "change_new"
    if item.symbol_kind in ("corrigendum", "revision"):
        return item.symbol_kind
    if item.symbol_kind in ("addendum", "supplement") or "addendum" in (item.notification_type or "").lower():
        text = ItemText(title=item.title, description=item.description, notification_type="Addendum")
        kinds = {"withdrawal": "withdrawn", "comment_period": "addendum_deadline", "adopted": "adopted"}
        return kinds.get(measure_kind(text), "addendum")
    if "emergency" in (item.notification_type or "").lower():
        return "emergency"
    if item.committee == "SPS":
        return "sps"
    words = " ".join(part for part in (item.title, item.description) if part).lower()
    if any(
        word in words
        for word in ("conformity assessment", "évaluation de la conformité", "evaluación de la conformidad")
    ):
        return "conformity_assessment"
    if any(word in words for word in (" standard", "norma ", "norme ")) and "regulation" not in words:
        return "standard"
    return "regulation"


def products_text(item: AlertItem, language: str) -> str:
    """The products by the names the catalogue gives the item's given or decided HS codes
    ("智能手机（HS 8517.13）"), else by the names of their chapters ("电机、电气设备（HS 85）"),
    else in the item's own wording."""
    codes = list(dict.fromkeys([*filter(None, map(normalise_hs, item.hs_codes)), *item.hs]))
    named: dict[str, str] = {}
    for code in codes:
        name = product_name(code, language)
        if name and name not in named:
            named[name] = _aside(name, f"HS {hs_display(code)}", language)
    if not named:
        for chapter in dict.fromkeys(code[:2] for code in codes):
            name = chapter_name(chapter, language)
            if name and name not in named:
                named[name] = _aside(name, f"HS {chapter}", language)
    if named:
        return ("；" if language == "zh" else "; ").join(list(named.values())[:PRODUCTS_SHOWN])
    text = " ".join((item.products or "").split())
    return text if len(text) <= PRODUCT_TEXT_CHARS else text[: PRODUCT_TEXT_CHARS - 1] + "…"


def objectives(item: AlertItem, t: Translate) -> list[str]:
    """The item's objectives from the WTO's fixed list, in the reader's language; others as given."""
    named: list[str] = []
    for objective in item.objectives:
        key = OBJECTIVES.get(" ".join(objective.lower().replace("&", "and").split()).rstrip("."))
        text = t(key) if key else " ".join(objective.split())
        if text and text not in named:
            named.append(text)
    return named


def deadline_text(item: AlertItem, t: Translate, language: str, today: date) -> str:
    if item.kind == "intelligence":
        return ""
    if item.comment_deadline is None:
        return t("no_deadline")
    left = (item.comment_deadline - today).days
    return _aside(item.comment_deadline.isoformat(), t("closed") if left < 0 else t("days_left", days=left), language)


def action_text(item: AlertItem, t: Translate, today: date) -> str:
    """What the reader can do, and what the enquiry point did about it."""
    if item.kind == "intelligence":
        return ""
    deadline = item.comment_deadline
    if deadline is not None and deadline >= today:
        if item.kind == "notification":
            todo = t("action_comment", deadline=deadline.isoformat(), committee=item.committee or "TBT")
        else:
            todo = t("action_comment_source", deadline=deadline.isoformat())
    elif deadline is not None:
        todo = t("action_closed")
    else:
        todo = ""
    if item.comment_status in COMMENT_STATUSES:
        status = t(f"comment_status_{item.comment_status}")
        if item.comment_status == "comment_sent" and item.comment_sent_on:
            status = t("comment_status_sent_on", date=item.comment_sent_on.isoformat())
        todo = f"{todo}{t('sentence_join')}{status}" if todo else status
    return todo
