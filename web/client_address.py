"""The address a request comes from, as the login lockout and the password-reset rate
limit see it.

Behind the TLS proxy every request reaches the server from the proxy's address, so the
client's own address is read from ``X-Forwarded-For``, but only when the request comes
from one of ``TRUSTED_PROXIES`` (addresses or networks): anyone else could write any
address in that header. The header is read from the right (the hop the last trusted
proxy saw) to the first address that is not itself a trusted proxy."""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies)


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request: HttpRequest) -> str | None:
    """The client's address (``AXES_CLIENT_IP_CALLABLE``)."""
    remote = request.META.get("REMOTE_ADDR")
    if not remote or not _is_trusted(remote):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    for hop in reversed(hops):
        if not _valid(hop):
            # Only a trusted proxy writes the hops right of the client's: a malformed one
            # means the header cannot be followed further; the proxy's own address stays.
            return remote
        if not _is_trusted(hop):
            return hop
    return hops[0] if hops else remote
