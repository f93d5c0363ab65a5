"""Item 14: common and weak passwords are refused on every way an account gets one (API, pages,
CLI), with the reason in the reader's language."""

from typer.testing import CliRunner

from service.cli import app as cli
from tests.service.web_helpers import client_for, post_form


def test_weak_passwords_are_refused_everywhere(api, users, app):
    admin = users["admin"].headers
    for weak in ("password", " " * 8, "12345678", "qwertyuiop", "staff@example.org"):
        made = api.post(
            "/api/v1/users", json={"email": "staff@example.org", "role": "staff", "password": weak}, headers=admin
        )
        assert made.status_code == 422, weak
        reset = api.patch(f"/api/v1/users/{users['staff'].id}", json={"password": weak}, headers=admin)
        assert reset.status_code == 422, weak
    strong = {"email": "newuser@example.org", "role": "staff", "password": "violet tundra pancake"}
    assert api.post("/api/v1/users", json=strong, headers=admin).status_code == 201

    page = post_form(
        client_for(app, "admin"),
        "/admin/users",
        {"email": "other@example.org", "role": "staff", "password": "password"},
        page="/admin/users",
    )
    assert "密码过于常见" in page.text or "该密码过于常见" in page.text

    result = CliRunner().invoke(
        cli, ["users", "add", "--email", "x@example.org", "--role", "staff"], input="password\n"
    )
    assert result.exit_code != 0 and "too common" in result.output
