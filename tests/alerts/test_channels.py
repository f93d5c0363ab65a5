"""Webhooks (signed, public targets only, the address checked is the one connected to), Apprise
channels and the SMTP URL."""

import datetime
import ipaddress
import json
import socket
import ssl
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from alerts.channels import (
    DeliveryError,
    Message,
    Senders,
    SmtpServer,
    WebhookSender,
    check_public_target,
    sign,
    valid_channel,
    verify,
    webhook_secret,
)
from alerts.dispatch import dispatch
from alerts.subscriptions import SubscriptionError
from tests.alerts.servers import Receiver, configure
from tests.factories import add_notification, clock, subscribe


def message(**fields) -> Message:
    return Message(
        **{
            "subject": "s",
            "text": "t",
            "html": "<p>h</p>",
            "payload": {"type": "alert", "items": []},
            "idempotency_key": "alert:1:abc",
            "message_id": "<1@x>",
            "unsubscribe_url": "https://x/u",
            "webhook_secret": "k",
        }
        | fields
    )


def test_signature_round_trip_and_tampering():
    body = b'{"a":1}'
    now = int(time.time())
    signature = sign("secret", now, body)
    assert signature.startswith("sha256=")
    assert verify("secret", str(now), signature, body)
    assert not verify("other", str(now), signature, body)
    assert not verify("secret", str(now), signature, body + b" ")
    assert not verify("secret", str(now - 3600), sign("secret", now - 3600, body), body)  # replayed late
    assert not verify("secret", "soon", signature, body)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "http://localhost:8080/",
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://169.254.169.254/latest",
        "http://192.168.0.10/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
        "http://[::ffff:224.0.0.1]/",
    ],
)
def test_private_and_loopback_targets_are_refused(url):
    with pytest.raises(DeliveryError) as refused:
        check_public_target(url, allow_private=False)
    assert refused.value.permanent
    check_public_target(url, allow_private=True)


def test_public_literal_address_is_allowed():
    check_public_target("https://93.184.215.14/hook", allow_private=False)


def test_webhook_delivery_is_signed_so_a_receiver_can_verify(db_engine, settings, monkeypatch, mailbox, receiver):
    alert_settings = configure(monkeypatch, mailbox, allow_private_webhooks="true")
    sub_id = subscribe(db_engine, email=None, channels=[receiver.url], language="en")
    add_notification(db_engine)
    assert dispatch(db_engine, alert_settings, clock=clock())["sent"] == 1
    [(headers, body)] = receiver.requests
    from sqlmodel import Session

    from store.models import Subscription

    with Session(db_engine) as session:
        secret = webhook_secret(alert_settings.secret_key, session.get(Subscription, sub_id).token)
    assert verify(secret, headers["X-Tbtwatch-Timestamp"], headers["X-Tbtwatch-Signature"], body)
    assert headers["Content-Type"] == "application/json"
    payload = json.loads(body)
    assert headers["Idempotency-Key"] == payload["idempotency_key"]
    [item] = payload["items"]
    assert item["label"] == "G/TBT/N/USA/2100" and item["sectors"][0]["code"] == "EI"
    assert item["days_left"] == 60 and item["urgency_level"] == "medium"


def test_webhook_refused_without_the_admin_setting(db_engine, alert_settings, receiver):
    subscribe(db_engine, email=None, channels=[receiver.url])
    add_notification(db_engine)
    assert dispatch(db_engine, alert_settings, clock=clock())["dead"] == 1
    assert receiver.requests == []


def test_webhook_errors_retry_or_give_up(receiver):
    sender = WebhookSender(allow_private=True)
    receiver.status = 503
    with pytest.raises(DeliveryError) as busy:
        sender.send(receiver.url, message())
    assert not busy.value.permanent
    receiver.status = 410
    with pytest.raises(DeliveryError) as gone:
        sender.send(receiver.url, message())
    assert gone.value.permanent
    sender.close()


PUBLIC = "93.184.215.14"


class FakeDNS:
    """``socket.getaddrinfo`` answering made-up names from ``answers`` (one list of addresses per
    lookup, the last one repeated), the system's answer for anything else; ``lookups`` records them."""

    def __init__(self, monkeypatch):
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []
        system = socket.getaddrinfo

        def getaddrinfo(host, port, *args, **kwargs):
            if host not in self.answers:
                return system(host, port, *args, **kwargs)
            self.lookups.append(host)
            queue = self.answers[host]
            addresses = queue.pop(0) if len(queue) > 1 else queue[0]
            return [
                (
                    socket.AF_INET6 if ":" in address else socket.AF_INET,
                    socket.SOCK_STREAM,
                    socket.IPPROTO_TCP,
                    "",
                    (address, port),
                )
                for address in addresses
            ]

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def dns(monkeypatch):
    return FakeDNS(monkeypatch)


@pytest.fixture
def connections(monkeypatch, dns):
    """The addresses ``socket.create_connection`` was asked for (a name resolved through ``dns``);
    anything but loopback is refused here, so no test reaches a real host."""
    attempts = []
    system = socket.create_connection

    def create_connection(address, *args, **kwargs):
        host, port = address[:2]
        ip = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][4][0]
        attempts.append(ip)
        if not ipaddress.ip_address(ip).is_loopback:
            raise ConnectionRefusedError(f"the tests connect to loopback only, not {ip}")
        return system((ip, port), *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return attempts


def test_rebinding_cannot_reach_what_the_check_did_not_see(dns, connections, receiver):
    port = receiver.server.server_port
    dns.answers["rebind.test"] = [[PUBLIC], ["127.0.0.1"]]  # public to the first lookup, loopback after
    sender = WebhookSender(allow_private=False)
    with pytest.raises(DeliveryError) as failed:
        sender.send(f"http://rebind.test:{port}/hook", message())
    sender.close()
    assert not failed.value.permanent  # the vetted public address did not answer
    assert dns.lookups == ["rebind.test"] and connections == [PUBLIC]
    assert receiver.requests == []


@pytest.mark.parametrize("answer", [["10.0.0.7"], ["127.0.0.1"], [PUBLIC, "169.254.169.254"], ["::ffff:10.0.0.7"]])
def test_a_name_with_any_non_public_address_is_refused_before_connecting(dns, connections, answer):
    dns.answers["intranet.test"] = [answer]
    sender = WebhookSender(allow_private=False)
    with pytest.raises(DeliveryError, match="non-public") as refused:
        sender.send("https://intranet.test/hook", message())
    sender.close()
    assert refused.value.permanent and connections == []


def test_allowed_private_name_gets_the_signed_post_with_its_own_host_header(dns, connections, receiver):
    port = receiver.server.server_port
    dns.answers["hooks.test"] = [["127.0.0.1"]]
    sender = WebhookSender(allow_private=True)
    sender.send(f"http://hooks.test:{port}/hook", message(payload={"type": "alert", "items": [1]}))
    sender.close()
    [(headers, body)] = receiver.requests
    assert headers["Host"] == f"hooks.test:{port}" and connections == ["127.0.0.1"]
    assert verify("k", headers["X-Tbtwatch-Timestamp"], headers["X-Tbtwatch-Signature"], body)
    assert json.loads(body) == {"type": "alert", "items": [1]}


def test_credentials_in_the_url_are_sent_as_basic_auth(receiver):
    sender = WebhookSender(allow_private=True)
    sender.send(receiver.url.replace("//", "//hook%40user:p%3Ass@"), message())
    sender.close()
    [(headers, _)] = receiver.requests
    assert headers["Authorization"] == "Basic aG9va0B1c2VyOnA6c3M="  # hook@user:p:ss
    assert headers["Host"] == f"127.0.0.1:{receiver.server.server_port}"


def test_addresses_are_tried_in_the_order_resolved(dns, connections, receiver):
    port = receiver.server.server_port
    dns.answers["hooks.test"] = [["127.0.0.9", "127.0.0.1"]]  # nothing listens on the first
    sender = WebhookSender(allow_private=True)
    sender.send(f"http://hooks.test:{port}/hook", message())
    sender.close()
    assert connections == ["127.0.0.9", "127.0.0.1"] and len(receiver.requests) == 1


def test_a_port_out_of_range_is_refused_for_good():
    with pytest.raises(DeliveryError, match="port") as refused:
        check_public_target("json://hooks.test:70000/x", allow_private=False)
    assert refused.value.permanent


def test_a_webhook_url_without_host_is_refused():
    with pytest.raises(DeliveryError, match="no host") as refused:
        WebhookSender(allow_private=True).send("http:///hook", message())
    assert refused.value.permanent


def self_signed(tmp_path, name: str) -> tuple[Path, Path]:
    """(certificate file, key file) for ``name``, valid for an hour, as PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@pytest.fixture
def tls_receiver(tmp_path):
    """An HTTPS receiver whose certificate names ``hooks.test``; ``.client`` trusts it, ``.sni`` records
    the server names clients asked for."""
    cert_file, key_file = self_signed(tmp_path, "hooks.test")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    sni = []
    context.sni_callback = lambda connection, name, _: sni.append(name)
    server = Receiver(tls=context)
    server.client, server.sni = ssl.create_default_context(cafile=cert_file), sni
    yield server
    server.server.shutdown()
    server.server.server_close()


def test_https_verifies_the_certificate_against_the_url_host(dns, connections, tls_receiver):
    port = tls_receiver.server.server_port
    dns.answers["hooks.test"] = [["127.0.0.1"]]
    dns.answers["other.test"] = [["127.0.0.1"]]
    sender = WebhookSender(allow_private=True, ssl_context=tls_receiver.client)
    sender.send(f"https://hooks.test:{port}/hook", message())
    with pytest.raises(DeliveryError, match="certificate"):
        sender.send(f"https://other.test:{port}/hook", message())  # same address, a name the certificate lacks
    sender.close()
    assert tls_receiver.sni == ["hooks.test", "other.test"] and connections == ["127.0.0.1", "127.0.0.1"]
    [(headers, _)] = tls_receiver.requests
    assert headers["Host"] == f"hooks.test:{port}"


def test_apprise_json_target_gets_the_same_public_check(settings):
    with Senders(settings) as senders, pytest.raises(DeliveryError) as refused:
        senders.send("json://127.0.0.1:9/hook", message(trusted=True))  # an administrator's channel
    assert refused.value.permanent and "non-public" in str(refused.value)


def test_apprise_json_delivery_when_allowed(settings, monkeypatch, mailbox, receiver):
    allowed = configure(monkeypatch, mailbox, allow_private_webhooks="true")
    port = receiver.server.server_port
    with Senders(allowed) as senders:
        senders.send(f"json://127.0.0.1:{port}/hook", message(subject="Hello", text="Body text", trusted=True))
    [payload] = receiver.payloads()
    assert payload["title"] == "Hello" and payload["message"] == "Body text"


@pytest.mark.parametrize(
    "url, ok",
    [
        ("dingtalk://atoken/", True),
        ("wecombot://botkey", True),
        ("feishu://token", True),
        ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ", True),
        ("https://hooks.example.com/x", True),
        ("nonsense://x", False),
        ("mailto:someone@example.com", True),
    ],
)
def test_channel_urls(url, ok):
    assert valid_channel(url) is ok


def test_subscriptions_refuse_unknown_channels(db_engine, settings):
    with pytest.raises(SubscriptionError, match="channel"):
        subscribe(db_engine, channels=["nonsense://x"])


def test_smtp_urls():
    plain = SmtpServer.from_url("smtp://user%40corp:p%3Ass@mail.example.com:2525?starttls=1")
    assert (plain.host, plain.port, plain.user, plain.password, plain.ssl, plain.starttls) == (
        "mail.example.com",
        2525,
        "user@corp",
        "p:ss",
        False,
        True,
    )
    secure = SmtpServer.from_url("smtps://mail.example.com")
    assert (secure.port, secure.ssl, secure.starttls) == (465, True, False)
    with pytest.raises(ValueError):
        SmtpServer.from_url("http://mail.example.com")
