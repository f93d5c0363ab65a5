"""``GET /search``: full text and filters over notifications, standards changes and
published intelligence (``store.queries.search``).

The answer is written straight to JSON from the search's hits: it is already in the shape of
:class:`SearchResults`, and validating it again would cost more than the search itself.
"""

import json
from datetime import date
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Response
from pydantic import Field
from sqlmodel import Session

from service.api.deps import Page, PageParams, page_params, paged, require
from service.api.schemas import SearchHit
from store.db import reading_engine
from store.models import ITEM_KINDS, User
from store.queries.search import (
    MAX_QUERY_LENGTH,
    NOTIFICATION_TYPES,
    OBJECTIVES,
    SORTS,
    SearchQuery,
    search,
    unreadable,
)

router = APIRouter(tags=["search"])
_HIT_FIELDS = tuple(SearchHit.model_fields)


class SearchResults(Page[SearchHit]):
    total_capped: bool = Field(
        False, description="More items match than `total`: counting stops at 1,000 (pages past it still work)."
    )
    also_searched: list[str] = Field(
        [], description="Terms in other languages that the glossary added to the query (`expand=false` turns it off)."
    )


Kind = Literal[ITEM_KINDS]  # type: ignore[valid-type]  # a Literal of a tuple of codes, read at run time
Sort = Literal[SORTS]  # type: ignore[valid-type]  # a Literal of a tuple of codes, read at run time
NotificationType = Literal[NOTIFICATION_TYPES]  # type: ignore[valid-type]  # a Literal of a tuple of codes, read at run time
Objective = Literal[tuple(OBJECTIVES)]  # type: ignore[valid-type]  # a Literal of a tuple of codes, read at run time


async def search_query(  # async: no I/O, so no hop to a worker thread
    q: str = Query(
        "",
        max_length=10_000,
        description=f'Words in Chinese or English; every word must match. `"a phrase"`, `a OR b` and `-word` '
        f"work as in web search; anything else is read as plain words. Cut at {MAX_QUERY_LENGTH} characters.",
    ),
    expand: bool = Query(True, description="Also search the glossary's terms in other languages (电池 → battery …)."),
    kind: list[Kind] = Query([], description="Only these kinds (repeat the parameter)."),
    committee: str | None = Query(None, max_length=120, description="TBT, SPS, or a standards committee."),
    member: list[str] = Query(
        [], max_length=50, description="WTO member codes, any of them (repeat); joint notifications match each member."
    ),
    type: list[NotificationType] = Query([], description="Notification types, any of them (repeat)."),
    objective: list[Objective] = Query([], description="Stated objectives, any of them (repeat)."),  # type: ignore[valid-type]  # Objective, as above
    china_affected: bool = Query(False, description="Only notifications naming China among the countries affected."),
    sector: str | None = Query(None, max_length=16, description="Catalogue sector code (effective tags)."),
    hs: str | None = Query(None, max_length=20, description="HS code prefix, e.g. 85 or 8507."),
    ics: str | None = Query(None, max_length=20, description="ICS code prefix, e.g. 29.220."),
    date_from: date | None = Query(None, description="Distributed or published on or after."),
    date_to: date | None = Query(None, description="Distributed or published on or before."),
    open_on: date | None = Query(None, description="Open for comment on this day."),
    sort: Sort = Query(
        "date",
        description="date (newest first), relevance (among the 100 newest matches of "
        "each kind), deadline (open for comment first, soonest deadline first, then newest first), oldest.",
    ),
    params: PageParams = Depends(page_params),
) -> SearchQuery:
    for name, value in (
        ("q", q),
        ("committee", committee),
        ("sector", sector),
        ("hs", hs),
        ("ics", ics),
        *(("member", m) for m in member),
    ):
        if value and (problem := unreadable(value)):
            raise HTTPException(422, f"{name}: {problem}")
    return SearchQuery(
        q=q[:MAX_QUERY_LENGTH],
        expand=expand,
        kinds=tuple(kind),
        committee=committee,
        members=tuple(m for code in member for m in code.split(",")),
        types=tuple(type),
        objectives=tuple(objective),
        china_affected=china_affected,
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
def search_items(query: SearchQuery = Depends(search_query), _: User = Depends(require("search"))):
    return run_search(query)


def run_search(query: SearchQuery) -> Response:
    """The answer to ``query``, read in a session of its own in autocommit (``reading_engine``):
    a search writes nothing, and its connection goes back to the pool on the thread that ran it."""
    with Session(reading_engine()) as session:
        found = search(session, query)
    page = paged(
        [{f: getattr(hit, f) for f in _HIT_FIELDS} for hit in found.items],
        found.total,
        PageParams(page=query.page, page_size=query.page_size),
    )
    body = json.dumps(
        {**page, "total_capped": found.total_capped, "also_searched": found.also_searched},
        ensure_ascii=False,
        separators=(",", ":"),
        default=date.isoformat,
    )
    return Response(body.encode(), media_type="application/json")
