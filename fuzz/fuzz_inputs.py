"""Coverage-guided fuzzing (atheris) of every reader and of the analysis.

    .venv/bin/python fuzz/fuzz_inputs.py readers -max_total_time=600 fuzz/corpus-readers
    .venv/bin/python fuzz/fuzz_inputs.py analysis -max_total_time=600 fuzz/corpus-analysis

`readers`: the first byte picks the reader (text, HTML, feed, WARC, JSONL,
and each of them gzipped); the rest is the document. `analysis`: the bytes,
decoded, are an article's text, analysed by the full pipeline. The property
is the same for both: every input ends as articles and failures with a
reason, never an exception. A crash writes its input to crash-*; copy it
into tests/fuzz_regressions/ (named READER-what.bin) and the test suite
replays it for ever after. Results: docs/benchmarks.md.
"""

from __future__ import annotations

import gzip
import sys

from onrecord.ingest.draft import IngestOptions
from onrecord.ingest.sources import InputKind, read_document
from onrecord.model import Article, Failure

KINDS = list(InputKind)
OPTIONS = IngestOptions(languages=(), max_bytes=2_000_000)
_ANALYZER = None


def replay_reader(data: bytes) -> list:
    """What the `readers` target does with one input (the regression tests call it too)."""
    if not data:
        return []
    kind = KINDS[data[0] % len(KINDS)]
    body = data[1:]
    if data[0] // len(KINDS) % 2:  # gzipped as well: the readers take .gz too
        body = gzip.compress(body)
    from onrecord.ingest.decode import maybe_gunzip
    from onrecord.ingest.errors import IngestError

    try:
        body = maybe_gunzip(body, OPTIONS.max_bytes)
    except IngestError:
        return []
    from onrecord.ingest.draft import finish

    items = []
    try:
        for draft in read_document(body, "fuzz", kind, OPTIONS):
            items.append(draft if isinstance(draft, Failure) else _finish(draft, finish))
    except IngestError:
        pass  # the reader's own clear error: a failure, as read_articles records it
    for item in items:
        assert isinstance(item, (Article, Failure)), item
    return items


def _finish(draft, finish):
    from onrecord.ingest.errors import IngestError

    try:
        return finish(draft, OPTIONS)
    except IngestError as exc:
        return Failure("fuzz", str(exc))


def replay_analysis(data: bytes) -> None:
    global _ANALYZER
    from onrecord.analysis import Analyzer
    from onrecord.ingest.draft import Draft, finish
    from onrecord.ingest.errors import IngestError

    if _ANALYZER is None:
        _ANALYZER = Analyzer()
    text = data.decode("utf-8", "replace")
    try:
        article = finish(Draft(text=text, source_ref="fuzz"), OPTIONS)
    except IngestError:
        return
    [result] = list(_ANALYZER.analyze_items([article]))
    assert isinstance(result, Failure) or result.article is article


def main() -> None:
    import atheris

    target = sys.argv.pop(1) if len(sys.argv) > 1 and sys.argv[1] in ("readers", "analysis") else "readers"
    # coverage feedback from onrecord's own code and the parsers it calls
    atheris.instrument_all()
    atheris.Setup(sys.argv, replay_reader if target == "readers" else replay_analysis)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
