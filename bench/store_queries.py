"""Query latency on a store of synthetic but realistic statements.

Builds N statements (default 100,000) over N/10 articles, N/20 claims and
N/50 actors, with stances that flip for some sides; each article's text is
its statements' words (drawn from a vocabulary of a few thousand words), so
that full-text search has real work. Then times the queries people run: a
claim's timeline, reversals (all, by actor), statements by speaker,
full-text search over statements, the most discussed claims, and the
incremental recomputation of one claim's reversals that every newly
analysed article triggers. Prints median and p95 in ms.

    .venv/bin/python bench/store_queries.py [N] [DB_URL]
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time

from onrecord import Record
from onrecord.store.schema import actors, articles, claim_terms, claims, statements

BATCH = 5000
PLACES = [
    f"{a}{b}"
    for a in ("north", "south", "east", "west", "port", "lake", "hill", "river")
    for b in ("haven", "field", "ford", "bury", "mouth", "gate", "wick", "stead", "holm", "by")
]
GOODS = ["drones", "rifles", "missiles", "fuel", "grain", "tanks", "medicine", "vaccines", "steel", "chips"]


def content(i: int, rng: random.Random) -> str:
    return (
        f"{rng.choice(GOODS)} were sent from {rng.choice(PLACES)} to {rng.choice(PLACES)} "
        f"in shipment {rng.randrange(5000)} during week {rng.randrange(520)}"
    )


def build(record: Record, n: int, rng: random.Random) -> None:
    store = record.store
    n_claims, n_actors = max(1, n // 20), max(1, n // 50)
    countries = ["IRN", "RUS", "UKR", "USA", "CHN", "FRA", "GBR", "DEU", "TUR", "ISR"]
    now = dt.datetime.now(dt.UTC)
    with store.engine.begin() as conn:
        conn.execute(
            actors.insert(),
            [
                {
                    "id": f"act_{i:08d}",
                    "key": f"k{i}",
                    "name": f"Speaker {i}",
                    "type": "person",
                    "country": countries[i % len(countries)],
                    "sector": "GOV" if i % 3 else None,
                    "roles": [],
                    "aliases": [],
                }
                for i in range(n_actors)
            ],
        )
        conn.execute(
            claims.insert(),
            [
                {
                    "id": f"clm_{i:08d}",
                    "text": f"Claim number {i}",
                    "frame": "transfer",
                    "created_at": now,
                    "proposition": {"terms": [f"C:{countries[i % 10]}", f"T:thing{i % 97}"], "recipients": []},
                }
                for i in range(n_claims)
            ],
        )
        conn.execute(
            claim_terms.insert(),
            [
                {"claim_id": f"clm_{i:08d}", "term": term}
                for i in range(n_claims)
                for term in (f"C:{countries[i % 10]}", f"T:thing{i % 97}")
            ],
        )
        start = dt.date(2020, 1, 1)
        for offset in range(0, n, BATCH * 10):
            rows, texts = [], {}
            for i in range(offset, min(n, offset + BATCH * 10)):
                article, claim, actor = i // 10, rng.randrange(n_claims), rng.randrange(n_actors)
                stance = (
                    "deny"
                    if (article % 1500) < 700 and claim % 4 == 0
                    else rng.choice(["affirm", "affirm", "deny", "neutral"])
                )
                said = content(i, rng)
                texts.setdefault(article, []).append(said)
                rows.append(
                    {
                        "id": f"art_{article:012d}:s{i % 10}",
                        "article_id": f"art_{article:012d}",
                        "kind": "indirect",
                        "actor_id": f"act_{actor:08d}",
                        "speaker_name": f"Speaker {actor}",
                        "speaker_text": f"Speaker {actor}",
                        "content_text": said,
                        "content_start": None,
                        "content_end": None,
                        "stance": stance,
                        "claim_id": f"clm_{claim:08d}",
                        "said_on": None,
                        "earlier": False,
                        "side": f"state:{countries[actor % 10]}" if actor % 3 else f"actor:act_{actor:08d}",
                        "side_name": countries[actor % 10] if actor % 3 else f"Speaker {actor}",
                        "cue_class": "assert",
                        "in_headline": False,
                    }
                )
            conn.execute(
                articles.insert(),
                [
                    {
                        "id": f"art_{a:012d}",
                        "url": None,
                        "url_hash": None,
                        "content_hash": f"{a:064d}",
                        "source_ref": f"bench#{a}",
                        "title": f"Article {a}",
                        "authors": [],
                        "published": start + dt.timedelta(days=a % 1500),
                        "date_source": "metadata",
                        "language": "en",
                        "text": ". ".join(said),
                        "word_count": 20,
                        "ingested_at": now,
                        "analyzed_at": now,
                    }
                    for a, said in texts.items()
                ],
            )
            for chunk in range(0, len(rows), BATCH):
                conn.execute(statements.insert(), rows[chunk : chunk + BATCH])
    store.recount_claims()
    if store.dialect == "postgresql":
        # planner statistics after a bulk load, as autovacuum gathers them
        # (minutes later, on its own schedule); without them PostgreSQL
        # picks sequential scans (reversals: p95 240 ms instead of 29 ms)
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    # reversals for a sample of claims, as ingest would
    record.update_reversals(f"clm_{i:08d}" for i in range(0, n_claims, max(1, n_claims // 500)))


def timed(label: str, run, repeats: int = 50) -> None:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"  {label:42s} median {statistics.median(times):7.2f} ms   p95 {p95:7.2f} ms")


def main(n: int, url: str | None) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        record = Record(url or f"sqlite:///{tmp}/bench.db")
        store = record.store
        start = time.perf_counter()
        build(record, n, rng)
        store.refresh_statistics()  # as an ingest of that size does
        print(f"{store.dialect}: {n:,} statements built in {time.perf_counter() - start:.1f} s")
        n_claims, n_actors = max(1, n // 20), max(1, n // 50)
        timed("timeline of a claim", lambda: store.claim_timeline(f"clm_{rng.randrange(n_claims):08d}"))
        timed("reversals (latest 100)", lambda: store.list_reversals(limit=100))
        timed("reversals of an actor", lambda: store.list_reversals(actor="IRN"))
        timed("statements by speaker (50)", lambda: store.list_statements(speaker=f"Speaker {rng.randrange(n_actors)}"))
        timed(
            "full-text search of statements (50)",
            lambda: store.list_statements(query=f"{rng.choice(GOODS)} {rng.choice(PLACES)} {rng.choice(PLACES)}"),
        )
        timed("claims, most discussed (50)", lambda: store.list_claims(limit=50))
        timed("statements, newest first (50)", lambda: store.list_statements(limit=50))
        # a deep page, by offset and by the keyset cursor of the row before it
        deep = min(10_000, n // 2)
        cursor = store.list_statements(limit=1, offset=deep - 1).after
        timed(f"statements, 50 after row {deep:,} by offset", lambda: store.list_statements(limit=50, offset=deep))
        timed(f"statements, 50 after row {deep:,} by cursor", lambda: store.list_statements(limit=50, after=cursor))
        cursor = store.list_claims(limit=1, offset=deep - 1).after
        timed(f"claims, 50 after row {deep:,} by offset", lambda: store.list_claims(limit=50, offset=deep))
        timed(f"claims, 50 after row {deep:,} by cursor", lambda: store.list_claims(limit=50, after=cursor))

        timed(
            "recompute one claim's reversals", lambda: record.update_reversals([f"clm_{rng.randrange(n_claims):08d}"])
        )
        store.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, sys.argv[2] if len(sys.argv) > 2 else None)
