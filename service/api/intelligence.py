"""``/intelligence``: market intelligence reports and their attachments.

An embassy writes drafts, edits them (also after a rejection), attaches files and submits;
staff publish or reject submitted reports (audited); everyone signed in reads published
reports. A draft is seen by its author only; a submitted or rejected report by its author
and the reviewers. The rules are :mod:`service.intelligence`, shared with the pages.
"""

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from service import intelligence as use_case
from service.api.deps import Page, PageParams, RowId, current_user, get_session, not_found, page_params, paged, require
from service.api.schemas import Classified, classified
from store.models import REPORT_STATUSES, Attachment, IntelligenceReport, IntelligenceReportPublic, User
from store.models.types import table_of

router = APIRouter(prefix="/intelligence", tags=["intelligence"])


class ReportFields(BaseModel):
    """The fields of a report; the rules are :func:`service.intelligence.checked`, the same as the pages'."""

    model_config = {"extra": "forbid"}
    member_code: str | None = Field(None, description="Host country: WTO member code or name (default: mine).")
    title: str | None = Field(None, description="At most 500 characters.")
    text: str | None = None
    products_text: str | None = None
    hs_codes: list[str] | None = Field(None, description="HS codes, 2 to 10 digits (8507, 8507.60).")
    links: list[str] | None = Field(None, description="http(s) URLs.")
    language: str | None = Field(None, description="zh or en.")


class ReportCreate(ReportFields):
    title: str
    text: str


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
    report = use_case.visible_report(session, user, report_id)
    if report is None:
        raise not_found(f"intelligence report {report_id}")
    return report


def _own(session: Session, user: User, report_id: int) -> IntelligenceReport:
    report = use_case.own_report(session, user, report_id)
    if report is None:
        raise not_found(f"intelligence report {report_id}")
    return report


@router.get("", response_model=Page[ReportPublic])
def list_reports(
    status: Literal[REPORT_STATUSES] | None = Query(None),  # type: ignore[valid-type]  # a Literal of a tuple of codes, read at run time
    mine: bool = Query(False, description="Only reports I wrote."),
    member: str | None = Query(None, max_length=8),
    params: PageParams = Depends(page_params),
    user: User = Depends(current_user),
    session: Session = Depends(get_session),
):
    """Reports the caller may see, newest first: published ones, their own, and (reviewers)
    every submitted or rejected one."""
    model = IntelligenceReport
    statement = select(model).where(use_case.visible_to(user))
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
    report = use_case.create_report(session, user, body.model_dump(exclude_none=True))
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
    report = use_case.update_report(session, _own(session, user, report_id), body.model_dump(exclude_unset=True))
    session.commit()
    return report


@router.post("/{report_id}/submit", response_model=ReportPublic)
def submit_report(
    report_id: RowId, user: User = Depends(require("intelligence.submit")), session: Session = Depends(get_session)
):
    report = use_case.submit_report(session, _own(session, user, report_id))
    session.commit()
    return report


@router.delete("/{report_id}", status_code=204)
def delete_report(
    report_id: RowId, user: User = Depends(require("intelligence.submit")), session: Session = Depends(get_session)
):
    """Delete a draft or rejected report of mine, with its attachments."""
    use_case.delete_report(session, _own(session, user, report_id))
    session.commit()
    return Response(status_code=204)


def _review(session: Session, user: User, report_id: int, decision: str, note: str | None) -> IntelligenceReport:
    report = use_case.review_report(session, user, _visible(session, user, report_id), decision, note)
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
    table = table_of(Attachment)
    statement = (
        sa_select(*(table.c[name] for name in AttachmentPublic.model_fields))  # the content stays unread
        .where(table.c.report_id == report_id)
        .order_by(table.c.id)
    )
    return [dict(row) for row in session.execute(statement).mappings()]


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
    report = _own(session, user, report_id)
    use_case.check_editable(report)
    attachment = use_case.add_attachment(session, report, file.filename, await file.read(use_case.MAX_ATTACHMENT + 1))
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
    return Response(attachment.data, media_type=attachment.content_type, headers=use_case.download_headers(attachment))


@router.delete("/{report_id}/attachments/{attachment_id}", status_code=204, tags=["attachments"])
def delete_attachment(
    report_id: RowId,
    attachment_id: RowId,
    user: User = Depends(require("intelligence.submit")),
    session: Session = Depends(get_session),
):
    use_case.check_editable(_own(session, user, report_id))
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.report_id != report_id:
        raise not_found(f"attachment {attachment_id}")
    session.delete(attachment)
    session.commit()
    return Response(status_code=204)
