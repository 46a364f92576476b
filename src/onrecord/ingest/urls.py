"""Fetching articles over HTTP(S): a per-read timeout and a total deadline, a
size cap, a named user agent, only http and https, and only public
addresses, on the first request and on every redirect.

An address is checked after the name is resolved, and the connection goes
to the address that was checked (a name that resolves to a public address
for the check and a private one for the connection cannot slip through).
Every address that is not globally reachable (`ipaddress`' `is_global`) is
refused unless `allow_private` (`--allow-private`) is given: loopback,
private, link-local (cloud metadata at 169.254.169.254 included), shared
(100.64.0.0/10, where another cloud's metadata lives), site-local,
multicast, reserved and unspecified addresses, and IPv6 forms that carry one
of them inside (IPv4-mapped and -compatible, 6to4, Teredo, NAT64).

A response shorter than its Content-Length is a failure, never an article:
a truncated page stored under its URL would keep the full one out.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from onrecord import __version__
from onrecord.ingest.errors import IngestError

USER_AGENT = f"onrecord/{__version__} (news statement tracker; +https://pypi.org/project/onrecord/)"
ALLOWED_SCHEMES = ("http", "https")
MAX_REDIRECTS = 5
READ_CHUNK = 1 << 16
# NAT64 prefixes (RFC 6052, RFC 8215): the last 32 bits are an IPv4 address
# that the translator connects to. ipaddress has no property for them.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")


@dataclass
class Fetched:
    url: str  # after redirects
    body: bytes
    content_type: str  # lower-cased media type, without parameters
    charset: str | None


def is_url(ref: str) -> bool:
    """Whether `ref` names an http(s) URL (well-formed or not: see check_fetchable_url)."""
    try:
        return urlsplit(ref).scheme.lower() in ALLOWED_SCHEMES
    except ValueError:  # a malformed http(s) URL is still a URL, to be refused as such
        scheme, sep, _ = ref.partition(":")
        return bool(sep) and scheme.strip().lower() in ALLOWED_SCHEMES


def malformed_url_reason(url: str) -> str | None:
    """Why `url` cannot be taken apart (a bad IPv6 host, a bad port), or None."""
    try:
        parts = urlsplit(url)
        _ = parts.hostname
        _ = parts.port  # raises on a port that is not a number or out of range
    except ValueError as exc:
        return f"malformed URL: {exc}"
    return None


def check_fetchable_url(url: str) -> str | None:
    """None if `url` is a well-formed http(s) URL with a host, else a short reason."""
    reason = malformed_url_reason(url)
    if reason:
        return reason
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        return "not an http(s) URL"
    if not parts.hostname:
        return "malformed URL: no host"
    return None


class _SchemeCheckingRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        reason = check_fetchable_url(newurl)
        if reason == "not an http(s) URL":
            raise IngestError(f"redirect to a URL that is not http or https: {newurl}")
        if reason:
            raise IngestError(f"redirect to a {reason}: {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


# -- which addresses are fetched from ---------------------------------------------


def refused_address(address: str) -> str | None:
    """Why an IP address is not fetched from by default, or None."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        for form, inner in _embedded_ipv4(ip):
            reason = refused_address(str(inner))
            if reason:
                return f"{form} address {ip}, which embeds a {reason}"
        if ip.ipv4_mapped is not None or ip in _NAT64:
            return None  # the connection goes to the embedded address, just checked
        if ip in _LOCAL_NAT64:
            return f"local-use NAT64 address {ip}"
    kind = _address_kind(ip)
    return f"{kind} address {ip}" if kind else None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """The IPv4 addresses an IPv6 address carries, with the name of its form."""
    found = []
    if ip.ipv4_mapped is not None:
        found.append(("IPv4-mapped", ip.ipv4_mapped))
    if ip.sixtofour is not None:
        found.append(("6to4", ip.sixtofour))
    if ip.teredo is not None:
        found += [("Teredo", ip.teredo[0]), ("Teredo", ip.teredo[1])]
    if ip in _NAT64 or ip in _LOCAL_NAT64:
        found.append(("NAT64", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
    if 1 < int(ip) < 1 << 32:  # IPv4-compatible ::a.b.c.d (not :: or ::1)
        found.append(("IPv4-compatible", ipaddress.IPv4Address(int(ip))))
    return found


def _address_kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """The kind of address that is refused, named for the reason; None if global."""
    for kind, refused in (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("private", ip.is_private),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
        ("site-local", getattr(ip, "is_site_local", False)),
    ):
        if refused:
            return kind
    # is_global covers what has no name of its own, 100.64.0.0/10 among them
    return None if ip.is_global else "non-global"


def public_addresses(host: str, port: int) -> list[tuple]:
    """The host's addresses, each checked; IngestError if any is refused."""
    found = _resolve(host, port)
    for *_, sockaddr in found:
        reason = refused_address(sockaddr[0])
        if reason:
            raise IngestError(f"{host} is a {reason}: not fetched (--allow-private to allow)")
    return found


def _resolve(host: str, port: int) -> list[tuple]:
    try:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise IngestError(f"cannot resolve {host} ({exc.strerror})") from None


# -- the total deadline of one fetch ----------------------------------------------


class _Deadline:
    """A fetch's total time. When it is up, every socket of the fetch is shut
    down, which wakes a read blocked on a server that drips its answer a byte
    at a time (each read's timeout alone would let it go on for ever)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds if seconds and seconds > 0 else None
        self.expired = False
        self._ends = time.monotonic() + self.seconds if self.seconds else None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(self.seconds, self._expire) if self.seconds else None

    def __enter__(self) -> _Deadline:
        if self._timer is not None:
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def timeout(self, per_read: float | None) -> float | None:
        """A socket timeout that does not outlast the deadline."""
        if self._ends is None:
            return per_read
        remaining = max(self._ends - time.monotonic(), 0.001)
        return remaining if per_read is None else min(per_read, remaining)

    def track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        # the plain socket's shutdown, also for an SSL socket (whose own would
        # tear down its SSL state under the thread that is reading)
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # not connected yet, or already closed


def _connect(host: str, port: int, timeout: float | None, deadline: _Deadline, check: bool) -> socket.socket:
    error: OSError | None = None
    for family, kind, proto, _, sockaddr in public_addresses(host, port) if check else _resolve(host, port):
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(deadline.timeout(timeout))
            deadline.track(sock)
            sock.connect(sockaddr)  # the checked address, not a new lookup
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error or OSError(f"cannot connect to {host}")


class _FetchHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, deadline: _Deadline, check: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._deadline, self._check = deadline, check

    def connect(self) -> None:
        self.sock = _connect(self.host, self.port, self.timeout, self._deadline, self._check)


class _FetchHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, deadline: _Deadline, check: bool, context: ssl.SSLContext, **kwargs) -> None:
        super().__init__(*args, context=context, **kwargs)
        self._deadline, self._check = deadline, check
        self._tls_context = context  # the one HTTPSConnection keeps as `_context`, which its stubs leave out

    def connect(self) -> None:
        sock = _connect(self.host, self.port, self.timeout, self._deadline, self._check)
        wrapped = self._tls_context.wrap_socket(sock, server_hostname=self.host, do_handshake_on_connect=False)
        self._deadline.track(wrapped)  # the handshake, too, ends at the deadline
        wrapped.do_handshake()
        self.sock = wrapped


class _FetchHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: _Deadline, check: bool) -> None:
        super().__init__()
        self._connection = functools.partial(_FetchHTTPConnection, deadline=deadline, check=check)

    def http_open(self, req):
        return self.do_open(self._connection, req)


class _FetchHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: _Deadline, check: bool) -> None:
        super().__init__(context=ssl.create_default_context())
        self._connection = functools.partial(_FetchHTTPSConnection, deadline=deadline, check=check)

    def https_open(self, req):
        return self.do_open(self._connection, req, context=self._context)


# -- fetching ---------------------------------------------------------------------


def fetch(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    allow_private: bool = False,
    deadline: float | None = None,
    deadline_name: str = "the fetch deadline",
) -> Fetched:
    """The body at `url`. `timeout` bounds each read, `deadline` (seconds,
    None or 0: none) the whole fetch, redirects included; `deadline_name`
    says in the failure which setting it was."""
    reason = check_fetchable_url(url)
    if reason == "not an http(s) URL":
        raise IngestError("only http and https URLs are fetched")
    if reason:
        raise IngestError(reason)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
    with _Deadline(deadline) as limit:
        opener = urllib.request.build_opener(
            _SchemeCheckingRedirects(),
            _FetchHTTPHandler(limit, not allow_private),
            _FetchHTTPSHandler(limit, not allow_private),
        )
        try:
            with opener.open(request, timeout=timeout) as response:
                body = _read_body(response, max_bytes)
                fetched = Fetched(
                    url=response.geturl(),
                    body=body,
                    content_type=response.headers.get_content_type().lower(),
                    charset=response.headers.get_content_charset(),
                )
        except Exception as exc:  # noqa: BLE001 - each becomes a reason; past the deadline, that is the reason
            if limit.expired:
                raise IngestError(f"fetching took longer than {deadline_name} of {deadline:g} s") from None
            raise _fetch_error(exc, timeout) from None
        if limit.expired:  # the deadline cut the body short where no length was declared
            raise IngestError(f"fetching took longer than {deadline_name} of {deadline:g} s")
    return fetched


def _read_body(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    """The whole body, or IngestError: over the cap, or shorter than declared."""
    length = response.headers.get("Content-Length")
    declared = int(length) if length and length.strip().isdigit() else None
    if declared is not None and declared > max_bytes:
        raise IngestError(f"response is larger than the size cap of {max_bytes:,} bytes")
    chunks, total = [], 0
    while True:
        try:
            chunk = response.read(min(READ_CHUNK, max_bytes + 1 - total))
        except http.client.IncompleteRead as exc:  # a chunked body cut short
            raise IngestError(f"response ended after {total + len(exc.partial):,} bytes, inside a chunk") from None
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise IngestError(f"response is larger than the size cap of {max_bytes:,} bytes")
    if declared is not None and total < declared:
        raise IngestError(f"response ended after {total:,} of {declared:,} bytes")
    return b"".join(chunks)


def _fetch_error(exc: Exception, timeout: float) -> IngestError:
    """The one-line reason for what went wrong in a fetch."""
    if isinstance(exc, IngestError):
        return exc
    if isinstance(exc, urllib.error.HTTPError):
        return IngestError(f"HTTP {exc.code} {exc.reason}")
    if isinstance(exc, urllib.error.URLError):
        if isinstance(exc.reason, IngestError):
            return exc.reason
        return IngestError(f"cannot fetch ({exc.reason})")
    if isinstance(exc, TimeoutError):
        return IngestError(f"timed out after {timeout:g} s")
    if isinstance(exc, OSError):
        return IngestError(f"cannot fetch ({exc})")
    if isinstance(exc, http.client.HTTPException):
        return IngestError(f"bad HTTP response ({type(exc).__name__}: {exc})")
    if isinstance(exc, ValueError):  # urllib taking apart a redirect's Location
        return IngestError(f"malformed URL in a redirect ({exc})")
    return IngestError(f"cannot fetch ({type(exc).__name__}: {exc})")
