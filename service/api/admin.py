"""Administration (admin role): sources and crawl runs ("run now":
:func:`service.jobs.crawl.run_now`, as on the pages), users, catalogue editions, dead deliveries (replay), and
the audit log. Every change is audited."""

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlmodel import Session, col, select

from service.accounts import change_account, delete_account
from service.api.deps import ID_MAX, Page, PageParams, RowId, get_session, not_found, page_params, paged, require
from service.jobs.crawl import run_now
from service.refusals import explain
from service.security import MIN_PASSWORD_LENGTH, audit, new_password_hash
from store.models import ROLES, AuditEntry, CatalogueEdition, CrawlRun, Delivery, Source, User, UserPublic
from store.models.types import utcnow
from store.queries.alerts import replay_delivery
from store.queries.users import UserError, create_user, list_users

router = APIRouter(tags=["admin"])
admin = require("admin")
Role = Literal[ROLES]  # type: ignore[valid-type]  # a Literal of a tuple of codes, read at run time


class SourceOut(BaseModel):
    name: str
    spider: str
    title: str | None
    url: str | None
    body: str | None
    enabled: bool
    interval_minutes: int
    consecutive_failures: int
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    next_run_at: datetime | None


class CrawlRunOut(BaseModel):
    id: int
    source: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    args: dict
    items_new: int
    items_updated: int
    items_unchanged: int
    items_rejected: int
    error: str | None


class RunStarted(BaseModel):
    source: str
    via: str = Field(description="scheduler: its job in the serving process; process: a crawl process of its own.")
    pid: int | None = None
    log: str | None = None


@router.get("/sources", response_model=list[SourceOut])
def sources(_: User = Depends(admin), session: Session = Depends(get_session)):
    """Every source with its health: last success, failures, last error, next run."""
    return list(session.exec(select(Source).order_by(col(Source.name))))


@router.post("/sources/{name}/run", response_model=RunStarted, status_code=202)
def run_source(
    name: str, request: Request, user: User = Depends(admin), session: Session = Depends(get_session)
) -> RunStarted:
    """Crawl a source now (as the pages' "run now" does); follow it in ``/crawl-runs``."""
    started = run_now(session, user, name, request.app.state.scheduler)
    if started is None:
        raise not_found(f"source {name}")
    session.commit()
    return RunStarted(source=name, via=started.via, pid=started.pid, log=started.log and str(started.log))


@router.get("/crawl-runs", response_model=Page[CrawlRunOut])
def crawl_runs(
    source: str | None = Query(None, max_length=60),
    params: PageParams = Depends(page_params),
    _: User = Depends(admin),
    session: Session = Depends(get_session),
):
    """Crawl runs, newest first."""
    statement = select(CrawlRun)
    if source:
        statement = statement.where(CrawlRun.source == source)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(
        statement.order_by(col(CrawlRun.started_at).desc(), col(CrawlRun.id).desc())
        .offset(params.offset)
        .limit(params.page_size)
    )
    return paged(list(rows), total, params)


class UserIn(BaseModel):
    email: str = Field(max_length=320)
    role: Role
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=200)
    name: str | None = Field(None, max_length=200)
    member_code: str | None = Field(None, max_length=200, description="The member an embassy reports on.")
    language: Literal["zh", "en"] = "zh"


class UserPatch(BaseModel):
    model_config = {"extra": "forbid"}
    role: Role | None = None
    active: bool | None = None
    name: str | None = Field(None, max_length=200)
    member_code: str | None = Field(None, max_length=200)
    language: Literal["zh", "en"] | None = None
    password: str | None = Field(None, min_length=MIN_PASSWORD_LENGTH, max_length=200)


@router.get("/users", response_model=Page[UserPublic])
def users(
    role: Role | None = Query(None),
    params: PageParams = Depends(page_params),
    _: User = Depends(admin),
    session: Session = Depends(get_session),
):
    rows, total = list_users(session, role=role, offset=params.offset, limit=params.page_size)
    return paged(rows, total, params)


@router.post("/users", response_model=UserPublic, status_code=201)
def add_user(body: UserIn, user: User = Depends(admin), session: Session = Depends(get_session)):
    try:
        created = create_user(
            session,
            email=body.email,
            role=body.role,
            name=body.name,
            member_code=body.member_code,
            language=body.language,
            password_hash=new_password_hash(body.password, user_inputs=(body.email, body.name or "")),
        )
    except UserError as error:
        raise HTTPException(error.status, explain(error)) from None
    audit(
        session,
        user=user,
        action="user.create",
        target_kind="user",
        target_id=created.id,
        details={"email": created.email, "role": created.role},
    )
    session.commit()
    return created


@router.patch("/users/{user_id}", response_model=UserPublic)
def edit_user(user_id: RowId, body: UserPatch, user: User = Depends(admin), session: Session = Depends(get_session)):
    """Change a user's role, name, member, language or password, or (de)activate them."""
    target = session.get(User, user_id)
    if target is None:
        raise not_found(f"user {user_id}")
    try:
        change_account(session, user, target, body.model_dump(exclude_unset=True))
    except UserError as error:
        session.rollback()
        raise HTTPException(error.status, explain(error)) from None
    session.commit()
    return target


@router.delete("/users/{user_id}", status_code=204)
def delete_user(user_id: RowId, user: User = Depends(admin), session: Session = Depends(get_session)):
    """Delete an account for good: its pending deliveries are cancelled, its subscriptions, inbox,
    feedback, thread choices and API tokens deleted; the audit log stays."""
    target = session.get(User, user_id)
    if target is None:
        raise not_found(f"user {user_id}")
    try:
        delete_account(session, user, target)
    except UserError as error:
        session.rollback()
        raise HTTPException(error.status, explain(error)) from None
    session.commit()
    return Response(status_code=204)


class EditionOut(BaseModel):
    name: str
    active: bool
    installed_at: datetime
    sectors: int


@router.get("/catalogue-editions", response_model=list[EditionOut])
def editions(_: User = Depends(admin), session: Session = Depends(get_session)):
    """Installed editions of the High-Tech Products Export Catalogue."""
    rows = session.exec(select(CatalogueEdition).order_by(col(CatalogueEdition.name)))
    return [
        {
            "name": e.name,
            "active": e.active,
            "installed_at": e.installed_at,
            "sectors": len(e.content.get("sectors", [])),
        }
        for e in rows
    ]


class DeliveryOut(BaseModel):
    id: int
    subscription_id: int
    channel: str
    kind: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime


@router.get("/deliveries/dead", response_model=Page[DeliveryOut])
def dead_deliveries(
    params: PageParams = Depends(page_params), _: User = Depends(admin), session: Session = Depends(get_session)
):
    """Deliveries that ran out of attempts, oldest first."""
    statement = select(Delivery).where(Delivery.status == "dead")
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(statement.order_by(col(Delivery.id)).offset(params.offset).limit(params.page_size))
    return paged(list(rows), total, params)


@router.post("/deliveries/{delivery_id}/replay", response_model=DeliveryOut)
def replay(delivery_id: RowId, user: User = Depends(admin), session: Session = Depends(get_session)):
    """Put a dead delivery back in the queue with a fresh set of attempts."""
    if session.get(Delivery, delivery_id) is None:
        raise not_found(f"delivery {delivery_id}")
    if not replay_delivery(session, delivery_id, now=utcnow()):
        raise HTTPException(409, "only dead deliveries are replayed")
    audit(session, user=user, action="delivery.replay", target_kind="delivery", target_id=delivery_id)
    session.commit()
    session.expire_all()
    return session.get(Delivery, delivery_id)


class AuditOut(BaseModel):
    id: int
    at: datetime
    user_id: int | None
    action: str
    target_kind: str | None
    target_id: str | None
    details: dict


@router.get("/audit", response_model=Page[AuditOut])
def audit_log(
    user_id: int | None = Query(None, ge=1, le=ID_MAX),
    action: str | None = Query(None, max_length=80),
    params: PageParams = Depends(page_params),
    _: User = Depends(admin),
    session: Session = Depends(get_session),
):
    """The audit log, newest first."""
    statement = select(AuditEntry)
    if user_id is not None:
        statement = statement.where(AuditEntry.user_id == user_id)
    if action:
        statement = statement.where(AuditEntry.action == action)
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(statement.order_by(col(AuditEntry.id).desc()).offset(params.offset).limit(params.page_size))
    return paged(list(rows), total, params)
