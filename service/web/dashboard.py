"""The dashboard: items per month by sector and by member, comment periods closing soon."""

from collections import Counter
from datetime import date

from fastapi import APIRouter, Depends, Request
from sqlmodel import Session

from service.web.charts import stacked_bars
from service.web.deps import db, require_user
from service.web.i18n import request_language
from service.web.labels import member_name, sector_codes, sector_name
from service.web.templating import render
from store.models import User
from store.queries.dashboard import (
    closing_soon,
    items_per_month_by_member,
    items_per_month_by_sector,
    months_since,
)
from store.queries.items import summaries

router = APIRouter()
TOP_MEMBERS = 8


def _year_ago(today: date) -> date:
    return date(today.year - 1, today.month % 12 + 1, 1) if today.month < 12 else date(today.year, 1, 1)


@router.get("/dashboard", include_in_schema=False)
def dashboard(request: Request, user: User = Depends(require_user), session: Session = Depends(db)):
    language = request_language(request)
    today = date.today()
    since = _year_ago(today)
    months = months_since(since, today)
    by_sector = items_per_month_by_sector(session, since=since)
    by_member = items_per_month_by_member(session, since=since)
    member_totals: Counter = Counter()
    for (_month, member), count in by_member.items():
        member_totals[member] += count
    members = [code for code, _ in member_totals.most_common(TOP_MEMBERS)]
    sectors = [code for code in sector_codes() if any(s == code for _m, s in by_sector)]
    return render(request, "dashboard.html", {
        "sector_chart": stacked_bars(months, by_sector, sectors,
                                     {c: sector_name(c, language) for c in sectors}),
        "member_chart": stacked_bars(months, by_member, members,
                                     {c: member_name(c, language) for c in members}),
        "closing": summaries(session, closing_soon(session, today=today)),
        "total_sector": sum(by_sector.values()),
        "total_member": sum(by_member.values()),
    })
