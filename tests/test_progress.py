"""An ingest's progress is counted in documents: a JSONL file's lines, a
feed's entries and a WARC's records, not files."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

from onrecord.ingest.sources import InputKind, expected_documents
from onrecord.record import IngestProgress, Record

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_a_jsonl_file_is_expected_to_hold_its_non_blank_lines(tmp_path):
    lines = [json.dumps({"text": f"The minister said on Monday that the port would reopen {n}."}) for n in range(4)]
    plain = tmp_path / "news.jsonl"
    plain.write_text("\n".join(lines[:2]) + "\n\n" + "\n".join(lines[2:]) + "\n")
    packed = tmp_path / "news.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert expected_documents(str(plain), InputKind.JSONL) == 4
    assert expected_documents(str(packed), None) == 4
    assert expected_documents(str(tmp_path / "story.txt"), InputKind.TEXT) == 1
    assert expected_documents(str(tmp_path / "missing.jsonl"), InputKind.JSONL) == 1  # its failure


class Recorded(IngestProgress):
    def __init__(self) -> None:
        self.expected: dict[str, int] | None = None
        self.items: dict[str, int] = {}
        self.current = 0

    def start(self, sources, expected=None):
        self.sources, self.expected = sources, expected

    def item(self, item, result):
        self.current += 1

    def source_done(self, ref):
        self.items[ref], self.current = self.current, 0


def test_an_ingest_reports_the_documents_each_source_is_expected_to_hold(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLES / "corpus" / "calder-courier.rss", folder / "feed.rss")
    shutil.copy(EXAMPLES / "harbour-spill.txt", folder / "story.txt")
    lines = [
        json.dumps({"text": f"Mayor Anna Berg said on Tuesday that library {n} would close in May."}) for n in range(3)
    ]
    (folder / "lines.jsonl").write_text("\n".join(lines) + "\n")
    progress = Recorded()
    with Record(f"sqlite:///{tmp_path / 'r.db'}") as record:
        record.ingest([str(folder)], analyze=False, progress=progress)
    refs = {Path(ref).name: count for ref, count in (progress.expected or {}).items()}
    assert refs == {"feed.rss": 1, "story.txt": 1, "lines.jsonl": 3}
    read = {Path(ref).name: count for ref, count in progress.items.items()}
    assert read["lines.jsonl"] == 3 and read["story.txt"] == 1
    assert read["feed.rss"] > 1  # the feed's entries, known once it is read


def test_the_cli_bar_counts_documents_and_grows_by_a_feeds_entries():
    import io

    from rich.console import Console
    from rich.progress import Progress

    from onrecord.cli import _RichProgress
    from onrecord.model import Failure

    bar = _RichProgress(quiet=True, verbose=False)
    bar.bar = Progress(console=Console(file=io.StringIO()))
    bar.start(2, {"lines.jsonl": 3, "feed.rss": 1})
    task = bar.bar.tasks[0]
    assert task.total == 4
    for _ in range(3):
        bar.item(Failure("lines.jsonl#1", "bad line"), None)
    bar.source_done("lines.jsonl")
    for _ in range(5):
        bar.item(Failure("feed.rss#1", "bad entry"), None)
    bar.source_done("feed.rss")
    assert (task.completed, task.total) == (8, 8)
    bar.stop()
