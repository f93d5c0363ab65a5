"""``/triage``: the enquiry point's work on items (staff).

The queue lists items in a status, most urgent first, then the soonest comment deadline.
Each item moves through the workflow described in :mod:`store.queries.triage` (its rules are
enforced there, the assignee check and the audit entry in :mod:`service.triage`, shared with
the pages); a change the workflow refuses is answered 409 when the item's status forbids it,
422 when the request is incomplete (a comment marked sent without its text, an assignee who
is not active staff). Staff confirm or correct sector tags, which are stored as human tags
(never replaced by the classifier) and exported as training data. Every change is written
to the audit log.
"""

import datetime as dt
import json
from datetime import date, datetime
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from service.api.deps import ID_MAX, Page, PageParams, RowId, get_session, page_params, paged, require
from service.security import audit
from service.triage import Status, TriageChange, apply_change, confirm_sectors, http_error, item_to_triage
from store.interchange import record_from_notification
from store.kinds import KINDS, kind_of
from store.models import (
    ITEM_KINDS,
    Notification,
    SectorTag,
    Triage,
    TriageNote,
    User,
)
from store.queries.items import get_items, summaries
from store.queries.tags import effective_sectors, tags_by_item
from store.queries.triage import TRANSITIONS, TriageRefused, queue

router = APIRouter(prefix="/triage", tags=["triage"])
staff = require("triage")
Kind = Literal[ITEM_KINDS]  # type: ignore[valid-type]  # a Literal of a tuple of codes, read at run time
QUEUE_LIMIT = 5000


class QueueEntry(BaseModel):
    kind: str
    id: int
    reference: str
    member_code: str | None
    committee: str | None
    title: str
    date: dt.date | None  # the field's name hides the type within the class
    comment_deadline: dt.date | None
    sectors: list[str]
    urgency: str | None
    status: str
    assignee_id: int | None


class NoteOut(BaseModel):
    id: int
    author_id: int | None
    text: str
    created_at: datetime


class TriageOut(BaseModel):
    item_kind: str
    item_id: int
    status: str
    assignee_id: int | None
    comment_text: str | None
    comment_sent_on: date | None
    updated_at: datetime | None
    updated_by: int | None
    notes: list[NoteOut]
    allowed: list[str] = Field(description="Statuses this item may move to next.")


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=20_000)


class TagsIn(BaseModel):
    sectors: list[str] = Field(max_length=50, description="The sectors that apply; every other one is rejected.")


class ItemRef(BaseModel):
    kind: Kind
    id: int = Field(ge=1, le=ID_MAX)


class BulkChange(BaseModel):
    model_config = {"extra": "forbid"}
    items: list[ItemRef] = Field(min_length=1, max_length=500)
    status: Status | None = None
    assignee_id: int | None = Field(None, ge=1, le=ID_MAX)
    set_assignee: bool = False


class BulkResult(BaseModel):
    kind: str
    id: int
    ok: bool
    detail: str | None = None


def _triage_out(session: Session, kind: str, item_id: int) -> dict:
    row = session.get(Triage, (kind, item_id))
    notes = session.exec(
        select(TriageNote)
        .where(TriageNote.item_kind == kind, TriageNote.item_id == item_id)
        .order_by(col(TriageNote.id))
    )
    status = row.status if row else "new"
    return {
        "item_kind": kind,
        "item_id": item_id,
        "status": status,
        "assignee_id": row and row.assignee_id,
        "comment_text": row and row.comment_text,
        "comment_sent_on": row and row.comment_sent_on,
        "updated_at": row and row.updated_at,
        "updated_by": row and row.updated_by,
        "notes": [n.model_dump() for n in notes],
        "allowed": sorted(TRANSITIONS[status]),
    }


def _apply(session: Session, user: User, kind: str, item_id: int, change: TriageChange) -> None:
    """Make one change; HTTPException 409/422 when the workflow refuses it."""
    try:
        apply_change(session, user, kind, item_id, change)
    except TriageRefused as refused:
        raise http_error(refused) from None


@router.get("/queue", response_model=Page[QueueEntry])
def triage_queue(
    status: Status = Query("new"),
    kind: list[Kind] = Query([], description="Only these kinds."),
    sector: str | None = Query(None, max_length=16),
    assignee_id: int | None = Query(None, ge=1, le=ID_MAX),
    params: PageParams = Depends(page_params),
    _: User = Depends(staff),
    session: Session = Depends(get_session),
):
    """Items in ``status``, most urgent first (at most the first 5000)."""
    items = queue(
        session,
        status=status,
        sector=sector,
        assignee_id=assignee_id,
        kinds=tuple(kind) or ITEM_KINDS,
        limit=QUEUE_LIMIT,
    )
    shown = items[params.offset : params.offset + params.page_size]
    rows = {
        (t.item_kind, t.item_id): t
        for t in session.exec(select(Triage).where(col(Triage.item_id).in_([i.id for i in shown])))
    }
    entries = []
    for entry in summaries(session, shown):
        row = rows.get((entry.kind, entry.id))
        entries.append(
            {
                **entry.__dict__,
                "title": entry.title or "",
                "status": row.status if row else "new",
                "assignee_id": row.assignee_id if row else None,
            }
        )
    return paged(entries, len(items), params)


@router.get(
    "/training-data",
    summary="Human sector tags as training data (JSON Lines)",
    responses={200: {"content": {"application/x-ndjson": {}}}},
)
def training_data(user: User = Depends(staff), session: Session = Depends(get_session)):
    """One record per item a person tagged, in the dev-set schema ``nlp.training`` reads:
    the item's text fields and ``sectors`` = the sectors confirmed."""
    keys = session.exec(
        select(col(SectorTag.item_kind), col(SectorTag.item_id))
        .where(SectorTag.origin == "human")
        .distinct()
        .order_by(col(SectorTag.item_kind), col(SectorTag.item_id))
    ).all()
    audit(session, user=user, action="triage.export_training_data", details={"items": len(keys)})
    session.commit()

    def lines():
        for start in range(0, len(keys), 200):
            chunk = [(kind, item_id) for kind, item_id in keys[start : start + 200]]
            for item in get_items(session, chunk):
                kind = kind_of(item).name
                tags = tags_by_item(session, item_kind=kind, item_ids=[item.id]).get(item.id, [])
                sectors = effective_sectors([t for t in tags if t.origin == "human"])
                yield json.dumps(_training_record(kind, item, sectors), ensure_ascii=False) + "\n"

    return StreamingResponse(
        lines(),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="training.jsonl"'},
    )


def _training_record(kind: str, item, sectors: list[str]) -> dict:
    if isinstance(item, Notification):
        return {"kind": kind, **record_from_notification(item, sectors=sectors)}
    return {
        "kind": kind,
        "id": str(item.id),
        "title": item.title,
        "description": KINDS[kind].description(item),
        "products_text": KINDS[kind].products(item),
        "hs_codes": list(item.hs_codes),
        "language": item.language,
        "sectors": sectors,
    }


@router.post("/bulk", response_model=list[BulkResult])
def bulk_change(body: BulkChange, user: User = Depends(staff), session: Session = Depends(get_session)):
    """The same status and/or assignee for many items; each item succeeds or fails alone."""
    change = TriageChange(**body.model_dump(exclude_unset=True, exclude={"items"}))
    results = []
    for ref in body.items:
        try:
            _apply(session, user, ref.kind, ref.id, change)
            session.commit()
            results.append({"kind": ref.kind, "id": ref.id, "ok": True})
        except HTTPException as error:
            session.rollback()
            results.append({"kind": ref.kind, "id": ref.id, "ok": False, "detail": error.detail})
    return results


@router.get("/{kind}/{item_id}", response_model=TriageOut)
def get_triage(kind: Kind, item_id: RowId, _: User = Depends(staff), session: Session = Depends(get_session)):
    item_to_triage(session, kind, item_id)
    return _triage_out(session, kind, item_id)


@router.patch("/{kind}/{item_id}", response_model=TriageOut)
def change_triage(
    kind: Kind, item_id: RowId, body: TriageChange, user: User = Depends(staff), session: Session = Depends(get_session)
):
    """Move the status, assign, record the comment and the date sent, add a note."""
    item_to_triage(session, kind, item_id)
    _apply(session, user, kind, item_id, body)
    session.commit()
    return _triage_out(session, kind, item_id)


@router.post("/{kind}/{item_id}/notes", response_model=TriageOut, status_code=201)
def add_note(
    kind: Kind, item_id: RowId, body: NoteIn, user: User = Depends(staff), session: Session = Depends(get_session)
):
    item_to_triage(session, kind, item_id)
    session.add(TriageNote(item_kind=kind, item_id=item_id, author_id=user.id, text=body.text.strip()))
    audit(session, user=user, action="triage.note", target_kind=kind, target_id=item_id)
    session.commit()
    return _triage_out(session, kind, item_id)


@router.put("/{kind}/{item_id}/tags", response_model=list[str])
def set_tags(
    kind: Kind, item_id: RowId, body: TagsIn, user: User = Depends(staff), session: Session = Depends(get_session)
):
    """Confirm or correct the item's sectors; returns its effective sectors (422 for a code
    that is no sector of the item's catalogue edition)."""
    sectors = confirm_sectors(session, user, kind, item_id, body.sectors)
    session.commit()
    return sectors
