"""Reading and writing people's judgements of alerts, one-time links, and training runs; the
per-sector figures of the administration pages and the human labels training learns from."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from store.models import Alert, AlertFeedback, SectorTag, TrainingRun, UsedLink
from store.queries.tags import effective_sectors, tags_by_item

FIRST_REASONS = ("match", "catch-up")
LABEL_REASONS = ("wrong_sector", "wrong_product")  # "not relevant" because the tag was wrong


def consume_link(session: Session, nonce: str, *, purpose: str, now: datetime) -> bool:
    """Mark a one-time link used; False when it was used before (also by a concurrent request)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(UsedLink)
        .values(nonce=nonce, purpose=purpose, used_at=now)
        .on_conflict_do_nothing()
        .returning(col(UsedLink.nonce))
    )
    return session.execute(statement).first() is not None


def link_used(session: Session, nonce: str) -> bool:
    return session.get(UsedLink, nonce) is not None


def feedback_for(session: Session, subscription_id: int, item_kind: str, item_id: int) -> AlertFeedback | None:
    return session.exec(
        select(AlertFeedback).where(
            AlertFeedback.subscription_id == subscription_id,
            AlertFeedback.item_kind == item_kind,
            AlertFeedback.item_id == item_id,
        )
    ).first()


def verdicts_of(session: Session, subscription_ids: list[int]) -> dict[tuple[int, str, int], str]:
    """(subscription, item kind, item id) → verdict, for the inbox."""
    if not subscription_ids:
        return {}
    rows = session.exec(
        select(
            AlertFeedback.subscription_id, AlertFeedback.item_kind, AlertFeedback.item_id, AlertFeedback.verdict
        ).where(col(AlertFeedback.subscription_id).in_(subscription_ids))
    )
    return {(s, k, i): v for s, k, i, v in rows}


@dataclass
class SectorFigures:
    alerts: int = 0
    useful: int = 0
    not_relevant: int = 0

    @property
    def precision(self) -> float | None:
        """The share judged useful among the judged ones (None before any judgement)."""
        judged = self.useful + self.not_relevant
        return round(self.useful / judged, 4) if judged else None


def sector_figures(session: Session) -> dict[str, SectorFigures]:
    """Per sector: alerts made on items of that sector, and judgements of such alerts (by the
    sectors the item had when it was judged)."""
    figures: dict[str, SectorFigures] = defaultdict(SectorFigures)
    counts = session.exec(
        select(Alert.item_kind, Alert.item_id, func.count())
        .where(col(Alert.reason).in_(FIRST_REASONS))
        .group_by(col(Alert.item_kind), col(Alert.item_id))
    ).all()
    by_kind: dict[str, dict[int, int]] = defaultdict(dict)
    for kind, item_id, count in counts:
        by_kind[kind][item_id] = count
    for kind, items in by_kind.items():
        ids = list(items)
        for start in range(0, len(ids), 1000):
            tags = tags_by_item(session, item_kind=kind, item_ids=ids[start : start + 1000])
            for item_id, item_tags in tags.items():
                for sector in effective_sectors(item_tags):
                    figures[sector].alerts += items[item_id]
    for sectors, verdict in session.exec(select(AlertFeedback.sectors, AlertFeedback.verdict)):
        for sector in sectors:
            if verdict == "useful":
                figures[sector].useful += 1
            else:
                figures[sector].not_relevant += 1
    return dict(figures)


@dataclass
class HumanLabel:
    """What people said of one item's sectors: ``complete`` when staff set its whole tag list
    (the sectors not confirmed are wrong); else only ``confirmed`` and ``rejected`` are known."""

    item_kind: str
    item_id: int
    confirmed: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    complete: bool = False
    source: str = "exporter"


def training_labels(session: Session) -> list[HumanLabel]:
    """Human sector labels, one per item. Staff's confirmations and corrections of tags win.
    Else judgements: "useful" confirms the item's sectors a subscription asked for (all of its
    sectors when it asked for none); "not relevant" for a wrong sector or product rejects the
    sectors the subscription asked for; per sector, the majority of judgements holds, the
    judgements one link made for several subscriptions counting as one."""
    staff: dict[tuple[str, int], HumanLabel] = {}
    for tag in session.exec(select(SectorTag).where(SectorTag.origin == "human").order_by(col(SectorTag.id))):
        label = staff.setdefault(
            (tag.item_kind, tag.item_id), HumanLabel(tag.item_kind, tag.item_id, complete=True, source="staff")
        )
        if tag.decided and tag.sector not in label.confirmed:
            label.confirmed.append(tag.sector)
    # one click judges an item for every subscription its message told (a row each, one link
    # nonce): it is one person's vote, each sector counted once
    clicks: dict[tuple[str, int, str], dict[str, int]] = defaultdict(dict)
    for judged in session.exec(select(AlertFeedback).order_by(col(AlertFeedback.id))):
        key = (judged.item_kind, judged.item_id)
        if key in staff:
            continue
        asked = [s for s in judged.sectors if s in judged.subscribed_sectors]
        if judged.verdict == "useful":
            clicks[(*key, judged.link_nonce)].update(dict.fromkeys(asked or judged.sectors, 1))
        elif judged.reason in LABEL_REASONS:
            clicks[(*key, judged.link_nonce)].update(dict.fromkeys(asked, -1))
    votes: dict[tuple[str, int], Counter] = defaultdict(Counter)
    for (kind, item_id, _), vote in clicks.items():
        votes[(kind, item_id)].update(vote)
    people = []
    for (kind, item_id), counter in votes.items():
        label = HumanLabel(kind, item_id)
        label.confirmed = sorted(s for s, n in counter.items() if n > 0)
        label.rejected = sorted(s for s, n in counter.items() if n < 0)
        if label.confirmed or label.rejected:
            people.append(label)
    return list(staff.values()) + people


def record_training_run(session: Session, *, output: str, staff_labels: int, feedback_labels: int) -> TrainingRun:
    run = TrainingRun(output=output, staff_labels=staff_labels, feedback_labels=feedback_labels)
    session.add(run)
    return run


def last_training_run(session: Session) -> TrainingRun | None:
    return session.exec(select(TrainingRun).order_by(col(TrainingRun.trained_at).desc())).first()
