"""Speed of CAMEO event coding after the parse (the parse itself not timed).

.venv/bin/python bench/events_speed.py ../shared/eval/events/plover_dev.jsonl ../shared/eval/quotes/ggt_dev.jsonl
"""

from __future__ import annotations

import sys
import time

from onrecord.analysis import analyze_doc
from onrecord.events.coder import code_events
from onrecord.ingest.draft import IngestOptions, finish
from onrecord.ingest.jsonl import jsonl_draft
from onrecord.nlp.pipeline import load_pipeline


def main(paths: list[str], repeats: int = 3) -> None:
    nlp = load_pipeline()
    articles = [
        finish(jsonl_draft(line, f"{path}#{n}"), IngestOptions(languages=()))
        for path in paths
        for n, line in enumerate(open(path, encoding="utf-8"), start=1)
    ]
    docs = list(nlp.pipe(a.text for a in articles))
    records = [analyze_doc(doc, article) for doc, article in zip(docs, articles)]  # statements and actors first
    sentences = sum(1 for doc in docs for _ in doc.sents)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        coded = sum(len(code_events(doc, r.statements, r.actors)) for doc, r in zip(docs, records))
        best = min(best, time.perf_counter() - start)
    print(f"{len(docs)} texts, {sentences:,} sentences, {coded:,} events; best of {repeats}")
    print(f"event coding after the parse: {sentences / best:,.0f} sentences/s ({best:.2f} s)")


if __name__ == "__main__":
    main(sys.argv[1:])
