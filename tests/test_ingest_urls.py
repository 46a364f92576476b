"""URLs fetched from a local HTTP server: pages, feeds, errors, redirects, caps."""

import http.server
import threading
import time

import pytest

from onrecord.ingest.draft import IngestOptions
from onrecord.ingest.sources import read_sources
from onrecord.ingest.urls import USER_AGENT
from onrecord.model import Article, DateSource, Failure

from conftest import article_text, html_page

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
    [item] = list(read_sources([url], IngestOptions(**options)))
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
