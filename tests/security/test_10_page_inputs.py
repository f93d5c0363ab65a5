"""Item 10: pages answer huge ids, digits such as "²" and NUL characters with a page in the
reader's language, never a 500 or raw JSON."""

from tests.service.web_helpers import client_for, post_form


def test_odd_ids_and_nul_get_pages(app, accounts):
    client = client_for(app, "admin")
    for path in (
        "/items/notification/99999999999999999999",
        "/items/notification/²",
        "/subscriptions/99999999999999999999",
        "/subscriptions/²",
        "/intelligence/9223372036854775808/attachments/1",
        "/search?q=%00",
        "/search?q=a%00b",
    ):
        page = client.get(path, cookies={"lang": "zh"})
        assert page.status_code in (400, 404), (path, page.status_code)
        assert page.headers["content-type"].startswith("text/html") and "<html" in page.text, path
    posted = post_form(client, "/subscriptions/99999999999999999999/pause", page="/subscriptions")
    assert posted.status_code == 404 and "<html" in posted.text
    nul = post_form(client, "/subscriptions", {"name": "a\x00b"}, page="/subscriptions/new")
    assert nul.status_code == 400 and "<html" in nul.text
