"""Administrators' pages: sources with their health (run now), crawl runs, scheduler jobs,
users, catalogue editions, what people think of their alerts per sector (and the last
retraining), dead deliveries (replay) and the audit log."""

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlmodel import Session, col, select

from alerts.labels import sector_codes
from alerts.subscriptions import set_account_active
from nlp.catalogue import available_editions
from service.accounts import change_account, delete_account
from service.jobs.crawl import run_now
from service.refusals import explain
from service.security import audit, new_password_hash
from service.web.deps import db, require
from service.web.i18n import request_language
from service.web.templating import render
from store.models import ROLES, AuditEntry, CatalogueEdition, CrawlRun, Source, User
from store.models.types import utcnow
from store.queries.alerts import dead_deliveries, delivery_counts, replay_delivery
from store.queries.feedback import last_training_run, sector_figures
from store.queries.users import UserError, create_user, list_users

router = APIRouter(prefix="/admin")
admin = require("admin")


@router.get("/sources", include_in_schema=False)
def sources(request: Request, user: User = Depends(admin), session: Session = Depends(db)):
    rows = list(session.exec(select(Source).order_by(col(Source.name))))
    latest: dict[str, CrawlRun] = {}
    for run in session.exec(select(CrawlRun).order_by(col(CrawlRun.started_at).desc()).limit(500)):
        latest.setdefault(run.source, run)
    return render(request, "admin/sources.html", {"sources": rows, "latest": latest})


@router.post("/sources/{name}/run", include_in_schema=False)
def run_source(request: Request, name: str, user: User = Depends(admin), session: Session = Depends(db)):
    if run_now(session, user, name, request.app.state.scheduler) is None:
        raise HTTPException(404)
    session.commit()
    return RedirectResponse("/admin/sources?done=crawl_started", 303)


@router.get("/runs", include_in_schema=False)
def runs(request: Request, source: str | None = None, user: User = Depends(admin), session: Session = Depends(db)):
    statement = select(CrawlRun).order_by(col(CrawlRun.started_at).desc()).limit(200)
    if source:
        statement = statement.where(CrawlRun.source == source)
    return render(request, "admin/runs.html", {"runs": list(session.exec(statement)), "source": source})


@router.get("/jobs", include_in_schema=False)
def jobs(request: Request, user: User = Depends(admin)):
    scheduler = request.app.state.scheduler
    listed = sorted(scheduler.get_jobs(), key=lambda job: job.id) if scheduler is not None else []
    return render(request, "admin/jobs.html", {"jobs": listed, "running": bool(scheduler and scheduler.running)})


@router.get("/users", include_in_schema=False)
def users(request: Request, user: User = Depends(admin), session: Session = Depends(db)):
    return _users_page(request, session)


def _users_page(
    request: Request, session: Session, typed: dict[str, str] | None = None, error: UserError | None = None
):
    rows, total = list_users(session)
    context = {
        "users": rows,
        "total": total,
        "roles": ROLES,
        "error": explain(error, request_language(request)) if error else None,
        "typed": typed or {},
    }
    status = (400 if error.status == 422 else error.status) if error else 200
    return render(request, "admin/users.html", context, status_code=status)


@router.post("/users", include_in_schema=False)
def add_user(
    request: Request,
    email: str = Form(...),
    role: str = Form(...),
    name: str = Form(""),
    member_code: str = Form(""),
    password: str = Form(...),
    user: User = Depends(admin),
    session: Session = Depends(db),
):
    typed = {"email": email, "role": role, "name": name, "member_code": member_code}
    try:
        created = create_user(
            session,
            email=email,
            role=role,
            password_hash=new_password_hash(password, user_inputs=(email, name)),
            name=name.strip() or None,
            member_code=member_code.strip() or None,
        )
    except UserError as error:
        session.rollback()
        return _users_page(request, session, typed, error)
    audit(
        session,
        user=user,
        action="user.create",
        target_kind="user",
        target_id=created.id,
        details={"email": created.email, "role": role},
    )
    session.commit()
    return RedirectResponse("/admin/users?done=user_created", 303)


@router.post("/users/{user_id}", include_in_schema=False)
def edit_user(
    request: Request,
    user_id: int,
    role: str = Form(...),
    password: str = Form(""),
    user: User = Depends(admin),
    session: Session = Depends(db),
):
    """A new role and/or a new password for an account (an empty password leaves it)."""
    target = session.get(User, user_id)
    if target is None:
        raise HTTPException(404, "no such user")
    changes: dict[str, str] = {"role": role} if role != target.role else {}
    if password:
        changes["password"] = password
    if not changes:
        return RedirectResponse("/admin/users?done=nothing_changed", 303)
    try:
        change_account(session, user, target, changes)
    except UserError as error:
        session.rollback()
        return _users_page(request, session, error=error)
    session.commit()
    return RedirectResponse("/admin/users?done=saved", 303)


@router.post("/users/{user_id}/active", include_in_schema=False)
def toggle_active(user_id: int, user: User = Depends(admin), session: Session = Depends(db)):
    target = session.get(User, user_id)
    if target is None:
        raise HTTPException(404, "no such user")
    if target.id == user.id:
        raise HTTPException(400, "you cannot deactivate yourself")
    set_account_active(session, target, not target.active)
    audit(
        session,
        user=user,
        action="user.activate" if target.active else "user.deactivate",
        target_kind="user",
        target_id=user_id,
    )
    session.commit()
    return RedirectResponse("/admin/users?done=saved", 303)


@router.post("/users/{user_id}/delete", include_in_schema=False)
def delete_user(request: Request, user_id: int, user: User = Depends(admin), session: Session = Depends(db)):
    target = session.get(User, user_id)
    if target is None:
        raise HTTPException(404, "no such user")
    try:
        delete_account(session, user, target)
    except UserError as error:
        session.rollback()
        return _users_page(request, session, error=error)
    session.commit()
    return RedirectResponse("/admin/users?done=user_deleted", 303)


@router.get("/catalogue", include_in_schema=False)
def catalogue(request: Request, user: User = Depends(admin), session: Session = Depends(db)):
    installed = list(session.exec(select(CatalogueEdition).order_by(col(CatalogueEdition.installed_at).desc())))
    return render(request, "admin/catalogue.html", {"installed": installed, "shipped": available_editions()})


@router.get("/feedback", include_in_schema=False)
def feedback(request: Request, user: User = Depends(admin), session: Session = Depends(db)):
    """Per sector: alerts made, judged useful, judged not relevant; the last retraining."""
    figures = sector_figures(session)
    rows = [(code, figures[code]) for code in sector_codes() if code in figures]
    rows += [(code, f) for code, f in sorted(figures.items()) if code not in sector_codes()]
    return render(request, "admin/feedback.html", {"rows": rows, "run": last_training_run(session)})


@router.get("/deliveries", include_in_schema=False)
def deliveries(request: Request, user: User = Depends(admin), session: Session = Depends(db)):
    return render(
        request, "admin/deliveries.html", {"dead": dead_deliveries(session), "counts": delivery_counts(session)}
    )


@router.post("/deliveries/{delivery_id}/replay", include_in_schema=False)
def replay(delivery_id: int, user: User = Depends(admin), session: Session = Depends(db)):
    if not replay_delivery(session, delivery_id, now=utcnow()):
        raise HTTPException(404, "no dead delivery with that id")
    audit(session, user=user, action="delivery.replay", target_kind="delivery", target_id=delivery_id)
    session.commit()
    return RedirectResponse("/admin/deliveries?done=replayed", 303)


@router.get("/audit", include_in_schema=False)
def audit_log(request: Request, user: User = Depends(admin), session: Session = Depends(db)):
    rows = session.exec(
        select(AuditEntry, User.email)
        .outerjoin(User, col(User.id) == col(AuditEntry.user_id))
        .order_by(col(AuditEntry.at).desc())
        .limit(300)
    ).all()
    return render(request, "admin/audit.html", {"entries": rows})
