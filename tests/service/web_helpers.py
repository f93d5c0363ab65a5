"""Fixtures and helpers of the page tests: an app on the test database, accounts of every
role, signed-in clients, and reading a page's CSRF token."""

import re
from functools import cache

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.app import create_app
from service.security import SESSION_COOKIE, hash_password, login_limiter, session_cookie_value
from store.db import default_engine, session_scope
from store.queries.users import create_user, get_user_by_email

PASSWORD = "correct horse battery"
ROLE_EMAILS = {role: f"{role}@example.org" for role in ("exporter", "staff", "embassy", "admin")}
_TOKEN = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


@pytest.fixture
def app(settings):
    login_limiter.clear()
    return create_app(settings, scheduler=False)


@pytest.fixture
def accounts(db_engine) -> dict[str, int]:
    """One account per role (plus a second exporter and embassy); role name -> user id."""
    hashed = password_hash()
    ids = {}
    with session_scope(db_engine) as session:
        for name, email in {
            **ROLE_EMAILS,
            "exporter2": "exporter2@example.org",
            "embassy2": "embassy2@example.org",
        }.items():
            role = name.rstrip("2")
            user = create_user(
                session,
                email=email,
                role=role,
                password_hash=hashed,
                name=name,
                member_code="USA" if role == "embassy" else None,
            )
            ids[name] = user.id
    return ids


def client_for(app, name: str | None = None) -> TestClient:
    """A client, signed in as the account ``name`` when given (its session cookie set
    directly: the login form itself is tested in test_web_auth)."""
    # Origin as a browser sends it with a page's POST: the API takes cookie-signed changes from this site only
    client = TestClient(app, follow_redirects=False, headers={"Origin": "http://testserver"})
    if name:
        with Session(default_engine()) as session:
            user = get_user_by_email(session, email=f"{name}@example.org")
        client.cookies.set(SESSION_COOKIE, session_cookie_value(user.id, app.state.settings))
    return client


def csrf_of(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code, page.text[:300])
    return _TOKEN.search(page.text).group(1)


def login(client: TestClient, email: str, password: str = PASSWORD):
    token = csrf_of(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def post_form(client: TestClient, path: str, data: dict | None = None, *, page: str = "/dashboard", **kwargs):
    """POST ``data`` to ``path`` with the CSRF token read from ``page``."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_of(client, page)}, **kwargs)
