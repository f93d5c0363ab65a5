"""The dashboard: items per month by sector and by member, comment periods closing soon."""

from collections import Counter
from datetime import date

from fastapi import APIRouter, Depends, Request
from sqlmodel import Session

from alerts.labels import member_name, sector_codes, sector_name
from service.security import can
from service.web.charts import stacked_bars
from service.web.deps import db, require_user
from service.web.i18n import request_language
from service.web.templating import render
from store.models import User
from store.queries.dashboard import (
    closing_soon,
    items_per_month_by_member,
    items_per_month_by_sector,
    months_since,
)
from store.queries.items import summaries
from store.queries.sources import first_crawls

router = APIRouter()
TOP_MEMBERS = 8


WINDOWS = (12, 24, 60)  # months the charts may cover


def first_of_month_back(today: date, months: int) -> date:
    """The first day of the month ``months - 1`` months before ``today``'s."""
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


@router.get("/dashboard", include_in_schema=False)
def dashboard(request: Request, months: int = 12, user: User = Depends(require_user), session: Session = Depends(db)):
    language = request_language(request)
    months = months if months in WINDOWS else WINDOWS[0]
    today = date.today()
    since = first_of_month_back(today, months)
    labels = months_since(since, today)
    by_sector = items_per_month_by_sector(session, since=since)
    by_member = items_per_month_by_member(session, since=since)
    member_totals: Counter = Counter()
    for (_month, member), count in by_member.items():
        member_totals[member] += count
    members = [code for code, _ in member_totals.most_common(TOP_MEMBERS)]
    sectors = [code for code in sector_codes() if any(s == code for _m, s in by_sector)]
    return render(
        request,
        "dashboard.html",
        {
            "months": months,
            "windows": WINDOWS,
            "sector_chart": stacked_bars(
                labels, by_sector, sectors, {c: sector_name(c, language) for c in sectors}, colour_keys=sector_codes()
            ),
            "member_chart": stacked_bars(labels, by_member, members, {c: member_name(c, language) for c in members}),
            "closing": summaries(session, closing_soon(session, today=today)),
            "total_sector": sum(by_sector.values()),
            "total_member": sum(by_member.values()),
            "first_crawls": first_crawls(session) if can(user, "admin") else [],
        },
    )
