"""What each page shows, as data: the web pages render these dicts and the
JSON API returns them unchanged (everything a page shows is in the API)."""

from __future__ import annotations

from typing import Any

from onrecord.events.codes import describe
from onrecord.ingest.urls import is_url
from onrecord.model import Article
from onrecord.record import Record
from onrecord.store.store import event_row, statement_row

HOME_REVERSALS = 10
HOME_CLAIMS = 15
ACTOR_STATEMENTS = 200
ARTICLE_STATEMENTS = 1000
CLAIM_STATEMENTS = 100  # a page of a claim's timeline
CLAIM_CHANGES = 1000


def home(record: Record) -> dict[str, Any]:
    return {
        "stats": record.stats(),
        "reversals": record.reversals(kind="reversal", limit=HOME_REVERSALS),
        "contradictions": record.reversals(kind="contradiction", limit=HOME_REVERSALS),
        "claims": record.claims(limit=HOME_CLAIMS),
    }


def shown_ref(ref: str) -> str:
    """Where an article came from, as an anonymous reader may see it: a URL
    whole, a file by its name only (with its "#part"), never the server's
    folders."""
    if is_url(ref):
        return ref
    path, mark, part = ref.partition("#")
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] + mark + part


def article_dict(found: Article, full_refs: bool) -> dict[str, Any]:
    """An article's metadata; `full_refs` (a reader with the token) keeps
    its source reference whole."""
    out = found.to_dict()
    if not full_refs:
        out["source_ref"] = shown_ref(out["source_ref"])
    return out


def article(record: Record, article_id: str, *, full_refs: bool = False) -> dict[str, Any] | None:
    found = record.article(article_id)
    if found is None:
        return None
    said = record.statements(article_id=found.id, limit=ARTICLE_STATEMENTS)
    return {
        "article": {**article_dict(found, full_refs), "text": found.text},
        "statements": [s for s in said if not s["in_headline"]],
        "headline": [s for s in said if s["in_headline"]],
        "events": [{**e, **describe(e["code"])} for e in record.events(article_id=found.id, limit=ARTICLE_STATEMENTS)],
    }


def analysis(result) -> dict[str, Any]:
    """An analysis not stored (the paste-and-analyse page, POST /api/analyze)
    in the shape of a stored article's page."""
    art = result.article
    names = {a.id: a for a in result.actors}

    def row(statement, in_headline: bool) -> dict[str, Any]:
        out = statement_row(art.id, statement, {a: a for a in names}, in_headline)
        actor = names.get(statement.actor_id) if statement.actor_id else None
        # not stored: no actor page to link to
        out.update(
            actor_id=None,
            actor_name=actor.name if actor else None,
            actor_country=actor.country if actor else None,
            claim_id=statement.claim_id,
        )
        return out

    events = [
        {
            **event_row(art.id, number, event),
            **describe(event.code),
            "text": art.text[event.span[0] : event.span[1]] if event.span else None,
        }
        for number, event in enumerate(result.events, start=1)
    ]
    return {
        "article": {**art.to_dict(), "text": art.text},
        "statements": [row(s, False) for s in result.statements],
        "headline": [row(s, True) for s in result.headline],
        "events": events,
        "claims": [c.to_dict() for c in result.claims],
        "reversals": [r.to_dict() for r in result.reversals],
        "contradictions": [r.to_dict() for r in result.contradictions],
    }


def claim(record: Record, claim_id: str, *, limit: int = CLAIM_STATEMENTS, offset: int = 0) -> dict[str, Any] | None:
    """A claim, a page of its timeline (`total`: the timeline's length) and
    its changes of position."""
    found = record.store.get_claim(claim_id)
    if found is None:
        return None
    timeline, total = record.store.claim_timeline_page(found["id"], limit=limit, offset=offset)
    changes = record.reversals(kind=None, claim_id=found["id"], limit=CLAIM_CHANGES)
    return {"claim": found, "timeline": timeline, "total": total, "reversals": changes}


def actor(record: Record, actor_id: str) -> dict[str, Any] | None:
    found = record.actor(actor_id)
    if found is None:
        return None
    said = record.statements(actor_id=actor_id, limit=ACTOR_STATEMENTS)
    said.sort(key=lambda s: (str(s["said_on"] or s["said_until"] or s["article_published"] or ""), s["id"]))
    return {"actor": found, "statements": said}


def search(record: Record, query: str, limit: int = 20, *, full_refs: bool = False) -> dict[str, Any]:
    return {
        "query": query,
        "articles": [article_dict(a, full_refs) for a in record.articles(query=query, limit=limit)],
        "statements": record.statements(query=query, limit=limit),
        "claims": record.claims(query=query, limit=limit),
        "actors": record.actors(name=query, limit=limit),
    }
