"""Item 1: no channel a subscriber can aim reaches an address that did not pass the check.

A loopback listener (TCP and UDP) stands where an attacker would aim: the 17 Apprise schemes
that reached it before, and ``rsyslog://`` (UDP), are refused when subscribing, through the
API and the pages (in the reader's language), and when sending; a documented service whose
host resolves to loopback, and a redirect from a checked host to loopback, are refused too."""

import socket

import pytest

from alerts import outbound
from alerts.channels import DeliveryError, Message, Senders
from alerts.outbound import ChannelRefused
from tests.service.web_helpers import client_for, post_form


def aimed_at(port: int) -> list[str]:
    host = f"127.0.0.1:{port}"
    return [
        f"bark://{host}/devicekey",
        f"hassio://{host}/accesstoken",
        f"kodi://{host}",
        f"emby://user@{host}",
        f"jellyfin://user@{host}",
        f"enigma2://{host}",
        f"ncloud://user:pass@{host}/target",
        f"nctalk://user:pass@{host}/roomid",
        f"misskey://token@{host}",
        f"mastodon://token@{host}",
        f"lametric://apikey@{host}",
        f"signal://{host}/+12345678901/+12345678902",
        f"synology://{host}/token",
        f"smseagle://token@{host}/+12345678901",
        f"parsep://app:key@{host}",
        f"notica://{host}/token",
        f"gorush://{host}/?token=abc",
        f"rsyslog://{host}",
        f"json://{host}/hook",
        f"ntfy://{host}/topic",
        f"workflows://{host}/workflow/signature",
        f"http://{host}/hook",
    ]


def message(*, trusted: bool) -> Message:
    return Message("s", "t", "<p>t</p>", {}, "test:1:x", "<1@x>", "https://x/u", trusted=trusted)


def test_no_refused_scheme_reaches_the_listener(api, users, app, settings, listener):
    exporter = users["exporter"].headers
    page = client_for(app, "exporter")
    for url in aimed_at(listener.port):
        made = api.post("/api/v1/subscriptions", json={"name": "x", "channels": [url]}, headers=exporter)
        assert made.status_code == 422, (url, made.text)
        assert any(word in made.json()["detail"] for word in ("https://", "may only reach")), url
        form = {"name": "x", "channels": url}
        refused = post_form(page, "/subscriptions", form, page="/subscriptions/new", cookies={"lang": "zh"})
        assert refused.status_code == 400, url
        assert any(words in refused.text for words in ("不支持", "只能连接", "须以 https://")), url
        with Senders(settings) as senders, pytest.raises(DeliveryError) as error:
            senders.send(url, message(trusted=False))
        assert error.value.permanent, url
        if not url.startswith("rsyslog"):  # an administrator may log to syslog; HTTP stays checked
            with Senders(settings) as senders, pytest.raises(DeliveryError):
                senders.send(url, message(trusted=True))
    assert listener.hits == []


def test_a_documented_service_reaches_only_its_public_host(settings, monkeypatch, listener):
    system = socket.getaddrinfo

    def loopback_dns(host, port, *args, **kwargs):
        if host == "oapi.dingtalk.com":
            host, port = "127.0.0.1", listener.port
        return system(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_dns)
    with Senders(settings) as senders, pytest.raises(DeliveryError, match="non-public") as error:
        senders.send("dingtalk://atoken/", message(trusted=False))
    assert error.value.permanent and listener.hits == []
    with pytest.raises(ChannelRefused, match=r"ntfy\.sh"), Senders(settings) as senders:
        senders.send(f"ntfys://127.0.0.1:{listener.port}/topic", message(trusted=False))


def test_redirects_are_checked_too(settings, monkeypatch, listener, redirector):
    checked = outbound.is_public
    monkeypatch.setattr(outbound, "is_public", lambda address: address == "127.0.0.2" or checked(address))
    with Senders(settings) as senders, pytest.raises(DeliveryError, match=r"non-public address 127\.0\.0\.1") as error:
        senders.send(f"json://127.0.0.2:{redirector.port}/hook", message(trusted=True))
    assert error.value.permanent and listener.hits == []
