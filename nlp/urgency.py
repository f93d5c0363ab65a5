"""Urgency of an item for exporters: ``assess(item, sectors, today) -> Urgency(level, reasons)``.

Rules, applied in order:

1. **Kind of measure**, from the notification type and the text (en/zh/es/fr cue words):
   ``withdrawal`` (withdrawn, revoked), ``adopted`` (adopted, final rule, entered into force),
   ``comment_period`` (an addendum that extends or reopens the comment period), else ``draft``.
2. **Base level**:
   * withdrawal → low (nothing left to comply with or comment on);
   * draft or comment-period change with an open deadline: ≤ ``HIGH_DAYS`` days left → high,
     ≤ ``MEDIUM_DAYS`` → medium, later → low; an emergency measure is high (it already applies);
   * draft whose deadline has passed, or without a deadline → medium (adoption is near, comments
     can still go through the enquiry point);
   * adopted → medium (exporters must comply; nothing can be commented any more).
3. **Who is affected**: if the item names affected countries, China is not among them and it is
   not addressed to all trading partners, the level drops one step.
4. **Sectors**: without any decided catalogue sector the level is capped at low (the item is
   outside the high-tech catalogue and alerts for it are noise).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from nlp import reasons as why
from nlp.item import ItemText

HIGH_DAYS = 15
MEDIUM_DAYS = 45
LEVELS = ("low", "medium", "high")
CHINA_NAMES = ("china", "中国", "chine", "people's republic of china", "chn", "c156")

_WITHDRAWAL = (
    "withdraw",
    "revoked",
    "revocation",
    "repeal of the notified",
    "撤回",
    "撤销",
    "废止",
    "retirad",
    "retiré",
)
_ADOPTED = (
    "adopted",
    "final rule",
    "entered into force",
    "entry into force",
    "published in",
    "已通过",
    "已生效",
    "最终法规",
    "生效日期",
    "adoptad",
    "entró en vigor",
    "entrée en vigueur",
    "adopté",
)
_COMMENT_PERIOD = ("comment period", "period for comments", "评议期", "意见期", "plazo para", "délai pour")
_EXTENDED = ("extend", "reopen", "re-open", "延长", "重新开始", "amplia", "prorrog", "prolong")


@dataclass(frozen=True)
class Urgency:
    level: str
    reasons: list[str]


def measure_kind(item: ItemText) -> str:
    kind = (item.notification_type or "").lower()
    text = " ".join(t for t in (item.title, item.description) if t).lower()
    addendum = "addendum" in kind or "补遗" in text[:200]
    if any(w in text for w in _WITHDRAWAL) and (addendum or "withdraw" in kind):
        return "withdrawal"
    if addendum and any(w in text for w in _COMMENT_PERIOD) and any(w in text for w in _EXTENDED):
        return "comment_period"
    if addendum and any(w in text for w in _ADOPTED):
        return "adopted"
    return "draft"


def assess(item: ItemText, sectors: Iterable, today: date) -> Urgency:
    """``sectors``: SectorScore objects (decided ones count) or plain sector codes."""
    tags = [s if isinstance(s, str) else s.code for s in sectors if isinstance(s, str) or s.decided]
    kind = measure_kind(item)
    emergency = "emergency" in (item.notification_type or "").lower()
    level, reasons = _base_level(kind, item.comment_deadline, today, emergency)
    if _china_excluded(item):
        level = max(level - 1, 0)
        reasons.append(why.CHINA_NOT_AFFECTED())
    elif item.all_trading_partners:
        reasons.append(why.ALL_PARTNERS())
    if not tags:
        level = 0
        reasons.append(why.NO_SECTOR())
    else:
        reasons.append(why.SECTORS(sectors=", ".join(tags)))
    return Urgency(LEVELS[level], reasons)


def _base_level(kind: str, deadline: date | None, today: date, emergency: bool) -> tuple[int, list[str]]:
    if kind == "withdrawal":
        return 0, [why.WITHDRAWN()]
    if kind == "adopted":
        return 1, [why.ADOPTED()]
    reasons = [why.COMMENT_PERIOD_CHANGED() if kind == "comment_period" else why.DRAFT()]
    if emergency:
        return 2, [*reasons, why.EMERGENCY()]
    if deadline is None:
        return 1, [*reasons, why.NO_DEADLINE()]
    days = (deadline - today).days
    if days < 0:
        return 1, [*reasons, why.DEADLINE_PASSED(days=-days)]
    reasons.append(why.DAYS_LEFT(days=days, deadline=deadline.isoformat()))
    return (2 if days <= HIGH_DAYS else 1 if days <= MEDIUM_DAYS else 0), reasons


def _china_excluded(item: ItemText) -> bool:
    if item.all_trading_partners or not item.countries_affected:
        return False
    names = " ".join(item.countries_affected).lower()
    return not any(n in names for n in CHINA_NAMES)
