"""The client's address: one function for the audit log, login lockout and rate limits.

Forwarding headers are believed only when the deployment says it sits behind a reverse proxy
(GONGKAI_BEHIND_PROXY) and the request really comes from one of the configured proxies
(GONGKAI_TRUSTED_PROXIES, loopback by default); otherwise anybody could choose their address
by sending a header, escape every limit and write a false address into the audit log. A value
that is not an IP address is never returned, so it is never stored.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core import checks

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# All requests whose address cannot be known share this one rate-limit bucket.
UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 - a bucket name, not a bind address


def parse_ip(value: str | None) -> IPAddress | None:
    """An IP address, or None for anything else (host names, ports, garbage, empty)."""
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _network(item: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(item.strip(), strict=False)
    except ValueError:
        return None


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """The trusted proxies; an entry that is not an address or network trusts nobody (and
    `gongkai check` reports it)."""
    return tuple(network for item in spec if (network := _network(item)) is not None)


@checks.register(checks.Tags.security)
def check_trusted_proxies(app_configs=None, **kwargs):
    return [
        checks.Error(
            f"GONGKAI_TRUSTED_PROXIES 中的“{item}”不是 IP 地址或网段（例如 10.0.0.5 或 10.0.0.0/24）。",
            id="gongkai.E001",
        )
        for item in settings.TRUSTED_PROXIES
        if _network(item) is None
    ]


def trusted_proxy(address: IPAddress) -> bool:
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str | None:
    """The address of the client that sent this request, or None when it cannot be known.

    Behind trusted proxies, X-Forwarded-For is read from the right: each proxy appends the
    address it saw, so the first entry from the right that is not one of our proxies is the
    client; everything left of it was written by the client and is ignored. X-Real-IP is used
    when there is no X-Forwarded-For.
    """
    peer = parse_ip(request.META.get("REMOTE_ADDR"))
    if peer is None or not settings.BEHIND_PROXY or not trusted_proxy(peer):
        return str(peer) if peer else None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        real_ip = parse_ip(request.META.get("HTTP_X_REAL_IP"))
        return str(real_ip or peer)
    client = peer
    for hop in reversed(hops):
        address = parse_ip(hop)
        if address is None:
            break  # a forged or broken entry: trust nothing further left
        client = address
        if not trusted_proxy(address):
            break
    return str(client)


def client_ip_or_unknown(request) -> str:
    """For rate-limit keys (RATELIMIT_IP_META_KEY), which need a string."""
    return client_ip(request) or UNKNOWN_ADDRESS
