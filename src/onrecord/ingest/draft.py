"""From what a reader extracted to an `Article`: identity, language, checks."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from onrecord.ingest.decode import storable
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
    # the text was fetched from `url` itself; a URL a document only names (a
    # feed's link, a JSONL field, a WARC record's target) is a claim
    url_fetched: bool = False


FETCH_DEADLINE_SECONDS = 60.0
FETCH_DEADLINE_ENVIRONMENT = "ONRECORD_FETCH_DEADLINE"


def fetch_deadline_seconds() -> float:
    """The total time one fetch may take: ONRECORD_FETCH_DEADLINE (0: none), else 60 s."""
    value = os.environ.get(FETCH_DEADLINE_ENVIRONMENT)
    if not value:
        return FETCH_DEADLINE_SECONDS
    try:
        return max(float(value), 0.0)
    except ValueError:
        raise ValueError(f"{FETCH_DEADLINE_ENVIRONMENT} must be a number of seconds, not {value!r}") from None


@dataclass(frozen=True)
class IngestOptions:
    """Choices that apply to every input of a run."""

    published: dt.date | None = None  # --published: overrides or supplies the date
    max_bytes: int = 20_000_000  # per input document (a page, a feed, a WARC record)
    languages: tuple[str, ...] = ("en",)  # empty: accept any language
    fetch_timeout: float = 20.0  # per read of a fetch
    # --fetch-deadline: a whole fetch, redirects included; the time limit per document bounds it too
    fetch_deadline: float = field(default_factory=fetch_deadline_seconds)
    allow_private: bool = False  # --allow-private: fetch from loopback and private addresses too


# Fewer words than this is a page's leftovers ("Home", "Page not found"), not
# an article. Set low so that short wire items and feed summaries still pass.
MIN_WORDS = 5
# A text this long whose language cannot be identified is not readable text
# (mis-decoded bytes, mixed scripts): py3langid is sure of English from about
# 60 characters on, so 200 leaves a wide margin.
GARBLED_MIN_CHARS = 200


def make_storable(draft: Draft) -> None:
    """Every text of the draft as every store takes it: a NUL or a lone
    surrogate in one field (a JSONL escape, a NUL past the binary check)
    would otherwise fail the whole ingest when the article is stored."""
    draft.text = storable(draft.text)
    draft.source_ref = storable(draft.source_ref)
    for name in ("title", "url", "source", "external_id"):
        value = getattr(draft, name)
        if isinstance(value, str):
            setattr(draft, name, storable(value) or None)
    draft.authors = [name for name in (storable(a) for a in draft.authors) if name]


def finish(draft: Draft, options: IngestOptions) -> Article:
    make_storable(draft)
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
            raise IngestError(
                "cannot identify the language: garbled, wrongly decoded or mixed text (--lang any to accept it)"
            )
    published, date_source = draft.published, draft.date_source
    if options.published is not None:
        published, date_source = options.published, DateSource.USER
    if published is None:
        date_source = DateSource.UNKNOWN
    digest = content_hash(draft.text)
    article_url = canonical_url(draft.url)
    return Article(
        id=article_id(digest),
        text=draft.text,
        content_hash=digest,
        source_ref=draft.source_ref,
        url=article_url,
        source=draft.source,
        title=draft.title,
        authors=list(draft.authors),
        published=published,
        date_source=date_source,
        language=language,
        ingested_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        external_id=draft.external_id,
        url_fetched=draft.url_fetched and article_url is not None,
    )
