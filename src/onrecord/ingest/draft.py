"""From what a reader extracted to an `Article`: identity, language, checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from onrecord.ingest.decode import storable
from onrecord.ingest.errors import IngestError
from onrecord.ingest.identity import article_id, canonical_url, content_hash
from onrecord.ingest.language import detect_language
from onrecord.model import Article, DateSource
from onrecord.settings import DEFAULT_SETTINGS, IngestSettings, Settings

_INGEST = DEFAULT_SETTINGS.ingest


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


@dataclass(frozen=True)
class IngestOptions:
    """Choices that apply to every input of a run: the settings' values
    (`from_settings`), some of them changed for this run by its options."""

    published: dt.date | None = None  # --published: overrides or supplies the date
    max_bytes: int = _INGEST.max_bytes  # per input document (a page, a feed, a WARC record)
    languages: tuple[str, ...] = _INGEST.languages  # empty: accept any language
    fetch_timeout: float = _INGEST.fetch_timeout  # per read of a fetch
    # --fetch-deadline: a whole fetch, redirects included; the time limit per document bounds it too
    fetch_deadline: float = _INGEST.fetch_deadline
    allow_private: bool = False  # --allow-private: fetch from loopback and private addresses too
    time_limit: float = DEFAULT_SETTINGS.limits.document_seconds  # --time-limit: seconds to read one document
    settings: IngestSettings = field(default=_INGEST)  # the thresholds of what is an article

    @classmethod
    def from_settings(cls, settings: Settings, **choices: Any) -> IngestOptions:
        """The options of a run under `settings`; `choices` (None: not given)
        change single options."""
        ingest = settings.ingest
        values: dict[str, Any] = {
            "max_bytes": ingest.max_bytes,
            "languages": ingest.languages,
            "fetch_timeout": ingest.fetch_timeout,
            "fetch_deadline": ingest.fetch_deadline,
            "time_limit": settings.limits.document_seconds,
            "settings": ingest,
        }
        values.update({name: value for name, value in choices.items() if value is not None})
        return cls(**values)


def outlet_of(url: str | None) -> str | None:
    """The outlet a page comes from when its metadata names none: its URL's
    host without "www." ("apnews.com")."""
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


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
    if words < options.settings.min_words:
        raise IngestError(f"no article text found (only {words} word{'s' if words > 1 else ''})")
    language = detect_language(draft.text, options.settings)
    if options.languages:
        if language is not None and language not in options.languages:
            raise IngestError(
                f"language is {language!r}, not one of {', '.join(options.languages)} (--lang to accept it)"
            )
        if language is None and len(draft.text) >= options.settings.garbled_min_chars:
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
        source=draft.source or outlet_of(article_url),
        title=draft.title,
        authors=list(draft.authors),
        published=published,
        date_source=date_source,
        language=language,
        ingested_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        external_id=draft.external_id,
        url_fetched=draft.url_fetched and article_url is not None,
    )
