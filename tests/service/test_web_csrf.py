"""Every form of the pages refuses a POST without this browser's CSRF token, whoever is
signed in; errors of the pages are pages."""

import re

from fastapi.routing import APIRoute

from service.web import pages
from tests.service.web_helpers import accounts, app, client_for, csrf_of  # noqa: F401 (fixtures)


def _page_posts() -> list[str]:
    paths = set()

    def walk(router):
        for route in router.routes:
            if isinstance(route, APIRoute) and "POST" in route.methods:
                paths.add(route.path)
            elif hasattr(route, "original_router"):
                walk(route.original_router)
            elif hasattr(route, "routes"):
                walk(route)

    walk(pages.router)
    return sorted(re.sub(r"\{kind\}", "notification", re.sub(r"\{(\w*id|name)\}", "1", p)) for p in paths)


def test_every_page_post_needs_the_csrf_token(app, accounts):
    posts = _page_posts()
    assert {
        "/login",
        "/logout",
        "/triage/bulk",
        "/subscriptions",
        "/intelligence",
        "/admin/deliveries/1/replay",
    } <= set(posts)
    client = client_for(app, "admin")
    csrf_of(client, "/dashboard")  # the browser has its CSRF cookie, but the form no token
    for path in posts:
        response = client.post(path, data={"status": "closed", "email": "x@example.org", "password": "x"})
        assert response.status_code == 403, path
        assert "<html" in response.text and "无权访问" in response.text


def test_token_of_another_session_is_refused(app, accounts):
    exporter, other = client_for(app, "exporter"), client_for(app, "exporter2")
    stolen = csrf_of(other, "/subscriptions")
    csrf_of(exporter, "/subscriptions")
    response = exporter.post("/subscriptions/1/delete", data={"csrf_token": stolen})
    assert response.status_code == 403


def test_pages_show_errors_as_pages_in_english_too(app, accounts):
    response = client_for(app, "exporter").get("/items/notification/12345?lang=en")
    assert response.status_code == 404 and "Not found" in response.text and "<html" in response.text
