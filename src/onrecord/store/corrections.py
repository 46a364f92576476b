"""Corrections of the record: kept append-only, applied on top of the analysis.

A correction names what it changes (a statement, an actor or a claim), the
value it gives, the value it found, who made it and why. It is applied when
it is made and again after every analysis or re-analysis of the articles it
touches, so that a re-analysis never undoes it. An undo is itself a
correction (kind "undo", its target the undone correction's id): it puts
back what the correction found, and the correction is no longer applied.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import String, cast, exists, select
from sqlalchemy.engine import Connection, Row

from onrecord.store.schema import actors, claims, corrections, events, statements

# What each kind corrects, and what its value is.
KINDS = {
    "stance": "statement",  # value: affirm, deny, qualify, question, conditional or neutral
    "speaker": "statement",  # value: the id of the actor who said it
    "split-actor": "statement",  # value: the name of the actor the mention is, not the one it was merged with
    "not-a-statement": "statement",  # no value: the statement is taken out of the record
    "claim": "statement",  # value: the id of the claim it belongs to
    "rename-actor": "actor",  # value: the actor's name
    "merge-actors": "actor",  # value: the id of the actor it is one with
    "rename-claim": "claim",  # value: the claim's text
}
STATEMENT_KINDS = tuple(k for k, what in KINDS.items() if what == "statement")
UNDO = "undo"
STANCES = ("affirm", "deny", "qualify", "question", "conditional", "neutral")
_SPEAKER_COLUMNS = ("actor_id", "speaker_name", "side", "side_name")


class CorrectionError(ValueError):
    """A correction that cannot be made: an unknown target or value."""


def undone_condition(table: Any = corrections) -> Any:
    """SQL: the correction in `table` has been undone."""
    undo = corrections.alias("undo")
    return exists().where(undo.c.kind == UNDO, undo.c.target == cast(table.c.id, String))


def corrected_flag(target: Any, kinds: Iterable[str], or_value_of: Iterable[str] = ()) -> Any:
    """SQL: an active correction of one of `kinds` targets `target` (a
    column), or one of `or_value_of` gives it as its value (the actor a
    merge joins)."""
    made = corrections.alias("made")
    named = (made.c.target == target) & made.c.kind.in_(list(kinds))
    if or_value_of:
        named = named | ((made.c.value == target) & made.c.kind.in_(list(or_value_of)))
    return exists().where(named, ~undone_condition(made)).label("corrected")


def merged_away(actor_id: Any) -> Any:
    """SQL: the actor was merged into another (an active merge names it)."""
    made = corrections.alias("merged")
    return exists().where(made.c.kind == "merge-actors", made.c.target == actor_id, ~undone_condition(made))


def active(conn: Connection) -> list[Row]:
    """The corrections in force, in the order they were made."""
    query = select(corrections).where(corrections.c.kind != UNDO, ~undone_condition()).order_by(corrections.c.id)
    return list(conn.execute(query))


def record(
    conn: Connection, kind: str, target: str, value: str | None, made_by: str, reason: str
) -> tuple[int, set[str]]:
    """Check a correction, store it, apply it; its id and the claims it touches."""
    if kind not in KINDS:
        raise CorrectionError(f"unknown correction {kind!r}; one of {', '.join(KINDS)}")
    old = _checked_old_value(conn, kind, target, value)
    made = conn.execute(
        corrections.insert().values(
            kind=kind,
            target=target,
            value=value,
            old_value=json.dumps(old),
            made_by=made_by,
            reason=reason,
            made_at=dt.datetime.now(dt.UTC),
        )
    ).inserted_primary_key
    assert made is not None
    row = conn.execute(select(corrections).where(corrections.c.id == made[0])).one()
    return int(made[0]), apply(conn, [row])


def undo(conn: Connection, correction_id: int, made_by: str, reason: str) -> tuple[int, set[str]]:
    """Undo a correction in force: put back what it found; the undo's id and the claims touched."""
    row = conn.execute(select(corrections).where(corrections.c.id == correction_id)).first()
    if row is None or row.kind == UNDO:
        raise CorrectionError(f"no correction {correction_id}")
    if conn.execute(select(undone_condition()).select_from(corrections).where(corrections.c.id == row.id)).scalar():
        raise CorrectionError(f"correction {correction_id} is already undone")
    touched = _put_back(conn, row)
    made = conn.execute(
        corrections.insert().values(
            kind=UNDO,
            target=str(row.id),
            value=None,
            old_value=row.value,
            made_by=made_by,
            reason=reason,
            made_at=dt.datetime.now(dt.UTC),
        )
    ).inserted_primary_key
    assert made is not None
    return int(made[0]), touched


def apply(conn: Connection, rows: Iterable[Row], article_ids: set[str] | None = None) -> set[str]:
    """Apply corrections (to the statements of `article_ids` only, when
    given: those just analysed again); the claims whose statements changed."""
    touched: set[str] = set()
    for row in rows:
        if KINDS[row.kind] == "statement" and article_ids is not None and row.target.split(":")[0] not in article_ids:
            continue
        touched |= _APPLY[row.kind](conn, row.target, row.value)
    return touched


def _statement(conn: Connection, statement_id: str) -> Row | None:
    return conn.execute(select(statements).where(statements.c.id == statement_id)).first()


def _claims_of(conn: Connection, condition: Any) -> set[str]:
    return {c for c in conn.execute(select(statements.c.claim_id).where(condition)).scalars() if c}


def _checked_old_value(conn: Connection, kind: str, target: str, value: str | None) -> Any:
    """What the correction finds, after checking its target and value exist."""
    check = {"statement": _checked_statement, "actor": _checked_actor, "claim": _checked_claim}[KINDS[kind]]
    return check(conn, kind, target, value)


def _checked_statement(conn: Connection, kind: str, target: str, value: str | None) -> Any:
    found = _statement(conn, target)
    if found is None:
        raise CorrectionError(f"no statement {target}")
    if kind == "stance" and value not in STANCES:
        raise CorrectionError(f"a stance is one of {', '.join(STANCES)}, not {value!r}")
    if kind == "speaker" and _actor(conn, value) is None:
        raise CorrectionError(f"no actor {value}")
    if kind == "claim" and conn.execute(select(claims.c.id).where(claims.c.id == value)).first() is None:
        raise CorrectionError(f"no claim {value}")
    if kind == "split-actor" and not (value or "").strip():
        raise CorrectionError("a split names the actor the mention is")
    if kind in ("speaker", "split-actor"):
        return {name: getattr(found, name) for name in _SPEAKER_COLUMNS}
    return {"stance": found.stance, "claim": found.claim_id, "not-a-statement": None}[kind]


def _checked_actor(conn: Connection, kind: str, target: str, value: str | None) -> Any:
    known = _actor(conn, target)
    if known is None:
        raise CorrectionError(f"no actor {target}")
    if kind == "merge-actors":
        if value == target or _actor(conn, value) is None:
            raise CorrectionError(f"no other actor {value} to merge {target} into")
        moved = conn.execute(select(statements).where(statements.c.actor_id == target))
        return {s.id: {name: getattr(s, name) for name in _SPEAKER_COLUMNS} for s in moved}
    if not (value or "").strip():
        raise CorrectionError("an actor's name cannot be empty")
    return known.name


def _checked_claim(conn: Connection, kind: str, target: str, value: str | None) -> Any:
    text = conn.execute(select(claims.c.text).where(claims.c.id == target)).scalar()
    if text is None:
        raise CorrectionError(f"no claim {target}")
    if not (value or "").strip():
        raise CorrectionError("a claim's text cannot be empty")
    return text


def _actor(conn: Connection, actor_id: str | None) -> Row | None:
    return conn.execute(select(actors).where(actors.c.id == actor_id)).first() if actor_id else None


def _set_stance(conn: Connection, target: str, value: str | None) -> set[str]:
    conn.execute(statements.update().where(statements.c.id == target).values(stance=value))
    return _claims_of(conn, statements.c.id == target)


def _set_speaker(conn: Connection, target: str, value: str | None) -> set[str]:
    actor = _actor(conn, value)
    if actor is None:
        return set()
    conn.execute(
        statements.update()
        .where(statements.c.id == target)
        .values(actor_id=actor.id, speaker_name=actor.name, side=f"actor:{actor.id}", side_name=actor.name)
    )
    return _claims_of(conn, statements.c.id == target)


def _split_off(conn: Connection, target: str, value: str | None) -> set[str]:
    """The statement's mention is an actor of its own (one "Obama" is
    Michelle, not Barack): that actor, found by type and name or added."""
    said = _statement(conn, target)
    if said is None or not value:
        return set()
    kind = conn.execute(select(actors.c.type).where(actors.c.id == said.actor_id)).scalar() or "person"
    own = _own_actor(conn, value.strip(), kind)
    return _set_speaker(conn, target, own)


def _own_actor(conn: Connection, name: str, kind: str) -> str:
    """The id of the actor of this type and name, added when the store has none."""
    from onrecord.model import Actor, ActorType
    from onrecord.store import ids

    key = ids.actor_store_key(Actor(id="", name=name, type=ActorType(kind)))
    actor_id = ids.actor_id_of_key(key)
    if conn.execute(select(actors.c.id).where(actors.c.key == key)).first() is None:
        conn.execute(actors.insert().values(id=actor_id, key=key, name=name, type=kind, roles=[], aliases=[name]))
    return str(conn.execute(select(actors.c.id).where(actors.c.key == key)).scalar())


def _take_out(conn: Connection, target: str, value: str | None) -> set[str]:
    touched = _claims_of(conn, statements.c.id == target)
    conn.execute(events.update().where(events.c.statement_id == target).values(statement_id=None))
    conn.execute(statements.delete().where(statements.c.id == target))
    return touched


def _set_claim(conn: Connection, target: str, value: str | None) -> set[str]:
    touched = _claims_of(conn, statements.c.id == target)
    if conn.execute(select(claims.c.id).where(claims.c.id == value)).first() is None:
        return touched
    conn.execute(statements.update().where(statements.c.id == target).values(claim_id=value))
    return touched | {value} if value else touched


def _rename_actor(conn: Connection, target: str, value: str | None) -> set[str]:
    conn.execute(actors.update().where(actors.c.id == target).values(name=value))
    conn.execute(statements.update().where(statements.c.side == f"actor:{target}").values(side_name=value))
    return _claims_of(conn, statements.c.actor_id == target)


def _merge_actors(conn: Connection, target: str, value: str | None) -> set[str]:
    into = _actor(conn, value)
    if into is None:
        return set()
    touched = _claims_of(conn, statements.c.actor_id == target)
    conn.execute(
        statements.update()
        .where(statements.c.side == f"actor:{target}")
        .values(side=f"actor:{into.id}", side_name=into.name)
    )
    conn.execute(statements.update().where(statements.c.actor_id == target).values(actor_id=into.id))
    return touched


def _rename_claim(conn: Connection, target: str, value: str | None) -> set[str]:
    conn.execute(claims.update().where(claims.c.id == target).values(text=value))
    return set()


_APPLY = {
    "stance": _set_stance,
    "speaker": _set_speaker,
    "split-actor": _split_off,
    "not-a-statement": _take_out,
    "claim": _set_claim,
    "rename-actor": _rename_actor,
    "merge-actors": _merge_actors,
    "rename-claim": _rename_claim,
}


def _put_back(conn: Connection, row: Row) -> set[str]:
    """What a correction found, put back where the record still holds its
    value (a statement taken out comes back with the next analysis of its
    article: `Record.undo_correction` analyses it again)."""
    old = json.loads(row.old_value) if row.old_value else None
    here = statements.c.id == row.target
    if row.kind == "stance":
        conn.execute(statements.update().where(here, statements.c.stance == row.value).values(stance=old))
        return _claims_of(conn, here)
    if row.kind in ("speaker", "split-actor"):
        now = _statement(conn, row.target)
        if now is not None and (row.kind == "split-actor" or now.actor_id == row.value):
            conn.execute(statements.update().where(here).values(**(old or {})))
        return _claims_of(conn, here)
    if row.kind == "claim":
        conn.execute(statements.update().where(here, statements.c.claim_id == row.value).values(claim_id=old))
        return _claims_of(conn, here) | ({row.value} if row.value else set())
    if row.kind == "rename-actor":
        conn.execute(actors.update().where(actors.c.id == row.target, actors.c.name == row.value).values(name=old))
        conn.execute(statements.update().where(statements.c.side == f"actor:{row.target}").values(side_name=old))
        return _claims_of(conn, statements.c.actor_id == row.target)
    if row.kind == "merge-actors":
        touched: set[str] = set()
        for statement_id, columns in (old or {}).items():
            where = (statements.c.id == statement_id, statements.c.actor_id == row.value)
            touched |= _claims_of(conn, statements.c.id == statement_id)
            conn.execute(statements.update().where(*where).values(**columns))
        return touched
    if row.kind == "rename-claim":
        conn.execute(claims.update().where(claims.c.id == row.target, claims.c.text == row.value).values(text=old))
    return set()
