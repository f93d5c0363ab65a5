"""Item 15: bodies are capped per route before they are read, and uploads ask for credentials
first: an anonymous large POST is refused from its headers, a chunked one once it passes the cap;
every route but the few open to anyone refuses an anonymous body without reading it."""

from collections.abc import Iterator

from service.body_limit import SMALL
from service.intelligence import MAX_ATTACHMENT
from tests.loops import run_apart


def chunks(total: int) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        sent += 65536
        yield b"a" * 65536


def test_large_bodies_are_refused_before_reading(api, users):
    huge = {"Content-Length": str(300 * 1024 * 1024), "Content-Type": "application/json"}
    assert api.post("/api/v1/subscriptions", content=b"{}", headers=huge).status_code == 413
    refused = api.post("/api/v1/subscriptions", content=chunks(SMALL + 65536), headers=users["exporter"].headers)
    assert refused.status_code == 413 and "too large" in refused.json()["detail"]
    upload = "/api/v1/intelligence/1/attachments"
    anonymous = api.post(upload, content=chunks(2 * 65536), headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert anonymous.status_code == 401
    too_big = {"Content-Length": str(MAX_ATTACHMENT * 2)} | users["embassy"].headers
    assert api.post(upload, content=b"x", headers=too_big).status_code == 413
    page = api.post(
        "/login", content=chunks(SMALL + 65536), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert page.status_code == 413 and "请求内容过大" in page.text


def _posted_anonymously(app, path: str, headers: list[tuple[bytes, bytes]]) -> tuple[int, dict, int]:
    """(status, headers, body reads) of an anonymous 512 KB chunked POST, sent straight to the app."""
    reads: list[int] = []
    sent: list[dict] = []

    async def receive() -> dict:
        reads.append(1)
        return {"type": "http.request", "body": b"a" * 512 * 1024, "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"transfer-encoding", b"chunked"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    run_apart(app(scope, receive, send))
    start = sent[0]
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, len(reads)


def test_anonymous_bodies_are_refused_unread_on_every_route(app, api, users):
    json_body = [(b"content-type", b"application/json")]
    status, headers, reads = _posted_anonymously(app, "/api/v1/subscriptions", json_body)
    assert (status, reads) == (401, 0) and headers["www-authenticate"] == "Bearer"
    forged = [*json_body, (b"authorization", b"Bearer tbt_forged"), (b"cookie", b"tbtwatch_session=forged")]
    assert _posted_anonymously(app, "/api/v1/triage/bulk", forged)[::2] == (401, 0)
    form = [(b"content-type", b"application/x-www-form-urlencoded")]
    status, headers, reads = _posted_anonymously(app, "/subscriptions", form)
    assert (status, reads) == (303, 0) and headers["location"] == "/login?next=/subscriptions"
    assert _posted_anonymously(app, "/login", form)[::2] == (413, 1)  # open to anyone, and small
    signed_in = api.post("/api/v1/subscriptions", json={"name": "x", "channels": []}, headers=users["exporter"].headers)
    assert signed_in.status_code == 422  # read and answered by the route
