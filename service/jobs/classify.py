"""Classification of stored items: sector tags, HS chapters and urgency from ``nlp``.

Runs every few minutes in the scheduler (new items are tagged soon after they are stored),
and on ``tbtwatch classify``. Human tags from triage are never touched.
"""

import logging
from datetime import date
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import Engine
from sqlmodel import Session

from nlp.catalogue import DEFAULT_EDITION, Catalogue, register_edition
from nlp.classifier import Classification, get_classifier
from nlp.codes import normalise_hs
from nlp.hs_chapters import ChapterDecision
from nlp.item import ItemText
from nlp.urgency import assess
from store.db import default_engine
from store.kinds import KINDS
from store.queries.classification import (
    active_edition,
    items_to_classify,
    save_classifications,
)
from store.settings import Settings

log = logging.getLogger(__name__)
INTERVAL_MINUTES = 2


def item_text(item_kind: str, row: Any) -> ItemText:
    """What the classifier reads of a stored item (its kind's fields, :mod:`store.kinds`, and
    what only notifications carry)."""
    kind = KINDS[item_kind]
    text = ItemText(
        title=kind.title(row) or (row.reference if item_kind == "change" else None),
        description=kind.description(row),
        products_text=kind.products(row),
        hs_codes=list(row.hs_codes),
        ics_codes=kind.ics_codes(row),
        language=row.language,
        notification_type=row.kind if item_kind == "change" else None,
        comment_deadline=kind.deadline_of(row),
        distribution_date=kind.date_of(row) if kind.deadline is not None else None,
    )
    if item_kind == "notification":
        text.notification_type, text.committee = row.notification_type, row.committee
        text.all_trading_partners = row.all_trading_partners
        text.countries_affected = list(row.countries_affected)
        text.objectives = list(row.objectives)
    return text


def current_edition(session: Session) -> str:
    """The edition to tag with: the installed active one (registered with ``nlp``), else
    the edition shipped as default."""
    installed = active_edition(session)
    if installed is None:
        return DEFAULT_EDITION
    register_edition(Catalogue.from_dict(installed.content, source=f"edition {installed.name}"))
    return installed.name


def hs_tags(given: list[str], decisions: list[ChapterDecision]) -> list[dict]:
    """The HS tags to store: each code the item gives, then each ranked chapter no given code
    covers (a quoted code's chapter, or a model guess with its decision)."""
    tags = {
        code: {"code": code, "score": 1.0, "decided": True, "origin": "given"}
        for code in filter(None, map(normalise_hs, given))
    }
    covered = {code[:2] for code in tags}
    for decision in decisions:
        if decision.chapter not in covered:
            tags.setdefault(
                decision.chapter,
                {
                    "code": decision.chapter,
                    "score": decision.score,
                    "decided": decision.decided,
                    "origin": "quoted" if decision.origin == "code" else "model",
                },
            )
    return list(tags.values())


def stored_result(item_id: int, text: ItemText, result: Classification, today: date) -> dict:
    """A classification in the shape ``save_classifications`` stores."""
    urgency = assess(text, result.sectors, today)
    return {
        "item_id": item_id,
        "edition": result.edition,
        "tags": [
            {"sector": s.code, "score": s.score, "decided": s.decided, "origin": s.origin, "reasons": s.reasons}
            for s in result.sectors
        ],
        "hs_tags": hs_tags(text.hs_codes, result.chapter_decisions),
        "urgency": urgency.level,
        "urgency_reasons": urgency.reasons,
    }


def classify_items(
    engine: Engine | None = None, *, everything: bool = False, today: date | None = None, batch: int = 256
) -> dict[str, int]:
    """Tag items not yet tagged with the current edition (all items with ``everything``);
    returns how many of each kind were tagged. Commits batch by batch."""
    engine = engine or default_engine()
    today = today or date.today()
    counts = {}
    with Session(engine, expire_on_commit=False) as session:
        edition = current_edition(session)
        classifier = get_classifier(edition)
        for item_kind in KINDS:
            counts[item_kind] = 0
            after_id = 0
            while rows := items_to_classify(
                session, item_kind=item_kind, edition=edition, everything=everything, after_id=after_id, limit=batch
            ):
                texts = [item_text(item_kind, row) for row in rows]
                results = classifier.classify_many(texts)
                save_classifications(
                    session,
                    item_kind=item_kind,
                    results=[
                        stored_result(row.id, text, result, today)
                        for row, text, result in zip(rows, texts, results, strict=True)
                    ],
                )
                session.commit()
                counts[item_kind] += len(rows)
                after_id = rows[-1].id
    return counts


def _scheduled_classification() -> None:
    counts = classify_items()
    if any(counts.values()):
        log.info("classified %s", counts)


def schedule(scheduler: BaseScheduler, settings: Settings) -> None:
    scheduler.add_job(
        _scheduled_classification, "interval", minutes=INTERVAL_MINUTES, id="classify", name="tag new items", jitter=20
    )
