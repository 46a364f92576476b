"""The time limit per document: a document that takes too long to read or to
analyse becomes a failure with a reason, and the batch goes on."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import distinct_article, html_page

from onrecord.analysis import Analyzer
from onrecord.ingest.draft import IngestOptions
from onrecord.ingest.sources import given_article, read_sources
from onrecord.limits import DocumentTimeout, time_limit
from onrecord.model import Article, Failure
from onrecord.settings import Settings, SettingsError

SLOW_PAGE = Path(__file__).parent / "fuzz_regressions" / "readers-slow-html-page.bin"


def spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_work_over_the_limit_is_stopped_with_a_reason():
    start = time.monotonic()
    with pytest.raises(DocumentTimeout, match="took longer than the time limit of 0.2 s"):
        with time_limit("spinning", 0.2):
            spin(5)
    assert time.monotonic() - start < 2


def test_work_under_the_limit_is_untouched_and_the_timer_is_cleared():
    with time_limit("quick", 0.5):
        spin(0.05)
    spin(0.7)  # no alarm left behind


@pytest.mark.slow
def test_a_library_swallowing_the_first_alarm_is_stopped_all_the_same():
    def stubborn():
        end = time.monotonic() + 5
        while time.monotonic() < end:
            try:
                spin(end - time.monotonic())
            except Exception:  # noqa: BLE001 - what some parsers do
                pass

    start = time.monotonic()
    with pytest.raises(DocumentTimeout):
        with time_limit("stubborn", 0.2):
            stubborn()
            spin(5)
    assert time.monotonic() - start < 6


def test_the_limit_holds_in_any_thread():
    """Not only the main thread: Ray runs actors' work and the web server
    runs requests on other threads."""
    import threading

    caught = []

    def work():
        try:
            with time_limit("spinning in a thread", 0.2):
                spin(5)
        except DocumentTimeout as exc:
            caught.append(str(exc))

    thread = threading.Thread(target=work)
    start = time.monotonic()
    thread.start()
    thread.join(timeout=10)
    assert time.monotonic() - start < 2
    assert caught and "spinning in a thread took longer" in caught[0]


def test_a_limit_inside_a_limit_keeps_the_outer_one():
    with pytest.raises(DocumentTimeout, match="outer took longer"):
        with time_limit("outer", 0.2):
            with time_limit("inner", 30):
                spin(5)


def test_the_limit_comes_from_the_settings_and_their_environment_form(tmp_path):
    assert Settings.load(environ={}).limits.document_seconds == 60
    assert Settings.load(environ={"ONRECORD_TIME_LIMIT": "2.5"}).limits.document_seconds == 2.5
    with pytest.raises(SettingsError, match="limits.document_seconds"):
        Settings.load(environ={"ONRECORD_TIME_LIMIT": "soon"})
    config = tmp_path / "onrecord.toml"
    config.write_text("[limits]\ndocument_seconds = 7\n")
    assert Settings.load(config, environ={}).limits.document_seconds == 7
    # the environment wins over the file, an option over both
    assert Settings.load(config, environ={"ONRECORD_TIME_LIMIT": "3"}).limits.document_seconds == 3
    chosen = Settings.load(config, environ={"ONRECORD_TIME_LIMIT": "3"}, overrides={"limits.document_seconds": 1})
    assert chosen.limits.document_seconds == 1
    assert IngestOptions.from_settings(chosen).time_limit == 1


def test_reading_over_the_limit_is_a_failure_and_the_next_document_reads(tmp_path, monkeypatch):
    page = tmp_path / "page.html"
    # 4,000 sentences: about 180 ms to read here, nine times the limit
    page.write_text(html_page(distinct_article(3, sentences=4000), title="Minister denies report"))
    [item] = read_sources([str(page)], IngestOptions(time_limit=0.02))
    assert isinstance(item, Failure) and "reading the HTML took longer than the time limit" in item.reason
    [item] = read_sources([str(page)], IngestOptions(time_limit=0))  # no limit
    assert isinstance(item, Article) and item.title == "Minister denies report"


@pytest.mark.slow
def test_analysis_over_the_limit_is_a_failure_and_the_batch_goes_on():
    limited = Analyzer(settings=Settings().replace(**{"limits.document_seconds": 0.05}))
    # 100 sentences: about 0.6 s of analysis after the parse, twelve times the limit
    texts = [distinct_article(n, sentences=100) for n in (1, 2)]
    articles = [given_article(text, f"a{n}", IngestOptions()) for n, text in enumerate(texts)]
    results = list(limited.analyze_items(articles))
    assert [type(r).__name__ for r in results] == ["Failure", "Failure"]
    assert all(r.stage == "analyze" and "the analysis took longer" in r.reason for r in results)
    results = list(Analyzer().analyze_items(articles))
    assert [r.article.source_ref for r in results] == ["a0", "a1"]
    assert all(r.statements for r in results)


@pytest.mark.slow
def test_the_cli_option_reaches_the_reader_in_a_fresh_process(tmp_path):
    """The fuzzer's slow page (a date that sends dateparser through every
    locale's tables, seconds in a fresh process) fails under --time-limit 0.5
    with the reason on standard error, and reads without the limit."""
    page = tmp_path / "slow.html"
    page.write_bytes(SLOW_PAGE.read_bytes()[1:])  # the first byte is the fuzzer's kind selector
    args = [sys.executable, "-m", "onrecord", "analyze", str(page), "--format", "jsonl"]
    limited = subprocess.run([*args, "--time-limit", "0.5"], capture_output=True, text=True, timeout=300)
    assert limited.returncode == 1, limited.stderr
    assert "took longer than the time limit of 0.5 s" in limited.stderr
    unlimited = subprocess.run([*args, "--time-limit", "0"], capture_output=True, text=True, timeout=300)
    assert unlimited.returncode == 0, unlimited.stderr
    assert unlimited.stdout.count("\n") == 1


def test_the_api_answers_a_document_over_the_limit_with_its_reason(monkeypatch, tmp_path):
    """In the web server's request threads too: 422 with the reason."""
    from fastapi.testclient import TestClient

    from onrecord.api.app import create_app

    limited = Settings().replace(**{"limits.document_seconds": 0.05})  # the analysis of 100 sentences takes ~0.6 s
    with TestClient(create_app(f"sqlite:///{tmp_path / 'api.db'}", token="t", settings=limited)) as client:
        response = client.post(
            "/api/analyze", json={"text": distinct_article(5, sentences=100)}, headers={"Authorization": "Bearer t"}
        )
    assert response.status_code == 422
    assert "took longer than the time limit" in response.json()["detail"]


def test_a_block_that_swallows_every_interruption_still_fails_after_the_limit():
    # a library that catches everything and falls back to another parser
    # (trafilatura does) may swallow each interruption; the block that ran
    # past its limit is a failure all the same, not a late success
    def stubborn(seconds: float) -> str:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                spin(0.01)
            except Exception:
                pass
        return "finished"

    with pytest.raises(DocumentTimeout, match="stubborn work took longer"):
        with time_limit("stubborn work", 0.05):
            stubborn(0.4)


def test_an_error_a_library_makes_of_the_interruption_is_reported_as_the_time_limit():
    def wrapping() -> None:
        try:
            spin(5)
        except Exception as exc:
            raise ValueError("the parser failed") from exc

    with pytest.raises(DocumentTimeout, match="wrapped work took longer"):
        with time_limit("wrapped work", 0.05):
            wrapping()


def test_a_block_inside_its_limit_is_untouched():
    with time_limit("quick work", 5):
        assert spin(0.01) is None
    with pytest.raises(ValueError, match="its own error"):
        with time_limit("quick work", 5):
            raise ValueError("its own error")
