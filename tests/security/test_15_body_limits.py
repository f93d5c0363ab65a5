"""Item 15: bodies are capped per route before they are read, and uploads ask for credentials
first: an anonymous large POST is refused from its headers, a chunked one once it passes the cap."""

from collections.abc import Iterator

from service.body_limit import SMALL
from service.intelligence import MAX_ATTACHMENT


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
