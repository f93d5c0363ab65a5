"""Which Apprise channels a subscriber may use, and where their requests may connect.

**Documented channels.** Subscribers other than administrators (and the operator, whose
subscriptions the CLI makes without an owner) may use e-mail, ``https://`` webhooks and the
Apprise services of :data:`SERVICES` only, each reaching its public service host: DingTalk,
WeCom, Feishu, Lark, Slack, Microsoft Teams (incoming webhooks and Power Automate workflows)
and ntfy.sh. Any other scheme (``bark://``, ``json://``, ``rsyslog://`` …) could aim the server
at an address of the subscriber's choosing, so it is refused (:func:`channel_refusal`).

**Connections.** Apprise sends through :mod:`requests`, which resolves a host name again when it
connects and follows redirects, so a check made before :meth:`apprise.Apprise.notify` proves
nothing. :func:`guarded` instead checks every TCP connection urllib3 opens while it is active
(in this thread): the host must be one the policy allows (for a documented channel, its service
hosts; redirects included), every address it resolves to must be public (unless private
targets are allowed), and the socket goes to one of those very addresses.
"""

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import apprise
import urllib3.util.connection

from alerts.errors import DeliveryError
from store.addresses import is_public


@dataclass(frozen=True)
class Service:
    """A documented Apprise channel: its URL schemes and the hosts its requests go to
    (``.example.com`` allows every subdomain)."""

    name: str
    schemes: tuple[str, ...]
    hosts: tuple[str, ...]

    @property
    def host_list(self) -> str:
        return ", ".join(f"*{host}" if host.startswith(".") else host for host in self.hosts)

    def allows_host(self, host: str) -> bool:
        host = host.rstrip(".").lower()
        return any(host == h or (h.startswith(".") and host.endswith(h)) for h in self.hosts)


SERVICES = (
    Service("DingTalk", ("dingtalk",), ("oapi.dingtalk.com",)),
    Service("WeCom", ("wecombot",), ("qyapi.weixin.qq.com",)),
    Service("Feishu", ("feishu",), ("open.feishu.cn",)),
    Service("Lark", ("lark",), ("open.larksuite.com",)),
    Service("Slack", ("slack",), ("hooks.slack.com", "slack.com", "hooks.slack-gov.com")),
    Service("Microsoft Teams", ("msteams",), (".webhook.office.com", "outlook.office.com")),
    Service(
        "Teams workflows",
        ("workflow", "workflows"),
        (".logic.azure.com", ".environment.api.powerplatform.com"),
    ),
    Service("ntfy", ("ntfy", "ntfys"), ("ntfy.sh",)),
)
_BY_SCHEME = {scheme: service for service in SERVICES for scheme in service.schemes}

REFUSAL = {
    "en": (
        "{scheme}:// channels are not available; use e-mail, an https:// webhook or one of: {names}"
        " (each reaching its public service)."
    ),
    "zh": "不支持 {scheme}:// 渠道；请使用电子邮件、https:// Webhook 或以下服务之一（均须连接其公共服务地址）：{names}。",
}
HTTP_REFUSAL = {
    "en": "Webhooks must use https://, not http://.",
    "zh": "Webhook 地址须以 https:// 开头，不能使用 http://。",
}
HOST_REFUSAL = {
    "en": "{scheme}:// may only reach {hosts}, not {host}.",
    "zh": "{scheme}:// 只能连接 {hosts}，不能连接 {host}。",
}


class ChannelRefused(DeliveryError):
    """A channel this subscriber may not use; :meth:`text` says why in ``zh`` or ``en``."""

    def __init__(self, template: dict[str, str], **params: str):
        self.template, self.params = template, params
        super().__init__(self.text("en"), permanent=True)

    def text(self, language: str) -> str:
        return self.template.get(language, self.template["en"]).format(**self.params)


def service_of(url: str) -> Service | None:
    return _BY_SCHEME.get(url.partition(":")[0].lower())


def channel_refusal(url: str, *, trusted: bool) -> ChannelRefused | None:
    """Why an untrusted subscriber may not use the channel ``url`` (None: they may): webhooks
    must be https, Apprise channels the documented ones.
    Where the URL names the host itself (Teams workflows, a self-hosted ntfy), that host must
    be the service's; requests to the others' fixed hosts are checked as they connect."""
    if trusted:
        return None
    scheme = url.partition(":")[0].lower()
    if scheme == "http":
        return ChannelRefused(HTTP_REFUSAL)
    if scheme in ("https", "mailto"):
        return None
    service = _BY_SCHEME.get(scheme)
    if service is None:
        return ChannelRefused(REFUSAL, scheme=scheme, names=", ".join(s.name for s in SERVICES))
    plugin = apprise.Apprise.instantiate(url)
    names_host = scheme.startswith("workflow") or getattr(plugin, "mode", "cloud") != "cloud"
    host = str(getattr(plugin, "host", "") or "")
    if plugin is not None and names_host and not service.allows_host(host):
        return ChannelRefused(HOST_REFUSAL, scheme=scheme, hosts=service.host_list, host=host)
    return None


def resolve_public(host: str, port: int, *, allow_private: bool) -> list[str]:
    """The addresses ``host`` resolves to, looked up once; refused if any is non-public (unless allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        raise DeliveryError(f"cannot resolve {host}: {error}") from error
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not allow_private:
        for text in addresses:
            if not is_public(text):
                raise DeliveryError(f"refused: {host} resolves to non-public address {text}", permanent=True)
    return addresses


@dataclass
class Policy:
    """Where the connections of one send may go: ``service`` limits the hosts (None: any host);
    ``refused`` keeps the first refusal, which Apprise would otherwise log and swallow."""

    allow_private: bool
    service: Service | None = None
    scheme: str = ""
    refused: DeliveryError | None = None

    def addresses(self, host: str, port: int) -> list[str]:
        try:
            if self.service is not None and not self.service.allows_host(host):
                raise ChannelRefused(HOST_REFUSAL, scheme=self.scheme, hosts=self.service.host_list, host=host)
            return resolve_public(host, port, allow_private=self.allow_private)
        except DeliveryError as error:
            self.refused = self.refused or error
            raise


# A context variable rather than a thread-local: Apprise runs a call with a deadline on a worker
# thread in a copy of the caller's context.
_active: ContextVar[Policy | None] = ContextVar("tbtwatch_outbound_policy", default=None)
_unguarded: Callable[..., socket.socket] = urllib3.util.connection.create_connection


def _create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
    """urllib3's connect step: unchanged unless :func:`guarded` is active in this context."""
    policy = _active.get()
    if policy is None:
        return _unguarded(address, *args, **kwargs)
    host, port = address
    *others, last = policy.addresses(host.strip("[]"), port)
    for literal in others:
        try:
            return _unguarded((literal, port), *args, **kwargs)
        except OSError:
            continue
    return _unguarded((last, port), *args, **kwargs)


urllib3.util.connection.create_connection = _create_connection


@contextmanager
def guarded(url: str, *, trusted: bool, allow_private: bool) -> Iterator[Policy]:
    """Check every connection urllib3 opens while sending to the Apprise ``url``; after the send,
    the policy's ``refused`` holds a refused connection, if any."""
    refusal = channel_refusal(url, trusted=trusted)
    if refusal is not None:
        raise refusal
    policy = Policy(allow_private, None if trusted else service_of(url), url.partition(":")[0].lower())
    reset = _active.set(policy)
    try:
        yield policy
    finally:
        _active.reset(reset)
