"""The one rule for the store's ids. Every id is derived from what it names,
so an analysis that was never stored can give its statements, actors,
claims and changes the ids the store would (the same record, whether read
from the store or from `POST /api/analyze`)."""

from __future__ import annotations

import hashlib

from onrecord.model import Actor, Reversal
from onrecord.nlp.identity import actor_key

# Shortest id prefix a lookup accepts: "clm_3f" is ambiguous in a large store
# and "" or "%" would match anything.
MIN_PREFIX = 6


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def actor_store_key(actor: Actor) -> str:
    """One actor across articles: its type and normalised name."""
    return sha256(f"{actor.type.value}\x00{actor_key(actor.name, actor.type.value)}")


def actor_id_of_key(key: str) -> str:
    return "act_" + key[:16]


def actor_id(actor: Actor) -> str:
    return actor_id_of_key(actor_store_key(actor))


def statement_id(article_id: str, local_id: str) -> str:
    return f"{article_id}:{local_id}"


def event_id(article_id: str, number: int) -> str:
    return f"{article_id}:e{number}"


def new_claim_id(article_id: str, local_claim_id: str) -> str:
    """The id of a claim first met in this article (a claim met before keeps
    the id it was stored under)."""
    return "clm_" + sha256(f"{article_id}\x00{local_claim_id}")[:16]


def actor_of_side(side: str) -> str | None:
    """The actor a side names ("actor:act_..."), or None for a state, an
    organisation or a pair of sides ("a | b")."""
    return side.removeprefix("actor:") if side.startswith("actor:") and "|" not in side else None


def change_id(claim_id: str, change: Reversal) -> str:
    return sha256(
        f"{claim_id}\x00{change.side}\x00{change.kind}\x00{change.from_stance.value}\x00{change.to_stance.value}"
    )[:40]
