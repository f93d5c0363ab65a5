"""Item 12: a change signed in by the session cookie must come from this site (Origin); scripts
use a token. Reads need no Origin."""

from service.security import SESSION_COOKIE, session_cookie_value


def test_cookie_changes_need_this_sites_origin(api, users, settings):
    api.cookies.set(SESSION_COOKIE, session_cookie_value(users["exporter"].id, settings))
    body = {"name": "电池", "email": "exporter@example.org"}
    assert api.get("/api/v1/subscriptions").status_code == 200
    for headers in ({}, {"Origin": "https://evil.example"}, {"Origin": "null"}, {"Referer": "https://evil.example/x"}):
        refused = api.post("/api/v1/subscriptions", json=body, headers=headers)
        assert refused.status_code == 403 and "Origin" in refused.json()["detail"], headers
    assert api.post("/api/v1/subscriptions", json=body, headers={"Origin": "http://testserver"}).status_code == 201
    api.cookies.clear()
    assert api.post("/api/v1/subscriptions", json=body, headers=users["exporter"].headers).status_code == 201
