"""Search over every kind of item (with CSV and XLSX export) and the page of one item."""

import csv
import io
from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from openpyxl import Workbook
from sqlmodel import Session, col, select

from alerts.render import translator
from alerts.summary import summary_lines
from nlp.hs_names import chapter_label
from service.security import can
from service.web.deps import db, require_user
from service.web.i18n import request_language, translate
from service.web.labels import member_choices, member_name, sector_codes, sector_name
from service.web.templating import render
from service.web.triage import allowed_statuses
from store.models import (
    ITEM_KINDS,
    Attachment,
    IntelligenceReport,
    ItemRevision,
    Notification,
    Triage,
    TriageNote,
    User,
)
from store.queries.alerts import load_items
from store.queries.items import ItemSummary, get_item, get_items, summaries
from store.queries.notifications import thread
from store.queries.search import SORTS, SearchQuery, search
from store.queries.tags import classifications, tags_by_item

router = APIRouter()

HIDDEN_FIELDS = {"id", "raw", "content_hash", "author_id", "review_note"}
PAGE_SIZE = 25
EXPORT_LIMIT = 10_000
EXPORT_COLUMNS = (
    "kind",
    "reference",
    "member",
    "committee",
    "title",
    "date",
    "comment_deadline",
    "sectors",
    "hs_codes",
    "hs_chapters",
    "ics_codes",
    "urgency",
    "url",
)


def search_query(
    q: str = "",
    kind: list[str] = Query(default_factory=list),
    committee: str = "",
    member: str = "",
    sector: str = "",
    hs: str = "",
    ics: str = "",
    date_from: str = "",
    date_to: str = "",
    open: bool = False,
    sort: str = "date",
    page: int = Query(1, ge=1, le=10_000),
) -> SearchQuery:
    """The search form's fields (empty ones do not filter)."""
    try:
        start = date.fromisoformat(date_from) if date_from else None
        end = date.fromisoformat(date_to) if date_to else None
    except ValueError as error:
        raise HTTPException(400, "dates are YYYY-MM-DD") from error
    return SearchQuery(
        q=q.strip()[:200],
        kinds=tuple(k for k in kind if k in ITEM_KINDS),
        committee=committee or None,
        member=member or None,
        sector=sector or None,
        hs=hs.strip() or None,
        ics=ics.strip() or None,
        date_from=start,
        date_to=end,
        open_on=date.today() if open else None,
        sort=sort if sort in SORTS else "date",
        page=page,
        page_size=PAGE_SIZE,
    )


def _results(session: Session, query: SearchQuery) -> tuple[list[ItemSummary], int, bool]:
    """The page's items, the total and whether counting stopped before the end."""
    found = search(session, query)
    items = get_items(session, [(hit.kind, hit.id) for hit in found.items])
    return summaries(session, items), found.total, found.total_capped


@router.get("/search", include_in_schema=False)
def search_page(
    request: Request,
    query: SearchQuery = Depends(search_query),
    user: User = Depends(require_user),
    session: Session = Depends(db),
):
    rows, total, capped = _results(session, query)
    export_query = request.url.remove_query_params(["page", "lang"]).query
    return render(
        request,
        "search.html",
        {
            "rows": rows,
            "total": total,
            "total_capped": capped,
            "query": query,
            "pages": -(-total // PAGE_SIZE),
            "members": member_choices(request_language(request)),
            "all_sectors": sector_codes(),
            "kinds": ITEM_KINDS,
            "sorts": SORTS,
            "export_query": export_query,
        },
    )


def _export_rows(rows: list[ItemSummary], language: str) -> list[list]:
    return [
        [
            translate(f"kind_{r.kind}", language),
            r.reference,
            member_name(r.member_code, language),
            r.committee or "",
            r.title,
            r.date.isoformat() if r.date else "",
            r.comment_deadline.isoformat() if r.comment_deadline else "",
            ", ".join(sector_name(s, language) for s in r.sectors),
            ", ".join(r.hs),
            "; ".join(chapter_label(c, language) for c in r.hs_chapters),
            ", ".join(r.ics_codes),
            r.urgency or "",
            r.url or "",
        ]
        for r in rows
    ]


@router.get("/search.{extension}", include_in_schema=False)
def export(
    request: Request,
    extension: str,
    query: SearchQuery = Depends(search_query),
    user: User = Depends(require_user),
    session: Session = Depends(db),
):
    """Every result of the search (up to 10,000) as CSV or XLSX, in the page's language."""
    if extension not in ("csv", "xlsx"):
        raise HTTPException(404, "export as .csv or .xlsx")
    language = request_language(request)
    rows, _total, _capped = _results(session, SearchQuery(**{**query.__dict__, "page": 1, "page_size": EXPORT_LIMIT}))
    header = [translate(f"column_{c}", language) for c in EXPORT_COLUMNS]
    body = _export_rows(rows, language)
    filename = f"tbtwatch-search-{date.today().isoformat()}.{extension}"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if extension == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(_spreadsheet_safe(row) for row in body)
        return Response("\ufeff" + buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=disposition)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("search")
    sheet.append(header)
    for row in body:
        sheet.append(_spreadsheet_safe(row))
    stream = io.BytesIO()
    book.save(stream)
    return Response(
        stream.getvalue(),
        headers=disposition,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _spreadsheet_safe(row: list) -> list:
    """Text from sources must not run as a formula in the spreadsheet that opens it."""
    return ["'" + cell if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") else cell for cell in row]


def may_see(user: User, item) -> bool:
    """Everyone signed in sees notifications, changes and published intelligence; a draft
    only its author; a submitted or rejected report its author and the reviewers."""
    if not isinstance(item, IntelligenceReport) or item.status == "published":
        return True
    if item.author_id == user.id:
        return True
    return item.status != "draft" and can(user, "intelligence.review")


def visible_item(session: Session, user: User, kind: str, item_id: int):
    item = get_item(session, item_kind=kind, item_id=item_id)
    if item is None or not may_see(user, item):
        raise HTTPException(404, "no such item")
    return item


@router.get("/items/{kind}/{item_id}", include_in_schema=False)
def item_page(
    request: Request, kind: str, item_id: int, user: User = Depends(require_user), session: Session = Depends(db)
):
    item = visible_item(session, user, kind, item_id)
    fields = [(name, getattr(item, name)) for name in type(item).model_fields if name not in HIDDEN_FIELDS]
    language = request_language(request)
    view = load_items(session, [(kind, item_id)]).get((kind, item_id))
    context = {
        "item": item,
        "item_summary": summary_lines(view, t=translator(language), language=language, today=date.today())
        if view
        else [],
        "original_title": view.title if view else None,
        "original_description": view.description if view else None,
        "summary": summaries(session, [item])[0],
        "fields": fields,
        "thread": thread(session, base_symbol=item.base_symbol)
        if isinstance(item, Notification) and item.base_symbol
        else [],
        "revisions": list(
            session.exec(
                select(ItemRevision)
                .where(ItemRevision.item_kind == kind, ItemRevision.item_id == item_id)
                .order_by(col(ItemRevision.changed_at).desc())
            )
        ),
        "tags": tags_by_item(session, item_kind=kind, item_ids=[item_id]).get(item_id, []),
        "classification": classifications(session, item_kind=kind, item_ids=[item_id]).get(item_id),
        "attachments": list(
            session.exec(
                select(Attachment.id, Attachment.filename, Attachment.size).where(Attachment.report_id == item_id)
            )
        )
        if kind == "intelligence"
        else [],
    }
    context["can_review"] = (
        isinstance(item, IntelligenceReport) and item.status == "submitted" and can(user, "intelligence.review")
    )
    if can(user, "triage"):
        triage = session.get(Triage, (kind, item_id))
        context.update(
            triage=triage,
            notes=list(
                session.exec(
                    select(TriageNote)
                    .where(TriageNote.item_kind == kind, TriageNote.item_id == item_id)
                    .order_by(col(TriageNote.created_at))
                )
            ),
            statuses=allowed_statuses(triage.status if triage else "new"),
            experts=list(
                session.exec(select(User).where(col(User.role).in_(("staff", "admin")), col(User.active).is_(True)))
            ),
            all_sectors=sector_codes(),
        )
    return render(request, "item.html", context)
