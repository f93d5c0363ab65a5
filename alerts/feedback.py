"""People correct the model: every alert carries two signed links, "useful" and "not relevant",
that record the reader's judgement of that item for that subscription without logging in;
a reason can then be added (wrong sector, wrong product, wrong market, already known). A
message telling several of one person's subscriptions' alerts on an item (one message per
person) carries links naming all of them: one click records the judgement for each, as each
was alerted (the administrators' figures count alerts per subscription), and training counts
it once (:func:`store.queries.feedback.training_labels` takes a link's rows as one vote).

A link is single-purpose and expires: its token is signed with the service's secret key under
a salt of its own (so no other token of the service passes for it), names the subscription,
the item, the verdict and a nonce, and is refused after :data:`LINK_MAX_AGE`. Each nonce works
once: following a link again (a replay) changes nothing and says so. Messages are rendered once
for many subscribers with stand-in links (:func:`stand_in`), which :func:`personalise` turns
into each subscriber's own.

Judgements are training data (:func:`store.queries.feedback.training_labels`) and the
administrators' per-sector figures.
"""

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from itsdangerous import BadData, URLSafeTimedSerializer
from sqlmodel import Session

from store.models import FEEDBACK_REASONS, VERDICTS, AlertFeedback, Subscription
from store.models.types import utcnow
from store.queries.alerts import load_items
from store.queries.feedback import consume_link, feedback_for

SALT = "tbtwatch.alert-feedback.v1"
LINK_MAX_AGE = timedelta(days=90)
PURPOSE = "feedback"
_STAND_IN = "https://feedback.invalid"
STAND_INS = re.compile(re.escape(_STAND_IN) + r"/(useful|not_relevant)/(notification|change|intelligence)/(\d+)")


class FeedbackLinkError(ValueError):
    """A link that records nothing: ``state`` is ``invalid`` (tampered, or not a feedback link)
    or ``expired``."""

    def __init__(self, state: str):
        super().__init__(state)
        self.state = state


@dataclass(frozen=True)
class FeedbackLink:
    subscription_id: int
    item_kind: str
    item_id: int
    verdict: str
    nonce: str
    also: tuple[int, ...] = ()  # the person's other subscriptions alerted about the item in that message

    @property
    def subscription_ids(self) -> tuple[int, ...]:
        return (self.subscription_id, *self.also)


@lru_cache(maxsize=4)  # one a secret: made once, not for each of many links a dispatch run signs
def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def nonce_of(*parts: object) -> str:
    """A link's nonce from what makes it unique (a delivery, an inbox row, a feed entry)."""
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:32]


def make_token(secret: str, link: FeedbackLink) -> str:
    data: list = [link.subscription_id, link.item_kind, link.item_id, link.verdict, link.nonce]
    return str(_serializer(secret).dumps([*data, list(link.also)] if link.also else data))


def read_token(secret: str, token: str, *, now: datetime | None = None) -> FeedbackLink:
    """The link a token stands for; :class:`FeedbackLinkError` when it is tampered or expired."""
    try:
        data, issued = _serializer(secret).loads(token, return_timestamp=True)
    except BadData as error:
        raise FeedbackLinkError("invalid") from error
    if (now or utcnow()) - issued > LINK_MAX_AGE:
        raise FeedbackLinkError("expired")
    try:
        subscription_id, item_kind, item_id, verdict, nonce, *rest = data
    except (TypeError, ValueError) as error:
        raise FeedbackLinkError("invalid") from error
    also = rest[0] if len(rest) == 1 and isinstance(rest[0], list) else None if rest else []
    ids = [subscription_id, item_id, *(also or [])]
    if verdict not in VERDICTS or also is None or not all(isinstance(i, int) for i in ids):
        raise FeedbackLinkError("invalid")
    return FeedbackLink(subscription_id, str(item_kind), item_id, verdict, str(nonce), tuple(also))


def feedback_url(base_url: str, secret: str, link: FeedbackLink) -> str:
    return f"{base_url.rstrip('/')}/feedback/{make_token(secret, link)}"


def stand_in(verdict: str, item_kind: str, item_id: int) -> str:
    """The placeholder a shared rendering carries for one subscriber's link."""
    return f"{_STAND_IN}/{verdict}/{item_kind}/{item_id}"


def personalise(
    texts: list[str],
    *,
    subscription_id: int,
    nonce: str,
    base_url: str,
    secret: str,
    subscription_of: Mapping[tuple[str, int], Sequence[int]] | None = None,
) -> list[str]:
    """``texts`` with every stand-in link replaced by the subscriber's signed link (each link
    signed once, whichever of the texts carries it). A link judges its item for the
    subscriptions ``subscription_of[(kind, id)]`` when given (those whose alerts on it the
    message tells), else for ``subscription_id``."""
    made: dict[str, str] = {}
    owners = subscription_of or {}

    def link(match: re.Match) -> str:
        if match.group(0) not in made:
            verdict, kind, item_id = match.group(1), match.group(2), int(match.group(3))
            owner, *also = owners.get((kind, item_id), [subscription_id])
            own = FeedbackLink(owner, kind, item_id, verdict, nonce_of(nonce, verdict, kind, item_id), tuple(also))
            made[match.group(0)] = feedback_url(base_url, secret, own)
        return made[match.group(0)]

    return [STAND_INS.sub(link, text) for text in texts]


def record_judgement(session: Session, link: FeedbackLink, *, now: datetime | None = None) -> str:
    """Record what ``link`` says, for each of its subscriptions still there; the caller
    commits. Returns ``recorded``, ``replayed`` (the link was followed before: nothing
    changes) or ``gone`` (its subscriptions were deleted)."""
    now = now or utcnow()
    subscriptions = [s for s in (session.get(Subscription, i) for i in link.subscription_ids) if s is not None]
    if not subscriptions:
        return "gone"
    if not consume_link(session, link.nonce, purpose=PURPOSE, now=now):
        return "replayed"
    item = load_items(session, [(link.item_kind, link.item_id)]).get((link.item_kind, link.item_id))
    for subscription in subscriptions:
        feedback = feedback_for(session, subscription.id, link.item_kind, link.item_id) or AlertFeedback(
            subscription_id=subscription.id,
            item_kind=link.item_kind,
            item_id=link.item_id,
            verdict=link.verdict,
            link_nonce=link.nonce,
            created_at=now,
        )
        feedback.verdict, feedback.reason, feedback.link_nonce, feedback.updated_at = (
            link.verdict,
            None,
            link.nonce,
            now,
        )
        feedback.sectors = sorted(item.sectors) if item else []
        feedback.subscribed_sectors = sorted(subscription.sectors)
        session.add(feedback)
    return "recorded"


def add_reason(session: Session, link: FeedbackLink, reason: str, *, now: datetime | None = None) -> bool:
    """Add a reason to the judgements ``link`` recorded (only those: a later judgement made
    through another link is not changed by this one); the caller commits."""
    if reason not in FEEDBACK_REASONS:
        return False
    judged = [
        feedback
        for subscription_id in link.subscription_ids
        if (feedback := feedback_for(session, subscription_id, link.item_kind, link.item_id)) is not None
        and feedback.link_nonce == link.nonce
    ]
    for feedback in judged:
        feedback.reason, feedback.updated_at = reason, now or utcnow()
        session.add(feedback)
    return bool(judged)
