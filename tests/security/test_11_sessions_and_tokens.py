"""Item 11: signing out and an administrator's password reset end the old session cookie at
once; a token cannot make tokens that would outlive its revocation."""

from fastapi.testclient import TestClient

from tests.service.web_helpers import login, post_form


def test_sign_out_and_password_reset_end_old_cookies(app, accounts):
    browser = TestClient(app, follow_redirects=False)
    assert login(browser, "exporter@example.org").status_code == 303
    stolen = dict(browser.cookies)
    assert post_form(browser, "/logout").status_code == 303
    thief = TestClient(app, follow_redirects=False, cookies=stolen)
    assert thief.get("/dashboard").status_code == 303  # back to sign-in

    assert login(browser, "exporter@example.org").status_code == 303
    stolen = dict(browser.cookies)
    admin = TestClient(app, follow_redirects=False)
    assert login(admin, "admin@example.org").status_code == 303
    reset = admin.patch(
        f"/api/v1/users/{accounts['exporter']}",
        json={"password": "a new and long passphrase"},
        headers={"Origin": "http://testserver"},
    )
    assert reset.status_code == 200, reset.text
    assert TestClient(app, follow_redirects=False, cookies=stolen).get("/dashboard").status_code == 303


def test_a_token_cannot_make_tokens(api, users):
    made = api.post("/api/v1/tokens", json={"name": "spare"}, headers=users["exporter"].headers)
    assert made.status_code == 403 and "signed in" in made.json()["detail"]
