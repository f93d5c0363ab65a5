""" "Also": every response carries X-Content-Type-Options and a Content-Security-Policy whose
script-src and style-src have no 'unsafe-inline', and pages in a real browser break none of it;
/api/docs runs Swagger UI from the package (no CDN) under that
policy, in a real browser; the OpenAPI document describes the errors as they are answered."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from tests.service.browser.test_role_flows import notifications, sign_in  # noqa: F401 (fixture)
from tests.service.web_helpers import accounts  # noqa: F401 (fixture)


def test_headers_everywhere(api, users):
    for path, headers in (
        ("/", {}),
        ("/login", {}),
        ("/api/v1/me", users["exporter"].headers),
        ("/api/v1/me", {}),
        ("/api/docs", {}),
        ("/api/docs/assets/swagger-ui-bundle.js", {}),
        ("/static/pages.js", {}),
    ):
        response = api.get(path, headers=headers)
        assert response.status_code in (200, 401), path
        assert response.headers["x-content-type-options"] == "nosniff", path
        policy = response.headers["content-security-policy"]
        assert "unsafe-inline" not in policy and "http" not in policy, path
    assert "cdn" not in api.get("/api/docs").text.lower()


def test_openapi_documents_the_errors_as_answered(api, users):
    document = api.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/subscriptions"]["post"]
    for status in ("401", "403", "404", "409", "422"):
        assert status in operation["responses"], status
    schemas = document["components"]["schemas"]
    assert schemas["ValidationErrorOut"]["properties"]["detail"]["type"] == "string"
    answered = api.post("/api/v1/subscriptions", json={"language": "xx"}, headers=users["exporter"].headers).json()
    assert isinstance(answered["detail"], str) and {"field", "message"} <= set(answered["errors"][0])
    assert set(api.get("/api/v1/me").json()) == {"detail"}


@pytest.fixture
def own_page(browser, live_server) -> Iterator[Page]:
    """A page in a context of its own (no locale, no cookies) of the suite's one browser."""
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_swagger_ui_runs_under_the_policy(own_page, live_server, screenshots):
    page = own_page
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on(
        "request",
        lambda request: violations.append(request.url) if not request.url.startswith(live_server) else None,
    )
    page.goto("/api/docs")
    page.wait_for_selector(".opblock", timeout=60000)
    page.screenshot(path=str(screenshots / "api-docs.png"))
    assert violations == []


def test_pages_show_no_policy_violations(own_page, accounts, notifications, screenshots):
    """style-src and script-src without 'unsafe-inline': no page carries an inline style or script."""
    page = own_page
    violations: list[str] = []
    page.on("console", lambda message: violations.append(f"{page.url}: {message.text}"))
    for path in ("/", "/login"):
        page.goto(path)
    sign_in(page, "admin")
    for path in (
        "/dashboard",
        "/search?q=batteries",
        f"/items/notification/{notifications[0]}",
        "/subscriptions/new",
        "/inbox",
        "/triage",
        "/bulletin",
        "/intelligence/review",
        *(f"/admin{path}" for path in ("/sources", "/runs", "/jobs", "/users", "/catalogue", "/feedback", "/audit")),
    ):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    page.goto("/dashboard")
    assert page.locator(".legend .swatch").count() >= 2  # the charts' legends were checked
    page.screenshot(path=str(screenshots / "dashboard-under-policy.png"), full_page=True)
    assert [text for text in violations if "Content Security Policy" in text] == []
