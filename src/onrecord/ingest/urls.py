"""Fetching articles over HTTP(S): timeouts, a size cap, a named user agent,
and only http and https, on the first request and on every redirect."""

from __future__ import annotations

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


_OPENER = urllib.request.build_opener(_SchemeCheckingRedirects())


def fetch(url: str, *, timeout: float, max_bytes: int) -> Fetched:
    if not is_url(url):
        raise IngestError("only http and https URLs are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
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
