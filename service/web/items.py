"""Search over every kind of item (with CSV and XLSX export) and the page of one item."""

import csv
import io
import re
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from openpyxl import Workbook
from sqlmodel import Session, col, select

from alerts import threads
from alerts.labels import member_choices, member_name, sector_codes, sector_name
from alerts.summary import summary_lines
from nlp.hs_names import chapter_label
from service.intelligence import may_see
from service.request_text import query_string_is_utf8
from service.security import can
from service.triage import allowed_statuses, tagging_edition
from service.web.deps import db, require_user
from service.web.i18n import request_language
from service.web.templating import render
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
from store.queries.search import (
    MAX_QUERY_LENGTH,
    NOTIFICATION_TYPES,
    OBJECTIVES,
    SORTS,
    SearchPage,
    SearchQuery,
    search,
    unreadable,
)
from store.queries.tags import classifications, effective_tags, removed_sectors, tags_by_item
from translations import N_, label, translations

router = APIRouter()

HIDDEN_FIELDS = {"id", "raw", "content_hash", "author_id", "review_note"}
PAGE_SIZE = 25
EXPORT_LIMIT = 10_000
EXPORT_COLUMNS = {
    "kind": N_("Kind"),
    "reference": N_("Reference"),
    "member": N_("Member"),
    "committee": N_("Committee"),
    "title": N_("Title"),
    "date": N_("Date"),
    "comment_deadline": N_("Comment deadline"),
    "sectors": N_("Sectors"),
    "hs_codes": N_("HS codes"),
    "hs_chapters": N_("HS chapters"),
    "ics_codes": N_("ICS codes"),
    "urgency": N_("Urgency"),
    "url": N_("Link"),
}
# the item page's names of the fields of notifications, changes and reports
FIELD_LABELS = {
    "symbol": N_("Symbol"),
    "base_symbol": N_("Base symbol"),
    "symbol_kind": N_("Document kind"),
    "committee": N_("Committee"),
    "member_code": N_("Member code"),
    "member_name": N_("Notifying member"),
    "notification_type": N_("Notification type"),
    "distribution_date": N_("Distribution date"),
    "comment_deadline": N_("Comment deadline"),
    "proposed_adoption_date": N_("Proposed adoption"),
    "proposed_adoption_text": N_("Proposed adoption (as published)"),
    "entry_into_force_date": N_("Entry into force"),
    "entry_into_force_text": N_("Entry into force (as published)"),
    "title": N_("Title"),
    "description": N_("Description"),
    "products_text": N_("Products covered"),
    "hs_codes": N_("HS codes"),
    "hs_chapters": N_("HS chapters"),
    "ics_codes": N_("ICS codes"),
    "objectives": N_("Objective and rationale"),
    "keywords": N_("Keywords"),
    "countries_affected": N_("Countries affected"),
    "all_trading_partners": N_("All trading partners"),
    "joint_symbols": N_("Joint symbols"),
    "language": N_("Language"),
    "links": N_("Links"),
    "source_url": N_("Source URL"),
    "source": N_("Source"),
    "external_id": N_("Source id"),
    "first_seen_at": N_("First seen"),
    "last_changed_at": N_("Last changed"),
    "kind": N_("Change kind"),
    "body": N_("Body"),
    "reference": N_("Reference"),
    "summary": N_("Summary"),
    "stage": N_("Stage"),
    "agencies": N_("Agencies"),
    "published_date": N_("Publication date"),
    "effective_date": N_("Effective"),
    "url": N_("URL"),
    "text": N_("Text"),
    "status": N_("Status"),
    "created_at": N_("Created"),
    "submitted_at": N_("Submitted"),
    "published_at": N_("Published"),
    "updated_at": N_("Updated"),
}


MAJOR_MARKETS = (
    "EU",
    "USA",
    "JPN",
    "KOR",
    "GBR",
    "CAN",
    "AUS",
    "IND",
    "BRA",
    "RUS",
    "MEX",
    "SAU",
    "VNM",
    "THA",
    "IDN",
    "TUR",
)
MAX_PAGE = 10_000

# what can be wrong with a search form (the page says it in the reader's language)
UNREADABLE = N_(
    "The search contains characters that cannot be read (such as NUL or invalid encoding); remove them and try again."
)
BAD_DATE = N_("Dates are year-month-day, e.g. 2025-01-31.")
BAD_PAGE = N_("The page number is a number from 1 to 10000.")
BAD_HS = N_("An HS code has digits, e.g. 8507.")
QUERY_CUT = N_("The query was too long: only its first %(n)s characters were searched.")


@dataclass
class SearchForm:
    """The search form as typed, the search it asks for, and what was wrong with it (messages
    of the catalogue: the page shows them in the reader's language)."""

    query: SearchQuery
    errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def search_form(request: Request) -> SearchForm:
    """The search form's fields (empty ones do not filter; an unreadable one is left out and
    reported)."""
    params = request.query_params
    errors: list[str] = [] if query_string_is_utf8(request) else [UNREADABLE]

    def one(name: str) -> str:
        value = params.get(name, "")
        if unreadable(value):
            errors.append(UNREADABLE)
            return ""
        return value.strip()

    def many(name: str, allowed) -> tuple[str, ...]:
        return tuple(v for v in params.getlist(name) if v in allowed)

    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(one(name)) if one(name) else None
        except ValueError:
            errors.append(BAD_DATE)
            return None

    q = one("q")
    notices = [QUERY_CUT] if len(q) > MAX_QUERY_LENGTH else []
    page = 1
    if one("page"):
        text = one("page")
        if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_PAGE:
            page = int(text)
        else:
            errors.append(BAD_PAGE)
    hs = one("hs")
    if hs and not re.search("[0-9]", hs):
        errors.append(BAD_HS)
    query = SearchQuery(
        q=q[:MAX_QUERY_LENGTH],
        expand=params.get("expand") != "0",
        kinds=many("kind", ITEM_KINDS),
        committee=one("committee") or None,
        members=tuple(m for m in params.getlist("member") if m and not unreadable(m))[:50],
        types=many("type", NOTIFICATION_TYPES),
        objectives=many("objective", OBJECTIVES),
        china_affected=params.get("china") == "true",
        sector=one("sector") or None,
        hs=hs if hs and BAD_HS not in errors else None,
        ics=one("ics") or None,
        date_from=day("date_from"),
        date_to=day("date_to"),
        open_on=date.today() if params.get("open") == "true" else None,
        sort=next((s for s in SORTS if s == params.get("sort")), "date"),
        page=page,
        page_size=PAGE_SIZE,
    )
    return SearchForm(query, list(dict.fromkeys(errors)), notices)


def _results(session: Session, query: SearchQuery) -> tuple[list[ItemSummary], SearchPage]:
    """The page's items and the search's page (total, whether counting stopped, terms added)."""
    found = search(session, query)
    items = get_items(session, [(hit.kind, hit.id) for hit in found.items])
    return summaries(session, items), found


def member_options(language: str, chosen: tuple[str, ...]) -> list[tuple[str, str, bool]]:
    """(code, name, chosen) of every member: the chosen ones first, then the major markets,
    then the rest by name."""
    names = dict(member_choices(language))
    order = [code for code in chosen if code in names] + [code for code in MAJOR_MARKETS if code in names]
    order += [code for code, _name in member_choices(language)]
    return [(code, names[code], code in chosen) for code in dict.fromkeys(order)]


@router.get("/search", include_in_schema=False)
def search_page(
    request: Request,
    form: SearchForm = Depends(search_form),
    user: User = Depends(require_user),
    session: Session = Depends(db),
):
    query = form.query
    rows, found = _results(session, query) if not form.errors else ([], SearchPage())
    export_query = request.url.remove_query_params(["page", "lang"]).query
    language = request_language(request)
    return render(
        request,
        "search.html",
        {
            "rows": rows,
            "total": found.total,
            "total_capped": found.total_capped,
            "also_searched": found.also_searched,
            "query": query,
            "errors": form.errors,
            "notices": form.notices,
            "pages": -(-found.total // PAGE_SIZE),
            "members": member_options(language, tuple(m.upper() for m in query.members)),
            "all_sectors": sector_codes(),
            "kinds": ITEM_KINDS,
            "sorts": SORTS,
            "types": NOTIFICATION_TYPES,
            "objectives": tuple(OBJECTIVES),
            "export_query": export_query,
            "max_query_length": MAX_QUERY_LENGTH,
            "max_page": MAX_PAGE,
            "unexpanded_url": request.url.include_query_params(expand="0", page=1),
            "expanded_url": request.url.remove_query_params(["expand", "page"]),
        },
        status_code=400 if form.errors else 200,
    )


def _export_rows(rows: list[ItemSummary], language: str) -> list[list]:
    return [
        [
            label(language, "item kind", r.kind),
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
    form: SearchForm = Depends(search_form),
    user: User = Depends(require_user),
    session: Session = Depends(db),
):
    """Every result of the search (up to 10,000) as CSV or XLSX, in the page's language."""
    if extension not in ("csv", "xlsx"):
        raise HTTPException(404, "export as .csv or .xlsx")
    if form.errors:
        raise HTTPException(400, "; ".join(translations(request_language(request)).gettext(e) for e in form.errors))
    language = request_language(request)
    rows, _found = _results(session, replace(form.query, page=1, page_size=EXPORT_LIMIT))
    header = [translations(language).gettext(name) for name in EXPORT_COLUMNS.values()]
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


def wto_document_url(symbol: str) -> str:
    """The notification's page in the WTO's documents online (docs.wto.org)."""
    query = quote(f"(@Symbol= {symbol})", safe="")
    return f"https://docs.wto.org/dol2fe/Pages/FE_Search/FE_S_S006.aspx?Query={query}&Language=ENGLISH&Context=FomerScriptedSearch&languageUIChanged=true"


def visible_item(session: Session, user: User, kind: str, item_id: int):
    item = get_item(session, item_kind=kind, item_id=item_id)
    if item is None or not may_see(user, item):
        raise HTTPException(404)
    return item


@router.get("/items/{kind}/{item_id}", include_in_schema=False)
def item_page(
    request: Request, kind: str, item_id: str, user: User = Depends(require_user), session: Session = Depends(db)
):
    if not (item_id.isascii() and item_id.isdigit()):  # /items/notification/abc: no such item, not a bad request
        raise HTTPException(404)
    return item_response(request, session, user, kind, int(item_id))


def item_response(
    request: Request,
    session: Session,
    user: User,
    kind: str,
    item_id: int,
    *,
    triage_form: dict[str, str] | None = None,
    triage_error: str | None = None,
    status_code: int = 200,
) -> Response:
    """The page of one item; the staff's triage form shows ``triage_form`` as typed with
    ``triage_error`` when a change was refused, else the stored triage."""
    item = visible_item(session, user, kind, item_id)
    fields = [(name, getattr(item, name)) for name in type(item).model_fields if name not in HIDDEN_FIELDS]
    language = request_language(request)
    view = load_items(session, [(kind, item_id)]).get((kind, item_id))
    tags = tags_by_item(session, item_kind=kind, item_ids=[item_id]).get(item_id, [])
    context = {
        "item": item,
        "item_summary": summary_lines(view, language=language, today=date.today()) if view else [],
        "original_title": view.title if view else None,
        "original_description": view.description if view else None,
        "summary": summaries(session, [item])[0],
        "fields": fields,
        "field_labels": FIELD_LABELS,
        "wto_url": wto_document_url(item.symbol) if isinstance(item, Notification) and item.symbol else None,
        "thread": thread(session, base_symbol=item.base_symbol)
        if isinstance(item, Notification) and item.base_symbol
        else [],
        "thread_choice": threads.current_choice(session, user, item_id)
        if isinstance(item, Notification) and item.base_symbol
        else "unavailable",
        "revisions": list(
            session.exec(
                select(ItemRevision)
                .where(ItemRevision.item_kind == kind, ItemRevision.item_id == item_id)
                .order_by(col(ItemRevision.changed_at).desc())
            )
        ),
        "tags": tags,
        "effective_tags": effective_tags(tags),
        "removed_sectors": removed_sectors(tags),
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
        edition = tagging_edition(session, kind, item_id)
        stored = {
            "status": triage.status if triage else "new",
            "assignee_id": str(triage.assignee_id) if triage and triage.assignee_id else "",
            "comment_text": triage.comment_text or "" if triage else "",
            "comment_sent_on": str(triage.comment_sent_on or "") if triage else "",
            "note": "",
        }
        context.update(
            triage=triage,
            tf=stored | (triage_form or {}),
            triage_error=triage_error,
            notes=list(
                session.exec(
                    select(TriageNote, User)
                    .join(User, col(User.id) == col(TriageNote.author_id), isouter=True)
                    .where(TriageNote.item_kind == kind, TriageNote.item_id == item_id)
                    .order_by(col(TriageNote.created_at))
                )
            ),
            statuses=allowed_statuses(triage.status if triage else "new"),
            experts=list(
                session.exec(select(User).where(col(User.role).in_(("staff", "admin")), col(User.active).is_(True)))
            ),
            tag_choices=[(code, sector_name(code, language, edition)) for code in sector_codes(edition)],
        )
    return render(request, "item.html", context, status_code=status_code)


@router.post("/items/notification/{item_id}/thread", include_in_schema=False)
def choose_thread(
    item_id: int,
    choice: str = Form(""),
    user: User = Depends(require_user),
    session: Session = Depends(db),
) -> RedirectResponse:
    """Follow the notification, mute its thread, or neither (``choice`` empty)."""
    visible_item(session, user, "notification", item_id)
    try:
        threads.choose(session, user, item_id, choice or None)
    except threads.ThreadError:
        raise HTTPException(404, "no such notification thread") from None
    session.commit()
    done = {"follow": "thread_follow", "mute": "thread_mute"}.get(choice, "thread_cleared")
    return RedirectResponse(f"/items/notification/{item_id}?done={done}", 303)
