"""Market intelligence, the one way in for pages and API: embassies write, attach files to and
submit reports; staff publish or reject them (audited); who may see which.

:func:`checked` is the one validation of a report's fields and :func:`attachment_type` of a
file; both raise :class:`store.refusals.Refused` with messages in Chinese and English. A draft
is seen by its author only; a submitted or rejected report by its author and the reviewers;
a published one by everyone signed in. Only drafts and rejected reports can be changed (a
rejected one becomes a draft again); only submitted ones are reviewed.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col

from alerts.subscriptions import hs_codes
from service.security import audit, can
from store.members import resolve_member
from store.models import Attachment, IntelligenceReport, User
from store.models.types import utcnow
from store.refusals import Refused, Term

EDITABLE = ("draft", "rejected")
DECISIONS = ("publish", "reject")
FIELDS = ("member_code", "title", "text", "products_text", "hs_codes", "links", "language")
LANGUAGES = ("zh", "en")
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
# longest value of each text field, and the label a reader knows it by
_CHARS = {"title": 500, "text": 200_000, "products_text": 20_000}
_LABELS = {"member_code": "host_country", "title": "title", "text": "report_text", "products_text": "products"}
_LINK = re.compile(r"https?://\S+")
_MAX_LINKS, _MAX_LINK_CHARS, _MAX_HS = 50, 2000, 200


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _list(value: object) -> list[str]:
    items = list(value) if isinstance(value, Iterable) and not isinstance(value, str) else [value]
    return [entry for entry in (_text(v) for v in items) if entry]


def checked(fields: Mapping[str, Any], *, default_member: str | None = None) -> dict[str, Any]:
    """The one validation of a report: ``fields`` complete and canonical (the host country as
    a member code, HS codes as digits), or :class:`Refused` for the first thing wrong."""
    member_text = _text(fields.get("member_code")) or _text(default_member)
    if not member_text:
        raise Refused("required", field="member_code", field_name=Term("host_country"))
    member = resolve_member(member_text)
    if member is None:
        raise Refused("member", field="member_code", name=member_text)
    values: dict[str, Any] = {"member_code": member.code}
    for name, limit in _CHARS.items():
        value = _text(fields.get(name))
        if not value and name != "products_text":
            raise Refused("required", field=name, field_name=Term(_LABELS[name]))
        if len(value) > limit:
            raise Refused("entry_too_long", field=name, field_name=Term(_LABELS[name]), limit=limit)
        values[name] = value or None
    codes = _list(fields.get("hs_codes"))
    if len(codes) > _MAX_HS:
        raise Refused("too_many", field="hs_codes", field_name=Term("hs_codes"), limit=_MAX_HS)
    values["hs_codes"] = list(dict.fromkeys(hs_codes(codes, "hs_codes")))
    links = _list(fields.get("links"))
    if len(links) > _MAX_LINKS:
        raise Refused("too_many", field="links", field_name=Term("links"), limit=_MAX_LINKS)
    bad = [link for link in links if not _LINK.fullmatch(link) or len(link) > _MAX_LINK_CHARS]
    if bad:
        raise Refused("link", field="links", links=bad)
    values["links"] = links
    language = _text(fields.get("language")) or "zh"
    if language not in LANGUAGES:
        raise Refused("language", field="language", value=language)
    values["language"] = language
    return values


def attachment_type(filename: str, data: bytes) -> str:
    """The content type of an acceptable attachment, judged by its bytes, not its name;
    :class:`Refused` (413 too large, 415 another kind of file) else."""
    if len(data) > MAX_ATTACHMENT:
        raise Refused("attachment_too_large", field="attachments", status=413, filename=filename)
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"PK\x03\x04") and filename.lower().endswith(".docx") and b"word/" in data[:4096]:
        return DOCX
    raise Refused("attachment_type", field="attachments", status=415, filename=filename)


# Control characters and bidirectional overrides (U+202E shows "invoice\u202efdp.exe" as "invoiceexe.pdf").
_HIDDEN = re.compile("[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def attachment_name(filename: str | None) -> str:
    """The name an upload is kept under: its base name without control or bidirectional formatting
    characters, at most 255 characters; "attachment" when nothing is left."""
    name = _HIDDEN.sub("", (filename or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()[:255]
    return name or "attachment"


def new_attachment(filename: str | None, data: bytes) -> Attachment:
    """An attachment checked and named (:func:`attachment_name`), for no report yet."""
    name = attachment_name(filename)
    return Attachment(report_id=0, filename=name, content_type=attachment_type(name, data), size=len(data), data=data)


def download_headers(attachment: Attachment) -> dict[str, str]:
    """Headers that serve an attachment as a download under its own name (RFC 6266: an ASCII
    fallback and the UTF-8 name), never run or sniffed as anything else."""
    name = attachment_name(attachment.filename)  # names stored before were not cleaned
    fallback = re.sub(r"[^A-Za-z0-9.\-_ ]", "_", name)
    return {
        "Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}",
        "X-Content-Type-Options": "nosniff",
    }


def may_see(user: User, item: object) -> bool:
    """Everyone signed in sees notifications, changes and published intelligence; a draft
    only its author; a submitted or rejected report its author and the reviewers."""
    if not isinstance(item, IntelligenceReport) or item.status == "published":
        return True
    if item.author_id == user.id:
        return True
    return item.status != "draft" and can(user, "intelligence.review")


def visible_to(user: User) -> ColumnElement[bool]:
    """:func:`may_see` as a condition on reports, for lists."""
    status, author = col(IntelligenceReport.status), col(IntelligenceReport.author_id)
    seen = [status == "published", author == user.id]
    if can(user, "intelligence.review"):
        seen.append(status != "draft")
    return or_(*seen)


def visible_report(session: Session, user: User, report_id: int) -> IntelligenceReport | None:
    report = session.get(IntelligenceReport, report_id)
    return report if report is not None and may_see(user, report) else None


def own_report(session: Session, user: User, report_id: int) -> IntelligenceReport | None:
    """A report of ``user``'s, whatever its status; None for anyone else's, as if it did not exist."""
    report = session.get(IntelligenceReport, report_id)
    return report if report is not None and report.author_id == user.id else None


def check_editable(report: IntelligenceReport) -> None:
    if report.status not in EDITABLE:
        raise Refused("report_not_editable", conflict=True, status_name=Term(report.status, "report status"))


def _attach(session: Session, report: IntelligenceReport, attachments: Iterable[Attachment]) -> None:
    for attachment in attachments:
        attachment.report_id = report.id
        session.add(attachment)


def _submit(report: IntelligenceReport) -> None:
    report.status, report.submitted_at = "submitted", utcnow()
    report.updated_at = report.submitted_at


def create_report(
    session: Session,
    user: User,
    fields: Mapping[str, Any],
    *,
    attachments: Iterable[Attachment] = (),
    submit: bool = False,
) -> IntelligenceReport:
    """A new draft of ``user``'s (the host country defaults to their member), with its
    attachments; submitted for review at once with ``submit``. The caller commits."""
    report = IntelligenceReport(**checked(fields, default_member=user.member_code), author_id=user.id)
    session.add(report)
    session.flush()
    _attach(session, report, attachments)
    if submit:
        _submit(report)
    return report


def update_report(
    session: Session,
    report: IntelligenceReport,
    changes: Mapping[str, Any],
    *,
    attachments: Iterable[Attachment] = (),
    submit: bool = False,
) -> IntelligenceReport:
    """Change a draft or rejected report (checked as a whole; a rejected one becomes a draft
    again), add attachments, submit with ``submit``. The caller commits."""
    check_editable(report)
    current = {name: getattr(report, name) for name in FIELDS}
    for name, value in checked(current | {k: v for k, v in changes.items() if k in FIELDS}).items():
        setattr(report, name, value)
    report.status, report.updated_at = "draft", utcnow()
    session.add(report)
    _attach(session, report, attachments)
    if submit:
        _submit(report)
    return report


def submit_report(session: Session, report: IntelligenceReport) -> IntelligenceReport:
    check_editable(report)
    _submit(report)
    session.add(report)
    return report


def delete_report(session: Session, report: IntelligenceReport) -> None:
    """Delete a draft or rejected report with its attachments; the caller commits."""
    check_editable(report)
    session.delete(report)


def add_attachment(session: Session, report: IntelligenceReport, filename: str | None, data: bytes) -> Attachment:
    check_editable(report)
    attachment = new_attachment(filename, data)
    _attach(session, report, [attachment])
    session.flush()
    return attachment


def review_report(
    session: Session, user: User, report: IntelligenceReport, decision: str, note: str | None = None
) -> IntelligenceReport:
    """Publish (then tagged and alerted like any item) or reject (back to its author with the
    note) a submitted report, with its audit entry; the caller commits."""
    if decision not in DECISIONS:
        raise Refused("decision", field="decision")
    if report.status != "submitted":
        raise Refused("report_not_submitted", conflict=True, status_name=Term(report.status, "report status"))
    report.status = "published" if decision == "publish" else "rejected"
    report.review_note = _text(note) or None
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
    return report
