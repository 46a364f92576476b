"""RSS and Atom feeds (feedparser): one article per entry."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import feedparser

from onrecord.ingest.draft import Draft
from onrecord.ingest.errors import IngestError
from onrecord.ingest.html import fragment_text
from onrecord.ingest.identity import metadata_url
from onrecord.model import DateSource, Failure

_FEED_ROOT = re.compile(r"<(rss|feed|rdf:RDF)\b", re.I)


def looks_like_feed(text: str) -> bool:
    return bool(_FEED_ROOT.search(text[:4096]))


def read_feed(data: bytes | str, source_ref: str) -> Iterator[Draft | Failure]:
    """Yield a `Draft` per usable entry, and an `IngestError` (with its entry
    number in the message) per broken one, so that one bad entry costs only itself."""
    try:
        parsed = feedparser.parse(data)
    # feedparser trips on some encoding declarations, and on a <link> it meets
    # with no link list to put it in (KeyError: 'links'); both found by fuzzing
    except (UnicodeError, ValueError, TypeError, LookupError, AttributeError) as exc:
        raise IngestError(f"not a readable feed ({type(exc).__name__}: {exc})") from None
    if not parsed.entries:
        reason = f"not a readable feed ({parsed.bozo_exception})" if parsed.bozo else "feed has no entries"
        raise IngestError(reason)
    site = parsed.feed.get("title") or None
    # feedparser reads what it can of a malformed feed; say so when an entry fails.
    malformed = f" (the feed is malformed: {parsed.bozo_exception})" if parsed.bozo else ""
    for number, entry in enumerate(parsed.entries, start=1):
        ref = f"{source_ref}#{number}"
        try:
            yield _entry_draft(entry, ref, site)
        except IngestError as exc:
            yield Failure(ref, f"{exc}{malformed}")
        except (ValueError, TypeError, AttributeError) as exc:  # the HTML or XML libraries tripping on an entry
            yield Failure(ref, f"unreadable entry ({type(exc).__name__}: {exc}){malformed}")


def _entry_draft(entry, source_ref: str, site: str | None) -> Draft:
    html = ""
    if entry.get("content"):
        html = max((c.get("value", "") for c in entry.content), key=len)
    if not html.strip():
        html = entry.get("summary", "")
    text = fragment_text(html) if html else ""
    if not text.strip():
        raise IngestError("feed entry has neither content nor summary")
    published = None
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        if entry.get(key):
            published = dt.date(*entry[key][:3])
            break
    authors = [a.get("name") for a in entry.get("authors", []) if a.get("name")]
    return Draft(
        text=text,
        source_ref=source_ref,
        title=entry.get("title") or None,
        authors=authors,
        url=metadata_url(entry.get("link")),  # a malformed link is dropped, the entry kept
        source=site,
        published=published,
        date_source=DateSource.METADATA if published else DateSource.UNKNOWN,
        external_id=entry.get("id") or None,
    )
