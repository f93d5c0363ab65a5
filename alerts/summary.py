"""The short structured summary that opens every alert and item page, in the reader's language.

It is built from data, never by machine translation: the member's name from the member
register; the kind of measure from the notification type, the symbol and the cue words of
:func:`nlp.urgency.measure_kind`; the products by the names the catalogue gives the HS codes
the item carries (HS 8517.13 → 智能手机), else as published; the WTO objectives from their
fixed list; the comment deadline with the days left; and what to do, with the enquiry point's
comment status when staff have one. The original title and description follow it, unchanged.

E-mail, IM text, the inbox, feeds and the item page all call :func:`summary_lines`.
"""

from dataclasses import dataclass
from datetime import date

from nlp.codes import normalise_hs
from nlp.hs_names import chapter_name, hs_display, product_name
from nlp.item import ItemText
from nlp.urgency import measure_kind
from store.members import resolve_member
from store.queries.alerts import AlertItem
from translations import N_, translations

PRODUCTS_SHOWN = 4
PRODUCT_TEXT_CHARS = 200
# The WTO's objectives (ePing vocabulary: TBT, then SPS), found by their lower-case English name.
OBJECTIVES = {
    name.lower(): name
    for name in (
        N_("Protection of human health or safety"),
        N_("Consumer information, labelling"),
        N_("Prevention of deceptive practices and consumer protection"),
        N_("Quality requirements"),
        N_("Harmonization"),
        N_("Reducing trade barriers and facilitating trade"),
        N_("Protection of the environment"),
        N_("Protection of animal or plant life or health"),
        N_("Cost saving and productivity enhancement"),
        N_("National security requirements"),
        N_("Food safety"),
        N_("Animal health"),
        N_("Plant protection"),
        N_("Protect humans from animal/plant pest or disease"),
        N_("Protect territory from other damage from pests"),
        N_("Other"),
    )
}
# The kinds of measure :func:`measure` tells apart.
MEASURES = {
    "regulation": N_("Draft technical regulation"),
    "standard": N_("Draft standard"),
    "conformity_assessment": N_("Conformity assessment procedure"),
    "sps": N_("Draft sanitary or phytosanitary measure"),
    "emergency": N_("Emergency measure (already applied)"),
    "addendum": N_("Addendum (further information)"),
    "addendum_deadline": N_("Addendum changing the comment deadline"),
    "adopted": N_("Addendum: measure adopted or in force"),
    "withdrawn": N_("Addendum: measure withdrawn"),
    "revision": N_("Revision (replaces the earlier notification)"),
    "corrigendum": N_("Corrigendum"),
    "change_new": N_("New standard or regulation"),
    "change_revised": N_("Revised standard or regulation"),
    "change_withdrawn": N_("Withdrawn standard or regulation"),
    "change_draft": N_("Draft open for comment"),
    "intelligence": N_("Market intelligence"),
}
# Comment statuses of the enquiry point that tell a reader something.
COMMENT_STATUSES = {
    "under_review": N_("The Enquiry Point is reviewing this notification"),
    "comment_drafted": N_("The Enquiry Point is drafting comments"),
    "comment_sent": N_("The Enquiry Point has sent comments"),
    "no_action": N_("The Enquiry Point decided not to comment"),
}


@dataclass(frozen=True)
class SummaryLine:
    """One line of the summary: ``key`` says which (member, measure, products, objectives,
    deadline, action), ``label`` and ``text`` are in the reader's language."""

    key: str
    label: str
    text: str


def summary_lines(item: AlertItem, *, language: str, today: date) -> list[SummaryLine]:
    """The summary of ``item`` for a reader of ``language`` on ``today``."""
    _ = translations(language).gettext
    lines = [
        SummaryLine(
            "member",
            _("Host country") if item.kind == "intelligence" else _("Member"),
            member_text(item.member_code, language),
        ),
        SummaryLine("measure", _("Kind of measure"), _(MEASURES[measure(item)])),
        SummaryLine("products", _("Products"), products_text(item, language)),
        SummaryLine("objectives", _("Objectives"), _join(objectives(item, language), language)),
        SummaryLine("deadline", _("Comment deadline"), deadline_text(item, language, today)),
        SummaryLine("action", _("What to do"), action_text(item, language, today)),
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
    """What kind of measure ``item`` is: a key of :data:`MEASURES`."""
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


def objectives(item: AlertItem, language: str) -> list[str]:
    """The item's objectives from the WTO's fixed list, in the reader's language; others as given."""
    _ = translations(language).gettext
    named: list[str] = []
    for objective in item.objectives:
        known = OBJECTIVES.get(" ".join(objective.lower().replace("&", "and").split()).rstrip("."))
        text = _(known) if known else " ".join(objective.split())
        if text and text not in named:
            named.append(text)
    return named


def deadline_text(item: AlertItem, language: str, today: date) -> str:
    _ = translations(language).gettext
    if item.kind == "intelligence":
        return ""
    if item.comment_deadline is None:
        return _("none")
    left = (item.comment_deadline - today).days
    note = _("closed") if left < 0 else _("%(days)s days left") % {"days": left}
    return _aside(item.comment_deadline.isoformat(), note, language)


def action_text(item: AlertItem, language: str, today: date) -> str:
    """What the reader can do, and what the enquiry point did about it."""
    _ = translations(language).gettext
    if item.kind == "intelligence":
        return ""
    deadline = item.comment_deadline
    if deadline is not None and deadline >= today:
        if item.kind == "notification":
            todo = _(
                "To comment, submit your comments through China's WTO/%(committee)s National Enquiry Point "
                "before %(deadline)s"
            ) % {"deadline": deadline.isoformat(), "committee": item.committee or "TBT"}
        else:
            todo = _("To comment, submit your comments as the original text says before %(deadline)s") % {
                "deadline": deadline.isoformat()
            }
    elif deadline is not None:
        todo = _("The comment period is over; if you are affected, contact the WTO National Enquiry Point")
    else:
        todo = ""
    if item.comment_status in COMMENT_STATUSES:
        status = _(COMMENT_STATUSES[item.comment_status])
        if item.comment_status == "comment_sent" and item.comment_sent_on:
            status = _("The Enquiry Point sent comments on %(date)s") % {"date": item.comment_sent_on.isoformat()}
        todo = _("%(todo)s. %(status)s") % {"todo": todo, "status": status} if todo else status
    return todo
