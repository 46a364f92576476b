"""What makes two articles the same: canonical URLs, normalised text, ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url

from onrecord.ingest.urls import malformed_url_reason

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def canonical_url(url: str | None) -> str | None:
    """Lower-cased scheme and host, default port, tracking parameters and
    fragment removed, query sorted (courlan), so one page has one URL.
    None for a URL that cannot be taken apart (`http://[::1`)."""
    if not url:
        return None
    url = url.strip()
    if malformed_url_reason(url):
        return None  # metadata that cannot be taken apart: the article is kept without it
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return url
    without_fragment = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    try:
        return normalize_url(without_fragment, strict=False)
    except Exception:  # noqa: BLE001 - courlan on odd URLs; the URL as given is still one key
        return without_fragment


def metadata_url(value: object) -> str | None:
    """A URL a document names (a feed entry's link, a JSONL `url`, a WARC
    record's target), or None if it is not a string or cannot be taken
    apart: the article is then kept without a URL."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    return None if malformed_url_reason(value) else value


def normalise_text(text: str) -> str:
    """The text as dedupe sees it: NFKC, case-folded, words only."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def article_id(text_hash: str) -> str:
    """A short stable id: the same text gets the same id in every run and store."""
    return "art_" + text_hash[:16]
