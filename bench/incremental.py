"""What adding articles costs as the store grows: the same 100 analysed
news articles stored into stores of 10,000, 100,000 and 1,000,000
statements (synthetic, as bench/store_queries.py builds them). Storing
includes deduplication, the statements, claim matching against the stored
claims, claim counts, and the reversals of every claim the new articles
touch: the cross-article work runs over the store, incrementally. If it
redid the store, the time would grow with it.

    .venv/bin/python bench/incremental.py CORPUS.jsonl [SIZES] [DB_URL]
    (SIZES comma-separated, default 10000,100000,1000000)

The analyses themselves are made once and kept in out/ (the parse is not
what is measured here).
"""

from __future__ import annotations

import pickle
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from store_queries import build  # noqa: E402

from onrecord.analysis import Analyzer  # noqa: E402
from onrecord.ingest.draft import IngestOptions, finish  # noqa: E402
from onrecord.ingest.jsonl import jsonl_draft  # noqa: E402
from onrecord.record import IngestReport, Record  # noqa: E402

ADDED = 100


def analyses(corpus: str) -> list:
    cache = Path("out") / f"incremental-{Path(corpus).stem}-{ADDED}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    lines = open(corpus, encoding="utf-8").read().splitlines()[-ADDED:]  # the corpus's last articles
    articles = [finish(jsonl_draft(line, f"{corpus}#{n}"), IngestOptions(languages=())) for n, line in enumerate(lines)]
    found = list(Analyzer().analyze_items(articles))
    cache.parent.mkdir(exist_ok=True)
    cache.write_bytes(pickle.dumps(found))
    return found


def main(corpus: str, sizes: list[int], url: str | None) -> None:
    found = analyses(corpus)
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            record = Record(url or f"sqlite:///{tmp}/incremental.db")
            start = time.perf_counter()
            build(record, size, random.Random(7))
            built = time.perf_counter() - start
            report = IngestReport()
            start = time.perf_counter()
            batch, submitted = [], {}
            for result in found:
                record.store.add_article(result.article)
                submitted[result.article.source_ref] = result.article.id
                batch.append(result)
                if len(batch) == 32:
                    record.save_results(batch, submitted, report)
                    batch = []
            record.save_results(batch, submitted, report)
            seconds = time.perf_counter() - start
            print(
                f"{record.store.dialect}: store of {size:>9,} statements (built in {built:.0f} s): "
                f"adding {len(found)} articles took {seconds:.2f} s = {1000 * seconds / len(found):.1f} ms/article "
                f"({report.analyzed} analysed)"
            )
            record.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    sizes = (
        [int(x) for x in args[1].split(",")] if len(args) > 1 and "://" not in args[1] else [10_000, 100_000, 1_000_000]
    )
    main(args[0], sizes, next((a for a in args[1:] if "://" in a), None))
