"""From what a reader extracted to an `Article`: identity, language, checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from onrecord.ingest.errors import IngestError
from onrecord.ingest.identity import article_id, canonical_url, content_hash
from onrecord.ingest.language import detect_language
from onrecord.model import Article, DateSource


@dataclass
class Draft:
    """What a reader found in one input, before it becomes an `Article`."""

    text: str
    source_ref: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    url: str | None = None
    source: str | None = None
    published: dt.date | None = None
    date_source: DateSource = DateSource.UNKNOWN
    external_id: str | None = None


@dataclass(frozen=True)
class IngestOptions:
    """Choices that apply to every input of a run."""

    published: dt.date | None = None  # --published: overrides or supplies the date
    max_bytes: int = 20_000_000  # per input document (a page, a feed, a WARC record)
    languages: tuple[str, ...] = ("en",)  # empty: accept any language
    fetch_timeout: float = 20.0
    allow_private: bool = False  # --allow-private: fetch from loopback and private addresses too


# Fewer words than this is a page's leftovers ("Home", "Page not found"), not
# an article. Set low so that short wire items and feed summaries still pass.
MIN_WORDS = 5
# A text this long whose language cannot be identified is not readable text
# (mis-decoded bytes, mixed scripts): py3langid is sure of English from about
# 60 characters on, so 200 leaves a wide margin.
GARBLED_MIN_CHARS = 200


def finish(draft: Draft, options: IngestOptions) -> Article:
    words = len(draft.text.split())
    if words == 0:
        raise IngestError("no article text found")
    if words < MIN_WORDS:
        raise IngestError(f"no article text found (only {words} word{'s' if words > 1 else ''})")
    language = detect_language(draft.text)
    if options.languages:
        if language is not None and language not in options.languages:
            raise IngestError(
                f"language is {language!r}, not one of {', '.join(options.languages)} (--lang to accept it)"
            )
        if language is None and len(draft.text) >= GARBLED_MIN_CHARS:
            raise IngestError("cannot identify the language: garbled, wrongly decoded or mixed text (--lang any to accept it)")
    published, date_source = draft.published, draft.date_source
    if options.published is not None:
        published, date_source = options.published, DateSource.USER
    if published is None:
        date_source = DateSource.UNKNOWN
    digest = content_hash(draft.text)
    return Article(
        id=article_id(digest),
        text=draft.text,
        content_hash=digest,
        source_ref=draft.source_ref,
        url=canonical_url(draft.url),
        source=draft.source,
        title=draft.title,
        authors=list(draft.authors),
        published=published,
        date_source=date_source,
        language=language,
        ingested_at=dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
        external_id=draft.external_id,
    )
