"""The member table, kept in step with the reference list in :mod:`store.members`."""

from sqlmodel import Session

from store.members import all_members, resolve_member
from store.models import Member, MemberSpelling


def sync_members(session: Session) -> int:
    """Insert or refresh every reference member; returns how many there are."""
    members = all_members()
    for member in members:
        session.merge(Member(code=member.code, eping_id=member.eping_id, name_en=member.name_en,
                             name_zh=member.name_zh, eu_member=member.eu_member))
    return len(members)


def member_code(session: Session, *, published_name: str | None) -> str | None:
    """The canonical code of a published member name, remembering the spelling."""
    if not published_name or not published_name.strip():
        return None
    member = resolve_member(published_name)
    if member is None:
        return None
    spelling = published_name.strip()[:200]
    if session.get(MemberSpelling, spelling) is None and session.get(Member, member.code):
        session.add(MemberSpelling(spelling=spelling, member_code=member.code))
    return member.code
