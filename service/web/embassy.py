"""Market intelligence: embassies write, attach files to and submit reports and follow their
status; staff review, publish or reject them. An embassy sees only its own drafts."""

import re
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session, col, select

from service.security import audit
from service.web.deps import db, require, require_user
from service.web.i18n import request_language
from service.web.items import visible_item
from service.web.labels import member_choices
from service.web.templating import render
from store.members import resolve_member
from store.models import Attachment, IntelligenceReport, User
from store.models.types import utcnow

router = APIRouter()
author = require("intelligence.submit")
reviewer = require("intelligence.review")

MAX_ATTACHMENT = 10 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# what a file's first bytes say it is -> the type it is served as
_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_HS = re.compile(r"^\d{2,10}$")


class AttachmentError(ValueError):
    pass


def attachment_type(filename: str, data: bytes) -> str:
    """The content type of an accepted attachment, judged by its bytes; else AttachmentError."""
    if len(data) > MAX_ATTACHMENT:
        raise AttachmentError(f"{filename}: larger than 10 MB")
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"PK\x03\x04") and filename.lower().endswith(".docx") and b"word/" in data[:4096]:
        return DOCX
    raise AttachmentError(f"{filename}: only PDF, DOCX and images (PNG, JPEG, GIF, WebP) are accepted")


# Control characters and bidirectional overrides (U+202E turns "gpj.exe" into "exe.jpg" on screen).
_HIDDEN = re.compile("[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def attachment_name(raw: str | None) -> str:
    """The name an upload is kept under: its last path part, without control or bidirectional
    formatting characters, at most 255 characters; "attachment" when nothing is left."""
    name = _HIDDEN.sub("", (raw or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()[:255]
    return name or "attachment"


def content_disposition(filename: str) -> str:
    """A download's ``Content-Disposition``: an ASCII ``filename`` for old clients and the real
    name as RFC 5987 ``filename*`` (RFC 6266), so Chinese names survive and the header stays latin-1."""
    ascii_name = re.sub(r"[^A-Za-z0-9.\-_ ]", "_", filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(attachment_name(filename))}"


async def read_attachments(files: list[UploadFile]) -> list[Attachment]:
    attachments = []
    for upload in files:
        if not upload.filename:
            continue
        data = await upload.read(MAX_ATTACHMENT + 1)
        name = attachment_name(upload.filename)
        attachments.append(
            Attachment(report_id=0, filename=name, content_type=attachment_type(name, data), size=len(data), data=data)
        )
    return attachments


def _own_report(session: Session, user: User, report_id: int) -> IntelligenceReport:
    report = session.get(IntelligenceReport, report_id)
    if report is None or report.author_id != user.id:
        raise HTTPException(404, "no such report")
    return report


def _form_page(request: Request, report, *, error: str | None = None, status_code: int = 200):
    return render(
        request,
        "intelligence_form.html",
        {
            "r": report,
            "error": error,
            "members": member_choices(request_language(request)),
        },
        status_code=status_code,
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
    return _form_page(
        request, IntelligenceReport(member_code=user.member_code or "", title="", text="", language=user.language)
    )


@router.get("/intelligence/{report_id}/edit", include_in_schema=False)
def edit_report(request: Request, report_id: int, user: User = Depends(author), session: Session = Depends(db)):
    report = _own_report(session, user, report_id)
    if report.status not in ("draft", "rejected"):
        raise HTTPException(409, "a submitted report can no longer be edited")
    return _form_page(request, report)


@router.post("/intelligence", include_in_schema=False)
@router.post("/intelligence/{report_id}/edit", include_in_schema=False)
async def save_report(
    request: Request,
    report_id: int | None = None,
    member_code: str = Form(...),
    title: str = Form(...),
    text: str = Form(...),
    products_text: str = Form(""),
    hs_codes: str = Form(""),
    links: str = Form(""),
    language: str = Form("zh"),
    action: str = Form("draft"),
    attachments: list[UploadFile] = [],  # noqa: B006 (FastAPI reads the default as "none sent")
    user: User = Depends(author),
    session: Session = Depends(db),
):
    report = (
        _own_report(session, user, report_id)
        if report_id
        else IntelligenceReport(author_id=user.id, member_code="", title="", text="")
    )
    if report.status not in ("draft", "rejected"):
        raise HTTPException(409, "a submitted report can no longer be edited")
    member = resolve_member(member_code)
    codes = [c for c in re.split(r"[\s,，;；]+", hs_codes) if c]
    report.member_code = member.code if member else member_code
    report.title, report.text = title.strip()[:500], text.strip()
    report.products_text = products_text.strip() or None
    report.hs_codes = codes
    report.links = [line.strip() for line in links.splitlines() if line.strip()]
    report.language = language if language in ("zh", "en") else "zh"
    problems = []
    if member is None:
        problems.append(f"unknown WTO member {member_code!r}")
    if not report.title or not report.text:
        problems.append("title and text are required")
    if any(not _HS.match(c) for c in codes):
        problems.append("HS codes are 2 to 10 digits")
    if any(not link.startswith(("http://", "https://")) for link in report.links):
        problems.append("links must start with http:// or https://")
    try:
        files = await read_attachments(attachments)
    except AttachmentError as error:
        problems.append(str(error))
    if problems:
        return _form_page(request, report, error="; ".join(problems), status_code=400)
    report.updated_at = utcnow()
    if action == "submit":
        report.status, report.submitted_at = "submitted", utcnow()
    else:
        report.status = "draft"
    session.add(report)
    session.flush()
    for attachment in files:
        attachment.report_id = report.id
        session.add(attachment)
    session.commit()
    return RedirectResponse(f"/intelligence?done={'report_submitted' if action == 'submit' else 'saved'}", 303)


@router.get("/intelligence/{report_id}/attachments/{attachment_id}", include_in_schema=False)
def download(report_id: int, attachment_id: int, user: User = Depends(require_user), session: Session = Depends(db)):
    visible_item(session, user, "intelligence", report_id)
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.report_id != report_id:
        raise HTTPException(404, "no such attachment")
    return Response(
        attachment.data,
        media_type=attachment.content_type,
        headers={"Content-Disposition": content_disposition(attachment.filename), "X-Content-Type-Options": "nosniff"},
    )


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
    decision: str = Form(...),
    note: str = Form(""),
    user: User = Depends(reviewer),
    session: Session = Depends(db),
):
    report = session.get(IntelligenceReport, report_id)
    if report is None or report.status != "submitted":
        raise HTTPException(404, "no submitted report with that id")
    if decision not in ("publish", "reject"):
        raise HTTPException(400, "decision must be publish or reject")
    report.status = "published" if decision == "publish" else "rejected"
    report.review_note = note.strip() or None
    report.updated_at = utcnow()
    if decision == "publish":
        report.published_at = report.updated_at
    session.add(report)
    audit(
        session,
        user=user,
        action=f"intelligence.{decision}",
        target_kind="intelligence",
        target_id=report_id,
        details={"note": report.review_note},
    )
    session.commit()
    return RedirectResponse(f"/intelligence/review?done=report_{report.status}", 303)
