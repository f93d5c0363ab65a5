"""The home page: the latest notifications, with their sectors, urgency and deadlines."""

from fastapi import APIRouter, Request
from sqlmodel import Session

from service.web.templating import render
from store.db import default_engine
from store.queries.items import summaries
from store.queries.notifications import latest_notifications

router = APIRouter()


@router.get("/", include_in_schema=False)
def home(request: Request):
    with Session(default_engine()) as session:
        rows = summaries(session, latest_notifications(session, limit=50))
    return render(request, "home.html", {"rows": rows})
