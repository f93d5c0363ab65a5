"""Staff pages: the triage queue, confirming sector tags, the status workflow with notes and
comments, bulk actions, and the daily bulletin that can go out as a digest.

A change is judged as in the API: the workflow's rules are :mod:`store.queries.triage`'s, the
assignee check and the audit entry :mod:`service.triage`'s."""

from collections import defaultdict
from datetime import date, timedelta

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session, col, select

from alerts.digests import enqueue_digests
from alerts.labels import sector_codes
from service.refusals import explain
from service.security import audit
from service.triage import TriageChange, apply_change, confirm_sectors, item_to_triage
from service.web.deps import db, require
from service.web.i18n import request_language
from service.web.items import item_response
from service.web.templating import render
from store.db import default_engine
from store.kinds import KINDS
from store.models import TRIAGE_STATUSES, URGENCY_RANK, User
from store.queries.items import ItemSummary, summaries
from store.queries.triage import (
    TriageRefused,
    first_seen_on,
    queue,
    queue_count,
    status_counts,
    triage_rows,
)

router = APIRouter()
staff = require("triage")
QUEUE_PAGE = 100  # items on a page of the queue


def _optional_int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@router.get("/triage", include_in_schema=False)
def triage_queue(
    request: Request,
    status: str = "new",
    sector: str | None = None,
    mine: bool = False,
    page: str = "1",
    user: User = Depends(staff),
    session: Session = Depends(db),
):
    if status not in TRIAGE_STATUSES:
        raise HTTPException(400, f"status must be one of {', '.join(TRIAGE_STATUSES)}")
    assignee_id = user.id if mine else None
    total = queue_count(session, status=status, sector=sector or None, assignee_id=assignee_id)
    pages = max(1, -(-total // QUEUE_PAGE))
    number = min(int(page), pages) if page.isascii() and page.isdigit() and int(page) > 0 else 1
    shown = queue(
        session,
        status=status,
        sector=sector or None,
        assignee_id=assignee_id,
        limit=QUEUE_PAGE,
        offset=(number - 1) * QUEUE_PAGE,
    )
    rows = summaries(session, shown)
    return render(
        request,
        "triage.html",
        {
            "rows": rows,
            "triage_of": triage_rows(session, [(row.kind, row.id) for row in rows]),
            "total": total,
            "page": number,
            "pages": pages,
            "first": (number - 1) * QUEUE_PAGE + 1,
            "experts": list(
                session.exec(
                    select(User)
                    .where(col(User.role).in_(("staff", "admin")), col(User.active).is_(True))
                    .order_by(col(User.name), col(User.email))
                )
            ),
            "status": status,
            "statuses": TRIAGE_STATUSES,
            "counts": status_counts(session),
            "sector": sector,
            "mine": mine,
            "all_sectors": sector_codes(),
        },
    )


_TRIAGE_FIELDS = ("status", "assignee_id", "comment_text", "comment_sent_on", "note")


def _change_of(typed: dict[str, str]) -> TriageChange:
    """The change the item page's triage form asks for; :class:`TriageRefused` when it cannot
    be read (an unknown status, a date that is not one)."""
    if typed["status"] not in TRIAGE_STATUSES:
        raise TriageRefused("triage_status", field="status", value=typed["status"])
    sent_on = typed["comment_sent_on"].strip()
    try:
        day = date.fromisoformat(sent_on) if sent_on else None
    except ValueError:
        raise TriageRefused("triage_date", field="comment_sent_on", value=sent_on) from None
    return TriageChange(
        status=typed["status"],
        assignee_id=_optional_int(typed["assignee_id"]),
        set_assignee=True,
        comment_text=typed["comment_text"].strip() or None,
        comment_sent_on=day,
        note=typed["note"].strip() or None,
    )


@router.post("/triage/{kind}/{item_id}", include_in_schema=False)
async def triage_item(
    request: Request, kind: str, item_id: int, user: User = Depends(staff), session: Session = Depends(db)
):
    """A change from the item page; refused, the page comes back with the form as typed and
    the reason in the reader's language."""
    item_to_triage(session, kind, item_id)
    form = await request.form()
    typed = {name: str(form.get(name) or "") for name in _TRIAGE_FIELDS}
    try:
        apply_change(session, user, kind, item_id, _change_of(typed))
    except TriageRefused as refused:
        session.rollback()
        message = explain(refused, request_language(request))
        status = 409 if refused.conflict else 400
        return item_response(
            request, session, user, kind, item_id, triage_form=typed, triage_error=message, status_code=status
        )
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
    """Staff's sectors for the item; a code that is no sector of the item's edition is refused
    in the reader's language (:mod:`service.web.errors`)."""
    confirm_sectors(session, user, kind, item_id, sectors)
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
    target = back if back.startswith("/triage") else "/triage"
    separator = "&" if "?" in target else "?"
    if not items or not (status or assignee_id):
        return RedirectResponse(f"{target}{separator}done=bulk_nothing", 303)
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
    return RedirectResponse(f"{target}{separator}done={'bulk_partial' if refused else 'bulk_saved'}", 303)


@router.get("/bulletin", include_in_schema=False)
def bulletin(request: Request, day: str = "", user: User = Depends(staff), session: Session = Depends(db)):
    try:
        chosen = date.fromisoformat(day.strip()) if day.strip() else date.today()
        error = None
    except ValueError:  # the page of today, saying why
        chosen, error = date.today(), explain(TriageRefused("triage_date", value=day), request_language(request))
    rows, older = bulletin_items(summaries(session, first_seen_on(session, day=chosen)), chosen)
    order = [*sector_codes(), ""]
    by_sector: dict[str, list] = defaultdict(list)
    for row in rows:  # once, under the first of its sectors; the row names all of them
        by_sector[min(row.sectors or [""], key=lambda code: order.index(code) if code in order else len(order))].append(
            row
        )
    ordered = [(code, by_sector[code]) for code in order if code in by_sector]
    return render(
        request,
        "bulletin.html",
        {"day": chosen, "groups": ordered, "total": len(rows), "older": older, "error": error, "typed_day": day},
        status_code=400 if error else 200,
    )


BULLETIN_DAYS = 60  # an item dated longer before its first sight is history unless still open for comment


def bulletin_items(rows: list[ItemSummary], day: date) -> tuple[list[ItemSummary], int]:
    """Of the items first seen on ``day``, those that are news: dated within
    :data:`BULLETIN_DAYS` before it (or undated), or still open for comment; most urgent
    first. Also how many older ones (a source's back catalogue, a 1995 notification) were left out."""
    since = day - timedelta(days=BULLETIN_DAYS)
    news = [
        row
        for row in rows
        if row.date is None or row.date >= since or (row.comment_deadline is not None and row.comment_deadline >= day)
    ]
    news.sort(key=lambda row: (-URGENCY_RANK.get(row.urgency or "", -1), row.reference))
    return news, len(rows) - len(news)


@router.post("/bulletin/send", include_in_schema=False)
def send_bulletin(user: User = Depends(staff), session: Session = Depends(db)):
    """Send every daily-digest subscriber, now, the digest of what they have been alerted to
    since their last one: their own slice of the bulletin."""
    count = enqueue_digests(default_engine(), "daily", force=True)
    audit(session, user=user, action="bulletin.send", details={"deliveries": count})
    session.commit()
    return RedirectResponse(f"/bulletin?done={'bulletin_sent' if count else 'bulletin_nobody'}", 303)
