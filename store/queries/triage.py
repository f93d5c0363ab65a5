"""The enquiry point's work queue and its status workflow over every kind of item.

Each item moves through :data:`TRANSITIONS`::

    new → triaged → under_review → comment_drafted → comment_sent → closed
    (new, triaged, under_review) → no_action

with a step back allowed where work is redone (triaged → new, under_review → triaged,
comment_drafted → under_review) and reopening (closed → under_review,
no_action → triaged). Moving to ``comment_sent`` needs the comment text (stored or given) and
records the date sent (today unless given). :func:`update_triage` enforces these rules and
raises :class:`TriageRefused` for a change they do not allow; the service adds its own check
of the assignee and writes every change to the audit log.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func
from sqlmodel import Session, SQLModel, col, select

from store.kinds import KINDS
from store.models import (
    TRIAGE_STATUSES,
    URGENCY_RANK,
    IntelligenceReport,
    ItemClassification,
    Notification,
    SectorTag,
    StandardsChange,
    Triage,
    TriageNote,
    User,
)
from store.models.types import utcnow
from store.refusals import Refused, Term

TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"triaged", "no_action"}),
    "triaged": frozenset({"under_review", "no_action", "new"}),
    "under_review": frozenset({"comment_drafted", "no_action", "triaged"}),
    "comment_drafted": frozenset({"comment_sent", "under_review"}),
    "comment_sent": frozenset({"closed"}),
    "closed": frozenset({"under_review"}),
    "no_action": frozenset({"triaged"}),
}


class TriageRefused(Refused):
    """A triage change the rules do not allow; nothing was changed.

    ``conflict`` is true when the item's current status forbids the move (the request is
    sound, the item is not where it would have to be), false when the request itself is
    incomplete or invalid. The message (``refused_triage_*``) exists in Chinese and English."""


def _queue_statement(kind: str, columns: tuple, *, status: str, sector: str | None, assignee_id: int | None):
    """The items of ``kind`` in the queue's filter, selecting ``columns``."""
    model = KINDS[kind].model
    statement = (
        select(*columns)
        .select_from(model)
        .outerjoin(Triage, and_(col(Triage.item_kind) == kind, col(Triage.item_id) == model.id))
        .outerjoin(
            ItemClassification,
            and_(col(ItemClassification.item_kind) == kind, col(ItemClassification.item_id) == model.id),
        )
        .where(func.coalesce(Triage.status, "new") == status)
        .where(KINDS[kind].counts())
    )
    if assignee_id is not None:
        statement = statement.where(Triage.assignee_id == assignee_id)
    if sector:
        statement = statement.where(
            exists().where(
                col(SectorTag.item_kind) == kind,
                col(SectorTag.item_id) == model.id,
                col(SectorTag.sector) == sector,
                col(SectorTag.decided).is_(True),
            )
        )
    return statement


def queue(
    session: Session,
    *,
    status: str = "new",
    sector: str | None = None,
    assignee_id: int | None = None,
    kinds: tuple[str, ...] = tuple(KINDS),
    limit: int = 100,
    offset: int = 0,
) -> list:
    """Items in ``status`` (an item never triaged is new), most urgent first, then those
    still open for comment by the soonest deadline, then the newest; ``limit`` of them from
    ``offset`` on (:func:`queue_count` says how many there are in all)."""
    if status not in TRIAGE_STATUSES:
        raise ValueError(f"status must be one of {TRIAGE_STATUSES}")
    today = date.today()
    # most urgent first, unclassified last
    urgency_rank = case(
        *((col(ItemClassification.urgency) == level, -rank) for level, rank in URGENCY_RANK.items()),
        else_=1,
    )
    ranked = []
    for kind in kinds:
        model, dated, deadline = KINDS[kind].model, KINDS[kind].dated, KINDS[kind].deadline
        statement = _queue_statement(
            kind, (model, urgency_rank.label("rank")), status=status, sector=sector, assignee_id=assignee_id
        )
        order: list[ColumnElement[Any]] = [urgency_rank]
        if deadline is not None:
            open_deadline = case((deadline >= today, deadline), else_=None)
            order.append(open_deadline.asc().nulls_last())
        order += [col(dated).desc().nulls_last(), col(model.id).desc()]
        for item, rank in session.exec(statement.order_by(*order).limit(offset + limit)):
            deadline_value = getattr(item, deadline.key) if deadline is not None else None
            if deadline_value is None or deadline_value < today:
                deadline_value = date.max
            dated_value = getattr(item, dated.key)
            if isinstance(dated_value, datetime):
                dated_value = dated_value.date()
            ranked.append(((rank, deadline_value, -(dated_value or date.min).toordinal()), item))
    ranked.sort(key=lambda pair: pair[0])
    return [item for _, item in ranked[offset : offset + limit]]


def queue_count(
    session: Session,
    *,
    status: str = "new",
    sector: str | None = None,
    assignee_id: int | None = None,
    kinds: tuple[str, ...] = tuple(KINDS),
) -> int:
    """How many items :func:`queue` has with these filters, over every page."""
    return sum(
        session.exec(
            _queue_statement(kind, (func.count(),), status=status, sector=sector, assignee_id=assignee_id)
        ).one()
        for kind in kinds
    )


def triage_rows(session: Session, items: list[tuple[str, int]]) -> dict[tuple[str, int], tuple[str, User | None]]:
    """Each item's triage status and assignee (an item never triaged is new, unassigned)."""
    found: dict[tuple[str, int], tuple[str, User | None]] = dict.fromkeys(items, ("new", None))
    for kind in {kind for kind, _ in items}:
        ids = [item_id for k, item_id in items if k == kind]
        statement = (
            select(Triage, User)
            .outerjoin(User, col(User.id) == col(Triage.assignee_id))
            .where(Triage.item_kind == kind, col(Triage.item_id).in_(ids))
        )
        for triage, user in session.exec(statement):
            found[(kind, triage.item_id)] = (triage.status, user)
    return found


def status_counts(session: Session) -> dict[str, int]:
    """How many items have a triage row in each status (new counts only explicit rows)."""
    rows = session.exec(select(Triage.status, func.count()).group_by(Triage.status))
    return dict(rows.all())


def triageable_item(session: Session, *, item_kind: str, item_id: int) -> SQLModel | None:
    """The item that may be triaged and tagged, or None: it exists and counts (an embassy's report
    only once published: its drafts and submissions are for its author and reviewers alone)."""
    kind = KINDS.get(item_kind)
    item = session.get(kind.model, item_id) if kind is not None else None
    return item if item is not None and kind is not None and kind.counted(item) else None


def triage_status(session: Session, *, item_kind: str, item_id: int) -> str:
    """The item's status (an item never triaged is new)."""
    row = session.get(Triage, (item_kind, item_id))
    return row.status if row else "new"


def update_triage(
    session: Session,
    *,
    item_kind: str,
    item_id: int,
    user_id: int | None,
    status: str | None = None,
    assignee_id: int | None = None,
    set_assignee: bool = False,
    comment_text: str | None = None,
    comment_sent_on: date | None = None,
    note: str | None = None,
    may_assign: Callable[[int], bool] | None = None,
) -> Triage:
    """Change an item's triage record (made on first use) by the workflow's rules; the caller
    commits and audits.

    ``status`` equal to the current one is no move, so never refused. :class:`TriageRefused`
    is raised, before anything is changed, for the first of: a status not allowed from the
    current one (a conflict), ``comment_sent`` with no comment text stored or given, a new
    assignee that ``may_assign`` (the caller's test; the store knows no permissions) turns
    down."""
    if status is not None and status not in TRIAGE_STATUSES:
        raise TriageRefused("triage_status", field="status", value=status)
    row = session.get(Triage, (item_kind, item_id))
    current = row.status if row else "new"
    if status is not None and status != current:
        if status not in TRANSITIONS[current]:
            allowed = [Term(s, "triage status") for s in TRIAGE_STATUSES if s in TRANSITIONS[current]]
            raise TriageRefused(
                "triage_move",
                field="status",
                conflict=True,
                current=Term(current, "triage status"),
                allowed=allowed,
                wanted=Term(status, "triage status"),
            )
        if status == "comment_sent":
            if not (comment_text or (row and row.comment_text)):
                raise TriageRefused("triage_comment_first", field="comment_text")
            comment_sent_on = comment_sent_on or date.today()
    if set_assignee and assignee_id is not None and may_assign is not None and not may_assign(assignee_id):
        raise TriageRefused("triage_assignee", field="assignee_id", user_id=assignee_id)
    row = row or Triage(item_kind=item_kind, item_id=item_id)
    if status is not None:
        row.status = status
    if set_assignee:
        row.assignee_id = assignee_id
    if comment_text is not None:
        row.comment_text = comment_text or None
    if comment_sent_on is not None:
        row.comment_sent_on = comment_sent_on
    row.updated_at = utcnow()
    row.updated_by = user_id
    session.add(row)
    if note and note.strip():
        session.add(TriageNote(item_kind=item_kind, item_id=item_id, author_id=user_id, text=note.strip()))
    return row


def first_seen_on(session: Session, *, day: date) -> list:
    """Every item that arrived on ``day`` (UTC): notifications and changes first seen then,
    intelligence published then."""
    start = datetime.combine(day, time.min, tzinfo=UTC)
    end = start + timedelta(days=1)
    items: list = []
    for model, column in (
        (Notification, col(Notification.first_seen_at)),
        (StandardsChange, col(StandardsChange.first_seen_at)),
        (IntelligenceReport, col(IntelligenceReport.published_at)),
    ):
        items += session.exec(select(model).where(column >= start, column < end).order_by(col(model.id)))
    return items
