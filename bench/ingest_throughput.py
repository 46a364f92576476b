"""Ingest throughput: the shared extraction set's 181 HTML pages (gzipped,
as a crawler stores them) into a fresh store, end to end (read, extract,
date, language, dedupe, write), and the same again (every page a duplicate).

    .venv/bin/python bench/ingest_throughput.py ../shared/eval/extract [DB_URL]

DB_URL defaults to a SQLite file in a temporary folder; give
postgresql://postgres@127.0.0.1:5432/DBNAME to measure PostgreSQL (the
database must exist and be empty).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from onrecord import Record


def main(folder: str, db_url: str | None) -> None:
    pages = Path(folder, "html")
    with tempfile.TemporaryDirectory() as tmp:
        db_url = db_url or f"sqlite:///{tmp}/bench.db"
        with Record(db_url) as record:
            for label in ("first run", "re-run"):
                start = time.perf_counter()
                report = record.ingest([str(pages)], languages=())
                seconds = time.perf_counter() - start
                handled = report.stored + report.duplicates + report.near_duplicates + report.failed
                print(
                    f"{label:9s}: {handled} pages in {seconds:.1f} s = {handled / seconds:.1f} pages/s "
                    f"(stored {report.stored}, duplicates {report.duplicates}, "
                    f"near-duplicates {report.near_duplicates}, failed {report.failed})"
                )
            words = record.stats()["words"]
            print(f"store: {record.store.dialect}, {words:,} words stored")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
