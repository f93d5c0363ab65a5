"""See before subscribing: how many alerts a subscription's selectors would have produced over
the last :data:`PREVIEW_DAYS` days, with a few examples, for the subscription form (as the
selectors change) and the API alike.

The fields are checked by the one validation of subscriptions
(:func:`alerts.subscriptions.checked`); where alerts go does not matter to a preview, so it is
left out. A preview of nothing in particular (no selector at all) is refused: it would be every
item. The count is of items dated in the period that the subscription matches, by the same
matching as delivery (:class:`alerts.matching.SubscriptionIndex`).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from alerts.matching import SubscriptionIndex
from alerts.subscriptions import SubscriptionError, checked
from store.models import Subscription, SubscriptionCreate
from store.queries.alerts import AlertItem, load_items, recent_items

PREVIEW_DAYS = 90
TOO_MANY_PER_WEEK = 30
EXAMPLES = 5
SELECTORS = ("sectors", "hs_prefixes", "ics_prefixes", "members", "committees", "kinds", "keywords")
_NOWHERE = {"email": "preview@tbtwatch.invalid", "channels": []}  # a preview delivers nothing


@dataclass
class Preview:
    count: int
    days: int
    examples: list[AlertItem]  # the most recent first

    @property
    def per_week(self) -> float:
        return round(self.count * 7 / self.days, 1)

    @property
    def too_many(self) -> bool:
        """More than :data:`TOO_MANY_PER_WEEK` alerts a week: worth narrowing."""
        return self.per_week > TOO_MANY_PER_WEEK


def has_selector(data: SubscriptionCreate) -> bool:
    return any(getattr(data, name) for name in SELECTORS) or data.min_urgency != "low"


def preview(session: Session, fields: Mapping[str, Any], *, today: date) -> Preview:
    """What a subscription with ``fields`` would have received over the last days up to ``today``;
    :class:`~alerts.subscriptions.SubscriptionError` when the fields are wrong or select nothing
    in particular."""
    data = checked({**fields, **_NOWHERE})
    if not has_selector(data):
        raise SubscriptionError("preview_no_selector")
    index = SubscriptionIndex([Subscription(**data.model_dump(), id=0, token="")])
    since = today - timedelta(days=PREVIEW_DAYS)
    items = load_items(session, recent_items(session, since)).values()
    matched = [item for item in items if index.match_ids(item)]
    matched.sort(key=lambda item: (item.dated or since, item.id), reverse=True)
    return Preview(count=len(matched), days=PREVIEW_DAYS, examples=matched[:EXAMPLES])
