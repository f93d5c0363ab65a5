"""Reading and writing people's judgements of alerts, one-time links, and training runs; the
per-sector figures of the administration pages and the human labels training learns from."""

from collections import Counter, defaultdict
from dataclasses import dataclass
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
    statement = dialect.insert(UsedLink).values(nonce=nonce, purpose=purpose, used_at=now).on_conflict_do_nothing()
    return bool(session.execute(statement).rowcount)


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
        .group_by(Alert.item_kind, Alert.item_id)
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


def training_labels(session: Session) -> tuple[dict[tuple[str, int], list[str]], dict[tuple[str, int], list[str]]]:
    """Human sector labels per item: (staff's, people's). Staff's are the sectors staff decided
    on an item they reviewed. People's come from judgements: "useful" confirms the sectors the
    item had; "not relevant" for a wrong sector or product takes away the sectors the
    subscription asked for; when judgements of one item disagree, the majority holds."""
    staff: dict[tuple[str, int], list[str]] = {}
    for tag in session.exec(select(SectorTag).where(SectorTag.origin == "human").order_by(col(SectorTag.id))):
        sectors = staff.setdefault((tag.item_kind, tag.item_id), [])
        if tag.decided and tag.sector not in sectors:
            sectors.append(tag.sector)
    votes: dict[tuple[str, int], Counter] = defaultdict(Counter)
    for feedback in session.exec(select(AlertFeedback).order_by(col(AlertFeedback.id))):
        key = (feedback.item_kind, feedback.item_id)
        if key in staff:
            continue
        if feedback.verdict == "useful" and feedback.sectors:
            votes[key][tuple(feedback.sectors)] += 1
        elif feedback.verdict == "not_relevant" and feedback.reason in LABEL_REASONS and feedback.subscribed_sectors:
            kept = tuple(s for s in feedback.sectors if s not in feedback.subscribed_sectors)
            votes[key][kept] += 1
    people = {key: list(counter.most_common(1)[0][0]) for key, counter in votes.items()}
    return staff, people


def record_training_run(session: Session, *, output: str, staff_labels: int, feedback_labels: int) -> TrainingRun:
    run = TrainingRun(output=output, staff_labels=staff_labels, feedback_labels=feedback_labels)
    session.add(run)
    return run


def last_training_run(session: Session) -> TrainingRun | None:
    return session.exec(select(TrainingRun).order_by(col(TrainingRun.trained_at).desc())).first()
