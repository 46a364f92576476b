"""The store: articles with their dedupe keys, ingestion failures, and
queries. SQLAlchemy Core over SQLite or PostgreSQL, the same code for both."""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnClause, and_, bindparam, case, column, func, literal_column, or_, select, table, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import DBAPIError, IntegrityError

from onrecord.ingest.dedupe import BANDS, NEAR_DUPLICATE_JACCARD, band_keys, signature, similarity
from onrecord.model import (
    Actor,
    ActorType,
    Article,
    Claim,
    DateSource,
    Event,
    Failure,
    Mention,
    Reversal,
    Stance,
    Statement,
    StatementKind,
)
from onrecord.records import (
    ActorRecord,
    ChangeRecord,
    ChangeStatementRecord,
    ClaimRecord,
    CorrectionRecord,
    EventRecord,
    PositionRecord,
    ReadModel,
    StatementRecord,
    TimelineRecord,
    change_statement,
    event_record,
)
from onrecord.settings import DEFAULT_SETTINGS
from onrecord.store import corrections as fixes
from onrecord.store import ids, migrate
from onrecord.store.corrections import STATEMENT_KINDS, corrected_flag, merged_away
from onrecord.store.engine import make_engine, resolve_url
from onrecord.store.paging import Keyset, Listed, SortKey, offset_page, offset_start
from onrecord.store.schema import (
    actors,
    article_bands,
    articles,
    claim_terms,
    claims,
    corrections,
    events,
    failures,
    metadata,
    reversals,
    stale_claims,
    statements,
)

_FTS = table("articles_fts", column("rowid"), column("rank"))
_STATEMENTS_FTS = table("statements_fts", column("rowid"))
_PHRASE_OR_WORD = re.compile(r'"([^"]+)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)

AddStatus = Literal["stored", "duplicate", "near_duplicate"]
# Whether a new claim (participants, recipients) is a stored one (participants,
# recipients) of the same frame: claims.propositions.same_signature.
ClaimMatcher = Callable[[list[str], list[str], list[str], list[str]], bool]


@dataclass
class AddResult:
    status: AddStatus
    article_id: str  # the stored article, or the one this input duplicates
    original_id: str | None = None  # for a near-duplicate: the article it copies


# PostgreSQL's codes for a transaction aborted to end a deadlock (40P01) or a
# serialisation conflict (40001): the victim is meant to try again.
_RETRY_SQLSTATES = {"40P01", "40001"}
_WRITE_ATTEMPTS = 5


def _as_utc(value: dt.datetime) -> dt.datetime:
    """A stored time as UTC (SQLite gives it back without its zone)."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _utcnow_precise() -> dt.datetime:
    # stale marks are compared to tell one writer's mark from a later one's
    return dt.datetime.now(dt.UTC)


_sha256 = ids.sha256


def _url_keys(article: Article) -> tuple[str | None, list[str]]:
    """The article's own url_hash, and the url_hash values that make it a
    duplicate. A fetched page's key is the hash of its URL; a URL that a
    document only names is hashed with a prefix, so that it meets other
    documents naming it but never blocks the page fetched from it."""
    if not article.url:
        return None, []
    fetched = _sha256(article.url)
    if article.url_fetched:
        return fetched, [fetched]
    named = _sha256("named\x00" + article.url)
    return named, [named, fetched]


# Articles sharing a band key with a new one, built once: band = b AND key = k
# OR-ed over the bands, which both databases answer from the (band, key)
# index (a row-value IN is a full scan on SQLite). Rebuilding it for every
# article cost about 3 ms of SQLAlchemy work.
_NEAR_DUPLICATE_CANDIDATES = (
    select(articles.c.id, articles.c.duplicate_of, articles.c.minhash)
    .where(
        articles.c.id.in_(
            select(article_bands.c.article_id).where(
                or_(
                    *(
                        and_(article_bands.c.band == band, article_bands.c.key == bindparam(f"key{band}"))
                        for band in range(BANDS)
                    )
                )
            )
        )
    )
    .order_by(articles.c.pk)
)


class Store:
    """A record store at a database URL (see `engine.resolve_url`). Opening
    it brings the schema up to date."""

    def __init__(
        self,
        url: str | None = None,
        *,
        upgrade: bool = True,
        main_event_days: int = DEFAULT_SETTINGS.claims.main_event_days_before_publication,
    ) -> None:
        self.url = resolve_url(url)
        # how long before publication an article's main event can be
        # (timeline.main_event_day): undated statements are placed by it
        self.main_event_days = main_event_days
        self.engine = make_engine(self.url)
        if upgrade:
            migrate.upgrade(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def _insert(self, table: Any) -> Any:
        """An INSERT with ON CONFLICT (upserts), in the store's dialect: the
        one place that tells SQLite's from PostgreSQL's."""
        return (pg_insert if self.dialect == "postgresql" else sqlite_insert)(table)

    def has_statistics(self) -> bool:
        """Whether the query planner has statistics of the store's tables."""
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                return bool(conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first())
            seen = conn.exec_driver_sql(
                "SELECT coalesce(last_analyze, last_autoanalyze) FROM pg_stat_user_tables WHERE relname = 'statements'"
            ).scalar()
            return seen is not None

    def refresh_statistics(self) -> None:
        """Give the query planner fresh statistics (ANALYZE). Without them
        SQLite reads the statements list by scanning every statement and
        sorting (105 ms for a page of 100,000 statements) instead of reading
        the articles' date index in order (0.5 ms); PostgreSQL's reversals
        query took 240 ms at p95 on a 1,000,000-statement store straight
        after a bulk load (bench/store_queries.py, docs/benchmarks.md)."""
        with self.engine.begin() as conn:
            if self.dialect == "sqlite":
                # a bounded sample of each index: ANALYZE stays in milliseconds at any size
                conn.exec_driver_sql("PRAGMA analysis_limit = 1000")
            conn.exec_driver_sql("ANALYZE")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ----------------------------------------------------------

    def add_article(self, article: Article, near_duplicate_jaccard: float = NEAR_DUPLICATE_JACCARD) -> AddResult:
        """Store an article once. The same canonical URL or the same normalised
        text is a duplicate and is not stored again; a near-duplicate is stored
        with `duplicate_of` pointing at the article it copies. Each call is one
        transaction, so an interrupted ingest keeps what it committed.

        A URL only counts as the page's own when the page was fetched from it
        (`url_fetched`); one that a document merely names (a feed entry's link)
        is kept under a key of its own, so it cannot pre-empt the real page
        when that is fetched later. A named URL whose page is already stored
        is a duplicate of it. A text at least `near_duplicate_jaccard` like a
        stored one (estimated Jaccard similarity of shingles) is a near-duplicate."""
        sig = signature(article.text)
        keys = band_keys(sig)
        url_hash, same_url = _url_keys(article)
        try:
            with self.engine.begin() as conn:
                existing = self._exact_duplicate(conn, article.content_hash, same_url)
                if existing is not None:
                    return AddResult("duplicate", existing)
                original = self._near_duplicate_of(conn, sig, keys, near_duplicate_jaccard)
                conn.execute(articles.insert().values(**_article_row(article, url_hash, sig, original)))
                conn.execute(
                    article_bands.insert(),
                    [{"article_id": article.id, "band": band, "key": key} for band, key in enumerate(keys)],
                )
        except IntegrityError:
            # Another writer stored the same article between our check and insert.
            with self.engine.connect() as conn:
                existing = self._exact_duplicate(conn, article.content_hash, same_url)
            if existing is None:
                raise
            return AddResult("duplicate", existing)
        if original is not None:
            return AddResult("near_duplicate", article.id, original)
        return AddResult("stored", article.id)

    @staticmethod
    def _exact_duplicate(conn: Connection, text_hash: str, url_keys: list[str]) -> str | None:
        condition = articles.c.content_hash == text_hash
        if url_keys:
            condition = or_(condition, articles.c.url_hash.in_(url_keys))
        return conn.execute(select(articles.c.id).where(condition).limit(1)).scalar()

    @staticmethod
    def _near_duplicate_of(conn: Connection, sig: bytes, keys: list[int], threshold: float) -> str | None:
        candidates = conn.execute(
            _NEAR_DUPLICATE_CANDIDATES, {f"key{band}": key for band, key in enumerate(keys)}
        ).all()
        best, best_score = None, threshold
        for candidate in candidates:
            score = similarity(sig, candidate.minhash)
            if score >= best_score:
                best, best_score = candidate.duplicate_of or candidate.id, score
        return best

    def record_failure(self, failure: Failure) -> None:
        """Record an input that failed; the same failure again only bumps its
        count and time, so re-running a batch does not pile up copies."""
        now = failure.occurred_at or _utcnow()
        row = {
            "key": _sha256(f"{failure.stage}\x00{failure.source_ref}\x00{failure.reason}"),
            "stage": failure.stage,
            "source_ref": failure.source_ref,
            "reason": failure.reason,
            "first_seen": now,
            "last_seen": now,
            "count": 1,
        }
        statement = self._insert(failures).values(**row)
        statement = statement.on_conflict_do_update(
            index_elements=[failures.c.key],
            set_={"last_seen": now, "count": failures.c.count + 1},
        )
        with self.engine.begin() as conn:
            conn.execute(statement)

    def save_analysis(
        self,
        article_id: str,
        statement_list: list[Statement],
        actor_list: list[Actor],
        headline: Sequence[Statement] = (),
        claim_list: Sequence[Claim] = (),
        event_list: Sequence[Event] = (),
        same_claim: ClaimMatcher | None = None,
    ) -> set[str]:
        """Store an article's statements, actors, claims and events, replacing
        what an earlier analysis of it stored (re-analysis is idempotent).
        Actors are one per type and name across the store; an article's claim
        joins a stored claim of its frame that shares participants and that
        `same_claim` accepts (without it, only a claim with the same text).
        Returns the ids of the stored claims the article touches, whose
        reversals are then to be worked out again."""
        return self._save_many([(article_id, statement_list, actor_list, headline, claim_list, event_list)], same_claim)

    def save_analyses(self, analyses: list[Any], same_claim: ClaimMatcher | None = None) -> set[str]:
        """Store many articles' analyses (each with .article, .statements,
        .actors, .headline, .claims, .events) in one transaction: what a
        batch of the writer costs is one commit, not one per article."""
        return self._save_many(
            [(a.article.id, a.statements, a.actors, a.headline, a.claims, a.events) for a in analyses], same_claim
        )

    def _save_many(self, items: list[tuple], same_claim: ClaimMatcher | None) -> set[str]:
        def save(conn: Connection) -> set[str]:
            touched: set[str] = set()
            for article_id, said, people, headline, claim_list, event_list in items:
                touched |= self._save_analysis(
                    conn, article_id, said, people, headline, claim_list, event_list, same_claim
                )
            # the readers' corrections, on top of the analysis just stored
            saved = {item[0] for item in items}
            touched |= fixes.apply(conn, fixes.active(conn), saved)
            self._recount_claims(conn, touched)
            self._mark_stale(conn, touched)
            return touched

        return self._retrying(save)

    # -- corrections --------------------------------------------------------

    def add_correction(
        self, kind: str, target: str, value: str | None, made_by: str, reason: str
    ) -> tuple[int, set[str]]:
        """Store a correction and apply it (`corrections.record`): its id,
        and the claims whose statements it changed (recounted, marked stale)."""

        def work(conn: Connection) -> tuple[int, set[str]]:
            made, touched = fixes.record(conn, kind, target, value, made_by, reason)
            self._recount_claims(conn, touched)
            self._mark_stale(conn, touched)
            return made, touched

        return self._retrying(work)

    def undo_correction(self, correction_id: int, made_by: str, reason: str) -> tuple[int, set[str]]:
        """Undo a correction in force (`corrections.undo`)."""

        def work(conn: Connection) -> tuple[int, set[str]]:
            made, touched = fixes.undo(conn, correction_id, made_by, reason)
            self._recount_claims(conn, touched)
            self._mark_stale(conn, touched)
            return made, touched

        return self._retrying(work)

    def get_correction(self, correction_id: int) -> CorrectionRecord | None:
        found = self.list_corrections(ids=[correction_id])
        return found[0] if found else None

    def list_corrections(
        self,
        *,
        target: str | None = None,
        ids: Sequence[int] = (),
        limit: int = 100,
        offset: int = 0,
        after: str | None = None,
        before: str | None = None,
    ) -> Listed[CorrectionRecord]:
        """Corrections and undos, the latest first; `target`: those of one
        statement, actor or claim (its history)."""
        query = select(corrections, fixes.undone_condition().label("undone"))
        if target:
            query = query.where(corrections.c.target == target)
        if ids:
            query = query.where(corrections.c.id.in_(list(ids)))
        with self.engine.connect() as conn:
            return _CORRECTION_ORDER.fetch(
                conn, query, _correction_records, limit=limit, offset=offset, after=after, before=before
            )

    def _retrying(self, work: Callable[[Connection], Any]) -> Any:
        """`work` in a transaction, run again when PostgreSQL aborted it to
        end a deadlock with another writer (two ingests that meet the same
        actors or claims in another order). The transaction is whole or
        nothing, so running it again is safe."""
        for attempt in range(1, _WRITE_ATTEMPTS + 1):
            try:
                with self.engine.begin() as conn:
                    return work(conn)
            except DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) not in _RETRY_SQLSTATES or attempt == _WRITE_ATTEMPTS:
                    raise
                time.sleep(random.uniform(0.05, 0.25) * attempt)  # apart, so that they do not meet again

    def _mark_stale(self, conn: Connection, claim_ids: set[str]) -> None:
        """Mark claims whose reversals are to be worked out again, in the
        transaction that changed their statements."""
        if not claim_ids:
            return
        statement = self._insert(stale_claims)
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=[stale_claims.c.claim_id], set_={"marked_at": statement.excluded.marked_at}
            ),
            [{"claim_id": claim_id, "marked_at": _utcnow_precise()} for claim_id in sorted(claim_ids)],
        )

    def stale_marks(self, claim_ids: Iterable[str]) -> dict[str, dt.datetime]:
        """Which of these claims are marked stale, and when they were marked."""
        return self._values_by_id(stale_claims.c.claim_id, stale_claims.c.marked_at, claim_ids)

    def stale_claim_ids(self, *, after: str | None = None, limit: int = 500) -> list[str]:
        """The next `limit` claims marked stale, in id order after `after`."""
        query = select(stale_claims.c.claim_id).order_by(stale_claims.c.claim_id).limit(limit)
        if after is not None:
            query = query.where(stale_claims.c.claim_id > after)
        with self.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def recount_claims(self, claim_ids: Iterable[str] | None = None) -> None:
        """Count again the statements, articles, affirmations and denials of
        these claims (of every claim, without ids)."""
        with self.engine.begin() as conn:
            if claim_ids is None:
                claim_ids = conn.execute(select(claims.c.id)).scalars().all()
            self._recount_claims(conn, set(claim_ids))

    @staticmethod
    def _recount_claims(conn: Connection, claim_ids: set[str]) -> None:
        ids = sorted(claim_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            found = {
                row.claim_id: row
                for row in conn.execute(
                    select(
                        statements.c.claim_id,
                        func.count().label("n"),
                        func.count(func.distinct(statements.c.article_id)).label("articles"),
                        func.sum(case((statements.c.stance == "affirm", 1), else_=0)).label("affirm"),
                        func.sum(case((statements.c.stance == "deny", 1), else_=0)).label("deny"),
                    )
                    .where(statements.c.claim_id.in_(chunk))
                    .group_by(statements.c.claim_id)
                )
            }
            conn.execute(
                claims.update()
                .where(claims.c.id == bindparam("claim"))
                .values(
                    statement_count=bindparam("n"),
                    article_count=bindparam("a"),
                    affirm_count=bindparam("af"),
                    deny_count=bindparam("de"),
                ),
                [
                    {
                        "claim": c,
                        "n": found[c].n if c in found else 0,
                        "a": found[c].articles if c in found else 0,
                        "af": int(found[c].affirm or 0) if c in found else 0,
                        "de": int(found[c].deny or 0) if c in found else 0,
                    }
                    for c in chunk
                ],
            )

    def _save_analysis(
        self,
        conn: Connection,
        article_id: str,
        statement_list: list[Statement],
        actor_list: list[Actor],
        headline: Sequence[Statement],
        claim_list: Sequence[Claim],
        event_list: Sequence[Event],
        same_claim: ClaimMatcher | None,
    ) -> set[str]:
        global_ids = self._merge_actors(conn, actor_list)
        merged = {claim.id: self._merge_claim(conn, article_id, claim, same_claim) for claim in claim_list}
        claim_ids = {local: stored for local, (stored, _) in merged.items()}
        turned = {local for local, (_, opposite) in merged.items() if opposite}
        touched = set(claim_ids.values()) | set(
            conn.execute(
                select(statements.c.claim_id).where(
                    statements.c.article_id == article_id, statements.c.claim_id.is_not(None)
                )
            ).scalars()
        )
        conn.execute(events.delete().where(events.c.article_id == article_id))
        conn.execute(statements.delete().where(statements.c.article_id == article_id))
        rows = [
            statement_row(article_id, statement, global_ids, in_headline, claim_ids, statement.claim_id in turned)
            for in_headline, group in ((False, statement_list), (True, headline))
            for statement in group
        ]
        if rows:
            conn.execute(statements.insert(), rows)
        if event_list:
            conn.execute(
                events.insert(), [event_row(article_id, number, e) for number, e in enumerate(event_list, start=1)]
            )
        conn.execute(articles.update().where(articles.c.id == article_id).values(analyzed_at=_utcnow()))
        return touched

    def _merge_claim(
        self, conn: Connection, article_id: str, claim: Claim, same_claim: ClaimMatcher | None
    ) -> tuple[str, bool]:
        """The store's claim this article's claim is: one with the same frame,
        a shared participant and no clashing recipient (the most shared
        participants wins), or, for a claim known only by its text, the same
        text; else a new claim. Also whether the stored claim is written in
        the opposite sense ("rejected the offer" for "accepted the offer"), so
        that the article's stances are turned over toward it."""
        if claim.frame is None:
            existing = conn.execute(
                select(claims.c.id)
                .where(claims.c.frame.is_(None), func.lower(claims.c.text) == claim.text.lower())
                .limit(1)
            ).scalar()
            if existing:
                return existing, False
        elif claim.terms and same_claim is not None:
            for row in self._claim_candidates(conn, claim.frame, claim.terms, claim.recipients, same_claim):
                known = row.proposition or {}
                stored_sign = known.get("sign", 1)
                terms = sorted(set(known.get("terms", [])) | set(claim.terms))
                recipients = sorted(set(known.get("recipients", [])) | set(claim.recipients))
                canonical = known.get("canonical", False) or claim.canonical
                values: dict[str, Any] = {
                    "proposition": {
                        "terms": terms,
                        "recipients": recipients,
                        "canonical": canonical,
                        "sign": stored_sign,
                        "founding": known.get("founding", known.get("terms", [])),
                    }
                }
                if claim.canonical and not known.get("canonical", False) and claim.sign == stored_sign:
                    values["text"] = claim.text  # a written-out proposition reads better than words as said
                conn.execute(claims.update().where(claims.c.id == row.id).values(**values))
                self._add_terms(conn, row.id, set(claim.terms) - set(known.get("terms", [])))
                return row.id, claim.sign != stored_sign
        claim_id = ids.new_claim_id(article_id, claim.id)
        conn.execute(
            self._insert(claims)
            .values(
                id=claim_id,
                text=claim.text,
                frame=claim.frame,
                created_at=_utcnow(),
                proposition={
                    "terms": list(claim.terms),
                    "recipients": list(claim.recipients),
                    "canonical": claim.canonical,
                    "sign": claim.sign,
                    "founding": list(claim.terms),
                },
            )
            .on_conflict_do_nothing(index_elements=[claims.c.id])
        )
        self._add_terms(conn, claim_id, set(claim.terms))
        return claim_id, False

    @staticmethod
    def _claim_candidates(
        conn: Connection, frame: str, terms: list[str], recipients: list[str], same_claim: ClaimMatcher
    ) -> list[Row]:
        """Stored claims of this frame that share a participant and that
        `same_claim` accepts, the most shared first."""
        shared = (
            select(claim_terms.c.claim_id, func.count().label("shared"))
            .where(claim_terms.c.term.in_(terms))
            .group_by(claim_terms.c.claim_id)
            .subquery()
        )
        rows = conn.execute(
            select(claims.c.id, claims.c.text, claims.c.proposition, shared.c.shared)
            .select_from(shared.join(claims, claims.c.id == shared.c.claim_id))
            .where(claims.c.frame == frame)
            .order_by(shared.c.shared.desc(), claims.c.id)
            .limit(50)
        ).all()
        # matched against the terms the claim was founded with, not all it has
        # gathered: a claim grown by each article it joins would join everything
        return [
            r
            for r in rows
            if same_claim(
                terms,
                recipients,
                (r.proposition or {}).get("founding", (r.proposition or {}).get("terms", [])),
                (r.proposition or {}).get("recipients", []),
            )
        ]

    def find_claims(
        self, frame: str | None, terms: list[str], recipients: list[str], text: str, same_claim: ClaimMatcher
    ) -> list[dict[str, Any]]:
        """Stored claims that a proposition (or, without a frame, a text) is."""
        rows: Sequence[Row]
        with self.engine.connect() as conn:
            if frame and terms:
                rows = self._claim_candidates(conn, frame, terms, recipients, same_claim)
            else:
                rows = conn.execute(
                    select(claims)
                    .where(func.lower(claims.c.text).like(f"%{_like_escape(text.lower())}%", escape="\\"))
                    .limit(20)
                ).all()
        return [{"id": r.id, "text": r.text} for r in rows]

    def claims_mentioning(
        self, words: Sequence[str], *, statements_limit: int = 500
    ) -> dict[str, tuple[dict[str, Any], list[str]]]:
        """Claims whose statements hold any of these words (full text,
        stemmed), each with its proposition (participants and recipients)
        and the words of its matching statements: the candidates
        `Record.check` ranks by meaning."""
        words = [w for w in words if _WORD.fullmatch(w)]
        if not words:
            return {}
        query = (
            select(statements.c.claim_id, statements.c.content_text, claims.c.proposition)
            .select_from(statements.join(claims, claims.c.id == statements.c.claim_id))
            .where(statements.c.claim_id.is_not(None))
        )
        if self.dialect == "sqlite":
            match = " OR ".join(f'"{w}"' for w in words)
            query = query.where(
                literal_column("statements.rowid").in_(
                    select(_STATEMENTS_FTS.c.rowid).where(literal_column("statements_fts").op("MATCH")(match))
                )
            )
        else:
            search: ColumnClause[Any] = literal_column("statements.search")
            query = query.where(search.op("@@")(func.websearch_to_tsquery("english", " or ".join(words))))
        found: dict[str, tuple[dict[str, Any], list[str]]] = {}
        with self.engine.connect() as conn:
            for claim_id, text, known in conn.execute(query.limit(statements_limit)):
                found.setdefault(claim_id, (known or {}, []))[1].append(text)
        return found

    def _add_terms(self, conn: Connection, claim_id: str, terms: set[str]) -> None:
        if not terms:
            return
        conn.execute(
            self._insert(claim_terms).on_conflict_do_nothing(),
            [{"claim_id": claim_id, "term": term[:200]} for term in sorted(terms)],
        )

    def claim_texts(self, claim_ids: Iterable[str]) -> dict[str, str]:
        """Each stored claim's text, by id."""
        return self._values_by_id(claims.c.id, claims.c.text, claim_ids)

    def _values_by_id(self, key: Any, value: Any, ids: Iterable[str]) -> dict[str, Any]:
        """`value` for each of these `key`s found, read 500 ids a query (a
        database's limit on bound parameters is far above that)."""
        wanted = sorted(set(ids))
        query = select(key, value)
        with self.engine.connect() as conn:
            return {
                found: got
                for start in range(0, len(wanted), 500)
                for found, got in conn.execute(query.where(key.in_(wanted[start : start + 500])))
            }

    def claim_evidence(self, claim_id: str) -> tuple[list[Statement], dict[str, Actor], dict[str, dt.date | None]]:
        """What reversals on a claim are worked out from: its statements in
        article order, their speakers' actors, and the day each undated
        statement is taken to be from (its article's main event)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(
                    statements,
                    articles.c.published.label("article_published"),
                    actors.c.name.label("a_name"),
                    actors.c.type.label("a_type"),
                    actors.c.country.label("a_country"),
                    actors.c.sector.label("a_sector"),
                )
                .select_from(
                    statements.join(articles, statements.c.article_id == articles.c.id).outerjoin(
                        actors, statements.c.actor_id == actors.c.id
                    )
                )
                .where(statements.c.claim_id == claim_id)
                .order_by(
                    articles.c.published.nulls_last(),
                    articles.c.pk,
                    statements.c.in_headline.desc(),
                    statements.c.content_start,
                )
            ).all()
            event_days = _event_days(conn, {row.article_id for row in rows}, self.main_event_days)
        said = [_statement_from_row(row) for row in rows]
        people = {
            row.actor_id: Actor(
                id=row.actor_id, name=row.a_name, type=ActorType(row.a_type), country=row.a_country, sector=row.a_sector
            )
            for row in rows
            if row.actor_id
        }
        days = {row.id: event_days.get(row.article_id) or row.article_published for row in rows}
        return said, people, days

    def replace_reversals(self, claim_id: str, found: list[Reversal], *, marked_at: dt.datetime | None = None) -> None:
        """Store a claim's reversals, softenings and contradictions, replacing
        the old ones; clear the claim's stale mark if it is still the one made
        at `marked_at` (read before the claim's statements were), not a
        later one another writer made meanwhile."""
        with self.engine.begin() as conn:
            if marked_at is not None:
                conn.execute(
                    stale_claims.delete().where(
                        stale_claims.c.claim_id == claim_id, stale_claims.c.marked_at <= marked_at
                    )
                )
            conn.execute(reversals.delete().where(reversals.c.claim_id == claim_id))
            if found:
                # an upsert: another writer storing this claim's reversals at
                # the same moment inserts rows our delete could not yet see
                insert = self._insert(reversals)
                said = _change_statements(conn, {i for r in found for i in r.after}, self.main_event_days)
                conn.execute(
                    insert.on_conflict_do_update(
                        index_elements=[reversals.c.id],
                        set_={c.name: insert.excluded[c.name] for c in reversals.columns if c.name != "id"},
                    ),
                    self._reversal_rows(claim_id, found, said),
                )

    @staticmethod
    def _reversal_rows(
        claim_id: str, found: list[Reversal], said: dict[str, ChangeStatementRecord] | None = None
    ) -> list[dict[str, Any]]:
        """A claim's changes as rows; `said`: what each change shows of its
        statements, for the day of its latest (none without it)."""
        now = _utcnow()
        said = said or {}

        def last_said(change: Reversal) -> dt.date | None:
            # the day `since` filters on: of the latest statement after the change, as the change shows it
            days = [day for i in change.after if i in said and (day := said[i].date) is not None]
            return max(days, default=None)

        return [
            {
                "id": ids.change_id(claim_id, r),
                "kind": r.kind,
                "actor": r.actor,
                "side": r.side,
                "first_affirmation": r.first_affirmation,
                "actor_id": ids.actor_of_side(r.side),
                "claim_id": claim_id,
                "from_stance": r.from_stance.value,
                "to_stance": r.to_stance.value,
                "before": r.before,
                "after": r.after,
                "detected_at": now,
                "last_said": last_said(r),
            }
            for r in found
        ]

    def _merge_actors(self, conn: Connection, actor_list: list[Actor]) -> dict[str, str]:
        """The store's actor for each of an article's actors (by the article's
        actor id): found by type and normalised name, else added; roles,
        aliases, country and sector it did not know are added to it. Three
        statements for the article's actors together, not three per actor."""
        by_key: dict[str, list[Actor]] = {}
        for actor in actor_list:
            by_key.setdefault(ids.actor_store_key(actor), []).append(actor)
        if not by_key:
            return {}
        # keys in a fixed order, so that concurrent writers lock rows alike (no deadlock)
        keys = sorted(by_key)
        conn.execute(
            self._insert(actors).on_conflict_do_nothing(index_elements=[actors.c.key]),
            [
                {
                    "id": ids.actor_id_of_key(key),
                    "key": key,
                    "name": first.name,
                    "type": first.type.value,
                    "country": first.country,
                    "sector": first.sector,
                    "roles": list(first.roles),
                    "aliases": list(first.aliases),
                }
                for key in keys
                for first in by_key[key][:1]
            ],
        )
        rows = {row.key: row for row in conn.execute(select(actors).where(actors.c.key.in_(keys)))}
        changes = []
        for key in keys:
            row = rows[key]
            roles, aliases, country, sector = list(row.roles), list(row.aliases), row.country, row.sector
            for actor in by_key[key]:
                roles += [r for r in actor.roles if r not in roles]
                aliases += [a for a in actor.aliases if a not in aliases]
                country, sector = country or actor.country, sector or actor.sector
            if (roles, aliases, country, sector) != (list(row.roles), list(row.aliases), row.country, row.sector):
                changes.append({"match": key, "roles": roles, "aliases": aliases, "country": country, "sector": sector})
        if changes:
            conn.execute(actors.update().where(actors.c.key == bindparam("match")), changes)
        return {actor.id: rows[key].id for key, group in by_key.items() for actor in group}

    def articles_to_analyze(self, *, limit: int = 1000, after: str | None = None) -> list[Article]:
        """Stored originals that have no analysis yet (a run that stopped
        between storing and analysing, or an ingest with analysis off), in
        the order they were stored; `after` (an article id) pages on past
        articles handed out but not yet analysed."""
        statement = (
            select(articles)
            .where(articles.c.analyzed_at.is_(None), articles.c.duplicate_of.is_(None))
            .order_by(articles.c.pk)
            .limit(limit)
        )
        if after is not None:
            statement = statement.where(
                articles.c.pk > select(articles.c.pk).where(articles.c.id == after).scalar_subquery()
            )
        with self.engine.connect() as conn:
            return [_article_from_row(row) for row in conn.execute(statement)]

    def needs_analysis(self, article_id: str) -> bool:
        """Stored as an original and not analysed yet."""
        with self.engine.connect() as conn:
            return (
                conn.execute(
                    select(articles.c.id).where(
                        articles.c.id == article_id, articles.c.analyzed_at.is_(None), articles.c.duplicate_of.is_(None)
                    )
                ).first()
                is not None
            )

    def mark_unanalyzed(self, article_ids: Iterable[str] | None = None) -> int:
        """Ask for every article (or these) to be analysed again (after an upgrade)."""
        update = articles.update().values(analyzed_at=None)
        if article_ids is not None:
            update = update.where(articles.c.id.in_(sorted(set(article_ids))))
        with self.engine.begin() as conn:
            return conn.execute(update).rowcount

    # -- reading ----------------------------------------------------------

    def _by_id(self, table, given: str):
        """One rule for every id a user types (articles, claims, actors): the
        whole id, or a prefix of at least ids.MIN_PREFIX characters that only
        one row has; anything else (a short, empty or shared prefix) finds
        nothing rather than the first of many."""
        with self.engine.connect() as conn:
            row = conn.execute(select(table).where(table.c.id == given)).first()
            if row is None and len(given) >= ids.MIN_PREFIX:
                rows = conn.execute(select(table).where(table.c.id.startswith(given, autoescape=True)).limit(2)).all()
                row = rows[0] if len(rows) == 1 else None
        return row

    def get_article(self, article_id: str) -> Article | None:
        """An article by id, or by a unique prefix of its id."""
        row = self._by_id(articles, article_id)
        return _article_from_row(row) if row is not None else None

    def list_articles(
        self,
        *,
        query: str | None = None,
        source: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        include_duplicates: bool = False,
        limit: int = 20,
        offset: int = 0,
        after: str | None = None,
        before: str | None = None,
    ) -> Listed[Article]:
        """Articles, newest first, or best match first for a full-text query;
        `after` is the cursor of the page before (`Listed.after`)."""
        statement = select(articles)
        if not include_duplicates:
            statement = statement.where(articles.c.duplicate_of.is_(None))
        if source:
            statement = statement.where(articles.c.source == source)
        if since:
            statement = statement.where(articles.c.published >= since)
        if until:
            statement = statement.where(articles.c.published <= until)
        if query:  # ranked by relevance: paged by an offset in the cursor
            statement, order = self._with_search(statement, query)
            start = offset_start("article search", after=after, before=before, offset=offset)
            statement = statement.order_by(*order, *(k.ordering() for k in _ARTICLE_ORDER.keys))
            with self.engine.connect() as conn:
                found = [_article_from_row(row) for row in conn.execute(statement.limit(limit).offset(start))]
            more = len(found) == limit and limit > 0
            return offset_page("article search", found, start=start, limit=limit, more=more)
        with self.engine.connect() as conn:
            return _ARTICLE_ORDER.fetch(
                conn,
                statement,
                lambda rows: [_article_from_row(r) for r in rows],
                limit=limit,
                offset=offset,
                after=after,
                before=before,
            )

    def _with_search(self, statement, query: str):
        if self.dialect == "sqlite":
            match = _fts5_query(query)
            statement = statement.join(_FTS, _FTS.c.rowid == articles.c.pk).where(
                literal_column("articles_fts").op("MATCH")(match)
            )
            return statement, [_FTS.c.rank]
        tsquery = func.websearch_to_tsquery("english", query)
        search: ColumnClause[Any] = literal_column("articles.search")
        return statement.where(search.op("@@")(tsquery)), [func.ts_rank(search, tsquery).desc()]

    def _with_statement_search(self, statement, query: str):
        """Statements whose words match a full-text query (every word or
        "phrase", stemmed), through the statements' own index."""
        if self.dialect == "sqlite":
            return statement.where(
                literal_column("statements.rowid").in_(
                    select(_STATEMENTS_FTS.c.rowid).where(
                        literal_column("statements_fts").op("MATCH")(_fts5_query(query))
                    )
                )
            )
        search: ColumnClause[Any] = literal_column("statements.search")
        return statement.where(search.op("@@")(func.websearch_to_tsquery("english", query)))

    def list_statements(
        self,
        *,
        speaker: str | None = None,
        actor_id: str | None = None,
        country: str | None = None,
        cue_class: str | None = None,
        kind: str | None = None,
        stance: str | None = None,
        claim_id: str | None = None,
        article_id: str | None = None,
        source: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        query: str | None = None,
        min_confidence: float | None = None,
        min_speaker_confidence: float | None = None,
        limit: int = 50,
        offset: int = 0,
        after: str | None = None,
        before: str | None = None,
    ) -> Listed[StatementRecord]:
        """Statements with their speaker's actor and article, newest article
        first (then by place in the article, then id: a stable order for
        paging). `speaker` matches the name of the speaker's resolved actor
        (case-insensitive, any part); `country` is the actor's ISO code;
        `source` the article's outlet (its site name or host, as stored);
        `since`/`until` bound the day the statement was made (else its
        article's date); `query` is a full-text search of what was said;
        `min_confidence` and `min_speaker_confidence` keep the statements
        scored at least so (nlp.confidence; an unscored one is left out);
        `after` is the cursor of the page before (`Listed.after`)."""
        query_ = _statement_rows()
        if speaker:
            # through the actors (far fewer than statements), then the
            # statements' actor index: fast at any size
            pattern = f"%{_like_escape(speaker.lower())}%"
            speakers = select(actors.c.id).where(func.lower(actors.c.name).like(pattern, escape="\\"))
            query_ = query_.where(statements.c.actor_id.in_(speakers))
        if actor_id:
            query_ = query_.where(statements.c.actor_id == actor_id)
        if country:
            query_ = query_.where(actors.c.country == country.upper())
        if cue_class:
            query_ = query_.where(statements.c.cue_class == cue_class.lower())
        if kind:
            query_ = query_.where(statements.c.kind == kind.lower())
        if stance:
            query_ = query_.where(statements.c.stance == stance.lower())
        if claim_id:
            query_ = query_.where(statements.c.claim_id == claim_id)
        if article_id:
            query_ = query_.where(statements.c.article_id == article_id)
        if source:
            query_ = query_.where(articles.c.source == source)
        day = func.coalesce(statements.c.said_on, statements.c.said_until, articles.c.published)
        if since:
            query_ = query_.where(day >= since)
        if until:
            query_ = query_.where(day <= until)
        if min_confidence is not None:
            query_ = query_.where(statements.c.confidence >= min_confidence)
        if min_speaker_confidence is not None:
            query_ = query_.where(statements.c.speaker_confidence >= min_speaker_confidence)
        if query and query.strip():
            query_ = self._with_statement_search(query_, query)
        with self.engine.connect() as conn:
            return _STATEMENT_ORDER.fetch(
                conn, query_, _built_as(StatementRecord), limit=limit, offset=offset, after=after, before=before
            )

    def get_actor(self, actor_id: str) -> ActorRecord | None:
        """An actor by id, or by a unique prefix of its id, with how many
        statements it made."""
        row = self._by_id(actors, actor_id)
        if row is None:
            return None
        with self.engine.connect() as conn:
            said = conn.execute(select(func.count()).where(statements.c.actor_id == row.id)).scalar_one()
            flag = conn.execute(
                select(corrected_flag(actors.c.id, ACTOR_KINDS, ("merge-actors",))).where(actors.c.id == row.id)
            ).scalar()
        return ActorRecord.from_row({**row._mapping, "statements": said, "corrected": bool(flag)})

    def actor_positions(self, actor_id: str) -> list[PositionRecord]:
        """For each claim an actor spoke about: how often it took each stance,
        and its first and last word on it."""
        day = func.coalesce(statements.c.said_on, statements.c.said_until, articles.c.published)
        q = (
            select(
                statements.c.claim_id,
                claims.c.text.label("claim_text"),
                statements.c.stance,
                func.count().label("statements"),
                func.min(day).label("first"),
                func.max(day).label("last"),
            )
            .select_from(
                statements.join(claims, claims.c.id == statements.c.claim_id).join(
                    articles, articles.c.id == statements.c.article_id
                )
            )
            .where(statements.c.actor_id == actor_id)
            .group_by(statements.c.claim_id, claims.c.text, statements.c.stance)
            .order_by(statements.c.claim_id, statements.c.stance)
        )
        positions: dict[str, dict[str, Any]] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(q):
                claim = positions.setdefault(
                    row.claim_id,
                    {
                        "claim_id": row.claim_id,
                        "claim_text": row.claim_text,
                        "stances": {},
                        "first": None,
                        "last": None,
                    },
                )
                claim["stances"][row.stance or "unknown"] = row.statements
                claim["first"] = min(filter(None, [claim["first"], row.first]), default=None)
                claim["last"] = max(filter(None, [claim["last"], row.last]), default=None)
        ordered = sorted(positions.values(), key=lambda c: (-sum(c["stances"].values()), c["claim_id"]))
        return [PositionRecord.from_row(p) for p in ordered]

    def iter_rows(self, table_name: str, *, batch: int = 1000) -> Iterator[dict[str, Any]]:
        """Every row of a table, in primary-key order, a batch at a time
        (for exports: memory stays bounded whatever the store's size)."""
        table = metadata.tables[table_name]
        keys = list(table.primary_key.columns)
        last: tuple[Any, ...] | None = None
        with self.engine.connect() as conn:
            while True:
                q = select(table).order_by(*keys).limit(batch)
                if last is not None:
                    q = q.where(tuple_(*keys) > tuple_(*last)) if len(keys) > 1 else q.where(keys[0] > last[0])
                rows = conn.execute(q).all()
                for row in rows:
                    yield dict(row._mapping)
                if len(rows) < batch:
                    return
                last = tuple(getattr(rows[-1], k.name) for k in keys)

    def list_actors(
        self,
        *,
        country: str | None = None,
        name: str | None = None,
        limit: int = 50,
        offset: int = 0,
        after: str | None = None,
        before: str | None = None,
    ) -> Listed[ActorRecord]:
        """Actors with how many statements each made, the most quoted first."""
        said = select(statements.c.actor_id, func.count().label("n")).group_by(statements.c.actor_id).subquery()
        count = func.coalesce(said.c.n, 0).label("statements")
        flag = corrected_flag(actors.c.id, ACTOR_KINDS, ("merge-actors",))
        query = select(actors, count, flag).select_from(actors.outerjoin(said, said.c.actor_id == actors.c.id))
        query = query.where(~merged_away(actors.c.id))  # its statements are the other actor's now
        if country:
            query = query.where(actors.c.country == country.upper())
        if name:
            query = query.where(func.lower(actors.c.name).like(f"%{_like_escape(name.lower())}%", escape="\\"))
        order = Keyset("actors", (SortKey(count.element, True), SortKey(actors.c.name), SortKey(actors.c.id)))
        with self.engine.connect() as conn:
            return order.fetch(
                conn, query, _built_as(ActorRecord), limit=limit, offset=offset, after=after, before=before
            )

    def list_claims(
        self,
        *,
        query: str | None = None,
        limit: int = 50,
        offset: int = 0,
        after: str | None = None,
        before: str | None = None,
    ) -> Listed[ClaimRecord]:
        """Claims, the most discussed first, with their stance counts (kept
        with each claim: an index read at any size)."""
        q = _claim_rows().where(claims.c.statement_count > 0)
        if query:
            q = q.where(func.lower(claims.c.text).like(f"%{_like_escape(query.lower())}%", escape="\\"))
        with self.engine.connect() as conn:
            return _CLAIM_ORDER.fetch(
                conn, q, _built_as(ClaimRecord), limit=limit, offset=offset, after=after, before=before
            )

    def get_claim(self, claim_id: str) -> ClaimRecord | None:
        """A claim by id, or by a unique prefix of its id ("clm_3f9a")."""
        row = self._by_id(claims, claim_id)
        if row is None:
            return None
        with self.engine.connect() as conn:
            found = conn.execute(_claim_rows().where(claims.c.id == row.id)).one()
        return ClaimRecord.from_row(found._mapping)

    def claim_timeline(self, claim_id: str) -> list[TimelineRecord]:
        """A claim's statements in time order: who (and for whom), stance,
        when, and in which article."""
        with self.engine.connect() as conn:
            rows = [
                dict(row._mapping) for row in conn.execute(_statement_rows().where(statements.c.claim_id == claim_id))
            ]
            event_days = _event_days(conn, {row["article_id"] for row in rows}, self.main_event_days)
        for row in rows:
            row["when"] = _timeline_day(row, event_days)
        rows.sort(key=_timeline_order)
        return [TimelineRecord.from_row(row) for row in rows]

    def claim_timeline_page(self, claim_id: str, *, limit: int, offset: int = 0) -> tuple[list[TimelineRecord], int]:
        """A page of `claim_timeline` and the timeline's length. The order is
        worked out on the sort keys alone; only the page's rows are read
        whole (a claim may have hundreds of thousands of statements)."""
        keys = (
            select(
                statements.c.id,
                statements.c.article_id,
                statements.c.said_on,
                statements.c.said_until,
                statements.c.earlier,
                statements.c.content_start,
                articles.c.published.label("article_published"),
            )
            .select_from(statements.join(articles, statements.c.article_id == articles.c.id))
            .where(statements.c.claim_id == claim_id)
        )
        with self.engine.connect() as conn:
            ordered = [dict(row._mapping) for row in conn.execute(keys)]
            event_days = _event_days(conn, {row["article_id"] for row in ordered}, self.main_event_days)
            for row in ordered:
                row["when"] = _timeline_day(row, event_days)
            ordered.sort(key=_timeline_order)
            wanted = [row["id"] for row in ordered[offset : offset + limit]]
            rows = {
                row.id: dict(row._mapping) for row in conn.execute(_statement_rows().where(statements.c.id.in_(wanted)))
            }
        page = [rows[i] for i in wanted if i in rows]
        for row in page:
            row["when"] = _timeline_day(row, event_days)
        return [TimelineRecord.from_row(row) for row in page], len(ordered)

    def list_reversals(
        self,
        *,
        kind: str | None = "reversal",
        kinds: tuple[str, ...] = (),
        actor: str | None = None,
        since: dt.date | None = None,
        claim_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
        after: str | None = None,
        before: str | None = None,
    ) -> Listed[ChangeRecord]:
        """Changes of position (or contradictions, with kind="contradiction";
        several kinds with `kinds`), with the claim and the statements before
        and after. `since` keeps changes whose later statements are on or after
        that day (the day of the latest, kept with each change: a filter in
        SQL, before paging, so pages come back full)."""
        q = _change_rows()
        if kinds:
            q = q.where(reversals.c.kind.in_(kinds))
        elif kind:
            q = q.where(reversals.c.kind == kind)
        if actor:
            q = q.where(func.lower(reversals.c.actor).like(f"%{_like_escape(actor.lower())}%", escape="\\"))
        if claim_id:
            q = q.where(reversals.c.claim_id == claim_id)
        if since:
            q = q.where(reversals.c.last_said >= since)
        with self.engine.connect() as conn:
            build = functools.partial(_change_records, conn, main_event_days=self.main_event_days)
            return _CHANGE_ORDER.fetch(conn, q, build, limit=limit, offset=offset, after=after, before=before)

    def list_events(
        self,
        *,
        code: str | None = None,
        source: str | None = None,
        target: str | None = None,
        happened: bool | None = None,
        article_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
        after: str | None = None,
        before: str | None = None,
    ) -> Listed[EventRecord]:
        """Coded events, newest article first; `code`, `source` and `target`
        match as prefixes ("07" is every provide-aid code, "IRN" every
        Iranian actor)."""
        q = _event_rows()
        if code:
            q = q.where(events.c.code.startswith(code, autoescape=True))  # % and _ match themselves
        if source:
            q = q.where(events.c.source_code.startswith(source.upper(), autoescape=True))
        if target:
            q = q.where(events.c.target_code.startswith(target.upper(), autoescape=True))
        if happened is not None:
            q = q.where(events.c.happened == happened)
        if article_id:
            q = q.where(events.c.article_id == article_id)
        with self.engine.connect() as conn:
            return _EVENT_ORDER.fetch(
                conn,
                q,
                lambda rows: [event_record(r._mapping, r.article_text) for r in rows],
                limit=limit,
                offset=offset,
                after=after,
                before=before,
            )

    # What each kind of record is read with, in id order, for `iter_records`.
    RECORD_KINDS = ("statements", "claims", "events", "reversals", "actors")

    def iter_records(self, what: str, *, batch: int = 1000) -> Iterator[ReadModel]:
        """Every record of a kind (statements, claims, events, reversals,
        actors), as the queries give them, in id order, a batch at a time
        (keyset on the id: memory and time per batch stay bounded)."""
        if what not in self.RECORD_KINDS:
            raise ValueError(f"unknown records {what!r}; choose one of {', '.join(self.RECORD_KINDS)}")
        query, key = {
            "statements": (_statement_rows(), statements.c.id),
            "claims": (_claim_rows(), claims.c.id),
            "events": (_event_rows(), events.c.id),
            "reversals": (_change_rows(), reversals.c.id),
            "actors": (_actor_rows(), actors.c.id),
        }[what]
        last: str | None = None
        with self.engine.connect() as conn:
            while True:
                q = query.order_by(key).limit(batch)
                if last is not None:
                    q = q.where(key > last)
                rows = conn.execute(q).all()
                yield from _records_of(what, conn, rows, self.main_event_days)
                if len(rows) < batch:
                    return
                last = rows[-1].id

    def list_failures(self, *, limit: int = 100) -> list[Failure]:
        statement = select(failures).order_by(failures.c.last_seen.desc(), failures.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [
                Failure(source_ref=r.source_ref, reason=r.reason, stage=r.stage, occurred_at=r.last_seen)
                for r in conn.execute(statement)
            ]

    def stats(self) -> dict[str, Any]:
        with self.engine.connect() as conn:
            originals = articles.c.duplicate_of.is_(None)
            count = conn.execute(select(func.count()).where(originals)).scalar_one()
            near = conn.execute(select(func.count()).where(articles.c.duplicate_of.is_not(None))).scalar_one()
            words = conn.execute(
                select(func.coalesce(func.sum(articles.c.word_count), 0)).where(originals)
            ).scalar_one()
            first, last = conn.execute(
                select(func.min(articles.c.published), func.max(articles.c.published)).where(originals)
            ).one()
            failed = conn.execute(select(func.count()).select_from(failures)).scalar_one()
            said = conn.execute(select(func.count()).select_from(statements)).scalar_one()
            people = conn.execute(select(func.count()).select_from(actors)).scalar_one()
            pending = conn.execute(select(func.count()).where(originals, articles.c.analyzed_at.is_(None))).scalar_one()

            def counts(col, top: int = 10) -> dict[str, int]:
                rows = conn.execute(
                    select(col, func.count())
                    .where(originals)
                    .group_by(col)
                    .order_by(func.count().desc(), col)
                    .limit(top)
                )
                return {str(key) if key is not None else "(none)": n for key, n in rows}

            return {
                "articles": count,
                "near_duplicates": near,
                "words": int(words),
                "failures": failed,
                "statements": said,
                "actors": people,
                "not_analyzed": pending,
                "published_from": _iso(first),
                "published_to": _iso(last),
                "sources": counts(articles.c.source),
                "date_sources": counts(articles.c.date_source),
                "languages": counts(articles.c.language),
            }


ACTOR_KINDS = ("rename-actor", "merge-actors")


def _records_of(what: str, conn: Connection, rows: Sequence[Row], main_event_days: int) -> list[Any]:
    if what == "statements":
        return [StatementRecord.from_row(row._mapping) for row in rows]
    if what == "claims":
        return [ClaimRecord.from_row(row._mapping) for row in rows]
    if what == "events":
        return [event_record(row._mapping, row.article_text) for row in rows]
    if what == "reversals":
        return _change_records(conn, rows, main_event_days)
    return [ActorRecord.from_row(row._mapping) for row in rows]


def _actor_rows() -> Any:
    """Actors with how many statements each made (counted on the statements'
    actor index, an actor at a time)."""
    said = select(func.count()).where(statements.c.actor_id == actors.c.id).scalar_subquery()
    return select(actors, said.label("statements"), corrected_flag(actors.c.id, ACTOR_KINDS, ("merge-actors",)))


def _event_rows() -> Any:
    """Events with their article's date, URL, title and text (for the
    event's words and sentence) and the day of the statement reporting it."""
    return select(
        events,
        articles.c.published,
        articles.c.url,
        articles.c.title,
        articles.c.text.label("article_text"),
        statements.c.said_on,
    ).select_from(
        events.join(articles, events.c.article_id == articles.c.id).outerjoin(
            statements, statements.c.id == events.c.statement_id
        )
    )


def _change_rows() -> Any:
    return select(reversals, claims.c.text.label("claim_text")).select_from(
        reversals.join(claims, claims.c.id == reversals.c.claim_id)
    )


def _change_records(conn: Connection, rows: Sequence[Row], main_event_days: int) -> list[ChangeRecord]:
    """Change rows as records, with the statements before and after."""
    found = [dict(row._mapping) for row in rows]
    details = _change_statements(
        conn, {i for r in found for i in list(r["before"]) + list(r["after"])}, main_event_days
    )
    for r in found:
        r["before"] = [details[i] for i in r["before"] if i in details]
        r["after"] = [details[i] for i in r["after"] if i in details]
    return [ChangeRecord.from_row(r) for r in found]


def _change_statements(
    conn: Connection, statement_ids: set[str], main_event_days: int
) -> dict[str, ChangeStatementRecord]:
    """What a change shows of each of its statements, by id."""
    if not statement_ids:
        return {}
    rows = conn.execute(_statement_rows().where(statements.c.id.in_(sorted(statement_ids)))).all()
    event_days = _event_days(conn, {row.article_id for row in rows}, main_event_days)
    return {
        row.id: change_statement(StatementRecord.from_row(row._mapping), event_days.get(row.article_id)) for row in rows
    }


def _claim_rows() -> Any:
    """Claims with their counts, as a ClaimRecord holds them."""
    flips = select(reversals.c.claim_id, func.count().label("n")).group_by(reversals.c.claim_id).subquery()
    return select(
        claims.c.id,
        claims.c.text,
        claims.c.frame,
        claims.c.statement_count.label("statements"),
        claims.c.article_count.label("articles"),
        claims.c.affirm_count.label("affirm"),
        claims.c.deny_count.label("deny"),
        func.coalesce(flips.c.n, 0).label("changes"),
        corrected_flag(claims.c.id, ("rename-claim",)),
    ).select_from(claims.outerjoin(flips, flips.c.claim_id == claims.c.id))


def _statement_rows() -> Any:
    """Statements with their speaker's actor and article, as a
    StatementRecord holds them."""
    return select(
        statements,
        actors.c.name.label("actor_name"),
        actors.c.country.label("actor_country"),
        actors.c.sector.label("actor_sector"),
        actors.c.type.label("actor_type"),
        articles.c.title.label("article_title"),
        articles.c.url.label("article_url"),
        articles.c.published.label("article_published"),
        articles.c.source.label("article_source"),
        corrected_flag(statements.c.id, STATEMENT_KINDS),
    ).select_from(
        statements.join(articles, statements.c.article_id == articles.c.id).outerjoin(
            actors, statements.c.actor_id == actors.c.id
        )
    )


# The lists' orders, for keyset paging (store/paging.py): each ends on a
# unique key, so the order is total and a cursor names one place in it.
_ARTICLE_ORDER = Keyset("articles", (SortKey(articles.c.published, True), SortKey(articles.c.pk, True)))
_STATEMENT_ORDER = Keyset(
    "statements",
    (
        SortKey(articles.c.published, True),  # newest article first
        SortKey(articles.c.pk, True),
        SortKey(statements.c.in_headline, True),  # its headline, then its body in reading order
        SortKey(statements.c.content_start),
        SortKey(statements.c.id),
    ),
)
_CLAIM_ORDER = Keyset("claims", (SortKey(claims.c.statement_count, True), SortKey(claims.c.id)))
_CHANGE_ORDER = Keyset("changes", (SortKey(reversals.c.detected_at, True), SortKey(reversals.c.id)))
_EVENT_ORDER = Keyset(
    "events",
    (
        SortKey(articles.c.published, True),
        SortKey(events.c.article_id),
        SortKey(events.c.span_start),
        SortKey(events.c.id),
    ),
)
_CORRECTION_ORDER = Keyset("corrections", (SortKey(corrections.c.id, True),))


def _built_as(kind: type[ReadModel]) -> Callable[[Sequence[Row]], list[Any]]:
    """Rows to read models of a kind."""
    return lambda rows: [kind.from_row(row._mapping) for row in rows]


def _correction_records(found: Sequence[Row]) -> list[CorrectionRecord]:
    rows = [dict(row._mapping) for row in found]
    for row in rows:
        row["old_value"] = (
            json.loads(row["old_value"]) if row["old_value"] and row["kind"] != "undo" else row["old_value"]
        )
        row["made_at"] = _as_utc(row["made_at"])
    return [CorrectionRecord.from_row(row) for row in rows]


def _timeline_day(row: dict[str, Any], event_days: dict[str, dt.date]) -> dt.date | None:
    # undated: the day of the article's main event, as for reversals
    return row["said_on"] or row["said_until"] or event_days.get(row["article_id"]) or row["article_published"]


def _timeline_order(row: dict[str, Any]) -> tuple:
    # the statement id last: ties keep one order, so that pages neither skip nor repeat
    return (
        row["when"] or dt.date.max,
        not row["earlier"],
        row["article_published"] or dt.date.max,
        row["article_id"],
        row["content_start"] or 0,
        row["id"],
    )


def _iso(value: dt.date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else value


def _fts5_query(query: str) -> str:
    """A user's search as a safe FTS5 query: every word or "quoted phrase"
    must occur (FTS5 operators and punctuation are taken as plain text)."""
    terms = []
    for phrase, word in _PHRASE_OR_WORD.findall(query):
        words = _WORD.findall(phrase or word)
        if words:
            terms.append('"' + " ".join(words) + '"')
    return " ".join(terms) or '""'


def _like_escape(text: str) -> str:
    """A user's text inside a LIKE pattern matches itself: % and _ are not wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _event_days(conn: Connection, article_ids: set[str], days_before_publication: int) -> dict[str, dt.date]:
    """Each article's main event day: the latest day its statements give, but
    not long before it was published (timeline.main_event_day). An undated
    statement ("had previously denied") is placed by it."""
    from onrecord.claims.timeline import main_event_day

    if not article_ids:
        return {}
    latest = func.max(func.coalesce(statements.c.said_on, statements.c.said_until))
    rows = conn.execute(
        select(articles.c.id, articles.c.published, latest)
        .select_from(articles.outerjoin(statements, statements.c.article_id == articles.c.id))
        .where(articles.c.id.in_(sorted(article_ids)))
        .group_by(articles.c.id, articles.c.published)
    ).all()
    days = {
        article_id: main_event_day(_as_date(given), _as_date(published), days_before_publication)
        for article_id, published, given in rows
    }
    return {article_id: day for article_id, day in days.items() if day is not None}


def _as_date(value: dt.date | dt.datetime | str | None) -> dt.date | None:
    if value is None or type(value) is dt.date:
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


def _statement_from_row(row: Row) -> Statement:
    """A stored statement, as much of it as timelines and reversals need."""
    return Statement(
        id=row.id,
        kind=StatementKind(row.kind),
        content=Mention(row.content_text, None),
        speaker_name=row.speaker_name,
        actor_id=row.actor_id,
        cue_class=row.cue_class,
        stance=Stance(row.stance) if row.stance else None,
        claim_id=row.claim_id,
        date=row.said_on,
        date_start=row.said_from,
        date_end=row.said_until,
        earlier=row.earlier,
        side=row.side,
        side_name=row.side_name,
        paragraph_index=row.paragraph_index,
    )


def event_row(article_id: str, number: int, e: Event) -> dict[str, Any]:
    """An event as the events table holds it."""
    return {
        "id": ids.event_id(article_id, number),
        "article_id": article_id,
        "statement_id": ids.statement_id(article_id, e.reported_by) if e.reported_by else None,
        "code": e.code,
        "root": e.code[:2],
        "source_code": e.source or None,
        "target_code": e.target or None,
        "span_start": e.span[0] if e.span else None,
        "span_end": e.span[1] if e.span else None,
        "stance": e.stance.value if e.stance else None,
        "happened": e.happened,
    }


# A stance toward a claim stored in the opposite sense of the article's own.
_OPPOSITE_STANCE = {"affirm": "deny", "deny": "affirm"}


def statement_row(
    article_id: str,
    statement: Statement,
    global_ids: dict[str, str],
    in_headline: bool,
    claim_ids: dict[str, str] | None = None,
    opposite_sense: bool = False,
) -> dict[str, Any]:
    def start(mention: Mention | None) -> int | None:
        return mention.span[0] if mention is not None and mention.span else None

    def end(mention: Mention | None) -> int | None:
        return mention.span[1] if mention is not None and mention.span else None

    return {
        "id": ids.statement_id(article_id, statement.id),
        "article_id": article_id,
        "kind": statement.kind.value,
        "actor_id": global_ids.get(statement.actor_id) if statement.actor_id else None,
        "speaker_name": statement.speaker_name,
        "speaker_text": statement.speaker.text if statement.speaker else None,
        "speaker_start": start(statement.speaker),
        "speaker_end": end(statement.speaker),
        "cue_text": statement.cue.text if statement.cue else None,
        "cue_lemma": statement.cue_lemma,
        "cue_class": statement.cue_class,
        "cue_start": start(statement.cue),
        "cue_end": end(statement.cue),
        "content_text": statement.content.text,
        "content_start": start(statement.content),
        "content_end": end(statement.content),
        "sentence_index": statement.sentence_index,
        "paragraph_index": statement.paragraph_index,
        "stance": (
            _OPPOSITE_STANCE.get(statement.stance.value, statement.stance.value)
            if opposite_sense
            else statement.stance.value
        )
        if statement.stance
        else None,
        "claim_id": (claim_ids or {}).get(statement.claim_id) if statement.claim_id else None,
        "date_text": statement.date_text,
        "said_on": statement.date,
        "said_from": statement.date_start,
        "said_until": statement.date_end,
        "earlier": statement.earlier,
        "side": _stored_side(statement, global_ids),
        "side_name": statement.side_name,
        "frame": statement.frame,
        "in_headline": in_headline,
        "confidence": statement.confidence,
        "speaker_confidence": statement.speaker_confidence,
    }


def _stored_side(statement: Statement, global_ids: dict[str, str]) -> str | None:
    """The statement's side with an actor side under the actor's store id:
    the side's own actor (a lawyer's side is their client), else the speaker."""
    side = statement.side
    if side and not side.startswith("actor:"):
        return side
    local = side.removeprefix("actor:") if side else statement.actor_id
    stored = global_ids.get(local) if local else None
    return f"actor:{stored}" if stored else side


def _article_row(article: Article, url_hash: str | None, sig: bytes, original: str | None) -> dict[str, Any]:
    return {
        "id": article.id,
        "url": article.url,
        "url_hash": url_hash,
        "content_hash": article.content_hash,
        "source_ref": article.source_ref,
        "external_id": article.external_id,
        "source": article.source,
        "title": article.title,
        "authors": list(article.authors),
        "published": article.published,
        "date_source": article.date_source.value,
        "language": article.language,
        "text": article.text,
        "word_count": article.word_count,
        "ingested_at": article.ingested_at or _utcnow(),
        "duplicate_of": original,
        "minhash": sig,
    }


def _article_from_row(row: Row) -> Article:
    return Article(
        id=row.id,
        text=row.text,
        content_hash=row.content_hash,
        source_ref=row.source_ref,
        url=row.url,
        source=row.source,
        title=row.title,
        authors=list(row.authors or []),
        published=row.published,
        date_source=DateSource(row.date_source),
        language=row.language,
        ingested_at=row.ingested_at,
        duplicate_of=row.duplicate_of,
        external_id=row.external_id,
        # stored under its URL's own key: fetched from it (see _url_keys)
        url_fetched=row.url is not None and getattr(row, "url_hash", None) == _sha256(row.url),
    )
