"""``/changes``: search and read standards and regulation changes."""

from dataclasses import replace

from fastapi import APIRouter, Depends
from sqlmodel import Session

from service.api.deps import RowId, get_session, not_found, require
from service.api.schemas import Classified, classified
from service.api.search import SearchResults, run_search, search_query
from store.models import StandardsChange, StandardsChangePublic, User
from store.queries.search import SearchQuery

router = APIRouter(prefix="/changes", tags=["changes"])


class ChangeDetail(StandardsChangePublic, Classified):
    pass


@router.get("", response_model=SearchResults, summary="Search standards changes")
def list_changes(
    query: SearchQuery = Depends(search_query),
    _: User = Depends(require("search")),
):
    """The filters of ``GET /search``, standards changes only."""
    return run_search(replace(query, kinds=("change",)))


@router.get("/{change_id}", response_model=ChangeDetail)
def get_change(change_id: RowId, _: User = Depends(require("search")), session: Session = Depends(get_session)):
    row = session.get(StandardsChange, change_id)
    if row is None:
        raise not_found(f"standards change {change_id}")
    return {**row.model_dump(), **classified(session, item_kind="change", item_id=row.id)}
