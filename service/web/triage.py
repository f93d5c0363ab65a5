"""Staff pages: the triage queue, confirming sector tags, the status workflow with notes and
comments, bulk actions, and the daily bulletin that can go out as a digest.

A change is judged as in the API: the workflow's rules are :mod:`store.queries.triage`'s, the
assignee check and the audit entry :mod:`service.triage`'s."""

from collections import defaultdict
from datetime import date

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlmodel import Session

from alerts.digests import enqueue_digests
from alerts.labels import sector_codes
from nlp.catalogue import DEFAULT_EDITION
from service.security import audit
from service.triage import TriageChange, apply_change, http_error, item_to_triage
from service.web.deps import db, require
from service.web.templating import render
from store.db import default_engine
from store.kinds import KINDS
from store.models import TRIAGE_STATUSES, ItemClassification, User
from store.queries.items import summaries
from store.queries.tags import set_human_tags
from store.queries.triage import TRANSITIONS, TriageRefused, first_seen_on, queue, status_counts

router = APIRouter()
staff = require("triage")


def _optional_int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@router.get("/triage", include_in_schema=False)
def triage_queue(
    request: Request,
    status: str = "new",
    sector: str | None = None,
    mine: bool = False,
    user: User = Depends(staff),
    session: Session = Depends(db),
):
    if status not in TRIAGE_STATUSES:
        raise HTTPException(400, f"status must be one of {', '.join(TRIAGE_STATUSES)}")
    items = queue(session, status=status, sector=sector or None, assignee_id=user.id if mine else None)
    return render(
        request,
        "triage.html",
        {
            "rows": summaries(session, items),
            "status": status,
            "statuses": TRIAGE_STATUSES,
            "counts": status_counts(session),
            "sector": sector,
            "mine": mine,
            "all_sectors": sector_codes(),
        },
    )


def allowed_statuses(current: str) -> list[str]:
    """The status an item is in and those it may move to, in workflow order."""
    allowed = TRANSITIONS[current] | {current}
    return [status for status in TRIAGE_STATUSES if status in allowed]


@router.post("/triage/{kind}/{item_id}", include_in_schema=False)
def triage_item(
    kind: str,
    item_id: int,
    status: str = Form(...),
    assignee_id: str | None = Form(None),
    comment_text: str = Form(""),
    comment_sent_on: date | None = Form(None),
    note: str = Form(""),
    user: User = Depends(staff),
    session: Session = Depends(db),
):
    item_to_triage(session, kind, item_id)
    try:
        change = TriageChange(
            status=status,
            assignee_id=_optional_int(assignee_id),
            set_assignee=True,
            comment_text=comment_text.strip() or None,
            comment_sent_on=comment_sent_on,
            note=note.strip() or None,
        )
    except ValidationError as error:
        raise HTTPException(400, f"status must be one of {', '.join(TRIAGE_STATUSES)}") from error
    try:
        apply_change(session, user, kind, item_id, change)
    except TriageRefused as refused:
        raise http_error(refused) from None
    session.commit()
    return RedirectResponse(f"/items/{kind}/{item_id}?done=saved", 303)


@router.post("/triage/{kind}/{item_id}/tags", include_in_schema=False)
def confirm_tags(
    kind: str,
    item_id: int,
    sectors: list[str] = Form(default_factory=list),
    user: User = Depends(staff),
    session: Session = Depends(db),
):
    item_to_triage(session, kind, item_id)
    classification = session.get(ItemClassification, (kind, item_id))
    edition = classification.edition if classification else None
    codes = sector_codes(edition) if edition else sector_codes()
    try:
        set_human_tags(
            session,
            item_kind=kind,
            item_id=item_id,
            sectors=sectors,
            edition=edition or DEFAULT_EDITION,
            edition_sectors=codes,
            author_id=user.id,
        )
    except ValueError as error:
        raise HTTPException(400, str(error)) from error
    audit(
        session,
        user=user,
        action="tags.confirm",
        target_kind=kind,
        target_id=item_id,
        details={"sectors": sorted(sectors)},
    )
    session.commit()
    return RedirectResponse(f"/items/{kind}/{item_id}?done=tags_saved", 303)


@router.post("/triage/bulk", include_in_schema=False)
def bulk(
    items: list[str] = Form(default_factory=list),
    status: str = Form(""),
    assignee_id: str = Form(""),
    back: str = Form("/triage"),
    user: User = Depends(staff),
    session: Session = Depends(db),
):
    """The same status and/or assignee for the chosen items; an item the workflow does not
    allow the change for is left as it was (each item alone)."""
    if status and status not in TRIAGE_STATUSES:
        raise HTTPException(400, f"status must be one of {', '.join(TRIAGE_STATUSES)}")
    targets = []
    for value in items:
        kind, _, raw_id = value.partition(":")
        if kind not in KINDS or not raw_id.isdigit():
            raise HTTPException(400, f"not an item: {value!r}")
        targets.append((kind, int(raw_id)))
    assignee = _optional_int(assignee_id)
    change = TriageChange(status=status or None, assignee_id=assignee, set_assignee=assignee is not None)
    refused = 0
    for kind, item_id in targets:
        item_to_triage(session, kind, item_id)
        try:
            apply_change(session, user, kind, item_id, change)
            session.commit()
        except TriageRefused:
            session.rollback()
            refused += 1
    target = back if back.startswith("/triage") else "/triage"
    separator = "&" if "?" in target else "?"
    return RedirectResponse(f"{target}{separator}done={'bulk_partial' if refused else 'bulk_saved'}", 303)


@router.get("/bulletin", include_in_schema=False)
def bulletin(request: Request, day: date | None = None, user: User = Depends(staff), session: Session = Depends(db)):
    day = day or date.today()
    rows = summaries(session, first_seen_on(session, day=day))
    by_sector: dict[str, list] = defaultdict(list)
    for row in rows:
        for code in row.sectors or [""]:
            by_sector[code].append(row)
    ordered = [(code, by_sector[code]) for code in [*sector_codes(), ""] if code in by_sector]
    return render(request, "bulletin.html", {"day": day, "groups": ordered, "total": len(rows)})


@router.post("/bulletin/send", include_in_schema=False)
def send_bulletin(user: User = Depends(staff), session: Session = Depends(db)):
    """Send every daily-digest subscriber, now, the digest of what they have been alerted to
    since their last one: their own slice of the bulletin."""
    count = enqueue_digests(default_engine(), "daily", force=True)
    audit(session, user=user, action="bulletin.send", details={"deliveries": count})
    session.commit()
    return RedirectResponse("/bulletin?done=bulletin_sent", 303)
