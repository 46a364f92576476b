"""What makes two articles the same: canonical URLs, normalised text, ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def canonical_url(url: str | None) -> str | None:
    """Lower-cased scheme and host, default port, tracking parameters and
    fragment removed, query sorted (courlan), so one page has one URL."""
    if not url:
        return None
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return url
    without_fragment = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    try:
        return normalize_url(without_fragment, strict=False)
    except ValueError:
        return without_fragment


def normalise_text(text: str) -> str:
    """The text as dedupe sees it: NFKC, case-folded, words only."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def article_id(text_hash: str) -> str:
    """A short stable id: the same text gets the same id in every run and store."""
    return "art_" + text_hash[:16]
