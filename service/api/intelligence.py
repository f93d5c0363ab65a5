"""``/intelligence``: market intelligence reports and their attachments.

An embassy writes drafts, edits them (also after a rejection), attaches files and submits;
staff publish or reject submitted reports (audited); everyone signed in reads published
reports. A draft is seen by its author only; a submitted or rejected report by its author
and the reviewers (``service.web.items.may_see``, shared with the pages).
"""

import re
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, File, HTTPException, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from service.api.deps import Page, PageParams, RowId, current_user, get_session, not_found, page_params, paged, require
from service.api.schemas import Classified, classified
from service.security import audit, can
from service.web.embassy import (
    MAX_ATTACHMENT,
    AttachmentError,
    attachment_name,
    attachment_type,
    content_disposition,
)
from service.web.items import may_see
from store.members import resolve_member
from store.models import REPORT_STATUSES, Attachment, IntelligenceReport, IntelligenceReportPublic, User
from store.models.types import utcnow

router = APIRouter(prefix="/intelligence", tags=["intelligence"])
EDITABLE = ("draft", "rejected")
_HS = re.compile(r"^\d{2,10}$")


class ReportFields(BaseModel):
    member_code: str | None = Field(None, max_length=200, description="Host country: WTO member code or name.")
    title: str | None = Field(None, min_length=1, max_length=500)
    text: str | None = Field(None, min_length=1, max_length=200_000)
    products_text: str | None = Field(None, max_length=20_000)
    hs_codes: list[str] | None = Field(None, max_length=200)
    links: list[str] | None = Field(None, max_length=50)
    language: Literal["zh", "en"] | None = None

    @field_validator("member_code")
    @classmethod
    def _member(cls, value):
        if value is None:
            return None
        member = resolve_member(value)
        if member is None:
            raise ValueError(f"{value!r} is not a WTO member")
        return member.code

    @field_validator("hs_codes")
    @classmethod
    def _hs(cls, value):
        if value is None:
            return None
        codes = [re.sub(r"[.\s]", "", code) for code in value]
        bad = [c for c in codes if not _HS.match(c)]
        if bad:
            raise ValueError(f"HS codes are 2 to 10 digits: {', '.join(bad)}")
        return codes

    @field_validator("links")
    @classmethod
    def _links(cls, value):
        if value is not None and any(not re.match(r"^https?://\S+$", link) or len(link) > 2000 for link in value):
            raise ValueError("links must be http(s) URLs")
        return value


class ReportCreate(ReportFields):
    title: str = Field(min_length=1, max_length=500)
    text: str = Field(min_length=1, max_length=200_000)


class ReportPublic(IntelligenceReportPublic):
    review_note: str | None
    submitted_at: datetime | None = None


class AttachmentPublic(BaseModel):
    id: int
    report_id: int
    filename: str
    content_type: str
    size: int


class ReportDetail(ReportPublic, Classified):
    attachments: list[AttachmentPublic]


class Decision(BaseModel):
    note: str | None = Field(None, max_length=5000, description="Why (shown to the author).")


def _visible(session: Session, user: User, report_id: int) -> IntelligenceReport:
    report = session.get(IntelligenceReport, report_id)
    if report is None or not may_see(user, report):
        raise not_found(f"intelligence report {report_id}")
    return report


def _own_editable(session: Session, user: User, report_id: int) -> IntelligenceReport:
    report = session.get(IntelligenceReport, report_id)
    if report is None or report.author_id != user.id:
        raise not_found(f"intelligence report {report_id}")
    if report.status not in EDITABLE:
        raise HTTPException(409, f"a {report.status} report can no longer be changed")
    return report


def _submitted(session: Session, report_id: int) -> IntelligenceReport:
    report = session.get(IntelligenceReport, report_id)
    if report is None or report.status == "draft":
        raise not_found(f"intelligence report {report_id}")
    if report.status != "submitted":
        raise HTTPException(409, f"only submitted reports are reviewed; this one is {report.status}")
    return report


@router.get("", response_model=Page[ReportPublic])
def list_reports(
    status: Literal[REPORT_STATUSES] | None = Query(None),  # type: ignore[valid-type]
    mine: bool = Query(False, description="Only reports I wrote."),
    member: str | None = Query(None, max_length=8),
    params: PageParams = Depends(page_params),
    user: User = Depends(current_user),
    session: Session = Depends(get_session),
):
    """Reports the caller may see, newest first: published ones, their own, and (reviewers)
    every submitted or rejected one."""
    model = IntelligenceReport
    seen = [model.status == "published", model.author_id == user.id]
    if can(user, "intelligence.review"):
        seen.append(model.status != "draft")
    statement = select(model).where(or_(*seen))
    if mine:
        statement = statement.where(model.author_id == user.id)
    if status:
        statement = statement.where(model.status == status)
    if member:
        statement = statement.where(model.member_code == member.upper())
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(
        statement.order_by(col(model.updated_at).desc(), col(model.id).desc())
        .offset(params.offset)
        .limit(params.page_size)
    )
    return paged(list(rows), total, params)


@router.post("", response_model=ReportPublic, status_code=201)
def create_report(
    body: ReportCreate, user: User = Depends(require("intelligence.submit")), session: Session = Depends(get_session)
):
    """A new draft; the host country defaults to the embassy's member."""
    fields = body.model_dump(exclude_none=True)
    fields.setdefault("member_code", user.member_code)
    if not fields["member_code"]:
        raise HTTPException(422, "member_code: give the host country (WTO member)")
    report = IntelligenceReport(**fields, author_id=user.id, status="draft")
    session.add(report)
    session.commit()
    return report


@router.get("/{report_id}", response_model=ReportDetail)
def get_report(report_id: RowId, user: User = Depends(current_user), session: Session = Depends(get_session)):
    report = _visible(session, user, report_id)
    return {
        **report.model_dump(),
        "attachments": _attachments(session, report.id),
        **classified(session, item_kind="intelligence", item_id=report.id),
    }


@router.patch("/{report_id}", response_model=ReportPublic)
def edit_report(
    report_id: RowId,
    body: ReportFields,
    user: User = Depends(require("intelligence.submit")),
    session: Session = Depends(get_session),
):
    """Change a draft or rejected report of mine (a rejected one becomes a draft again)."""
    report = _own_editable(session, user, report_id)
    for name, value in body.model_dump(exclude_unset=True).items():
        if value is None and name in ("member_code", "title", "text", "language"):
            raise HTTPException(422, f"{name} may not be empty")
        setattr(report, name, [] if value is None and name in ("hs_codes", "links") else value)
    report.status, report.updated_at = "draft", utcnow()
    session.add(report)
    session.commit()
    return report


@router.post("/{report_id}/submit", response_model=ReportPublic)
def submit_report(
    report_id: RowId, user: User = Depends(require("intelligence.submit")), session: Session = Depends(get_session)
):
    report = _own_editable(session, user, report_id)
    report.status, report.submitted_at = "submitted", utcnow()
    report.updated_at = report.submitted_at
    session.add(report)
    session.commit()
    return report


@router.delete("/{report_id}", status_code=204)
def delete_report(
    report_id: RowId, user: User = Depends(require("intelligence.submit")), session: Session = Depends(get_session)
):
    """Delete a draft or rejected report of mine, with its attachments."""
    session.delete(_own_editable(session, user, report_id))
    session.commit()
    return Response(status_code=204)


def _review(session: Session, user: User, report_id: int, decision: str, note: str | None):
    report = _submitted(session, report_id)
    report.status = "published" if decision == "publish" else "rejected"
    report.review_note = (note or "").strip() or None
    report.updated_at = utcnow()
    if decision == "publish":
        report.published_at = report.updated_at
    session.add(report)
    audit(
        session,
        user=user,
        action=f"intelligence.{decision}",
        target_kind="intelligence",
        target_id=report.id,
        details={"note": report.review_note},
    )
    session.commit()
    return report


@router.post("/{report_id}/publish", response_model=ReportPublic)
def publish_report(
    report_id: RowId,
    body: Decision | None = None,
    user: User = Depends(require("intelligence.review")),
    session: Session = Depends(get_session),
):
    """Publish a submitted report: visible to all, then tagged and alerted like notifications."""
    return _review(session, user, report_id, "publish", body.note if body else None)


@router.post("/{report_id}/reject", response_model=ReportPublic)
def reject_report(
    report_id: RowId,
    body: Decision | None = None,
    user: User = Depends(require("intelligence.review")),
    session: Session = Depends(get_session),
):
    """Send a submitted report back to its author, with a note."""
    return _review(session, user, report_id, "reject", body.note if body else None)


def _attachments(session: Session, report_id: int) -> list[dict]:
    rows = session.exec(
        select(Attachment.id, Attachment.report_id, Attachment.filename, Attachment.content_type, Attachment.size)
        .where(Attachment.report_id == report_id)
        .order_by(Attachment.id)
    )
    return [row._asdict() for row in rows]


@router.get("/{report_id}/attachments", response_model=list[AttachmentPublic], tags=["attachments"])
def list_attachments(report_id: RowId, user: User = Depends(current_user), session: Session = Depends(get_session)):
    return _attachments(session, _visible(session, user, report_id).id)


@router.post("/{report_id}/attachments", response_model=AttachmentPublic, status_code=201, tags=["attachments"])
async def upload_attachment(
    report_id: RowId,
    file: UploadFile = File(..., description="PDF, DOCX or image, ≤ 10 MB."),
    user: User = Depends(require("intelligence.submit")),
    session: Session = Depends(get_session),
):
    """Attach a file to a draft of mine; its type is judged by its bytes, not its name."""
    report = _own_editable(session, user, report_id)
    data = await file.read(MAX_ATTACHMENT + 1)
    name = attachment_name(file.filename)
    try:
        content_type = attachment_type(name, data)
    except AttachmentError as error:
        raise HTTPException(413 if len(data) > MAX_ATTACHMENT else 415, str(error)) from None
    attachment = Attachment(report_id=report.id, filename=name, content_type=content_type, size=len(data), data=data)
    session.add(attachment)
    session.commit()
    return AttachmentPublic.model_validate(attachment, from_attributes=True)


@router.get(
    "/{report_id}/attachments/{attachment_id}",
    tags=["attachments"],
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file."}},
)
def download_attachment(
    report_id: RowId, attachment_id: RowId, user: User = Depends(current_user), session: Session = Depends(get_session)
):
    _visible(session, user, report_id)
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.report_id != report_id:
        raise not_found(f"attachment {attachment_id}")
    return Response(
        attachment.data,
        media_type=attachment.content_type,
        headers={"Content-Disposition": content_disposition(attachment.filename), "X-Content-Type-Options": "nosniff"},
    )


@router.delete("/{report_id}/attachments/{attachment_id}", status_code=204, tags=["attachments"])
def delete_attachment(
    report_id: RowId,
    attachment_id: RowId,
    user: User = Depends(require("intelligence.submit")),
    session: Session = Depends(get_session),
):
    _own_editable(session, user, report_id)
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.report_id != report_id:
        raise not_found(f"attachment {attachment_id}")
    session.delete(attachment)
    session.commit()
    return Response(status_code=204)
