"""The crawlers connect only to addresses that passed the check of :mod:`store.addresses`.

An administrator registers feeds by URL (``tbtwatch sources add-feed``), so a feed could aim
the crawler at the server's own network. Scrapy (through Twisted) resolves every host it
connects to, the hosts of redirects included, with the resolver named by
``TWISTED_DNS_RESOLVER``; :class:`CheckedResolver` is that resolver. It hands over an address
only when it is public or lies in ``TBTWATCH_SOURCE_PRIVATE_NETWORKS``, and the connection is
made to the very address it handed over, so a name that resolves differently a moment later
proves nothing. A refused host fails its request like an unknown host; :func:`refusal` says why,
for the run's error.
"""

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from store.addresses import Networks, is_public, within
from store.settings import get_settings

_refused: dict[str, str] = {}


def refusal(host: str | None) -> str | None:
    """Why connections to ``host`` were refused in this process, if they were."""
    return _refused.get((host or "").lower())


def allowed(address: str, private: Networks) -> bool:
    return within(address, private) or is_public(address)


class CheckedResolver(CachingThreadedResolver):
    """Scrapy's default resolver (cached, IPv4, with a timeout), refusing non-public addresses
    outside the configured private networks."""

    def __init__(self, reactor, cache_size: int, timeout: float):
        super().__init__(reactor, cache_size, timeout)
        self.private = get_settings().source_private_network_list

    def getHostByName(self, name, timeout=()):
        host = name.decode("idna") if isinstance(name, bytes) else name
        return super().getHostByName(name, timeout).addCallback(self._checked, host.lower())

    def _checked(self, address: str, host: str) -> str:
        if not allowed(address, self.private):
            _refused[host] = (
                f"refused: {host} resolves to the non-public address {address} "
                "(allow its network in TBTWATCH_SOURCE_PRIVATE_NETWORKS if it is meant)"
            )
            raise DNSLookupError(_refused[host])
        return address
