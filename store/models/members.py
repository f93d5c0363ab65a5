"""WTO members as stored: canonical code, Chinese and English names, and every spelling
seen in published data (the reference list itself is :mod:`store.members`)."""

from sqlmodel import Field, SQLModel


class Member(SQLModel, table=True):
    __tablename__ = "member"

    code: str = Field(primary_key=True, max_length=8)
    eping_id: str | None = Field(default=None, max_length=8, index=True)
    name_en: str = Field(max_length=200)
    name_zh: str = Field(max_length=100)
    eu_member: bool = False


class MemberSpelling(SQLModel, table=True):
    """A spelling of a member's name as some source published it."""

    __tablename__ = "member_spelling"

    spelling: str = Field(primary_key=True, max_length=200)
    member_code: str = Field(foreign_key="member.code", index=True)
