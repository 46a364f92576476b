"""Ingest throughput: the shared extraction set's 181 HTML pages (gzipped,
as a crawler stores them) into a fresh store, end to end (read, extract,
date, language, dedupe, write), and the same again (every page a duplicate).

    .venv/bin/python bench/ingest_throughput.py ../shared/eval/extract [DB_URL] [--no-analyze]

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


def main(folder: str, db_url: str | None, analyze: bool) -> None:
    pages = Path(folder, "html")
    print(f"analysis (statements, claims, reversals): {'on' if analyze else 'off (--no-analyze)'}")
    with tempfile.TemporaryDirectory() as tmp:
        db_url = db_url or f"sqlite:///{tmp}/bench.db"
        with Record(db_url) as record:
            if analyze:
                record.analyzer  # load the pipeline before timing  # noqa: B018
            for label in ("first run", "re-run"):
                start = time.perf_counter()
                report = record.ingest([str(pages)], languages=(), analyze=analyze)
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
    arguments = [a for a in sys.argv[1:] if a != "--no-analyze"]
    main(arguments[0], arguments[1] if len(arguments) > 1 else None, "--no-analyze" not in sys.argv)
