"""What a crawler brings home: pathological documents end as an article or
as a failure with a reason, quickly, and never crash a batch. Each runs the
reader and, where it yields an article, the analysis too."""

from __future__ import annotations

import gzip
import time

import pytest

from onrecord.analysis import Analyzer
from onrecord.ingest.draft import IngestOptions
from onrecord.ingest.sources import read_sources
from onrecord.model import Article, Failure

# Seconds a single pathological document may take, reading and analysis
# together, on this 2-core machine (the slowest, thousands of quotation marks,
# took 7 s with a benchmark running on the other core).
TIME_LIMIT = 20


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


def read(tmp_path, name: str, data: bytes, **options) -> list:
    path = tmp_path / name
    path.write_bytes(data)
    return list(read_sources([str(path)], IngestOptions(**{"languages": (), **options})))


def check(items, analyzer) -> None:
    """Every item is an article or a failure with a reason; articles analyse."""
    assert items
    for item in items:
        assert isinstance(item, (Article, Failure))
        if isinstance(item, Failure):
            assert item.reason and len(item.reason) < 500
        else:
            [result] = list(analyzer.analyze_items([item]))
            assert isinstance(result, (Failure,)) or result.article is item


CASES = {
    "nested.html": lambda: b"<html><body>" + b"<div>" * 10_000 + b"<p>Deep text here. " * 50 + b"</div>" * 10_000,
    "quotes.txt": lambda: ("Headline\n\n" + "\u201c" * 3000 + " she said \u201d" * 10 + '"' * 5000).encode(),
    "unbalanced.txt": lambda: (
        "Minister speaks\n\n"
        + "\u201cWe will never accept this, the minister said. " * 200
        + "And then \u201d\u201d\u201d nothing \u201c."
    ).encode(),
    "rtl-cjk.txt": lambda: (
        "\u0627\u0644\u0648\u0632\u064a\u0631 \u0642\u0627\u0644 " * 300
        + "\n\n"
        + "\u90e8\u957f\u8868\u793a\u4e0d\u540c\u610f\u3002" * 300
        + "\u202e reversed \u202c"
    ).encode(),
    "control.txt": lambda: ("Title\x07\n\n" + "Text with \x00 nulls \x1b[31m escapes \x0c and \x7f. " * 200).encode(),
    "mixed-encoding.txt": lambda: "Caf\u00e9 owner said ".encode() + "na\u00efve \u00fcber ".encode("latin-1") * 200,
    "invalid-utf8.html": lambda: (
        b"<html><body><p>" + b"\xff\xfe\xc3\x28 valid words here " * 500 + b"</p></body></html>"
    ),
    "empty.txt": lambda: b"",
    "whitespace.txt": lambda: b" \n\t\r\n   \n" * 1000,
    "one-long-word.txt": lambda: b"Headline\n\n" + b"a" * 2_000_000,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_pathological_documents(tmp_path, analyzer, name):
    start = time.monotonic()
    check(read(tmp_path, name, CASES[name]()), analyzer)
    assert time.monotonic() - start < TIME_LIMIT


def test_a_50_mb_single_line_page_is_refused_by_the_size_cap(tmp_path):
    start = time.monotonic()
    [item] = read(tmp_path, "huge.html", b"<html><body><p>" + b"word " * 10_000_000 + b"</p></body></html>")
    assert isinstance(item, Failure) and "size cap" in item.reason
    assert time.monotonic() - start < TIME_LIMIT


def test_a_gzip_bomb_is_refused(tmp_path):
    bomb = gzip.compress(b"\0" * 200_000_000)  # 200 MB of zeros in ~200 kB
    [item] = read(tmp_path, "bomb.html.gz", bomb)
    assert isinstance(item, Failure) and "size cap" in item.reason


def test_a_million_line_feed(tmp_path):
    items = "".join(
        f"<item><title>Item {i}</title><description>Short {i}.</description></item>\n" for i in range(1_000_000)
    )
    feed = f"<?xml version='1.0'?><rss version='2.0'><channel><title>Big</title>\n{items}</channel></rss>".encode()
    start = time.monotonic()
    found = read(tmp_path, "big.rss", feed)
    assert time.monotonic() - start < 60
    assert all(isinstance(i, (Article, Failure)) for i in found)
    assert any(isinstance(i, Failure) and "size cap" in i.reason for i in found)  # 70 MB > 20 MB
