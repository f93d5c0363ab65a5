"""Fixtures of the API tests: the app in-process, and one user per role with a token.

Import the fixtures by name into a test module (``from tests.service.api_fixtures import
api, users``)."""

from dataclasses import dataclass
from functools import cache

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.app import create_app
from service.security import hash_password, new_token
from store.queries.users import add_token, create_user

PASSWORD = "a-long-password"


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per test run


@dataclass
class Caller:
    id: int
    role: str
    headers: dict


@pytest.fixture
def api(settings) -> TestClient:
    with TestClient(create_app(settings, scheduler=False), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def users(db_engine, settings) -> dict[str, Caller]:
    """exporter, exporter2, staff, staff2, embassy (JPN), embassy2 (KOR), admin."""
    roles = {
        "exporter": None,
        "exporter2": None,
        "staff": None,
        "staff2": None,
        "embassy": "JPN",
        "embassy2": "KOR",
        "admin": None,
    }
    callers = {}
    digest = password_hash()
    with Session(db_engine, expire_on_commit=False) as session:
        for name, member in roles.items():
            user = create_user(
                session, email=f"{name}@example.org", role=name.rstrip("2"), password_hash=digest, member_code=member
            )
            plain, token_digest = new_token()
            add_token(session, user=user, name="tests", token_hash=token_digest)
            callers[name] = Caller(user.id, user.role, {"Authorization": f"Bearer {plain}"})
        session.commit()
    return callers
