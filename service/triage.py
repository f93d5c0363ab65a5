"""The triage workflow and the confirmation of sectors as the pages and the API both apply them.

The rules of the workflow (which status may follow which, the comment before "sent", the
date sent) live with the data, in :mod:`store.queries.triage`. Here is what needs the
service: the change a person asks for (:class:`TriageChange`, validated alike on the pages
and in the API), the assignee check (an active user who may triage), the audit entry, and
the HTTP answer to a refused change; and staff's verdict on an item's sectors
(:func:`confirm_sectors`).
"""

from collections.abc import Iterable
from datetime import date
from functools import partial
from typing import Literal

from fastapi import HTTPException
from pydantic import BaseModel, Field
from sqlmodel import Session, SQLModel

from alerts.labels import sector_codes
from nlp.catalogue import DEFAULT_EDITION
from service.refusals import explain
from service.security import audit, can
from store.models import TRIAGE_STATUSES, ItemClassification, User
from store.models.types import ID_MAX
from store.queries.tags import effective_sectors, set_human_tags, tags_by_item
from store.queries.triage import TRANSITIONS, TriageRefused, triage_status, triageable_item, update_triage

Status = Literal[TRIAGE_STATUSES]  # type: ignore[valid-type]  # a Literal of a tuple of codes, read at run time


class TriageChange(BaseModel):
    model_config = {"extra": "forbid"}
    status: Status | None = None
    assignee_id: int | None = Field(
        None, ge=1, le=ID_MAX, description="A staff member; null to unassign (with set_assignee)."
    )
    set_assignee: bool = Field(False, description="Apply assignee_id (also when null).")
    comment_text: str | None = Field(None, max_length=100_000)
    comment_sent_on: date | None = None
    note: str | None = Field(None, max_length=20_000, description="An internal note to add.")


def _may_triage(session: Session, user_id: int) -> bool:
    assignee = session.get(User, user_id)
    return assignee is not None and assignee.active and can(assignee, "triage")


def apply_change(session: Session, user: User, item_kind: str, item_id: int, change: TriageChange) -> None:
    """Make one change by the workflow's rules, with its audit entry; the caller commits.
    :class:`TriageRefused`, with nothing changed, when the rules or the assignee forbid it;
    404 for an item that cannot be triaged (:func:`item_to_triage`)."""
    item_to_triage(session, item_kind, item_id)
    previous = triage_status(session, item_kind=item_kind, item_id=item_id)
    update_triage(
        session,
        item_kind=item_kind,
        item_id=item_id,
        user_id=user.id,
        status=change.status,
        assignee_id=change.assignee_id,
        set_assignee=change.set_assignee,
        comment_text=change.comment_text,
        comment_sent_on=change.comment_sent_on,
        note=change.note,
        may_assign=partial(_may_triage, session),
    )
    audit(
        session,
        user=user,
        action="triage.update",
        target_kind=item_kind,
        target_id=item_id,
        details={**change.model_dump(exclude_unset=True, mode="json"), "from": previous},
    )


def confirm_sectors(session: Session, user: User, item_kind: str, item_id: int, sectors: Iterable[str]) -> list[str]:
    """Staff's verdict on an item's sectors, with its audit entry; the caller commits. Yes to
    ``sectors``, no to every other sector of the catalogue edition the item was classified
    after (the current one if it was not), kept as human tags that the classifier never
    replaces. Returns the item's effective sectors. :class:`~store.refusals.Refused`
    ("sector"), with nothing changed, for a code that is not a sector of that edition; 404
    for an item that cannot be triaged (:func:`item_to_triage`)."""
    item_to_triage(session, item_kind, item_id)
    edition = tagging_edition(session, item_kind, item_id)
    chosen = sorted(set(sectors))
    set_human_tags(
        session,
        item_kind=item_kind,
        item_id=item_id,
        sectors=chosen,
        edition=edition,
        edition_sectors=sector_codes(edition),
        author_id=user.id,
    )
    audit(
        session,
        user=user,
        action="tags.confirm",
        target_kind=item_kind,
        target_id=item_id,
        details={"sectors": chosen, "edition": edition},
    )
    return effective_sectors(tags_by_item(session, item_kind=item_kind, item_ids=[item_id]).get(item_id, []))


def tagging_edition(session: Session, item_kind: str, item_id: int) -> str:
    """The catalogue edition whose sectors staff confirm or correct for the item: the one it
    was classified after, the current one if it was not (the form offers its sectors, and
    :func:`confirm_sectors` accepts them)."""
    classification = session.get(ItemClassification, (item_kind, item_id))
    return classification.edition if classification else DEFAULT_EDITION


def item_to_triage(session: Session, item_kind: str, item_id: int) -> SQLModel:
    """The item to triage or tag, for pages and API alike; 404 when there is none, or when it is
    an embassy's report not yet published (staff may not see or tag its drafts)."""
    item = triageable_item(session, item_kind=item_kind, item_id=item_id)
    if item is None:
        raise HTTPException(404, f"no {item_kind} {item_id} to triage")
    return item


def allowed_statuses(current: str) -> list[str]:
    """The status an item is in and those it may move to, in workflow order."""
    allowed = TRANSITIONS[current] | {current}
    return [status for status in TRIAGE_STATUSES if status in allowed]


def http_error(refused: TriageRefused) -> HTTPException:
    """409 when the item's status forbids the change, 422 when the request itself is wrong;
    the reason in English (pages word it in the reader's language: :mod:`service.refusals`)."""
    return HTTPException(409 if refused.conflict else 422, explain(refused))
