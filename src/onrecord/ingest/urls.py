"""Fetching articles over HTTP(S): timeouts, a size cap, a named user agent,
only http and https, and only public addresses, on the first request and on
every redirect.

An address is checked after the name is resolved, and the connection goes
to the address that was checked (a name that resolves to a public address
for the check and a private one for the connection cannot slip through).
Loopback, private, link-local (cloud metadata at 169.254.169.254 included),
multicast, reserved and unspecified addresses are refused unless
`allow_private` (`--allow-private`) is given.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from onrecord import __version__
from onrecord.ingest.errors import IngestError

USER_AGENT = f"onrecord/{__version__} (news statement tracker; +https://pypi.org/project/onrecord/)"
ALLOWED_SCHEMES = ("http", "https")
MAX_REDIRECTS = 5


@dataclass
class Fetched:
    url: str  # after redirects
    body: bytes
    content_type: str  # lower-cased media type, without parameters
    charset: str | None


def is_url(ref: str) -> bool:
    return urlsplit(ref).scheme.lower() in ALLOWED_SCHEMES


class _SchemeCheckingRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in ALLOWED_SCHEMES:
            raise IngestError(f"redirect to a URL that is not http or https: {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def refused_address(address: str) -> str | None:
    """Why an IP address is not fetched from by default, or None."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind, refused in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                          ("private", ip.is_private), ("multicast", ip.is_multicast),
                          ("unspecified", ip.is_unspecified), ("reserved", ip.is_reserved)):
        if refused:
            return f"{kind} address {ip}"
    return None


def public_addresses(host: str, port: int) -> list[tuple]:
    """The host's addresses, each checked; IngestError if any is refused."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise IngestError(f"cannot resolve {host} ({exc.strerror})") from None
    for *_, sockaddr in found:
        reason = refused_address(sockaddr[0])
        if reason:
            raise IngestError(f"{host} is a {reason}: not fetched (--allow-private to allow)")
    return found


def _connect_checked(host: str, port: int, timeout: float | None) -> socket.socket:
    error: OSError | None = None
    for family, kind, proto, _, sockaddr in public_addresses(host, port):
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not None:
                sock.settimeout(timeout)
            sock.connect(sockaddr)  # the checked address, not a new lookup
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error or OSError(f"cannot connect to {host}")


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        self.sock = _connect_checked(self.host, self.port, self.timeout)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        sock = _connect_checked(self.host, self.port, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_CheckedHTTPConnection, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self) -> None:
        super().__init__(context=ssl.create_default_context())

    def https_open(self, req):
        return self.do_open(_CheckedHTTPSConnection, req, context=self._context)


_OPENER = urllib.request.build_opener(_SchemeCheckingRedirects())
# public addresses only: each connection (redirects included) is checked
_PUBLIC_OPENER = urllib.request.build_opener(_SchemeCheckingRedirects(), _CheckedHTTPHandler(), _CheckedHTTPSHandler())


def fetch(url: str, *, timeout: float, max_bytes: int, allow_private: bool = False) -> Fetched:
    if not is_url(url):
        raise IngestError("only http and https URLs are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
    opener = _OPENER if allow_private else _PUBLIC_OPENER
    try:
        with opener.open(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise IngestError(f"response is larger than the size cap of {max_bytes:,} bytes")
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise IngestError(f"response is larger than the size cap of {max_bytes:,} bytes")
            return Fetched(
                url=response.geturl(),
                body=body,
                content_type=response.headers.get_content_type().lower(),
                charset=response.headers.get_content_charset(),
            )
    except urllib.error.HTTPError as exc:
        raise IngestError(f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise IngestError(f"cannot fetch ({exc.reason})") from None
    except TimeoutError:
        raise IngestError(f"timed out after {timeout:g} s") from None
    except OSError as exc:
        raise IngestError(f"cannot fetch ({exc})") from None
