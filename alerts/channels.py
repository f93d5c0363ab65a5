"""Sending one rendered message through one channel; a channel is a URL.

* ``mailto:ADDRESS`` — e-mail over SMTP from ``TBTWATCH_SMTP_URL`` (``smtp://user:pass@host:port``,
  ``?starttls=1``, or ``smtps://``) and ``TBTWATCH_MAIL_FROM``: multipart text and HTML,
  ``List-Unsubscribe`` with one-click ``List-Unsubscribe-Post`` (RFC 8058), a ``Message-ID``
  derived from the delivery's idempotency key (so a re-send after a crash carries the same
  one), ``In-Reply-To``/``References`` for follow-ups, and ``X-Tbtwatch-Idempotency-Key``.
  E-mail goes through :mod:`smtplib` rather than Apprise because Apprise's e-mail plugin
  always writes its own ``Message-ID`` (so neither a stable id nor threading is possible),
  derives the text part from the HTML instead of taking ours, and opens one SMTP connection
  per message; here one connection serves a whole dispatch run.
* ``http://`` or ``https://`` — a signed webhook (below).
* anything else — an Apprise URL (``dingtalk://``, ``wecombot://``, ``feishu://``, ``lark://``,
  ``slack://``, ``workflows://``/``msteams://``, ``json://`` …), sent as title + text body.

**Webhooks.** A JSON ``POST`` of the message payload with headers::

    X-Tbtwatch-Timestamp: 1717171717            (Unix seconds when sent)
    X-Tbtwatch-Signature: sha256=<hex>          (HMAC-SHA256, key = the subscription's webhook secret,
                                                 message = timestamp + "." + raw request body)
    Idempotency-Key: alert:42:…                 (the same on every re-send of one delivery)

A receiver verifies by recomputing the HMAC over ``f"{timestamp}.".encode() + body`` (the raw
bytes, before parsing), comparing in constant time, and rejecting timestamps more than five
minutes away from its clock; then it drops any ``Idempotency-Key`` it has seen. :func:`verify`
does exactly that. Targets must resolve to public addresses only: private, loopback,
link-local and other non-global addresses are refused unless the administrator sets
``TBTWATCH_ALLOW_PRIVATE_WEBHOOKS``; redirects are not followed. The check is part of the
connection (:class:`PublicAddressBackend`, httpcore's connect step): the host name is resolved
once, refused if any of its addresses is non-public, and the socket goes to one of those very
addresses, so a DNS server answering a public address first and a private one next (DNS
rebinding) cannot slip past it. TLS is still negotiated for, and the certificate checked against,
the URL's host name, which is also the ``Host`` header. Proxies from the environment are not
used for webhooks (a proxy would resolve the name itself).

Apprise targets get the same check at each connection, redirects included, and subscribers other
than administrators may use the documented services only, reaching their public hosts
(:mod:`alerts.outbound`).
"""

import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formataddr, formatdate, parseaddr
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urlsplit

import apprise
import httpcore
import httpx

from alerts.errors import DeliveryError
from alerts.outbound import channel_refusal, guarded, resolve_public
from store.settings import Settings

__all__ = ["DeliveryError", "resolve_public"]

SIGNATURE_HEADER = "X-Tbtwatch-Signature"
TIMESTAMP_HEADER = "X-Tbtwatch-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
EMAIL_IDEMPOTENCY_HEADER = "X-Tbtwatch-Idempotency-Key"
SIGNATURE_TOLERANCE_SECONDS = 300
SMTP_IDLE_CHECK_SECONDS = 10


@dataclass
class Message:
    """A rendered message with what every channel needs to carry along."""

    subject: str
    text: str
    html: str
    payload: dict
    idempotency_key: str
    message_id: str
    unsubscribe_url: str
    in_reply_to: str | None = None
    webhook_secret: str = field(default="", repr=False)
    trusted: bool = False  # the subscription is the operator's or an administrator's (alerts.outbound)


def _one_line(value: str) -> str:
    """A header value that cannot start another header."""
    return " ".join(str(value).split())


@lru_cache(maxsize=1024)  # a subject goes to many recipients
def encoded_words(text: str) -> str:
    """An RFC 2047 header value: as is when ASCII, else base64 encoded-words of at most 45
    octets each (whole characters), folded. (``email.header.Header`` does the same a hundred
    times slower.)"""
    if text.isascii():
        return text
    words, chunk = [], b""
    for char in text:
        encoded = char.encode()
        if len(chunk) + len(encoded) > 45:
            words.append(chunk)
            chunk = b""
        chunk += encoded
    words.append(chunk)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(word).decode()}?=" for word in words)


def _base64_lines(body: str) -> str:
    """``body`` in UTF-8 as base64 lines of 76 characters (as ``base64.encodebytes`` writes
    them, which encodes each 57-byte line apart: several times slower on a long body)."""
    encoded = base64.b64encode(body.encode()).decode()
    return "\r\n".join(encoded[at : at + 76] for at in range(0, len(encoded), 76))


def channel_type(url: str) -> str:
    """``email``, ``webhook`` or ``apprise``."""
    scheme = url.partition(":")[0].lower()
    if scheme == "mailto":
        return "email"
    if scheme in ("http", "https"):
        return "webhook"
    return "apprise"


def message_id(idempotency_key: str, mail_from: str) -> str:
    """A Message-ID that is the same for every send of one delivery."""
    return f"<{hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]}@{_domain(mail_from)}>"


@lru_cache(maxsize=8)  # parsing the sender's address each time costs more than the hash
def _domain(mail_from: str) -> str:
    return parseaddr(mail_from)[1].rpartition("@")[2] or "tbtwatch.localhost"


def webhook_secret(secret_key: str, subscription_token: str) -> str:
    """The key a subscription's webhook receiver verifies signatures with."""
    return hmac.new(secret_key.encode(), f"webhook:{subscription_token}".encode(), hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(
    secret: str,
    timestamp: str,
    signature: str,
    body: bytes,
    *,
    now: float | None = None,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """What a webhook receiver does: True when the signature is ours and recent."""
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)


def check_public_target(url: str, *, allow_private: bool) -> None:
    """Refuse a target that resolves to a non-public address (unless allowed)."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise DeliveryError(f"no host in {url!r}", permanent=True)
    try:
        port = parts.port or 443
    except ValueError as error:  # a port out of range: no retry will mend it
        raise DeliveryError(f"bad port in {url!r}: {error}", permanent=True) from error
    if not allow_private:
        resolve_public(host, port, allow_private=False)


class PublicAddressBackend(httpcore.NetworkBackend):
    """httpcore's TCP connect for webhooks: resolves the host once, refuses it unless every address
    is public (or private ones are allowed), then connects to those addresses in turn, given as
    literals so that nothing resolves the name again. httpcore starts TLS on the stream afterwards
    with the URL's host name as the server name."""

    def __init__(self, *, allow_private: bool):
        self.allow_private = allow_private
        self._tcp = httpcore.SyncBackend()

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None, socket_options=None
    ) -> httpcore.NetworkStream:
        # Each address is tried in the order resolved; the last one's failure is the one raised.
        *others, last = resolve_public(host, port, allow_private=self.allow_private)
        for address in others:
            try:
                return self._tcp.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout):
                continue
        return self._tcp.connect_tcp(last, port, timeout, local_address, socket_options)

    def sleep(self, seconds: float) -> None:
        self._tcp.sleep(seconds)


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    user: str | None
    password: str | None
    ssl: bool
    starttls: bool

    @classmethod
    def from_url(cls, url: str) -> "SmtpServer":
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError(f"TBTWATCH_SMTP_URL must be smtp:// or smtps://, not {url!r}")
        query = parse_qs(parts.query)
        secure = parts.scheme == "smtps"
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or (465 if secure else 25),
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            ssl=secure,
            starttls=query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes"),
        )


def _nothing() -> None:
    pass


class _Smtp(smtplib.SMTP):
    """An SMTP connection calling ``before_data`` before each DATA command: the server takes no
    message before its DATA, so what ``before_data`` waits for comes before the message."""

    before_data: Callable[[], None] = staticmethod(_nothing)

    def data(self, msg):
        self.before_data()
        return super().data(msg)


class _SmtpSsl(_Smtp, smtplib.SMTP_SSL):
    pass


class EmailSender:
    """One SMTP connection, opened on first use and reused until :meth:`close`."""

    def __init__(self, smtp_url: str, mail_from: str, *, timeout: float = 30):
        self.server = SmtpServer.from_url(smtp_url)
        name, self.envelope_from = parseaddr(mail_from)
        self.from_header = formataddr((name, self.envelope_from), charset="utf-8")
        self.timeout = timeout
        self._smtp: _Smtp | None = None
        self._last_used = 0.0

    def _connection(self) -> _Smtp:
        if self._smtp is not None and time.monotonic() - self._last_used > SMTP_IDLE_CHECK_SECONDS:
            try:
                self._smtp.noop()
            except smtplib.SMTPException:
                self.close()
        if self._smtp is None:
            server = self.server
            context = ssl.create_default_context()
            smtp: _Smtp
            if server.ssl:
                smtp = _SmtpSsl(server.host, server.port, timeout=self.timeout, context=context)
            else:
                smtp = _Smtp(server.host, server.port, timeout=self.timeout)
                if server.starttls:
                    smtp.starttls(context=context)
            if server.user:
                smtp.login(server.user, server.password or "")
            self._smtp = smtp
        return self._smtp

    def build(self, address: str, message: Message) -> bytes:
        """The message as sent: multipart/alternative, text then HTML, each UTF-8 in base64.

        Written out directly rather than through :class:`email.message.EmailMessage`: building
        and flattening bench/alerts.py's sample message (zh, 7 kB) there takes 2.4 ms of CPU
        against 41 µs here (measured December 2026 at load 7), so 24 s against 0.4 s for the
        bench's 10,000 mails, where the whole delivery is held within 2x a bare smtplib loop.
        tests/alerts/test_render.py parses what this writes with :mod:`email` (the contract).
        The boundary holds ``=_``, which base64 lines cannot contain, so it never collides.
        """
        boundary = f"=_tbtwatch_{hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:24]}"
        headers = {
            "From": self.from_header,
            "To": address,
            "Subject": encoded_words(_one_line(message.subject)),
            "Date": formatdate(usegmt=True),
            "Message-ID": message.message_id,
            "In-Reply-To": message.in_reply_to,
            "References": message.in_reply_to,
            "List-Unsubscribe": f"<{message.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            EMAIL_IDEMPOTENCY_HEADER: message.idempotency_key,
            "MIME-Version": "1.0",
            "Content-Type": f'multipart/alternative; boundary="{boundary}"',
        }
        lines = [
            f"{name}: {value if name == 'Subject' else _one_line(value)}" for name, value in headers.items() if value
        ]
        lines.append("")
        for subtype, body in (("plain", message.text), ("html", message.html)):
            lines += [
                f"--{boundary}",
                f'Content-Type: text/{subtype}; charset="utf-8"',
                "Content-Transfer-Encoding: base64",
                "",
                _base64_lines(body),
            ]
        lines += [f"--{boundary}--", ""]
        return "\r\n".join(lines).encode()

    def send(self, address: str, message: Message, *, ready: Callable[[], None] = _nothing) -> None:
        """Send ``message`` to ``address``; ``ready`` is called once the server has the envelope,
        before the message goes (see :meth:`Senders.send`)."""
        data = self.build(address, message)
        try:
            smtp = self._connection()
            smtp.before_data = ready
            smtp.sendmail(self.envelope_from, [address], data)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise DeliveryError(
                f"recipient refused: {error.recipients}", permanent=all(code >= 500 for code in codes)
            ) from error
        except smtplib.SMTPResponseException as error:
            if error.smtp_code < 500:
                self.close()
            raise DeliveryError(
                f"SMTP {error.smtp_code}: {error.smtp_error!r}", permanent=error.smtp_code >= 500
            ) from error
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise DeliveryError(f"SMTP {self.server.host}:{self.server.port}: {error}") from error
        self._last_used = time.monotonic()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


class WebhookSender:
    """Webhook POSTs through one httpcore connection pool whose connect step is
    :class:`PublicAddressBackend`; ``ssl_context`` defaults to httpx's (certifi, or
    ``SSL_CERT_FILE``/``SSL_CERT_DIR``)."""

    def __init__(self, *, allow_private: bool, timeout: float = 15, ssl_context: ssl.SSLContext | None = None):
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(),
            network_backend=PublicAddressBackend(allow_private=allow_private),
        )
        self._timeouts = dict.fromkeys(("connect", "read", "write", "pool"), timeout)

    def send(self, url: str, message: Message) -> None:
        body = json.dumps(message.payload, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = int(time.time())
        headers = {
            "User-Agent": "tbtwatch-alerts/1",
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(message.webhook_secret, timestamp, body),
            IDEMPOTENCY_HEADER: message.idempotency_key,
        }
        # httpx writes the request as it goes on the wire (IDNA host, percent-encoded path, Host with
        # brackets and port, Content-Length); httpcore sends it.
        try:
            request = httpx.Request("POST", url, content=body, headers=headers)
        except httpx.InvalidURL as error:
            raise DeliveryError(f"invalid webhook URL {url!r}: {error}", permanent=True) from error
        target = request.url
        if not target.host:
            raise DeliveryError(f"no host in {url!r}", permanent=True)
        if target.username or target.password:  # as httpx's client does with credentials in the URL
            credentials = base64.b64encode(f"{target.username}:{target.password}".encode()).decode()
            request.headers["Authorization"] = f"Basic {credentials}"
        try:
            response = self._pool.request(
                "POST",
                httpcore.URL(scheme=target.raw_scheme, host=target.raw_host, port=target.port, target=target.raw_path),
                headers=request.headers.raw,
                content=body,
                extensions={"timeout": self._timeouts},
            )
        except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError) as error:
            raise DeliveryError(f"webhook {url}: {error}") from error
        if response.status >= 300:
            retry = response.status >= 500 or response.status in (408, 425, 429)
            raise DeliveryError(f"webhook answered {response.status}", permanent=not retry)

    def close(self) -> None:
        self._pool.close()


def send_apprise(url: str, message: Message, *, allow_private: bool) -> None:
    """Send through Apprise, every connection it opens checked (:func:`alerts.outbound.guarded`)."""
    notifier = apprise.Apprise()
    if not notifier.add(url):
        raise DeliveryError("not a valid Apprise URL", permanent=True)
    with guarded(url, trusted=message.trusted, allow_private=allow_private) as policy:
        sent = notifier.notify(title=message.subject, body=message.text, body_format=apprise.NotifyFormat.TEXT)
    if policy.refused is not None:
        raise policy.refused
    if not sent:
        raise DeliveryError(f"Apprise could not notify {url.partition(':')[0]}://…")


def valid_channel(url: str) -> bool:
    """Whether a subscriber's channel URL can be used (not whether it is reachable)."""
    kind = channel_type(url)
    if kind == "email":
        return "@" in url
    if kind == "webhook":
        return bool(urlsplit(url).hostname)
    return apprise.Apprise().add(url)


class Senders:
    """Every channel of one dispatch run; a context manager closing their connections."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._email: EmailSender | None = None
        self._webhook: WebhookSender | None = None

    def send(self, channel: str, message: Message, *, ready: Callable[[], None] = _nothing) -> None:
        """Send ``message`` through ``channel``. ``ready`` is called before the receiver can take
        the message: for e-mail after the envelope (MAIL, RCPT), before DATA, so that what it
        waits for overlaps those round trips; for the other channels before anything is sent."""
        kind = channel_type(channel)
        if kind == "email":
            if self._email is None:
                self._email = EmailSender(self.settings.smtp_url, self.settings.mail_from)
            self._email.send(channel.partition(":")[2], message, ready=ready)
            return
        ready()
        if kind == "webhook":
            refusal = channel_refusal(channel, trusted=message.trusted)
            if refusal is not None:
                raise refusal
            if self._webhook is None:
                self._webhook = WebhookSender(allow_private=self.settings.allow_private_webhooks)
            self._webhook.send(channel, message)
        else:
            send_apprise(channel, message, allow_private=self.settings.allow_private_webhooks)

    def __enter__(self) -> "Senders":
        return self

    def __exit__(self, *exc) -> None:
        for sender in (self._email, self._webhook):
            if sender is not None:
                sender.close()
