"""The home page: what tbtwatch is and how to get an account (for a visitor), a search box, the
latest notifications (or those a search finds), and, for an administrator while the first
crawls run, how far each has come."""

from fastapi import APIRouter, Request
from sqlmodel import Session

from service.security import can
from service.web import deps
from service.web.templating import render
from store.db import default_engine
from store.queries.items import get_items, summaries
from store.queries.notifications import latest_notifications
from store.queries.search import SearchQuery, search
from store.queries.sources import first_crawls

router = APIRouter()
LATEST = 30
MAX_QUERY = 200


@router.get("/", include_in_schema=False)
def home(request: Request, q: str = ""):
    user = deps.current_user(request)
    query = q.strip()[:MAX_QUERY]
    with Session(default_engine()) as session:
        if query:
            found = search(session, SearchQuery(q=query, kinds=("notification",), page_size=LATEST))
            rows = summaries(session, get_items(session, [(hit.kind, hit.id) for hit in found.items]))
        else:
            rows = summaries(session, latest_notifications(session, limit=LATEST))
        progress = first_crawls(session) if can(user, "admin") else []
    return render(request, "home.html", {"rows": rows, "q": query, "first_crawls": progress})
