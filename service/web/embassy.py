"""Market intelligence: embassies write, attach files to and submit reports and follow their
status; staff review, publish or reject them. An embassy sees only its own drafts."""

import re
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, select
from starlette.datastructures import UploadFile

from alerts.labels import member_choices
from service import intelligence as use_case
from service.refusals import explain
from service.web.deps import db, require, require_user
from service.web.i18n import request_language
from service.web.templating import render
from store.models import Attachment, IntelligenceReport, User
from store.refusals import Refused

router = APIRouter()
author = require("intelligence.submit")
reviewer = require("intelligence.review")
_HS_LIST = re.compile(r"[,，、;；\n]+")  # not spaces: "85 07" is one mistyped code


def _own_report(session: Session, user: User, report_id: int) -> IntelligenceReport:
    report = use_case.own_report(session, user, report_id)
    if report is None:
        raise HTTPException(404)
    return report


def _typed(report: IntelligenceReport) -> dict[str, Any]:
    """A stored report's fields as the form shows them."""
    values = {name: getattr(report, name) for name in use_case.FIELDS}
    values.update(
        hs_codes=", ".join(report.hs_codes), links="\n".join(report.links), products_text=report.products_text or ""
    )
    return values


def _form_page(request: Request, typed: dict[str, Any], report_id: int | None = None, *, error: Refused | None = None):
    return render(
        request,
        "intelligence_form.html",
        {
            "r": typed,
            "report_id": report_id,
            "error": explain(error, request_language(request)) if error else None,
            "error_field": error.field if error else None,
            "members": member_choices(request_language(request)),
        },
        status_code=400 if error else 200,
    )


@router.get("/intelligence", include_in_schema=False)
def my_reports(request: Request, user: User = Depends(author), session: Session = Depends(db)):
    reports = session.exec(
        select(IntelligenceReport)
        .where(IntelligenceReport.author_id == user.id)
        .order_by(col(IntelligenceReport.created_at).desc())
    )
    return render(request, "intelligence_list.html", {"reports": list(reports), "reviewing": False})


@router.get("/intelligence/new", include_in_schema=False)
def new_report(request: Request, user: User = Depends(author)):
    blank = IntelligenceReport(member_code=user.member_code or "", title="", text="", language=user.language)
    return _form_page(request, _typed(blank))


@router.get("/intelligence/{report_id}/edit", include_in_schema=False)
def edit_report(request: Request, report_id: int, user: User = Depends(author), session: Session = Depends(db)):
    report = _own_report(session, user, report_id)
    use_case.check_editable(report)
    return _form_page(request, _typed(report), report_id)


@router.post("/intelligence", include_in_schema=False)
@router.post("/intelligence/{report_id}/edit", include_in_schema=False)
async def save_report(
    request: Request, report_id: int | None = None, user: User = Depends(author), session: Session = Depends(db)
):
    form = await request.form()
    typed = {name: str(form.get(name, "")) for name in use_case.FIELDS}
    fields = {**typed, "hs_codes": _HS_LIST.split(typed["hs_codes"]), "links": typed["links"].splitlines()}
    submit = form.get("action") == "submit"
    report = _own_report(session, user, report_id) if report_id is not None else None
    try:
        files = [
            use_case.new_attachment(upload.filename, await upload.read(use_case.MAX_ATTACHMENT + 1))
            for upload in form.getlist("attachments")
            if isinstance(upload, UploadFile) and upload.filename
        ]
        if report is None:
            use_case.create_report(session, user, fields, attachments=files, submit=submit)
        else:
            use_case.update_report(session, report, fields, attachments=files, submit=submit)
    except Refused as error:
        session.rollback()
        return _form_page(request, typed, report_id, error=error)
    session.commit()
    return RedirectResponse(f"/intelligence?done={'report_submitted' if submit else 'saved'}", 303)


@router.get("/intelligence/{report_id}/attachments/{attachment_id}", include_in_schema=False)
def download(report_id: int, attachment_id: int, user: User = Depends(require_user), session: Session = Depends(db)):
    if use_case.visible_report(session, user, report_id) is None:
        raise HTTPException(404)
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.report_id != report_id:
        raise HTTPException(404)
    return Response(attachment.data, media_type=attachment.content_type, headers=use_case.download_headers(attachment))


@router.get("/intelligence/review", include_in_schema=False)
def review_queue(request: Request, user: User = Depends(reviewer), session: Session = Depends(db)):
    reports = session.exec(
        select(IntelligenceReport)
        .where(col(IntelligenceReport.status).in_(("submitted",)))
        .order_by(col(IntelligenceReport.submitted_at))
    )
    return render(request, "intelligence_list.html", {"reports": list(reports), "reviewing": True})


@router.post("/intelligence/{report_id}/review", include_in_schema=False)
def review(
    report_id: int,
    decision: str = Form(""),
    note: str = Form(""),
    user: User = Depends(reviewer),
    session: Session = Depends(db),
):
    report = use_case.visible_report(session, user, report_id)
    if report is None:
        raise HTTPException(404)
    use_case.review_report(session, user, report, decision, note)
    session.commit()
    return RedirectResponse(f"/intelligence/review?done=report_{report.status}", 303)
