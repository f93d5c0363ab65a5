"""Item 3 and "Also": an attachment with a Chinese name downloads through the API and the pages
(RFC 6266 ``filename*``), and a name with bidirectional controls is kept without them."""

from urllib.parse import quote

from tests.service.web_helpers import client_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_chinese_and_spoofing_names(api, users, app):
    embassy = users["embassy"].headers
    report = api.post("/api/v1/intelligence", json={"title": "电池", "text": "回收"}, headers=embassy).json()
    url = f"/api/v1/intelligence/{report['id']}/attachments"
    made = api.post(url, files={"file": ("锂电池回收规定.pdf", PDF, "application/pdf")}, headers=embassy)
    assert made.status_code == 201, made.text
    spoof = api.post(url, files={"file": ("invoice\u202efdp.exe", PDF, "application/pdf")}, headers=embassy)
    assert spoof.json()["filename"] == "invoicefdp.exe"
    for path, client, headers in (
        (f"{url}/{made.json()['id']}", api, embassy),
        (f"/intelligence/{report['id']}/attachments/{made.json()['id']}", client_for(app, "embassy"), {}),
    ):
        download = client.get(path, headers=headers)
        assert download.status_code == 200 and download.content == PDF, path
        disposition = download.headers["content-disposition"]
        assert f"filename*=UTF-8''{quote('锂电池回收规定.pdf')}" in disposition and disposition.isascii()
