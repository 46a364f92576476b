"""Speed of statement extraction against the bare spaCy parse (the floor).

Runs over the texts of the given JSONL files (e.g. the quote dev sets):
(a) the bare parse with nlp.pipe; (b) the full analysis (parse, statements,
speakers, actors, headline). Prints articles/s, words/s and the cost of the
statement layer on top of the parse.

    .venv/bin/python bench/statements_speed.py ../shared/eval/quotes/ggt_dev.jsonl ../shared/eval/quotes/polnear_dev.jsonl
"""

from __future__ import annotations

import sys
import time

from onrecord.analysis import Analyzer
from onrecord.ingest.draft import IngestOptions, finish
from onrecord.ingest.jsonl import jsonl_draft
from onrecord.settings import DEFAULT_SETTINGS


def main(paths: list[str], repeats: int = 3) -> None:
    articles = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                articles.append(finish(jsonl_draft(line, f"{path}#{number}"), IngestOptions(languages=())))
    words = sum(a.word_count for a in articles)
    analyzer = Analyzer()
    nlp = analyzer.nlp
    list(nlp.pipe([a.text for a in articles[:5]]))  # warm up

    def best(run) -> float:
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        return min(times)

    parse = best(lambda: list(nlp.pipe((a.text for a in articles), batch_size=DEFAULT_SETTINGS.limits.pipe_batch_size)))
    full = best(lambda: list(analyzer.analyze_articles(articles)))
    print(f"{len(articles)} articles, {words:,} words; best of {repeats} runs, one process")
    for label, seconds in (("(a) bare spaCy parse", parse), ("(b) full analysis", full)):
        print(
            f"{label:22s} {seconds:6.2f} s  {len(articles) / seconds:6.1f} articles/s  {words / seconds:8,.0f} words/s"
        )
    print(f"statement layer on top of the parse: +{(full / parse - 1) * 100:.1f}%")


if __name__ == "__main__":
    main(sys.argv[1:])
