"""People and machines that use tbtwatch: accounts with roles, API tokens, the audit log."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from store.models.types import json_dict, optional_timestamp, timestamp


class UserBase(SQLModel):
    email: str = Field(max_length=320, unique=True, index=True)
    name: str | None = Field(default=None, max_length=200)
    role: str = Field(default="exporter", max_length=16)
    language: str = Field(default="zh", max_length=8)
    member_code: str | None = Field(default=None, max_length=8)


class User(UserBase, table=True):
    __tablename__ = "app_user"

    id: int = Field(default=None, primary_key=True)
    password_hash: str = Field(default="", max_length=300)
    active: bool = True
    created_at: datetime = timestamp()
    last_login_at: datetime | None = optional_timestamp()
    session_version: int = 0  # bumped to end every session cookie (sign-out, password reset)


class UserCreate(UserBase):
    password: str = Field(min_length=8, max_length=200)


class UserPublic(UserBase):
    id: int
    active: bool
    created_at: datetime


class ApiToken(SQLModel, table=True):
    """A bearer token for the REST API; only its hash is kept."""

    __tablename__ = "api_token"

    id: int = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=128, unique=True)
    created_at: datetime = timestamp()
    last_used_at: datetime | None = optional_timestamp()
    revoked: bool = False


class AuditEntry(SQLModel, table=True):
    """One action by a staff member or administrator."""

    __tablename__ = "audit_entry"

    id: int = Field(default=None, primary_key=True)
    at: datetime = timestamp(index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    action: str = Field(max_length=80)
    target_kind: str | None = Field(default=None, max_length=40)
    target_id: str | None = Field(default=None, max_length=80)
    details: dict = json_dict()


class LoginFailure(SQLModel, table=True):
    """Failed sign-ins counted for one account (its normalised e-mail) or one client address,
    shared by every web process: the count, and when the last one happened (Unix seconds)."""

    __tablename__ = "login_failure"

    scope: str = Field(primary_key=True, max_length=8)  # "account" or "address"
    key: str = Field(primary_key=True, max_length=320)
    failures: int = 0
    last_at: float = 0.0
