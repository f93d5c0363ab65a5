"""Signing in and out of the pages, CSRF on every form, the login rate limit."""

import re

import pytest

from service import security
from service.security import LoginLimiter
from tests.service.web_helpers import PASSWORD, accounts, app, client_for, csrf_of, login  # noqa: F401 (fixtures)


def test_login_sets_session_and_logout_clears_it(app, accounts):
    client = client_for(app)
    assert client.get("/dashboard").status_code == 303
    response = login(client, "exporter@example.org")
    assert response.status_code == 303 and response.headers["location"] == "/dashboard"
    assert "tbtwatch_session" in response.cookies
    assert "HttpOnly" in response.headers["set-cookie"] and "samesite=lax" in response.headers["set-cookie"].lower()
    page = client.get("/items/notification/999")
    assert page.status_code == 404
    logout = client.post("/logout", data={"csrf_token": csrf_of(client, "/")})
    assert logout.status_code == 303
    assert client.get("/dashboard").status_code == 303


def test_wrong_password_and_rate_limit(app, accounts, monkeypatch):
    monkeypatch.setattr(security, "login_limiter", LoginLimiter(clock=lambda: 0.0))  # time stands still
    client = client_for(app)
    for _ in range(5):
        assert login(client, "exporter@example.org", "wrong password").status_code == 400
    assert login(client, "exporter@example.org").status_code == 429


def test_post_without_csrf_token_is_refused(app, accounts):
    client = client_for(app)
    csrf_of(client, "/login")
    refused = client.post("/login", data={"email": "exporter@example.org", "password": PASSWORD})
    assert refused.status_code == 403
    forged = client.post("/login", data={"email": "exporter@example.org", "password": PASSWORD, "csrf_token": "0" * 64})
    assert forged.status_code == 403


def test_next_is_only_a_local_path(app, accounts):
    client = client_for(app)
    token = csrf_of(client, "/login")
    response = client.post(
        "/login",
        data={"email": "exporter@example.org", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"},
    )
    assert response.headers["location"] == "/dashboard"


def test_home_page_offers_sign_in_and_english(app):
    client = client_for(app)
    page = client.get("/")
    assert page.status_code == 200 and 'href="/login"' in page.text and "?lang=en" in page.text
    english = client.get("/?lang=en")
    assert "Sign in" in english.text and english.cookies.get("lang") == "en"
    assert "Sign in" in client.get("/login").text  # the cookie keeps the language


@pytest.mark.parametrize("role", ["exporter", "staff", "embassy", "admin"])
def test_the_navigation_shows_only_pages_the_role_may_open(app, accounts, role):
    client = client_for(app, role)
    page = client.get("/dashboard").text
    nav = page[page.index("<nav>") : page.index("</nav>")]
    links = re.findall(r'<a href="(/[^"]*)"', nav)
    assert links and all(client.get(link).status_code == 200 for link in links), links
