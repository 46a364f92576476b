"""The typed read models: what the store's queries return and what every
interface shows. The API's JSON (and its OpenAPI schemas), the CLI's
`--format json`, the web pages and `onrecord export` all render these, so a
statement, claim, change or event is one shape wherever it is read.

An analysis that was never stored (`POST /api/analyze`, the
paste-and-analyse page, `onrecord analyze --format record`) is turned into
the same records by `analysis_record`, with the ids the store would give
(store/ids.py): analysed alone into an empty store, an article's records
are the same JSON.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from onrecord.analysis import Analysis
    from onrecord.model import Article, Reversal


class ReadModel(BaseModel):
    """A read model: frozen, built from a row (extra columns ignored)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Self:
        return cls.model_validate(dict(row))

    def to_json(self) -> dict[str, Any]:
        """The record as JSON carries it: dates as ISO text."""
        return self.model_dump(mode="json")


class ArticleRecord(ReadModel):
    """An article's metadata; `text` only where one article is shown."""

    article_id: str
    url: str | None = None
    source: str | None = None
    title: str | None = None
    authors: list[str] = []
    published: dt.date | None = None
    date_source: str
    language: str | None = None
    content_hash: str
    ingested_at: dt.datetime | None = None
    duplicate_of: str | None = None
    source_ref: str
    word_count: int | None = None
    text: str | None = None


class StatementRecord(ReadModel):
    """A statement with its speaker's actor and its article. Spans index the
    article's text, or its title where `in_headline`."""

    id: str
    article_id: str
    kind: str
    in_headline: bool = False
    speaker_name: str | None = None
    speaker_text: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    actor_id: str | None = None
    actor_name: str | None = None
    actor_type: str | None = None
    actor_country: str | None = None
    actor_sector: str | None = None
    cue_text: str | None = None
    cue_lemma: str | None = None
    cue_class: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    content_text: str
    content_start: int | None = None
    content_end: int | None = None
    sentence_index: int | None = None
    paragraph_index: int | None = None
    stance: str | None = None
    claim_id: str | None = None
    date_text: str | None = None
    said_on: dt.date | None = None
    said_from: dt.date | None = None
    said_until: dt.date | None = None
    earlier: bool = False
    side: str | None = None
    side_name: str | None = None
    frame: str | None = None
    # learned probabilities (onrecord.nlp.confidence, calibration in docs/benchmarks.md):
    # that this is an attribution, and that its speaker is resolved right
    confidence: float | None = None
    speaker_confidence: float | None = None
    article_title: str | None = None
    article_url: str | None = None
    article_published: dt.date | None = None
    article_source: str | None = None  # the outlet: the page's site name, else its URL's host
    corrected: bool = False  # a reader corrected it (its history: GET /api/corrections?target=ID)


class TimelineRecord(StatementRecord):
    """A statement on a claim's timeline, with the day it is placed on (its
    own date, else its article's main event day, else the article's date)."""

    when: dt.date | None = None


class ActorRecord(ReadModel):
    id: str
    name: str
    type: str
    country: str | None = None
    sector: str | None = None
    roles: list[str] = []
    aliases: list[str] = []
    statements: int = 0
    corrected: bool = False  # renamed or merged by a reader


class PositionRecord(ReadModel):
    """How an actor spoke about one claim: its stances, first and last word."""

    claim_id: str
    claim_text: str
    stances: dict[str, int]
    first: dt.date | None = None
    last: dt.date | None = None


class ActorDetailRecord(ActorRecord):
    positions: list[PositionRecord] = []


class ClaimRecord(ReadModel):
    """A claim with its counts: statements, articles, affirmations, denials,
    and changes of position (reversals, softenings, contradictions)."""

    id: str
    text: str
    frame: str | None = None
    statements: int = 0
    articles: int = 0
    affirm: int = 0
    deny: int = 0
    changes: int = 0
    corrected: bool = False  # renamed by a reader


class CheckedClaimRecord(ClaimRecord):
    """A claim that a text given to `check` is, with its timeline: matched
    as the same proposition, or by meaning (`score`: how close in meaning,
    -1 to 1, to the claim or its closest statement)."""

    matched: str = "proposition"  # or "meaning"
    score: float | None = None

    timeline: list[TimelineRecord] = []


class ChangeStatementRecord(ReadModel):
    """A statement on one side of a change, as much as the change shows."""

    statement: str
    article: str
    article_title: str | None = None
    speaker: str | None = None
    stance: str | None = None
    text: str
    date: dt.date | None = None


class ChangeRecord(ReadModel):
    """A reversal, softening or contradiction: who (`side`: whose position),
    on which claim, from which stance to which, with the statements before
    and after."""

    id: str
    kind: str
    actor: str
    side: str
    actor_id: str | None = None
    first_affirmation: bool = False
    claim_id: str
    claim_text: str
    from_stance: str
    to_stance: str
    before: list[ChangeStatementRecord] = []
    after: list[ChangeStatementRecord] = []


class EventRecord(ReadModel):
    """A CAMEO-coded event, with what the code table says of its code."""

    id: str
    article_id: str
    statement_id: str | None = None
    code: str
    root: str
    name: str | None = None
    plover: str | None = None
    quad_class: int | None = None
    source_code: str | None = None
    target_code: str | None = None
    span_start: int | None = None
    span_end: int | None = None
    stance: str | None = None
    happened: bool = True
    text: str | None = None
    sentence: str | None = None
    said_on: dt.date | None = None
    published: dt.date | None = None
    url: str | None = None
    title: str | None = None


class AnalysisRecord(ReadModel):
    """One article's record: the article, its statements (and the
    headline's), claims, changes and events."""

    article: ArticleRecord
    statements: list[StatementRecord]
    headline: list[StatementRecord]
    claims: list[ClaimRecord] = []
    reversals: list[ChangeRecord] = []
    contradictions: list[ChangeRecord] = []
    events: list[EventRecord] = []


class ArticlePageRecord(ReadModel):
    """What an article's page shows: the article with its text, its
    statements, the headline's, and its events."""

    article: ArticleRecord
    statements: list[StatementRecord]
    headline: list[StatementRecord]
    events: list[EventRecord]


class ClaimPageRecord(ReadModel):
    """What a claim's page shows: the claim, a page of its timeline (`total`:
    the timeline's length, `next` and `previous`: the pages after and
    before) and its changes."""

    claim: ClaimRecord
    timeline: list[TimelineRecord]
    total: int
    limit: int
    offset: int = 0
    next: str | None = None
    previous: str | None = None
    reversals: list[ChangeRecord] = []


class ActorPageRecord(ReadModel):
    """What an actor's page shows: the actor with its positions, and its
    statements in time order."""

    actor: ActorDetailRecord
    statements: list[StatementRecord]


class HomeRecord(ReadModel):
    stats: dict[str, Any]
    reversals: list[ChangeRecord]
    contradictions: list[ChangeRecord]
    claims: list[ClaimRecord]


class SearchRecord(ReadModel):
    query: str
    articles: list[ArticleRecord]
    statements: list[StatementRecord]
    claims: list[ClaimRecord]
    actors: list[ActorRecord]


class CorrectionRecord(ReadModel):
    """A correction of the record: what (kind, target), from what to what,
    by whom, when and why; `undone` when a later undo took it back (an undo
    is itself a record of kind "undo" whose target is the undone id)."""

    id: int
    kind: str
    target: str
    value: str | None = None
    old_value: Any = None
    made_by: str
    reason: str
    made_at: dt.datetime
    undone: bool = False


class FailureRecord(ReadModel):
    source: str
    reason: str


class IngestReportRecord(ReadModel):
    """What an ingest did: articles stored, duplicates, failures (each with
    where and why), articles analysed, whether it stopped early."""

    stored: int
    duplicates: int
    near_duplicates: int
    failed: int
    analyzed: int
    failures: list[FailureRecord]
    stopped_early: bool


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of a list: its items, the offset it was asked with, the
    cursors of the pages after and before it (keyset: give them back as
    `?after=` and `?before=`) and the links to those pages (`next` is None on
    the last page, `previous` on the first); `total` where the list's length
    is known."""

    model_config = ConfigDict(frozen=True)

    items: list[T]
    limit: int
    offset: int = 0
    after: str | None = None
    before: str | None = None
    next: str | None = None
    previous: str | None = None
    total: int | None = None

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def shown_ref(ref: str) -> str:
    """Where an article came from, as an anonymous reader may see it: a URL
    whole, a file by its name only (with its "#part"), never the server's
    folders."""
    from onrecord.ingest.urls import is_url

    if is_url(ref):
        return ref
    path, mark, part = ref.partition("#")
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] + mark + part


def article_record(article: Article, *, full_refs: bool = True, text: bool = False) -> ArticleRecord:
    """An article's metadata (and its text, with `text`); without
    `full_refs` (an anonymous reader of the API) its source reference shows
    a file by its name only."""
    out = {**article.to_dict(), "word_count": article.word_count}
    if not full_refs:
        out["source_ref"] = shown_ref(out["source_ref"])
    if text:
        out["text"] = article.text
    return ArticleRecord.from_row(out)


# -- an unstored analysis as records ------------------------------------------


def sentence_around(text: str, start: int | None, end: int | None) -> str:
    """The sentence of the text around a span (from the full stop before it
    to the one after it)."""
    sentence_start = text.rfind(".", 0, start or 0) + 1
    sentence_end = text.find(".", end or 0)
    # a quotation closing the sentence before ('... harbour."') is not this one's
    return text[sentence_start : sentence_end + 1 if sentence_end >= 0 else len(text)].strip().lstrip("\"”’'").strip()


def event_record(row: Mapping[Any, Any], article_text: str) -> EventRecord:
    """An event row (with its article's date, URL and title) as a record:
    its words and sentence from the article's text, its code's name."""
    from onrecord.events.codes import describe

    start, end = row["span_start"], row["span_end"]
    return EventRecord.from_row(
        {
            **row,
            **describe(row["code"]),
            "text": article_text[start:end] if start is not None else None,
            "sentence": sentence_around(article_text, start, end),
        }
    )


def analysis_record(result: Analysis) -> AnalysisRecord:
    """An analysis not stored, as the records the store would give for it
    were it the first article of an empty store."""
    return _UnstoredRecords(result).build()


class _UnstoredRecords:
    """The records of one analysis, under the ids the store would give."""

    def __init__(self, result: Analysis) -> None:
        from onrecord.store import ids

        self.result, self.article = result, result.article
        self.actor_ids = {a.id: ids.actor_id(a) for a in result.actors}
        self.claim_ids = {c.id: ids.new_claim_id(self.article.id, c.id) for c in result.claims}
        self.actors = {a.id: a for a in result.actors}
        self.claim_texts = {c.id: c.text for c in result.claims}

    def build(self) -> AnalysisRecord:
        from onrecord.claims.timeline import main_event_day

        result = self.result
        said = [self.statement(s, False) for s in result.statements]
        headline = [self.statement(s, True) for s in result.headline]
        everything = said + headline
        # undated statements sit on the article's main event day, as in the store
        dated = [d for s in everything for d in (s.said_on or s.said_until,) if d]
        event_day = main_event_day(max(dated) if dated else None, self.article.published)
        by_id = {s.id: s for s in everything}
        changes = [self.change(r, by_id, event_day) for r in result.reversals + result.contradictions]
        return AnalysisRecord(
            article=article_record(self.article, text=True),
            statements=said,
            headline=headline,
            claims=[_claim_record(c, self.claim_ids[c.id], everything, changes) for c in result.claims],
            reversals=[c for c in changes if c.kind != "contradiction"],
            contradictions=[c for c in changes if c.kind == "contradiction"],
            events=self.events(by_id),
        )

    def statement(self, s, in_headline: bool) -> StatementRecord:
        from onrecord.store.store import statement_row

        art = self.article
        row = statement_row(art.id, s, self.actor_ids, in_headline, self.claim_ids)
        row.update(
            article_title=art.title, article_url=art.url, article_published=art.published, article_source=art.source
        )
        actor = self.actors.get(s.actor_id) if s.actor_id else None
        if actor is not None:
            row.update(
                actor_name=actor.name,
                actor_type=actor.type.value,
                actor_country=actor.country,
                actor_sector=actor.sector,
            )
        return StatementRecord.from_row(row)

    def change(self, r: Reversal, by_id: dict[str, StatementRecord], event_day: dt.date | None) -> ChangeRecord:
        from onrecord.store import ids

        claim_id = self.claim_ids.get(r.claim_id, r.claim_id)
        side, actor_id = r.side, ids.actor_of_side(r.side)
        if actor_id is not None:  # the article's actor under its store id
            actor_id = self.actor_ids.get(actor_id, actor_id)
            side = "actor:" + actor_id

        def evidence(local_ids: list[str]) -> list[ChangeStatementRecord]:
            stored = (ids.statement_id(self.article.id, i) for i in local_ids)
            return [change_statement(by_id[i], event_day) for i in stored if i in by_id]

        return ChangeRecord(
            id=ids.change_id(claim_id, dataclasses.replace(r, side=side)),
            kind=r.kind,
            actor=r.actor,
            side=side,
            actor_id=actor_id,
            first_affirmation=r.first_affirmation,
            claim_id=claim_id,
            claim_text=self.claim_texts.get(r.claim_id, ""),
            from_stance=r.from_stance.value,
            to_stance=r.to_stance.value,
            before=evidence(r.before),
            after=evidence(r.after),
        )

    def events(self, by_id: dict[str, StatementRecord]) -> list[EventRecord]:
        from onrecord.store.store import event_row

        art = self.article
        found = []
        for number, event in enumerate(self.result.events, start=1):
            row = event_row(art.id, number, event)
            reported = by_id.get(row["statement_id"] or "")
            said_on = reported.said_on if reported else None
            row.update(published=art.published, url=art.url, title=art.title, said_on=said_on)
            found.append(event_record(row, art.text))
        return found


def change_statement(s: StatementRecord, event_day: dt.date | None) -> ChangeStatementRecord:
    """A statement as a change shows it, dated by its own date, else its
    article's main event day, else its article's date."""
    return ChangeStatementRecord(
        statement=s.id,
        article=s.article_id,
        article_title=s.article_title,
        speaker=s.speaker_name,
        stance=s.stance,
        text=s.content_text,
        date=s.said_on or s.said_until or event_day or s.article_published,
    )


def _claim_record(claim, claim_id: str, said: list[StatementRecord], changes: list[ChangeRecord]) -> ClaimRecord:
    mine = [s for s in said if s.claim_id == claim_id]
    return ClaimRecord(
        id=claim_id,
        text=claim.text,
        frame=claim.frame,
        statements=len(mine),
        articles=len({s.article_id for s in mine}),
        affirm=sum(s.stance == "affirm" for s in mine),
        deny=sum(s.stance == "deny" for s in mine),
        changes=sum(c.claim_id == claim_id for c in changes),
    )
