"""The member table, kept in step with the reference list in :mod:`store.members`."""

from sqlmodel import Session

from store.members import all_members, resolve_member
from store.models import Member, MemberSpelling


def sync_members(session: Session) -> int:
    """Insert or refresh every reference member; returns how many there are."""
    members = all_members()
    for member in members:
        session.merge(
            Member(
                code=member.code,
                eping_id=member.eping_id,
                name_en=member.name_en,
                name_zh=member.name_zh,
                eu_member=member.eu_member,
            )
        )
    return len(members)


def member_code(published_name: str | None) -> str | None:
    """The canonical code of a published member name."""
    member = resolve_member(published_name) if published_name and published_name.strip() else None
    return member.code if member else None


def remember_spelling(session: Session, *, published_name: str | None) -> None:
    """Keep a published member name that stands for a member, as a spelling of it."""
    code = member_code(published_name)
    if code is None or published_name is None:
        return
    spelling = published_name.strip()[:200]
    if session.get(MemberSpelling, spelling) is None and session.get(Member, code) is not None:
        session.add(MemberSpelling(spelling=spelling, member_code=code))
