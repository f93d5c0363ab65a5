"""``GET /search``: full text and filters over notifications, standards changes and
published intelligence (``store.queries.search``)."""

from dataclasses import asdict
from datetime import date
from typing import Literal

from fastapi import APIRouter, Depends, Query
from sqlmodel import Session

from service.api.deps import Page, PageParams, get_session, page_params, paged, require
from service.api.schemas import SearchHit
from store.models import ITEM_KINDS, User
from store.queries.search import SORTS, SearchQuery, search

router = APIRouter(tags=["search"])
Kind = Literal[ITEM_KINDS]  # type: ignore[valid-type]
Sort = Literal[SORTS]  # type: ignore[valid-type]


def search_query(
    q: str = Query("", max_length=500, description="Words in Chinese or English; every term must match."),
    kind: list[Kind] = Query([], description="Only these kinds (repeat the parameter)."),
    committee: str | None = Query(None, max_length=120, description="TBT, SPS, or a standards committee."),
    member: str | None = Query(None, max_length=8, description="WTO member code; joint notifications match each member."),
    sector: str | None = Query(None, max_length=16, description="Catalogue sector code (effective tags)."),
    hs: str | None = Query(None, max_length=20, description="HS code prefix, e.g. 85 or 8507."),
    ics: str | None = Query(None, max_length=20, description="ICS code prefix, e.g. 29.220."),
    date_from: date | None = Query(None, description="Distributed or published on or after."),
    date_to: date | None = Query(None, description="Distributed or published on or before."),
    open_on: date | None = Query(None, description="Open for comment on this day."),
    sort: Sort = Query("date", description="date (newest first), relevance, deadline (soonest first), oldest."),
    params: PageParams = Depends(page_params),
) -> SearchQuery:
    return SearchQuery(q=q, kinds=tuple(kind), committee=committee, member=member, sector=sector,
                       hs=hs, ics=ics, date_from=date_from, date_to=date_to, open_on=open_on,
                       sort=sort, page=params.page, page_size=params.page_size)


@router.get("/search", response_model=Page[SearchHit], summary="Search every kind of item")
def search_items(
    query: SearchQuery = Depends(search_query),
    _: User = Depends(require("search")),
    session: Session = Depends(get_session),
):
    return run_search(session, query)


def run_search(session: Session, query: SearchQuery) -> dict:
    found = search(session, query)
    params = PageParams(page=query.page, page_size=query.page_size)
    return paged([asdict(hit) for hit in found.items], found.total, params)
