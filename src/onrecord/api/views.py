"""What each page shows, as records (records.py): the web pages render
them and the JSON API returns them unchanged (everything a page shows is in
the API)."""

from __future__ import annotations

from onrecord.record import Record
from onrecord.records import (
    ActorPageRecord,
    ArticlePageRecord,
    ClaimPageRecord,
    HomeRecord,
    SearchRecord,
    article_record,
)

HOME_REVERSALS = 10
HOME_CLAIMS = 15
ACTOR_STATEMENTS = 200
ARTICLE_STATEMENTS = 1000
CLAIM_STATEMENTS = 100  # a page of a claim's timeline
CLAIM_CHANGES = 1000


def home(record: Record) -> HomeRecord:
    return HomeRecord(
        stats=record.stats(),
        reversals=record.reversals(kind="reversal", limit=HOME_REVERSALS),
        contradictions=record.reversals(kind="contradiction", limit=HOME_REVERSALS),
        claims=record.claims(limit=HOME_CLAIMS),
    )


def article(record: Record, article_id: str, *, full_refs: bool = False) -> ArticlePageRecord | None:
    found = record.article(article_id)
    if found is None:
        return None
    said = record.statements(article_id=found.id, limit=ARTICLE_STATEMENTS)
    return ArticlePageRecord(
        article=article_record(found, full_refs=full_refs, text=True),
        statements=[s for s in said if not s.in_headline],
        headline=[s for s in said if s.in_headline],
        events=record.events(article_id=found.id, limit=ARTICLE_STATEMENTS),
    )


def claim(record: Record, claim_id: str, *, limit: int = CLAIM_STATEMENTS, offset: int = 0) -> ClaimPageRecord | None:
    """A claim, a page of its timeline (`total`: the timeline's length) and
    its changes of position."""
    found = record.claim(claim_id)
    if found is None:
        return None
    timeline, total = record.store.claim_timeline_page(found.id, limit=limit, offset=offset)
    changes = record.reversals(kind=None, claim_id=found.id, limit=CLAIM_CHANGES)
    return ClaimPageRecord(claim=found, timeline=timeline, total=total, limit=limit, offset=offset, reversals=changes)


def actor(record: Record, actor_id: str) -> ActorPageRecord | None:
    found = record.actor(actor_id)
    if found is None:
        return None
    said = record.statements(actor_id=found.id, limit=ACTOR_STATEMENTS)
    said.sort(key=lambda s: (str(s.said_on or s.said_until or s.article_published or ""), s.id))
    return ActorPageRecord(actor=found, statements=said)


def search(record: Record, query: str, limit: int = 20, *, full_refs: bool = False) -> SearchRecord:
    return SearchRecord(
        query=query,
        articles=[article_record(a, full_refs=full_refs) for a in record.articles(query=query, limit=limit)],
        statements=record.statements(query=query, limit=limit),
        claims=record.claims(query=query, limit=limit),
        actors=record.actors(name=query, limit=limit),
    )
