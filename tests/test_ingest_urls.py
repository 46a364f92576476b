"""URLs fetched from a local HTTP server: pages, feeds, errors, redirects, caps."""

import http.server
import threading
import time

import pytest
from conftest import article_text, html_page

from onrecord.ingest.draft import IngestOptions
from onrecord.ingest.sources import read_sources
from onrecord.ingest.urls import USER_AGENT
from onrecord.model import Article, DateSource, Failure

SEEN_AGENTS: list[str] = []


class Handler(http.server.BaseHTTPRequestHandler):
    routes = {
        "/2024/03/05/library.html": ("text/html; charset=utf-8", html_page(article_text(), date_meta=None).encode()),
        "/feed": (
            "application/rss+xml",
            (
                "<?xml version='1.0'?><rss version='2.0'><channel><title>Courier</title>"
                f"<item><title>Vote</title><link>http://x.example/vote</link><description>{article_text(1)}</description></item>"
                "</channel></rss>"
            ).encode(),
        ),
        "/plain.txt": ("text/plain; charset=utf-8", ("Library Vote\n\n" + article_text(2)).encode()),
        "/big": ("text/html", b"<html><body>" + b"<p>word</p>" * 20_000 + b"</body></html>"),
    }

    def do_GET(self):  # noqa: N802 - http.server's name
        SEEN_AGENTS.append(self.headers.get("User-Agent", ""))
        if self.path in ("/to-file", "/to-ftp"):
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd" if self.path == "/to-file" else "ftp://127.0.0.1/x.html")
            self.end_headers()
            return
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/2024/03/05/library.html")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(3)
        if self.path not in self.routes:
            self.send_error(404, "Not Found")
            return
        content_type, body = self.routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def fetch_one(url, **options):
    # the test server is on loopback, which is refused unless allowed
    [item] = list(read_sources([url], IngestOptions(**{"allow_private": True, **options})))
    return item


def test_html_page_by_url(server):
    article = fetch_one(server + "/2024/03/05/library.html")
    assert isinstance(article, Article)
    assert article.url == server + "/2024/03/05/library.html"
    assert article.published.isoformat() == "2024-03-05" and article.date_source is DateSource.URL
    assert "Eastgate" in article.text
    assert SEEN_AGENTS[-1] == USER_AGENT and USER_AGENT.startswith("onrecord/")


def test_feed_and_plain_text_by_url(server):
    entry = fetch_one(server + "/feed")
    assert entry.title == "Vote" and entry.source_ref == server + "/feed#1"
    text = fetch_one(server + "/plain.txt")
    assert text.title == "Library Vote"


def test_redirect_is_followed_and_the_final_url_kept(server):
    article = fetch_one(server + "/moved")
    assert article.url == server + "/2024/03/05/library.html"


def test_http_errors_and_refusals_are_failures(server):
    assert fetch_one(server + "/missing").reason == "HTTP 404 Not Found"
    # urllib itself refuses file:, onrecord refuses every other scheme (urllib would follow ftp:)
    assert "file:///etc/passwd" in fetch_one(server + "/to-file").reason
    assert "redirect to a URL that is not http or https: ftp://" in fetch_one(server + "/to-ftp").reason
    assert "size cap" in fetch_one(server + "/big", max_bytes=50_000).reason
    assert fetch_one(server + "/slow", fetch_timeout=0.5).reason.startswith(("timed out", "cannot fetch"))


def test_other_schemes_are_not_fetched(tmp_path):
    item = fetch_one("ftp://example.invalid/a.html")
    assert isinstance(item, Failure) and item.reason == "no such file or folder"


# -- the open web: only public addresses, unless allowed -----------------------


def test_loopback_private_and_metadata_addresses_are_refused(server):
    port = server.rsplit(":", 1)[1]
    for url in (
        server + "/2024/03/05/library.html",
        f"http://localhost:{port}/plain.txt",
        f"http://[::1]:{port}/plain.txt",
        "http://10.0.0.7/a.html",
        "http://192.168.1.1/a.html",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/a.html",
        "http://[fd00::1]/a.html",
        "http://[::ffff:127.0.0.1]/a.html",
    ):
        item = fetch_one(url, allow_private=False, fetch_timeout=2)
        assert isinstance(item, Failure), url
        assert "not fetched (--allow-private to allow)" in item.reason, (url, item.reason)


def test_allowed_when_asked(server):
    assert isinstance(fetch_one(server + "/plain.txt", allow_private=True), Article)


def test_a_redirect_to_a_private_address_is_refused(server, monkeypatch):
    """The first hop is to an address taken as public (127.0.0.1, for this
    test only); it redirects to 127.0.0.2, which is refused: each hop is
    checked after resolution."""
    from onrecord.ingest import urls

    second = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    threading.Thread(target=second.serve_forever, daemon=True).start()
    target = f"http://127.0.0.2:{second.server_address[1]}/plain.txt"

    class Redirecting(Handler):
        def do_GET(self):  # noqa: N802
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()

    first = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    threading.Thread(target=first.serve_forever, daemon=True).start()
    real = urls.refused_address
    monkeypatch.setattr(urls, "refused_address", lambda a: None if a == "127.0.0.1" else real(a))
    try:
        item = fetch_one(f"http://127.0.0.1:{first.server_address[1]}/go", allow_private=False)
        assert isinstance(item, Failure) and "127.0.0.2 is a loopback address" in item.reason
        assert isinstance(fetch_one(f"http://127.0.0.1:{first.server_address[1]}/go", allow_private=True), Article)
    finally:
        first.shutdown()
        second.shutdown()


def test_the_cli_refuses_private_urls_unless_allowed(server, tmp_path):
    from typer.testing import CliRunner

    from onrecord.cli import app

    db = f"sqlite:///{tmp_path / 'u.db'}"
    refused = CliRunner().invoke(app, ["ingest", server + "/plain.txt", "--db", db, "--no-analyze", "--workers", "1"])
    assert refused.exit_code == 1 and "loopback address" in refused.output
    allowed = CliRunner().invoke(
        app, ["ingest", server + "/plain.txt", "--db", db, "--no-analyze", "--workers", "1", "--allow-private"]
    )
    assert allowed.exit_code == 0, allowed.output
