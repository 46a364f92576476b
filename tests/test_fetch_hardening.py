"""Fetching URLs and walking sources under attack: address ranges that are not
public, malformed URLs, slow and truncated servers, URLs claimed by other
documents, FIFOs and symlinks in folders. Servers bind to loopback and stop
by themselves."""

from __future__ import annotations

import http.server
import io
import json
import os
import sys
import threading
import time
from contextlib import contextmanager

import pytest
from conftest import article_text, html_page
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from onrecord.ingest.draft import IngestOptions
from onrecord.ingest.sources import read_sources
from onrecord.ingest.urls import check_fetchable_url, refused_address
from onrecord.model import Article, Failure


def split(items):
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Failure)]


# -- a loopback server whose answers each test sets ---------------------------


class Scripted(http.server.BaseHTTPRequestHandler):
    """Answers each path with what `routes` says: a (content type, body)
    pair, or a function that writes the whole answer itself."""

    routes: dict = {}
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 - http.server's name
        route = self.routes.get(self.path)
        if route is None:
            self.send_error(404, "Not Found")
        elif callable(route):
            route(self)
        else:
            content_type, body = route
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def serving(routes):
    handler = type("Routes", (Scripted,), {"routes": routes})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


PAGE = html_page(article_text(0), title="Council votes to close Eastgate library").encode()
OTHER_PAGE = html_page(article_text(1), title="Denholm council votes").encode()


def drip_body(handler):
    """Headers at once, then a byte every 0.5 s (for at most a minute)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", "1000000")
    handler.end_headers()
    _drip(handler)


def drip_headers(handler):
    """The status line, then header bytes one every 0.5 s (for at most a minute)."""
    handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    _drip(handler)


def _drip(handler):
    for _ in range(120):
        try:
            handler.wfile.write(b"x")
            handler.wfile.flush()
        except OSError:
            return  # the client gave up
        time.sleep(0.5)


# -- 1. every address that is not global is refused ---------------------------

REFUSED = [
    "100.64.0.1",  # shared address space (RFC 6598)
    "100.100.100.200",  # a cloud's metadata service, in that space
    "2002:a9fe:a9fe::1",  # 6to4 embedding 169.254.169.254
    "2002:7f00:1::1",  # 6to4 embedding 127.0.0.1
    "2002:6440:1::1",  # 6to4 embedding 100.64.0.1
    "fec0::1",  # site-local
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b:1::a9fe:a9fe",  # local-use NAT64
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo whose client is 127.0.0.1
    "::127.0.0.1",  # IPv4-compatible loopback
    "::ffff:100.100.100.200",  # IPv4-mapped shared address space
    "198.18.0.1",  # benchmarking
    "192.0.2.1",  # documentation
    "2001:db8::1",  # documentation
    "240.0.0.1",  # reserved
    "255.255.255.255",  # broadcast
    "ff0e::1",  # global-scope multicast
    "fe80::1%eth0",  # link-local with a zone
]
PUBLIC = ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "2002:5db8:d822::1", "64:ff9b::808:808", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", REFUSED)
def test_addresses_that_are_not_global_are_refused(address):
    assert refused_address(address) is not None, address


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_fetched_from(address):
    assert refused_address(address) is None, address


def test_embedded_addresses_are_named_in_the_reason():
    assert "169.254.169.254" in refused_address("2002:a9fe:a9fe::1")
    assert "127.0.0.1" in refused_address("64:ff9b::7f00:1")


_CONNECTS: list = []
_WATCHING = threading.Event()


def _audit(event, args):
    if event == "socket.connect" and _WATCHING.is_set():
        _CONNECTS.append(args[1])


sys.addaudithook(_audit)


@pytest.mark.parametrize(
    "url",
    [
        "http://100.100.100.200/latest/meta-data/",
        "http://[2002:a9fe:a9fe::1]/latest/",
        "http://[fec0::1]/a.html",
        "http://[64:ff9b::7f00:1]/a.html",
    ],
)
def test_a_literal_address_url_is_refused_before_any_connection(url):
    _CONNECTS.clear()
    _WATCHING.set()
    try:
        [item] = list(read_sources([url], IngestOptions(fetch_timeout=2)))
    finally:
        _WATCHING.clear()
    assert isinstance(item, Failure)
    assert "not fetched (--allow-private to allow)" in item.reason, item.reason
    assert _CONNECTS == []


def test_refused_ranges_are_fetched_from_with_allow_private_only():
    # allow_private lifts the refusal: the fetch is attempted (and fails: nothing answers there)
    [item] = list(
        read_sources(
            ["http://[fec0::1]:9/a.html"], IngestOptions(allow_private=True, fetch_timeout=1, fetch_deadline=3)
        )
    )
    assert isinstance(item, Failure) and "--allow-private" not in item.reason


# -- 2. a malformed URL costs its own item at most ----------------------------


def test_check_fetchable_url():
    assert check_fetchable_url("https://example.org/a?b=1") is None
    assert check_fetchable_url("HTTP://Example.org") is None
    assert check_fetchable_url("http://[::1]:8080/x") is None
    assert check_fetchable_url("ftp://example.org/a") == "not an http(s) URL"
    assert check_fetchable_url("javascript:alert(1)") == "not an http(s) URL"
    assert check_fetchable_url("example.org/a") == "not an http(s) URL"
    for bad in ("http://[::1", "http://[evil/x", "https://a.example:99999/", "https://a.example:port/", "http:///x"):
        reason = check_fetchable_url(bad)
        assert reason is not None and reason.startswith("malformed URL"), (bad, reason)


def test_a_malformed_url_on_a_jsonl_line_keeps_the_rest_of_the_file(tmp_path):
    path = tmp_path / "dump.jsonl"
    lines = [
        {"id": "a", "text": article_text(0), "url": "https://courier.example/a"},
        {"id": "b", "text": article_text(1), "url": "http://[::1"},
        {"id": "c", "html": OTHER_PAGE.decode().replace("Denholm", "Ashby"), "url": "http://[evil/x"},
        {"id": "d", "text": article_text(3), "url": "https://courier.example/d"},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", "utf-8")
    articles, failures = split(read_sources([str(path)]))
    assert failures == []
    assert [a.external_id for a in articles] == ["a", "b", "c", "d"]
    assert [a.url for a in articles] == ["https://courier.example/a", None, None, "https://courier.example/d"]


def test_a_malformed_link_in_a_feed_keeps_the_rest_of_the_feed(tmp_path):
    items = "".join(
        f"<item><title>Story {n}</title><link>{link}</link><description>{article_text(n)}</description></item>"
        for n, link in enumerate(["https://courier.example/1", "http://[evil", "https://courier.example/3"])
    )
    path = tmp_path / "feed.xml"
    path.write_text(
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>Courier</title>{items}</channel></rss>", "utf-8"
    )
    articles, failures = split(read_sources([str(path)]))
    assert failures == []
    assert [a.title for a in articles] == ["Story 0", "Story 1", "Story 2"]
    assert articles[1].url is None and articles[2].url == "https://courier.example/3"


def test_a_malformed_warc_target_uri_keeps_the_rest_of_the_archive(tmp_path):
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for n, uri in enumerate(["https://courier.example/1", "http://[evil/2", "https://courier.example/3"]):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        body = html_page(article_text(n), title=f"Story number {n}").encode()
        writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers))
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(buffer.getvalue())
    articles, failures = split(read_sources([str(path)]))
    assert failures == []
    assert [a.url for a in articles] == ["https://courier.example/1", None, "https://courier.example/3"]


def test_a_malformed_canonical_link_in_a_page_keeps_the_page_without_a_url(tmp_path):
    for number, head in enumerate(
        [
            '<link rel="canonical" href="http://[evil/x">',
            '<meta property="og:url" content="https://courier.example:99999/x">',
        ]
    ):
        (tmp_path / f"page{number}.html").write_text(html_page(article_text(number), extra_head=head), "utf-8")
    articles, failures = split(read_sources([str(tmp_path)]))
    assert failures == [] and len(articles) == 2
    assert [a.url for a in articles] == [None, None]


def test_a_malformed_url_source_is_a_failure_and_the_next_source_goes_on():
    with serving({"/page": ("text/html", PAGE)}) as server:
        items = list(read_sources(["http://[::1", server + "/page"], IngestOptions(allow_private=True)))
    assert isinstance(items[0], Failure) and items[0].reason.startswith("malformed URL"), items[0]
    assert isinstance(items[1], Article)


def test_a_redirect_to_a_malformed_url_is_a_failure_with_its_reason():
    def bad_redirect(handler):
        handler.send_response(302)
        handler.send_header("Location", "http://[evil/x")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    with serving({"/go": bad_redirect}) as server:
        [item] = list(read_sources([server + "/go"], IngestOptions(allow_private=True)))
    assert isinstance(item, Failure) and "malformed URL" in item.reason, item.reason


def test_the_cli_reports_a_malformed_url_in_one_line(tmp_path):
    from onrecord.cli import app

    result = CliRunner().invoke(
        app, ["ingest", "http://[::1", "--db", f"sqlite:///{tmp_path / 'm.db'}", "--no-analyze", "--workers", "1"]
    )
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "malformed URL" in errors[0], result.output
    assert "Traceback" not in result.output


# -- 3. a total deadline per fetch --------------------------------------------


@pytest.mark.parametrize("drip", [drip_body, drip_headers], ids=["body", "headers"])
def test_a_dripping_server_is_cut_off_at_the_deadline_and_the_next_source_goes_on(drip):
    with serving({"/drip": drip, "/page": ("text/html", PAGE)}) as server:
        started = time.monotonic()
        items = list(
            read_sources([server + "/drip", server + "/page"], IngestOptions(allow_private=True, fetch_deadline=2))
        )
        elapsed = time.monotonic() - started
    assert isinstance(items[0], Failure), items[0]
    assert "took longer than" in items[0].reason and "2 s" in items[0].reason, items[0].reason
    assert isinstance(items[1], Article)
    assert elapsed < 15, elapsed


def test_the_fetch_deadline_defaults_to_a_minute_and_has_an_environment_form():
    from onrecord.settings import Settings

    assert IngestOptions().fetch_deadline == 60
    assert IngestOptions.from_settings(Settings.load(environ={})).fetch_deadline == 60
    chosen = Settings.load(environ={"ONRECORD_FETCH_DEADLINE": "7.5"})
    assert IngestOptions.from_settings(chosen).fetch_deadline == 7.5


def test_a_smaller_time_limit_bounds_the_fetch_too():
    with serving({"/drip": drip_body}) as server:
        started = time.monotonic()
        options = IngestOptions(allow_private=True, fetch_deadline=60, time_limit=1.5)
        [item] = list(read_sources([server + "/drip"], options))
        elapsed = time.monotonic() - started
    assert isinstance(item, Failure) and "took longer than" in item.reason and "time limit" in item.reason, item
    assert elapsed < 15, elapsed


def test_the_cli_fetch_deadline_option(tmp_path, monkeypatch):
    from onrecord.cli import app

    monkeypatch.delenv("ONRECORD_FETCH_DEADLINE", raising=False)
    with serving({"/drip": drip_body, "/page": ("text/html", PAGE)}) as server:
        started = time.monotonic()
        result = CliRunner().invoke(
            app,
            [
                "ingest",
                server + "/drip",
                server + "/page",
                "--fetch-deadline",
                "1.5",
                "--allow-private",
                "--db",
                f"sqlite:///{tmp_path / 'd.db'}",
                "--no-analyze",
                "--workers",
                "1",
                "--json",
            ],
        )
        elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert "took longer than" in result.output and elapsed < 20
    assert '"stored": 1' in result.output


# -- 4. a truncated download is a failure, never an article --------------------


def short_answer(handler):
    """Declares the whole page, sends two thirds of it, and closes."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(PAGE)))
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.wfile.write(PAGE[: len(PAGE) * 2 // 3])
    handler.wfile.flush()
    handler.close_connection = True


def test_a_truncated_response_is_a_failure_and_a_full_one_later_is_stored(db_url):
    from onrecord.record import Record

    routes = {"/story": short_answer}
    with serving(routes) as server, Record(db_url) as record:
        first = record.ingest([server + "/story"], analyze=False, allow_private=True)
        assert first.counts["stored"] == 0
        [failure] = first.failures
        assert f"response ended after {len(PAGE) * 2 // 3:,} of {len(PAGE):,} bytes" in failure.reason, failure.reason
        assert record.store.list_articles() == []
        routes["/story"] = ("text/html; charset=utf-8", PAGE)
        second = record.ingest([server + "/story"], analyze=False, allow_private=True)
        assert second.counts["stored"] == 1 and second.failures == []
        [stored] = record.store.list_articles()
        assert stored.url == server + "/story"
        assert "regional government to intervene" in stored.text  # the end of the page


# -- 5. a URL named by another document does not pre-empt the page itself ------

FULL_STORY = html_page(article_text(2), title="Ashby council votes to close Eastgate library").encode()


def _feed_linking_to(url: str) -> str:
    return (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Aggregator</title>"
        f"<item><title>Library to close</title><link>{url}</link>"
        "<description>Ashby council votes to shut the Eastgate library, residents object.</description></item>"
        "</channel></rss>"
    )


def test_a_feed_entry_does_not_pre_empt_the_page_it_links_to(db_url, tmp_path):
    from onrecord.record import Record

    with serving({"/story": ("text/html; charset=utf-8", FULL_STORY)}) as server, Record(db_url) as record:
        story = server + "/story"
        feed = tmp_path / "feed.xml"
        feed.write_text(_feed_linking_to(story), "utf-8")
        assert record.ingest([str(feed)], analyze=False).counts["stored"] == 1
        fetched = record.ingest([story], analyze=False, allow_private=True)
        assert fetched.counts["stored"] == 1, fetched.to_dict()
        stored = record.store.list_articles(limit=10, include_duplicates=True)
        assert len(stored) == 2
        page = next(a for a in stored if a.source_ref == story)
        assert page.url == story and "regional government to intervene" in page.text
        assert page.url_fetched
        entry = next(a for a in stored if a.source_ref != story)
        assert entry.url == story and not entry.url_fetched  # the feed's link is kept, marked as only named
        # the same feed again, and the page again, are duplicates
        assert record.ingest([str(feed)], analyze=False).counts["duplicate"] == 1
        assert record.ingest([story], analyze=False, allow_private=True).counts["duplicate"] == 1


def test_a_feed_entry_naming_a_page_already_fetched_is_a_duplicate(db_url, tmp_path):
    from onrecord.record import Record

    with serving({"/story": ("text/html; charset=utf-8", FULL_STORY)}) as server, Record(db_url) as record:
        story = server + "/story"
        assert record.ingest([story], analyze=False, allow_private=True).counts["stored"] == 1
        feed = tmp_path / "feed.xml"
        feed.write_text(_feed_linking_to(story), "utf-8")
        assert record.ingest([str(feed)], analyze=False).counts["duplicate"] == 1


# -- 6. folders: regular files only, no link out of the folder ------------------


def _bounded(work, seconds=30):
    """Run work() in a thread; fail (instead of hanging the suite) past `seconds`."""
    out: list = []
    thread = threading.Thread(target=lambda: out.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    return out[0]


def test_a_folder_walk_reads_regular_files_only_and_stays_in_the_folder(tmp_path):
    folder = tmp_path / "news"
    (folder / "sub").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Outside the folder\n\n" + article_text(5), "utf-8")
    (folder / "a.txt").write_text("Inside the folder\n\n" + article_text(0), "utf-8")
    (folder / "sub" / "b.txt").write_text("Also inside\n\n" + article_text(1), "utf-8")
    os.mkfifo(folder / "pipe.txt")
    os.symlink(outside / "secret.txt", folder / "out.txt")
    os.symlink(outside, folder / "outdir")
    os.symlink(folder / "sub", folder / "subagain")  # inside: its files are read once, from sub/
    os.symlink(folder / "sub" / "b.txt", folder / "b-again.txt")  # inside: read (a duplicate of b.txt)
    os.symlink(folder / "loop2.txt", folder / "loop1.txt")
    os.symlink(folder / "loop1.txt", folder / "loop2.txt")
    os.symlink(folder, folder / "sub" / "up")  # a loop through a directory link

    items = _bounded(lambda: list(read_sources([str(folder)])))
    articles, failures = split(items)
    reasons = {os.path.basename(f.source_ref): f.reason for f in failures}
    assert sorted(os.path.relpath(a.source_ref, folder) for a in articles) == ["a.txt", "b-again.txt", "sub/b.txt"]
    assert "not a regular file" in reasons["pipe.txt"] and "FIFO" in reasons["pipe.txt"]
    assert reasons["out.txt"] == "link points outside the folder"
    assert reasons["outdir"] == "link points outside the folder"
    assert "link" in reasons["loop1.txt"] and "link" in reasons["loop2.txt"]
    assert not any("secret" in a.text or "Outside" in (a.title or "") for a in articles)
    assert set(reasons) == {"pipe.txt", "out.txt", "outdir", "loop1.txt", "loop2.txt"}


def test_a_fifo_named_on_the_command_line_is_refused_without_opening_it(tmp_path):
    fifo = tmp_path / "stream.txt"
    os.mkfifo(fifo)
    [item] = _bounded(lambda: list(read_sources([str(fifo)])), seconds=10)
    assert isinstance(item, Failure) and "not a regular file" in item.reason and "-" in item.reason, item
