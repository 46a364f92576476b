"""The Python API over a store: `Record(db_url).ingest(...)` and queries.

The CLI is a thin layer over this class.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from onrecord.ingest.dates import parse_user_date
from onrecord.ingest.decode import storable_failure
from onrecord.ingest.draft import IngestOptions
from onrecord.model import Article, Claim, Failure, Statement
from onrecord.records import (
    ActorDetailRecord,
    ActorRecord,
    ChangeRecord,
    CheckedClaimRecord,
    ClaimRecord,
    CorrectionRecord,
    EventRecord,
    StatementRecord,
    TimelineRecord,
)
from onrecord.settings import DEFAULT_SETTINGS, Settings
from onrecord.store import AddResult, Store
from onrecord.store.paging import Listed

if TYPE_CHECKING:
    from onrecord.analysis import Analysis, Analyzer
    from onrecord.run.local import Runner

# Articles a run stores after which the planner's statistics are refreshed:
# a tenth of the 10,000-article synthetic store on which stale statistics
# were first seen to matter (bench/store_queries.py); cheap next to a run of
# that size (ANALYZE takes milliseconds on SQLite with its sample limit).
STATISTICS_AFTER = 1000

P = ParamSpec("P")
R = TypeVar("R")


def _filters_of(
    store_method: Callable[Concatenate[Store, P], R],
) -> Callable[[Callable[..., R]], Callable[Concatenate[Record, P], R]]:
    """Give a listing of Record the filters of the store's query it runs:
    one signature, checked by mypy at every call and shown by help(), not
    `**filters: Any` (and not a copy that could drift)."""

    def give(method: Callable[..., R]) -> Callable[..., R]:
        method.__signature__ = inspect.signature(store_method)  # type: ignore[attr-defined]
        return method

    return give


# The statement filters of the API and the CLI, by their parameter name, and
# the store's name for each.
STATEMENT_FILTERS = {
    "speaker": "speaker",
    "actor": "actor_id",
    "country": "country",
    "cue": "cue_class",
    "kind": "kind",
    "stance": "stance",
    "claim": "claim_id",
    "article": "article_id",
    "source": "source",
    "since": "since",
    "until": "until",
    "q": "query",
    "min_confidence": "min_confidence",
    "min_speaker_confidence": "min_speaker_confidence",
}

# What an ingest reads one source with, called when its turn comes.
Reader = Callable[[], Iterable[Article | Failure]]


class _Writer:
    """The one writer of an ingest: hands batches of stored articles to a
    runner and stores the results as they come back, in order, a batch a
    transaction. Articles are analysed in the order they are queued, which
    decides how actors and claims merge (an actor's roles in the order met,
    its first country and sector), so a queue in input order gives the
    store of an uninterrupted run."""

    def __init__(self, record: Record, runner: Runner, report: IngestReport) -> None:
        self.record, self.runner, self.report = record, runner, report
        self.submitted: dict[str, str] = {}  # source reference -> article id, of what is in flight
        self.in_flight: set[str] = set()  # article ids queued or submitted, whose results are not stored yet
        self.queued: list[Article] = []
        self.ready: list[Analysis | Failure] = []
        self.batch = record.settings.limits.analyze_batch

    def __enter__(self) -> _Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.runner.close()

    def queue(self, article: Article) -> None:
        """Analyse this article after those queued before it (once, however
        often the input holds it)."""
        if article.id in self.in_flight:
            return
        self.in_flight.add(article.id)
        self.queued.append(article)
        if len(self.queued) >= self.batch:
            self.submit_queued()

    def submit_queued(self) -> None:
        batch, self.queued = self.queued, []
        self.submit(batch)

    def submit(self, articles: list[Article]) -> None:
        if not articles:
            return
        self.submitted.update((a.source_ref, a.id) for a in articles)
        self.in_flight.update(a.id for a in articles)
        self._take(self.runner.submit(list(articles)))

    def take_analysed(self, article: Article, result: Analysis | Failure) -> None:
        """A result analysed elsewhere (a Ray shard), stored in its turn."""
        self.submitted[article.source_ref] = article.id
        self.in_flight.add(article.id)
        self._take([result])

    def finish(self) -> None:
        self.submit_queued()
        self._take(self.runner.finish())
        self._flush()
        # what a killed run stored but did not finish: its claims' reversals
        self.record.update_stale_reversals()
        store = self.record.store
        # statistics once a store has some, and again after a large run
        # (PostgreSQL's autovacuum also keeps them, SQLite nothing does)
        if self.report.stored and (self.report.stored >= STATISTICS_AFTER or not store.has_statistics()):
            store.refresh_statistics()

    def _take(self, results: Iterable[Analysis | Failure]) -> None:
        for result in results:
            self.ready.append(result)
            if len(self.ready) >= self.batch:
                self._flush()

    def _flush(self) -> None:
        if self.ready:
            batch, self.ready = self.ready, []
            self.record.save_results(batch, self.submitted, self.report)
            for result in batch:
                ref = result.source_ref if isinstance(result, Failure) else result.article.source_ref
                article_id = self.submitted.pop(ref, None)
                if article_id is not None:
                    self.in_flight.discard(article_id)


@dataclass
class IngestReport:
    """What one ingest did: counts by outcome, and every failure with its reason."""

    counts: Counter[str] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    stopped_early: bool = False  # --strict stopped at the first failure

    @property
    def stored(self) -> int:
        return self.counts["stored"]

    @property
    def duplicates(self) -> int:
        return self.counts["duplicate"]

    @property
    def near_duplicates(self) -> int:
        return self.counts["near_duplicate"]

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def analyzed(self) -> int:
        return self.counts["analyzed"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "stored": self.stored,
            "duplicates": self.duplicates,
            "near_duplicates": self.near_duplicates,
            "failed": self.failed,
            "analyzed": self.analyzed,
            "failures": [{"source": f.source_ref, "reason": f.reason} for f in self.failures],
            "stopped_early": self.stopped_early,
        }


class IngestProgress:
    """What an ingest tells its caller as it goes (the CLI draws a progress
    bar from it). Every method does nothing by default."""

    def start(self, sources: int, expected: dict[str, int] | None = None) -> None:
        """Called once, with the number of sources (files, URLs) to read and,
        where known, how many documents each is expected to hold (by source
        reference: a JSONL file's lines; a feed or WARC counts one until read)."""

    def item(self, item: Article | Failure, result: AddResult | None) -> None:
        """Called for each article stored or skipped, and each failure."""

    def source_done(self, ref: str) -> None:
        """Called when a source has been read to its end."""


class Record:
    """The record kept in one store (SQLite file or PostgreSQL URL), read
    and analysed under `settings` (the defaults when none are given): `db`
    and `model`, when given, win over the settings' own."""

    def __init__(self, db: str | None = None, *, model: str | None = None, settings: Settings | None = None) -> None:
        self.settings = settings if settings is not None else DEFAULT_SETTINGS
        self.store = Store(
            db or self.settings.db, main_event_days=self.settings.claims.main_event_days_before_publication
        )
        self.model = model or self.settings.model
        self._analyzer: Analyzer | None = None

    @property
    def analyzer(self) -> Analyzer:
        """The NLP analysis, loaded on first use (ingest --no-analyze never loads it)."""
        if self._analyzer is None:
            from onrecord.analysis import Analyzer

            self._analyzer = Analyzer(self.model, settings=self.settings)
        return self._analyzer

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Record:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ingest(
        self,
        sources: Iterable[str],
        *,
        published: str | dt.date | None = None,
        max_bytes: int | None = None,
        languages: Iterable[str] | None = None,
        strict: bool = False,
        analyze: bool = True,
        progress: IngestProgress | None = None,
        workers: int = 1,
        allow_private: bool = False,
    ) -> IngestReport:
        """Read sources (paths, folders, URLs, "-") into the store and, with
        `analyze`, find their statements and actors. Bad inputs are recorded
        as failures and the rest goes on, unless `strict`. Re-running adds
        nothing that is already stored, and analyses what an interrupted
        run stored but did not analyse, each in its place in the input, so
        that the store ends as an uninterrupted run's. With `workers` > 1
        the analysis runs in that many processes
        (`onrecord.run.local.PoolRunner`); the record is the same.
        `max_bytes` and `languages` default to the settings'."""
        options = self.ingest_options(
            published=parse_user_date(published),
            languages=languages,
            allow_private=allow_private,
            max_bytes=max_bytes or None,
        )
        # the readers: only ingestion needs them
        from onrecord.ingest.sources import expand_sources, expected_documents, read_articles

        # Only the list of paths is held in memory, never the articles.
        entries: list[tuple[str, Reader]] = []
        expected: dict[str, int] = {}
        for entry in expand_sources(sources):
            if isinstance(entry, Failure):
                entries.append((entry.source_ref, _failed(entry)))
                expected[entry.source_ref] = 1
            else:
                ref, kind = entry
                entries.append((ref, partial(read_articles, ref, kind, options)))
                if progress is not None:
                    expected[ref] = expected_documents(ref, kind)
        return self._ingest(
            entries, strict=strict, analyze=analyze, progress=progress, workers=workers, expected=expected
        )

    def ingest_options(self, *, languages: Iterable[str] | None = None, **choices: Any) -> IngestOptions:
        """The ingest options of this record's settings, with `choices` (None: the settings')."""
        return IngestOptions.from_settings(
            self.settings, languages=tuple(languages) if languages is not None else None, **choices
        )

    def ingest_documents(
        self,
        documents: Iterable[dict[str, Any]],
        *,
        languages: Iterable[str] | None = None,
        analyze: bool = True,
    ) -> IngestReport:
        """Store documents given in memory, each a dict with `text` or
        `html` and optionally `url`, `title` and `published` (what the API's
        POST /ingest receives). Bad documents are failures, as for files."""
        from onrecord.ingest.sources import read_given_document

        options = self.ingest_options(languages=languages)
        entries: list[tuple[str, Reader]] = []
        for number, document in enumerate(documents, start=1):
            ref = document.get("url") or f"<document {number}>"
            entries.append((ref, partial(read_given_document, document, ref, options)))
        return self._ingest(entries, strict=False, analyze=analyze, progress=None)

    def ingest_urls(
        self, urls: Iterable[str], *, languages: Iterable[str] | None = None, analyze: bool = True
    ) -> IngestReport:
        """Fetch and store http(s) URLs only (what the API's POST /ingest
        receives), from public addresses only. Anything else (a path, "-",
        another scheme, a malformed URL) is a failure and never reaches a
        reader: unlike `ingest`, nothing here reads the server's own files."""
        from onrecord.ingest.sources import read_articles
        from onrecord.ingest.urls import check_fetchable_url

        options = self.ingest_options(languages=languages)  # allow_private stays off
        entries: list[tuple[str, Reader]] = []
        for url in urls:
            reason = check_fetchable_url(url)
            if reason:
                entries.append((url, _failed(Failure(url, reason))))
            else:
                entries.append((url, partial(read_articles, url, None, options)))
        return self._ingest(entries, strict=False, analyze=analyze, progress=None)

    def _ingest(
        self,
        entries: Sequence[tuple[str, Reader]],
        *,
        strict: bool,
        analyze: bool,
        progress: IngestProgress | None,
        workers: int = 1,
        expected: dict[str, int] | None = None,
    ) -> IngestReport:
        progress = progress or IngestProgress()
        report = IngestReport()
        progress.start(len(entries), expected)
        with self._writer(workers, report) as writer:
            for ref, read in entries:
                for item in read():
                    result = None
                    if isinstance(item, Failure):
                        item = storable_failure(item)  # a source or reason with NUL would fail the ingest
                        self.store.record_failure(item)
                        report.failures.append(item)
                    else:
                        result = self.store.add_article(item, self.settings.ingest.near_duplicate_jaccard)
                        report.counts[result.status] += 1
                        if analyze:
                            self._queue_in_turn(writer, item, result)
                    progress.item(item, result)
                    if strict and isinstance(item, Failure):
                        report.stopped_early = True
                        break
                if report.stopped_early:
                    break
                progress.source_done(ref)
            if analyze:
                writer.submit_queued()
                if not report.stopped_early:
                    writer.finish()
                    self._analyze_pending(writer)
        return report

    def _queue_in_turn(self, writer: _Writer, article: Article, result: AddResult) -> None:
        """Queue a stored article for analysis in its place in the input; so
        too an input a killed run stored but did not analyse, met again here
        (after those before it, ahead of those after it: the order an
        uninterrupted run analysed them in)."""
        if result.status == "stored":
            writer.queue(article)  # held only until its batch is analysed
        elif (
            result.status == "duplicate"
            and result.article_id == article.id
            and article.id not in writer.in_flight
            and self.store.needs_analysis(article.id)
        ):
            writer.queue(self.store.get_article(article.id) or article)  # what is stored is what is analysed

    def analyze_pending(self, report: IngestReport | None = None, *, workers: int = 1) -> IngestReport:
        """Analyse every stored article that has no analysis yet."""
        report = report or IngestReport()
        with self._writer(workers, report) as writer:
            self._analyze_pending(writer)
        return report

    def _analyze_pending(self, writer: _Writer) -> None:
        after = None
        while pending := self.store.articles_to_analyze(limit=self.settings.limits.analyze_batch, after=after):
            writer.submit(pending)
            after = pending[-1].id
        writer.finish()

    def reanalyze(self, *, workers: int = 1) -> IngestReport:
        """Analyse every stored article again (after onrecord was upgraded)."""
        self.store.mark_unanalyzed()
        return self.analyze_pending(workers=workers)

    def _writer(self, workers: int, report: IngestReport) -> _Writer:
        """The writer of an ingest, with its runner (workers=0: results come
        analysed, as from Ray)."""
        from onrecord.run.local import InlineRunner, PoolRunner

        runner: Runner
        if workers == 0:
            runner = InlineRunner(None)
        elif workers == 1:
            runner = InlineRunner(self.analyzer)
        else:
            runner = PoolRunner(workers, self.model, lambda: self.analyzer, settings=self.settings)
        return _Writer(self, runner, report)

    def save_results(self, results: list[Analysis | Failure], submitted: dict[str, str], report: IngestReport) -> None:
        """Store a batch of analysis results in one transaction, then work out
        the reversals of the claims they touch. An article whose analysis
        failed is kept, marked analysed with no statements, and its failure
        recorded (it is not retried forever). `submitted` maps a source
        reference to the article id it was submitted as."""
        from onrecord.claims.propositions import same_signature

        analyses = [r for r in results if not isinstance(r, Failure)]
        for failure in (storable_failure(r) for r in results if isinstance(r, Failure)):
            self.store.record_failure(failure)
            report.failures.append(failure)
            article_id = submitted.get(failure.source_ref)
            if article_id:
                self.store.save_analysis(article_id, [], [])
        same_claim = partial(same_signature, min_shared=self.settings.claims.min_shared_across_articles)
        touched = self.store.save_analyses(analyses, same_claim=same_claim) if analyses else set()
        self.update_reversals(touched)
        report.counts["analyzed"] += len(analyses)

    def update_reversals(self, claim_ids: Iterable[str]) -> None:
        """Work out again the reversals, softenings and contradictions of these
        stored claims, across every article the store holds, and clear their
        stale marks."""
        from onrecord.claims.timeline import find_reversals

        claim_ids = sorted(set(claim_ids))
        marks = self.store.stale_marks(claim_ids)  # read before the statements: a later mark survives
        texts = self.store.claim_texts(claim_ids)  # what a contradiction's two sides must both speak of
        for claim_id in claim_ids:
            said, people, days = self.store.claim_evidence(claim_id)
            claim = Claim(id=claim_id, text=texts.get(claim_id, ""))
            found = find_reversals(said, [claim], people, _day_of(days), self.settings.claims)
            self.store.replace_reversals(claim_id, found, marked_at=marks.get(claim_id))

    def update_stale_reversals(self) -> int:
        """Work out the reversals of every claim still marked stale: the
        claims of a run that was killed between storing statements and
        storing reversals. Returns how many claims were done."""
        done, after = 0, None
        while claim_ids := self.store.stale_claim_ids(after=after):
            self.update_reversals(claim_ids)
            done += len(claim_ids)
            after = claim_ids[-1]
        return done

    def article(self, article_id: str) -> Article | None:
        return self.store.get_article(article_id)

    @_filters_of(Store.list_articles)
    def articles(self, **filters: Any) -> Listed[Article]:
        """Articles, newest first; `query=` searches the full text. See
        `Store.list_articles` for the filters."""
        return self.store.list_articles(**filters)

    def search(self, query: str, *, limit: int = 20) -> list[Article]:
        return self.store.list_articles(query=query, limit=limit)

    @_filters_of(Store.list_statements)
    def statements(self, **filters: Any) -> Listed[StatementRecord]:
        """Stored statements; see `Store.list_statements` for the filters."""
        return self.store.list_statements(**filters)

    def statements_where(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        after: str | None = None,
        before: str | None = None,
        **params: Any,
    ) -> list[StatementRecord]:
        """Stored statements filtered by the API's query parameters, under
        their names (`GET /api/statements?actor=...&cue=...&q=...` and the
        CLI's `statements --actor ... --cue ... -q ...`); None leaves one out."""
        unknown = set(params) - set(STATEMENT_FILTERS)
        if unknown:
            raise TypeError(f"unknown statement filters: {', '.join(sorted(unknown))}")
        filters = {STATEMENT_FILTERS[name]: value for name, value in params.items() if value is not None}
        return self.store.list_statements(**filters, limit=limit, offset=offset, after=after, before=before)

    @_filters_of(Store.list_actors)
    def actors(self, **filters: Any) -> Listed[ActorRecord]:
        """Actors, the most quoted first; see `Store.list_actors`."""
        return self.store.list_actors(**filters)

    def actor(self, actor_id: str) -> ActorDetailRecord | None:
        """An actor with its positions: per claim, how often it took each stance."""
        actor = self.store.get_actor(actor_id)
        if actor is None:
            return None
        return ActorDetailRecord(**dict(actor), positions=self.store.actor_positions(actor.id))

    def claim(self, claim_id: str) -> ClaimRecord | None:
        """A claim by id or unique prefix."""
        return self.store.get_claim(claim_id)

    @_filters_of(Store.list_claims)
    def claims(self, **filters: Any) -> Listed[ClaimRecord]:
        """Claims, the most discussed first; see `Store.list_claims`."""
        return self.store.list_claims(**filters)

    def timeline(self, claim_id: str) -> tuple[ClaimRecord | None, list[TimelineRecord]]:
        """A claim (by id or unique prefix) and its statements in time order."""
        claim = self.store.get_claim(claim_id)
        return claim, (self.store.claim_timeline(claim.id) if claim else [])

    @_filters_of(Store.list_reversals)
    def reversals(self, **filters: Any) -> Listed[ChangeRecord]:
        """Changes of position and contradictions; see `Store.list_reversals`."""
        return self.store.list_reversals(**filters)

    def check(self, claim_text: str, *, limit: int = 10) -> list[CheckedClaimRecord]:
        """What the store holds about a claim written in plain words: the
        claims that are its proposition, then those close to it in meaning
        (best first), each with its timeline of stances."""
        from onrecord.claims.propositions import proposition, same_signature

        doc = self.analyzer.nlp(claim_text)
        claim_settings = self.settings.claims
        prop = proposition(doc, 0, len(claim_text), snap_threshold=claim_settings.predicate_snap_threshold)
        found = self.store.find_claims(
            prop.frame.name if prop.frame else None,
            sorted(prop.participants),
            sorted(prop.recipients),
            claim_text,
            partial(same_signature, min_shared=claim_settings.min_shared_across_articles),
        )
        ranked: list[tuple[str, str, float | None]] = [(match["id"], "proposition", None) for match in found]
        known = {claim_id for claim_id, _, _ in ranked}
        ranked += [m for m in self._claims_by_meaning(claim_text, doc, prop) if m[0] not in known]
        checked = []
        for claim_id, matched, score in ranked[:limit]:
            claim = self.store.get_claim(claim_id)
            if claim is not None:
                timeline = self.store.claim_timeline(claim.id)
                checked.append(CheckedClaimRecord(**dict(claim), timeline=timeline, matched=matched, score=score))
        return checked

    def _claims_by_meaning(self, claim_text: str, doc: Any, prop: Any) -> list[tuple[str, str, float | None]]:
        """Claims whose statements share a word of substance with the text,
        ranked by how close in meaning (wordllama vectors) the claim or its
        closest statement is; those under the "same thing" similarity of
        the claims settings are left out (its calibration is there), and so
        are claims whose arguments clash with the text's (a ban on exports
        to Japan is not one on exports to India, however alike the words)."""
        from onrecord.claims.predicates import text_vector
        from onrecord.claims.propositions import keys_clash, years

        words = sorted({t.lemma_.lower() for t in doc if t.is_alpha and not t.is_stop and len(t) >= 3})
        wanted = text_vector(claim_text)
        scored = []
        for claim_id, (stored, texts) in self.store.claims_mentioning(words).items():
            their_terms = set(stored.get("terms", []))
            if keys_clash(set(prop.recipients), set(stored.get("recipients", []))) or keys_clash(
                years(prop.participants), years(their_terms)
            ):
                continue
            claim = self.store.get_claim(claim_id)
            said = [claim.text] if claim is not None else []
            score = max(float(wanted @ text_vector(text)) for text in said + texts[:5])
            if score >= self.settings.claims.same_thing_similarity:
                scored.append((claim_id, "meaning", round(score, 3)))
        return sorted(scored, key=lambda m: -(m[2] or 0))

    def correct(self, kind: str, target: str, value: str | None = None, *, by: str, why: str) -> CorrectionRecord:
        """Correct the record: a statement's stance ("stance"), speaker
        ("speaker": an actor id) or claim ("claim": a claim id), a statement
        that is none ("not-a-statement"), an actor's name ("rename-actor"),
        two actors that are one ("merge-actors": the actor it joins), a
        claim's text ("rename-claim"). Kept with who made it and why, applied
        now and after every re-analysis; the changes of position of the
        claims it touches are worked out again. Raises `CorrectionError`."""
        from onrecord.store.corrections import KINDS, CorrectionError

        if not by.strip() or not why.strip():
            raise CorrectionError("a correction says who made it and why")
        target, value = self._resolved(KINDS.get(kind, ""), kind, target, value)
        made, touched = self.store.add_correction(kind, target, value, by.strip(), why.strip())
        self.update_reversals(touched)
        found = self.store.get_correction(made)
        assert found is not None
        return found

    def _resolved(self, what: str, kind: str, target: str, value: str | None) -> tuple[str, str | None]:
        """Full ids for the unique prefixes a user may type (actors, claims)."""
        if what == "actor":
            known = self.store.get_actor(target)
            target = known.id if known is not None else target
        if what == "claim" or kind == "claim":
            chosen = target if what == "claim" else value
            known_claim = self.store.get_claim(chosen) if chosen and len(chosen) >= 6 else None
            if known_claim is not None:
                target, value = (known_claim.id, value) if what == "claim" else (target, known_claim.id)
        if kind in ("speaker", "merge-actors") and value:
            known = self.store.get_actor(value)
            value = known.id if known is not None else value
        return target, value

    def undo_correction(self, correction_id: int, *, by: str, why: str) -> CorrectionRecord:
        """Undo a correction: what it changed is put back (a statement taken
        out comes back by analysing its article again), and it is no longer
        applied; the undo is kept too."""
        from onrecord.store.corrections import CorrectionError

        if not by.strip() or not why.strip():
            raise CorrectionError("an undo says who made it and why")
        undone = self.store.get_correction(correction_id)
        made, touched = self.store.undo_correction(correction_id, by.strip(), why.strip())
        if undone is not None and undone.kind == "not-a-statement":
            self.store.mark_unanalyzed([undone.target.split(":")[0]])
            self.analyze_pending()
        self.update_reversals(touched)
        found = self.store.get_correction(made)
        assert found is not None
        return found

    def corrections(
        self,
        *,
        target: str | None = None,
        limit: int = 100,
        offset: int = 0,
        after: str | None = None,
        before: str | None = None,
    ) -> list[CorrectionRecord]:
        """Corrections and undos, the latest first (`target`: one thing's history)."""
        return self.store.list_corrections(target=target, limit=limit, offset=offset, after=after, before=before)

    @_filters_of(Store.list_events)
    def events(self, **filters: Any) -> Listed[EventRecord]:
        """Coded events; see `Store.list_events` for the filters."""
        return self.store.list_events(**filters)

    def failures(self, *, limit: int = 100) -> list[Failure]:
        return self.store.list_failures(limit=limit)

    def stats(self) -> dict[str, Any]:
        return self.store.stats()


def _failed(failure: Failure) -> Reader:
    """The reader of a source refused before it is read: its one failure."""
    return lambda: [failure]


def _day_of(days: dict[str, dt.date | None]) -> Callable[[Statement], dt.date | None]:
    """A statement's day, looked up by its id (None where `days` has none)."""
    return lambda statement: days.get(statement.id)
