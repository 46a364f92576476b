"""Feeds, WARC and JSONL: several articles per file, bad parts fail alone."""

import datetime as dt
import gzip
import io
import json

from conftest import article_text, html_page
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from onrecord.ingest.sources import read_sources
from onrecord.model import Article, DateSource, Failure


def split(items):
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, Failure)]


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>The Marlow Courier</title><link>https://courier.example/</link>
<item><title>Library to close</title><link>https://courier.example/news/library?utm_source=rss</link>
<pubDate>Tue, 05 Mar 2024 09:30:00 GMT</pubDate><guid>lib-1</guid>
<content:encoded><![CDATA[{first}]]></content:encoded></item>
<item><title>An entry with nothing in it</title><link>https://courier.example/news/empty</link></item>
<item><title>Bridge repairs</title><link>https://courier.example/news/bridge</link>
<description>{second}</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Denholm Daily</title>
<entry><title>Library to close</title><link href="https://daily.example/a/1"/><id>tag:daily.example,2024:1</id>
<updated>2024-03-06T08:00:00Z</updated><author><name>Sam Ortiz</name></author>
<content type="html">{body}</content></entry></feed>"""


def paragraphs_html(text):
    return "".join(f"<p>{p}</p>" for p in text.split("\n\n"))


def test_rss_entries_become_articles_and_a_broken_entry_fails_alone(tmp_path):
    path = tmp_path / "courier.rss"
    second = article_text(1).replace("\n\n", " ")
    path.write_text(RSS.format(first=paragraphs_html(article_text(0)), second=second), "utf-8")
    articles, failures = split(list(read_sources([str(path)])))
    assert [a.title for a in articles] == ["Library to close", "Bridge repairs"]
    first = articles[0]
    assert first.url == "https://courier.example/news/library"  # tracking parameter dropped
    assert first.published == dt.date(2024, 3, 5) and first.date_source is DateSource.METADATA
    assert first.source == "The Marlow Courier"
    assert first.text.count("\n\n") == 3
    assert first.source_ref == f"{path}#1" and articles[1].source_ref == f"{path}#3"
    assert [(f.source_ref, f.reason) for f in failures] == [(f"{path}#2", "feed entry has neither content nor summary")]


def test_atom_entry(tmp_path):
    from html import escape

    path = tmp_path / "daily.atom"
    path.write_text(ATOM.format(body=escape(paragraphs_html(article_text(2)))), "utf-8")
    [article] = list(read_sources([str(path)]))
    assert article.authors == ["Sam Ortiz"]
    assert article.published == dt.date(2024, 3, 6)
    assert article.external_id == "tag:daily.example,2024:1"
    assert "Ashby City Council" in article.text


def test_invalid_feed_is_a_failure(tmp_path):
    path = tmp_path / "bad.xml"
    path.write_text("<?xml version='1.0'?><rss><channel><item><title>unclosed", "utf-8")
    [failure] = list(read_sources([str(path)]))
    assert isinstance(failure, Failure)
    assert "malformed" in failure.reason or failure.reason.startswith("not a readable feed")


def make_warc(pages, *, gzip_records=True):
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip_records)
    for url, content_type, body in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    writer.write_record(
        writer.create_warc_record("https://courier.example/", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
    )
    return buffer.getvalue()


WARC_PAGES = [
    ("https://courier.example/2024/03/05/library", "text/html; charset=utf-8", html_page(article_text(0)).encode()),
    ("https://courier.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    (
        "https://courier.example/2024/03/06/bridge",
        "text/html; charset=iso-8859-1",
        html_page(article_text(3) + "\n\nThe café reopened.").encode("latin-1"),
    ),
]


def test_warc_html_responses_become_articles(tmp_path):
    for gz, name in ((True, "crawl.warc.gz"), (False, "crawl.warc")):
        path = tmp_path / name
        path.write_bytes(make_warc(WARC_PAGES, gzip_records=gz))
        articles, failures = split(list(read_sources([str(path)])))
        assert failures == []
        assert [a.url for a in articles] == [
            "https://courier.example/2024/03/05/library",
            "https://courier.example/2024/03/06/bridge",
        ]
        assert [a.source_ref for a in articles] == [f"{path}#1", f"{path}#2"]
        assert "The café reopened." in articles[1].text  # declared charset honoured


def test_truncated_warc_keeps_the_records_before_the_cut(tmp_path):
    data = make_warc(WARC_PAGES)
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: int(len(data) * 0.7)])
    articles, failures = split(list(read_sources([str(path)])))
    assert [a.url for a in articles] == ["https://courier.example/2024/03/05/library"]
    assert len(failures) == 1 and "truncated or corrupt WARC" in failures[0].reason
    assert failures[0].source_ref == f"{path}#2"


def test_jsonl_text_is_kept_verbatim_and_bad_lines_fail_alone(tmp_path):
    verbatim = "  Leave a Reply\n\nThe council voted, she said.  \r\n" + article_text()
    lines = [
        json.dumps(
            {"id": "x1", "text": verbatim, "title": "Vote", "published": "2024-03-05", "url": "https://a.example/x#top"}
        ),
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"id": "x4"}),
        "",
        json.dumps({"id": "x6", "html": html_page(article_text(4))}),
        json.dumps({"id": 7, "text": article_text(5), "published": "next week maybe"}),
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    articles, failures = split(list(read_sources([str(path)])))
    assert articles[0].text == verbatim  # not cleaned, not stripped: offsets index it
    assert articles[0].external_id == "x1" and articles[0].title == "Vote"
    assert articles[0].published == dt.date(2024, 3, 5) and articles[0].date_source is DateSource.USER
    assert articles[0].url == "https://a.example/x"
    assert articles[1].external_id == "x6" and "Wexley" in articles[1].text
    assert [f.source_ref.rsplit("#", 1)[1] for f in failures] == ["2", "3", "4", "7"]
    reasons = [f.reason for f in failures]
    assert reasons[0].startswith("invalid JSON")
    assert reasons[1] == "a JSONL line must be an object"
    assert reasons[2] == "the object has neither `text` nor `html`"
    assert "cannot read the date 'next week maybe'" in reasons[3]


def test_gzipped_jsonl_and_a_line_that_is_not_utf8(tmp_path):
    good = json.dumps({"id": "a", "text": article_text()}).encode()
    bad = b'{"id": "b", "text": "caf\xe9 au lait"}'
    path = tmp_path / "in.jsonl.gz"
    path.write_bytes(gzip.compress(good + b"\n" + bad + b"\n"))
    articles, failures = split(list(read_sources([str(path)])))
    assert [a.external_id for a in articles] == ["a"]
    assert failures[0].source_ref == f"{path}#2" and "not UTF-8" in failures[0].reason
