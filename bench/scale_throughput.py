"""Throughput of a whole ingest, end to end, against the floor of the bare
parse, with peak memory.

    .venv/bin/python bench/scale_throughput.py CORPUS.jsonl parse
    .venv/bin/python bench/scale_throughput.py CORPUS.jsonl single
    .venv/bin/python bench/scale_throughput.py CORPUS.jsonl workers 2
    .venv/bin/python bench/scale_throughput.py CORPUS.jsonl ray 2
    (CORPUS from bench/scale_corpus.py; add a database URL as a last argument
    to write into PostgreSQL instead of a SQLite file in a temporary folder)

parse:   spaCy's nlp.pipe over the texts, nothing else (the floor)
single:  `Record.ingest(..., workers=1)`: read, deduplicate, store, parse,
         statements, claims, events, reversals, all in this process
workers: the same with a pool of N analysing processes (`--workers N`)
ray:     the same on a local Ray with N actors (`--engine ray --workers N`)

Peak memory is sampled every 0.2 s: the largest resident size of any one
process of the run, and of all of them together.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil


class PeakMemory(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.me = psutil.Process()
        self.total = self.worker = self.main = 0
        self.running = True

    def run(self) -> None:
        while self.running:
            try:
                children = self.me.children(recursive=True)
                sizes = [c.memory_info().rss for c in children if c.is_running()]
                main = self.me.memory_info().rss
            except psutil.Error:
                continue
            self.main = max(self.main, main)
            self.worker = max([self.worker, *sizes])
            self.total = max(self.total, main + sum(sizes))
            time.sleep(0.2)

    def stop(self) -> dict[str, float]:
        self.running = False
        mb = 1024 * 1024
        return {
            "peak_total_mb": round(self.total / mb),
            "peak_main_mb": round(self.main / mb),
            "peak_child_mb": round(self.worker / mb),
        }


def corpus_stats(path: str) -> tuple[int, int]:
    n = words = 0
    for line in open(path, encoding="utf-8"):
        n += 1
        words += len(json.loads(line)["text"].split())
    return n, words


def main(corpus: str, mode: str, workers: int = 1, db_url: str | None = None) -> None:
    n, words = corpus_stats(corpus)
    memory = PeakMemory()
    memory.start()
    extra: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if mode == "parse":
            from onrecord.nlp.pipeline import load_pipeline

            nlp = load_pipeline()
            texts = [json.loads(line)["text"] for line in open(corpus, encoding="utf-8")]
            start = time.perf_counter()
            for _ in nlp.pipe(texts, batch_size=32):
                pass
            seconds = time.perf_counter() - start
        else:
            from onrecord.record import Record

            url = db_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
            with Record(url) as record:
                if mode in ("single",):
                    record.analyzer  # noqa: B018 - the pipeline loads before the clock starts, as in parse
                start = time.perf_counter()
                if mode == "ray":
                    from onrecord.run.ray_runner import ingest_with_ray

                    report = ingest_with_ray(
                        record, [corpus], workers=workers, shards_dir=Path(tmp) / "shards", languages=()
                    )
                else:
                    report = record.ingest([corpus], languages=(), workers=1 if mode == "single" else workers)
                seconds = time.perf_counter() - start
                extra = {
                    "stored": report.stored,
                    "near_duplicates": report.near_duplicates,
                    "analysed": report.analyzed,
                    "failed": report.failed,
                    "statements": record.stats()["statements"],
                }
    result = {
        "mode": mode,
        "workers": workers,
        "articles": n,
        "words": words,
        "seconds": round(seconds, 1),
        "articles_per_s": round(n / seconds, 2),
        "words_per_s": round(words / seconds),
        **extra,
        **memory.stop(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    args = sys.argv[1:]
    main(
        args[0],
        args[1],
        int(args[2]) if len(args) > 2 and args[2].isdigit() else 1,
        next((a for a in args[2:] if "://" in a), None),
    )
