"""``GET /search``: full text and filters over notifications, standards changes and
published intelligence (``store.queries.search``).

The answer is written straight to JSON from the search's hits: it is already in the shape of
:class:`SearchResults`, and validating it again would cost more than the search itself.
"""

import json
from datetime import date
from typing import Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import Field
from sqlmodel import Session

from service.api.deps import Page, PageParams, get_session, page_params, paged, require
from service.api.schemas import SearchHit
from store.models import ITEM_KINDS, User
from store.queries.search import SORTS, SearchQuery, search

router = APIRouter(tags=["search"])
_HIT_FIELDS = tuple(SearchHit.model_fields)


class SearchResults(Page[SearchHit]):
    total_capped: bool = Field(
        False, description="More items match than `total`: counting stops at 1,000 (pages past it still work)."
    )


Kind = Literal[ITEM_KINDS]  # type: ignore[valid-type]
Sort = Literal[SORTS]  # type: ignore[valid-type]


async def search_query(  # async: no I/O, so no hop to a worker thread
    q: str = Query("", max_length=500, description="Words in Chinese or English; every term must match."),
    kind: list[Kind] = Query([], description="Only these kinds (repeat the parameter)."),
    committee: str | None = Query(None, max_length=120, description="TBT, SPS, or a standards committee."),
    member: str | None = Query(
        None, max_length=8, description="WTO member code; joint notifications match each member."
    ),
    sector: str | None = Query(None, max_length=16, description="Catalogue sector code (effective tags)."),
    hs: str | None = Query(None, max_length=20, description="HS code prefix, e.g. 85 or 8507."),
    ics: str | None = Query(None, max_length=20, description="ICS code prefix, e.g. 29.220."),
    date_from: date | None = Query(None, description="Distributed or published on or after."),
    date_to: date | None = Query(None, description="Distributed or published on or before."),
    open_on: date | None = Query(None, description="Open for comment on this day."),
    sort: Sort = Query(
        "date",
        description="date (newest first), relevance (among the 100 newest matches of "
        "each kind), deadline (soonest first), oldest.",
    ),
    params: PageParams = Depends(page_params),
) -> SearchQuery:
    return SearchQuery(
        q=q,
        kinds=tuple(kind),
        committee=committee,
        member=member,
        sector=sector,
        hs=hs,
        ics=ics,
        date_from=date_from,
        date_to=date_to,
        open_on=open_on,
        sort=sort,
        page=params.page,
        page_size=params.page_size,
    )


@router.get("/search", response_model=SearchResults, summary="Search every kind of item")
def search_items(
    query: SearchQuery = Depends(search_query),
    _: User = Depends(require("search")),
    session: Session = Depends(get_session),
):
    return run_search(session, query)


def run_search(session: Session, query: SearchQuery) -> Response:
    found = search(session, query)
    page = paged(
        [{f: getattr(hit, f) for f in _HIT_FIELDS} for hit in found.items],
        found.total,
        PageParams(page=query.page, page_size=query.page_size),
    )
    body = json.dumps(
        {**page, "total_capped": found.total_capped}, ensure_ascii=False, separators=(",", ":"), default=date.isoformat
    )
    return Response(body.encode(), media_type="application/json")
