"""Text that breaks the store or the parser, long documents, and inputs that
defeat the caps (issue 13): NUL characters and lone surrogates, an article
over spaCy's 1,000,000-character limit, a parser that fails on one article,
runs of punctuation that make the tokenizer quadratic, WARC headers of tens
of megabytes and HTML elements with 100,000 attributes. Each ends as an
article or a failure with a reason, quickly, and the rest goes on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import pytest
import sqlalchemy as sa
from conftest import API_TOKEN, distinct_article, html_page
from spacy.language import Language

from onrecord import Record
from onrecord.analysis import Analyzer, analyze
from onrecord.ingest.decode import decode_text
from onrecord.ingest.draft import IngestOptions
from onrecord.ingest.errors import IngestError
from onrecord.ingest.sources import given_article, read_sources

# minutes of real processes, Ray and multi-megabyte texts: `make check` leaves them out
pytestmark = pytest.mark.slow

# Seconds a pathological document may take, reading and analysis together,
# on this shared 2-core machine; each took far longer before its fix.
TIME_BOUND = 20

FIRST_QUOTE = "We will open the new harbour next spring"
LAST_QUOTE = "The harbour will never be sold"


def engine_for(db_url: str) -> sa.Engine:
    return sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))


def stored_rows(db_url: str, query: str) -> list:
    engine = engine_for(db_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(query)).all()
    engine.dispose()
    return rows


def article_fields(db_url: str) -> list[tuple]:
    return stored_rows(db_url, "SELECT text, title, source, source_ref, url, external_id, authors FROM articles")


def write_jsonl(path, objects) -> None:
    # json.dumps escapes NUL and lone surrogates as \u0000 and \ud800: valid JSON
    path.write_text("".join(json.dumps(o) + "\n" for o in objects), "utf-8")


def long_english_text(chars: int) -> str:
    """An English article of about `chars` characters, a quote at its start
    and another at its end."""
    parts = [f'"{FIRST_QUOTE}," Mayor Priya Anand told reporters on Monday.']
    size, seed = len(parts[0]), 0
    while size < chars:
        parts.append(distinct_article(seed))
        size += len(parts[-1]) + 2
        seed += 1
    parts.append(f'"{LAST_QUOTE}," said Tomas Keller, the port director.')
    return "\n\n".join(parts)


# -- 1. NUL characters ---------------------------------------------------------


def test_nul_in_jsonl_fields_is_removed_and_every_good_line_lands(db_url, tmp_path):
    path = tmp_path / "news.jsonl"
    write_jsonl(
        path,
        [
            {"id": "good-1", "text": distinct_article(1)},
            {"id": "nul-text", "text": distinct_article(2).replace(" on ", " on\u0000 ", 1)},
            {
                "id": "nul\u0000id",
                "title": "Harbour\u0000 plans",
                "source": "Courier\u0000",
                "text": distinct_article(3),
            },
            {"id": "good-2", "text": distinct_article(4)},
        ],
    )
    after = tmp_path / "after.txt"
    after.write_text("Later story\n\n" + distinct_article(5), "utf-8")
    with Record(db_url) as record:
        report = record.ingest([str(path), str(after)])
        assert (report.stored, report.failed) == (5, 0), report.failures
        again = record.ingest([str(path), str(after)])
        assert (again.stored, again.failed) == (0, 0), again.failures
        assert record.stats()["articles"] == 5
    fields = article_fields(db_url)
    assert not any("\x00" in str(value) for row in fields for value in row)
    assert "Harbour plans" in {row.title for row in fields}
    assert stored_rows(db_url, "SELECT count(*) FROM articles WHERE analyzed_at IS NULL")[0][0] == 0


def test_a_nul_after_the_first_64_kib_of_a_text_file(db_url, tmp_path):
    body = long_english_text(70_000)
    assert len(body.encode()) > 65_536
    path = tmp_path / "late-nul.txt"
    path.write_text("Harbour plans\n\n" + body + " Then\u0000 one NUL.\n\n" + distinct_article(99), "utf-8")
    after = tmp_path / "after.txt"
    after.write_text("Later story\n\n" + distinct_article(98), "utf-8")
    with Record(db_url) as record:
        report = record.ingest([str(path), str(after)])
        assert (report.stored, report.failed) == (2, 0), report.failures
        again = record.ingest([str(path), str(after)])
        assert (again.stored, again.failed) == (0, 0), again.failures
    texts = [row.text for row in article_fields(db_url)]
    assert len(texts) == 2 and not any("\x00" in text for text in texts)
    assert any("Then one NUL." in text for text in texts)


def test_a_text_file_binary_after_its_first_64_kib_is_refused():
    # valid UTF-8 throughout, and past the first 100,000 characters the sample checks
    data = ("Plain English words to begin with. " * 4000).encode() + (b"\x00" * 10 + b"abc\x01") * 10_000
    with pytest.raises(IngestError, match="binary"):
        decode_text(data)


def test_failures_whose_source_holds_nul_or_a_lone_surrogate_are_recorded(db_url):
    documents = [
        {"url": "https://example.org/a\u0000b", "text": ""},
        {"url": "https://example.org/\ud800", "text": " "},
        {"text": "Council votes\n\n" + distinct_article(7)},
    ]
    with Record(db_url) as record:
        report = record.ingest_documents(documents)
        assert (report.stored, report.failed) == (1, 2)
        again = record.ingest_documents(documents)
        assert (again.stored, again.failed) == (0, 2)
        sources = [f.source_ref for f in record.failures()]
    assert len(sources) == 2
    assert not any("\x00" in s or "\ud800" in s for s in sources)


# -- 2. Lone surrogates ----------------------------------------------------------


def test_lone_surrogates_in_jsonl_become_replacement_characters(db_url, tmp_path):
    path = tmp_path / "news.jsonl"
    write_jsonl(
        path,
        [
            {"id": "good-1", "text": distinct_article(11)},
            {"id": "bad-text", "text": distinct_article(12).replace(" on ", " on \ud800", 1)},
            {"id": "bad-title", "title": "Harbour \udc00plans", "text": distinct_article(13)},
            {"id": "good-2", "text": distinct_article(14)},
        ],
    )
    after = tmp_path / "after.txt"
    after.write_text("Later story\n\n" + distinct_article(15), "utf-8")
    with Record(db_url) as record:
        report = record.ingest([str(path), str(after)])
        assert (report.stored, report.failed) == (5, 0), report.failures
        again = record.ingest([str(path), str(after)])
        assert (again.stored, again.failed) == (0, 0), again.failures
    fields = article_fields(db_url)
    assert "Harbour \ufffdplans" in {row.title for row in fields}
    assert any(" on \ufffd" in row.text for row in fields)


def test_lone_surrogates_in_documents_given_to_the_python_api(db_url):
    text = "Council votes\n\n" + distinct_article(21).replace(" on ", " on \udfff", 1)
    record_of_text = analyze(text, title="Council \ud800votes")
    assert "\ufffd" in record_of_text.article.text and record_of_text.article.title == "Council \ufffdvotes"
    with Record(db_url) as record:
        report = record.ingest_documents(
            [
                {"text": text, "title": "Council \ud800votes"},
                {"html": html_page(distinct_article(22)).replace("<h1>", "<h1>\ud801")},
            ]
        )
        assert (report.stored, report.failed) == (2, 0), report.failures
    assert "Council \ufffdvotes" in {row.title for row in article_fields(db_url)}


# -- 3. Long articles, and an analysis that fails on one article -------------------


def run_ingest(path, db_url, stdout_path) -> tuple[int, str, int]:
    """`onrecord ingest` in a fresh process: its exit code, its standard
    error, and its peak RSS in kB (from wait4, for this child alone)."""
    import threading

    with open(stdout_path, "w") as out, open(f"{stdout_path}.err", "w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "onrecord", "ingest", str(path), "--db", db_url, "--workers", "1", "--quiet"],
            stdout=out,
            stderr=err,
        )
        killer = threading.Timer(1800, process.kill)  # a hang ends the test instead of stalling the suite
        killer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
    with open(f"{stdout_path}.err") as err:
        return process.returncode, err.read(), usage.ru_maxrss


def test_a_5_mb_article_is_analysed_from_end_to_end_in_bounded_memory(db_url, tmp_path):
    # 5 MB on SQLite (about 8 minutes here); on PostgreSQL, where what is tested
    # is the store's side, 1.2 MB, still over spaCy's 1,000,000-character limit
    size = 5_000_000 if db_url.startswith("sqlite") else 1_200_000
    path = tmp_path / "long.txt"
    path.write_text("Harbour plans\n\n" + long_english_text(size), "utf-8")
    started = time.monotonic()
    code, errors, peak_kb = run_ingest(path, db_url, tmp_path / "first.out")
    print(f"{size:,}-character article: {time.monotonic() - started:.0f} s, peak RSS {peak_kb / 1024:.0f} MB")
    assert code == 0 and "Traceback" not in errors, errors[-3000:]
    assert peak_kb < 2_000_000  # bounded: a parse of the whole text at once needs many times this
    [(text,)] = stored_rows(db_url, "SELECT text FROM articles")
    said = stored_rows(
        db_url, "SELECT content_text, content_start, content_end, speaker_name FROM statements WHERE NOT in_headline"
    )
    assert len(said) > size // 5000  # statements throughout, not only in the first window
    by_content = {content: (start, end, speaker) for content, start, end, speaker in said}
    for quote, speaker in ((FIRST_QUOTE, "Priya Anand"), (LAST_QUOTE, "Tomas Keller")):
        [content] = [c for c in by_content if quote in c]
        start, end, found_speaker = by_content[content]
        assert text[start:end] == content and speaker in found_speaker
    assert by_content[[c for c in by_content if LAST_QUOTE in c][0]][0] > len(text) - 200
    assert all(text[start:end] == content for content, start, end, _ in said)
    assert stored_rows(db_url, "SELECT count(*) FROM failures")[0][0] == 0
    # the store is not poisoned: the next ingest works
    other = tmp_path / "next.txt"
    other.write_text("Council votes\n\n" + distinct_article(31), "utf-8")
    code, errors, _ = run_ingest(other, db_url, tmp_path / "next.out")
    assert code == 0, errors[-3000:]
    assert stored_rows(db_url, "SELECT count(*) FROM articles WHERE analyzed_at IS NULL")[0][0] == 0


BREAKING_MARKER = "XYZZY-BREAKS-THE-PARSER"


@Language.component("onrecord_test_breaks_on_marker")
def _breaks_on_marker(doc):
    """A pipeline component that fails on one article, as a broken parser would."""
    if BREAKING_MARKER in doc.text:
        raise ValueError("this pipeline cannot parse the article")
    return doc


@pytest.fixture(scope="module")
def breaking_pipeline(tmp_path_factory) -> str:
    """The default pipeline with a component that fails on the marker, saved
    as a pipeline folder (what --model accepts)."""
    import spacy

    from onrecord.nlp.pipeline import DEFAULT_MODEL

    nlp = spacy.load(DEFAULT_MODEL)
    nlp.add_pipe("onrecord_test_breaks_on_marker", before="parser")
    path = tmp_path_factory.mktemp("pipeline") / "breaking"
    nlp.to_disk(path)
    return str(path)


def test_a_parser_error_in_one_article_fails_that_article_only(breaking_pipeline):
    texts = [distinct_article(41), distinct_article(42) + f"\n\n{BREAKING_MARKER} here.", distinct_article(43)]
    articles = [given_article(text, f"a{n}", IngestOptions()) for n, text in enumerate(texts)]
    results = list(Analyzer(breaking_pipeline).analyze_items(articles))
    assert [type(r).__name__ for r in results] == ["Analysis", "Failure", "Analysis"]
    assert results[1].stage == "analyze" and "cannot parse the article" in results[1].reason
    assert results[0].statements and results[2].statements


def test_an_analysis_failure_is_recorded_and_the_next_ingest_works(db_url, tmp_path, breaking_pipeline):
    path = tmp_path / "news.jsonl"
    write_jsonl(
        path,
        [
            {"id": "one", "text": distinct_article(51)},
            {"id": "bad", "text": distinct_article(52) + f"\n\n{BREAKING_MARKER} here."},
            {"id": "two", "text": distinct_article(53)},
        ],
    )
    with Record(db_url, model=breaking_pipeline) as record:
        report = record.ingest([str(path)])
        assert (report.stored, report.analyzed, report.failed) == (3, 2, 1)
        [failure] = record.failures()
        assert failure.stage == "analyze" and failure.source_ref.endswith("#2") and "cannot parse" in failure.reason
        other = tmp_path / "next.txt"
        other.write_text("Council votes\n\n" + distinct_article(54), "utf-8")
        again = record.ingest([str(path), str(other)])
        assert (again.stored, again.analyzed, again.failed) == (1, 1, 0), again.failures
    assert stored_rows(db_url, "SELECT count(*) FROM articles WHERE analyzed_at IS NULL")[0][0] == 0


# -- 4. Runs of punctuation ---------------------------------------------------------


@pytest.mark.parametrize("run", ["(" * 20_000, "'s" * 10_000, "\u201c\u201d" * 10_000])
def test_a_run_of_punctuation_is_analysed_quickly_and_the_quote_found(run):
    text = f'Harbour plans\n\n{run} The mayor, Ruth Lind, said: "We will rebuild the harbour."\n\n' + distinct_article(
        61
    )
    started = time.monotonic()
    result = analyze(text)
    assert time.monotonic() - started < TIME_BOUND
    body = result.article.text
    [said] = [s for s in result.statements if "rebuild the harbour" in s.content.text]
    assert said.speaker_name == "Ruth Lind"
    start, end = said.content.span
    assert body[start:end] == said.content.text and "We will rebuild the harbour." in said.content.text
    assert all(
        body[s.content.span[0] : s.content.span[1]] == s.content.text for s in result.statements if not s.content.parts
    )


# -- 5. Inputs that defeat the caps ---------------------------------------------------


def warc_record(target: str, html: str, extra_header: bytes = b"") -> bytes:
    body = html.encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
    headers = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:"
        + str(uuid.uuid4()).encode()
        + b">\r\nWARC-Date: 2024-03-05T10:00:00Z\r\nWARC-Target-URI: "
        + target.encode()
        + b"\r\n"
        + extra_header
        + b"Content-Type: application/http; msgtype=response\r\n"
        + b"Content-Length: "
        + str(len(http)).encode()
        + b"\r\n\r\n"
    )
    return headers + http + b"\r\n\r\n"


@pytest.mark.parametrize(
    "header",
    [
        b"X-Huge: " + b"a" * 100_000_000 + b"\r\n",  # one header line of 100 MB (40 MB took 49 s before)
        b"X-Folded: start\r\n" + b" more\r\n" * 2_000_000,  # 2 million continuation lines
    ],
    ids=["long-line", "continuations"],
)
def test_a_warc_header_of_megabytes_ends_quickly_and_the_next_file_is_read(tmp_path, header):
    bad = tmp_path / "bad.warc"
    bad.write_bytes(
        warc_record("https://example.org/one", html_page(distinct_article(71)))
        + warc_record("https://example.org/two", html_page(distinct_article(72)), header)
    )
    good = tmp_path / "good.warc"
    good.write_bytes(warc_record("https://example.org/three", html_page(distinct_article(73))))
    started = time.monotonic()
    items = list(read_sources([str(bad), str(good)], IngestOptions()))
    assert time.monotonic() - started < TIME_BOUND
    assert [type(i).__name__ for i in items] == ["Article", "Failure", "Article"]
    assert "header" in items[1].reason and items[1].source_ref.startswith(str(bad))
    assert items[2].source_ref == f"{good}#1"


def many_attributes_page(count: int) -> str:
    attributes = " ".join(f'data-a{n}="{n}"' for n in range(count))
    return html_page(distinct_article(81)).replace("<main>", f"<main><div {attributes}></div>", 1)


def test_an_element_with_100k_attributes_reads_quickly_and_the_next_page_goes_on(tmp_path):
    bad = tmp_path / "attributes.html"
    bad.write_text(many_attributes_page(100_000), "utf-8")
    good = tmp_path / "good.html"
    good.write_text(html_page(distinct_article(82)), "utf-8")
    started = time.monotonic()
    items = list(read_sources([str(bad), str(good)], IngestOptions()))
    assert time.monotonic() - started < TIME_BOUND
    assert [type(i).__name__ for i in items] == ["Article", "Article"]
    assert "Priya Anand" in items[0].text or items[0].text.startswith(distinct_article(81)[:40])


# -- 6. The API with a text of a million characters ---------------------------------


def test_the_api_analyses_a_text_of_a_million_characters(sqlite_url):
    from fastapi.testclient import TestClient

    from onrecord.api.app import create_app

    text = "Harbour plans\n\n" + long_english_text(1_000_001)
    assert len(text) > 1_000_000
    with TestClient(create_app(sqlite_url, token=API_TOKEN)) as client:
        response = client.post("/api/analyze", json={"text": text}, headers={"Authorization": f"Bearer {API_TOKEN}"})
    assert response.status_code == 200, response.text[:500]
    contents = [s["content_text"] for s in response.json()["statements"]]
    assert any(FIRST_QUOTE in c for c in contents) and any(LAST_QUOTE in c for c in contents)
