"""Which network addresses an outbound request may reach: those of the public internet, and
the private networks a deployment names.

Alert channels (``alerts.outbound``) and the crawlers' downloads (``crawlers.addresses``) both
check each address they are about to connect to here; it lives in ``store`` because both may
import ``store`` and neither may import the other.
"""

from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

Networks = tuple[IPv4Network | IPv6Network, ...]


def networks(text: str) -> Networks:
    """Comma-separated addresses or networks (a single address is a network of one)."""
    return tuple(ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def within(address: str, allowed: Networks) -> bool:
    """Whether ``address`` (an IP address; anything else is not) lies in one of ``allowed``."""
    try:
        ip = ip_address(address.split("%")[0])
    except ValueError:
        return False
    ip = getattr(ip, "ipv4_mapped", None) or ip
    return any(ip in network for network in allowed)


def is_public(address: str) -> bool:
    """Whether an IP address is one of the public internet's."""
    ip = ip_address(address.split("%")[0])
    ip = getattr(ip, "ipv4_mapped", None) or ip
    return ip.is_global and not ip.is_multicast
