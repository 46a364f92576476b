"""HTML pages: main text without furniture or comments; metadata; dates and their source."""

import datetime as dt
import gzip

from conftest import article_text, html_page

from onrecord.ingest.html import find_published, fragment_text, read_html
from onrecord.ingest.sources import read_sources
from onrecord.model import Article, DateSource, Failure


def test_main_text_and_metadata():
    page = html_page(
        article_text(), comments="<div class='comment'><p>This council is a disgrace and should resign now.</p></div>"
    )
    draft = read_html(page, "page.html", url="https://courier.example/news/library")
    assert draft.title == "Council votes to close Eastgate library"
    assert draft.source == "The Marlow Courier"
    assert draft.authors == ["Jo Whitfield"]
    assert "The Marlow City Council voted on Tuesday" in draft.text
    assert "more than six thousand signatures" in draft.text
    # menus, footers and reader comments are not the article
    for furniture in ("Sport", "Privacy", "All rights reserved", "disgrace"):
        assert furniture not in draft.text
    # four paragraphs; the headline is the title, not the first paragraph
    assert draft.text.count("\n\n") == 3
    assert draft.text.startswith("The Marlow City Council voted")


def test_date_from_metadata():
    assert find_published(html_page(article_text()), None) == (dt.date(2024, 3, 5), DateSource.METADATA)


def test_date_from_url_when_markup_has_none():
    page = html_page(article_text(), date_meta=None)
    assert find_published(page, "https://courier.example/2023/07/14/library-vote") == (
        dt.date(2023, 7, 14),
        DateSource.URL,
    )


def test_date_from_page_text_when_nothing_else():
    page = html_page("Posted on 14 July 2023.\n\n" + article_text(), date_meta=None)
    date, source = find_published(page, "https://courier.example/news/library-vote")
    assert (date, source) == (dt.date(2023, 7, 14), DateSource.TEXT)


def test_no_date_is_unknown_never_today():
    page = html_page(article_text(), date_meta=None)
    assert find_published(page, "https://courier.example/news/library-vote") == (None, DateSource.UNKNOWN)


def test_a_copyright_year_or_month_is_not_a_publication_date():
    # htmldate would fall back to 2024-01-01 (footer) or 2023-07-01 (a month);
    # neither is a day the page states.
    page = html_page("The plan was first floated in July 2023.\n\n" + article_text(), date_meta=None)
    assert find_published(page, None) == (None, DateSource.UNKNOWN)


def test_gzipped_html_file(tmp_path):
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(html_page(article_text()).encode("utf-8")))
    [article] = list(read_sources([str(path)]))
    assert isinstance(article, Article)
    assert article.published == dt.date(2024, 3, 5) and article.date_source is DateSource.METADATA
    assert "Eastgate" in article.text


def test_page_without_article_text_fails_with_a_reason(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>x</title></head><body><nav><a href='/'>Home</a></nav></body></html>", "utf-8")
    [failure] = list(read_sources([str(path)]))
    assert isinstance(failure, Failure)
    assert failure.source_ref == str(path)
    assert "no article text" in failure.reason


def test_malformed_html_still_yields_its_text(tmp_path):
    broken = "<html><body><div><p>" + article_text().replace("\n\n", "<p>") + "<div><span></b></i></table>"
    path = tmp_path / "broken.html"
    path.write_text(broken, "utf-8")
    [article] = list(read_sources([str(path)]))
    assert isinstance(article, Article)
    assert "petition to keep the library open" in article.text


def test_fragment_text_keeps_paragraphs():
    assert fragment_text("<p>One <b>two</b>.</p><p>Three<br>four</p><script>x()</script>") == "One two.\n\nThree four"
    assert fragment_text("<div>Three<br><br>four</div>") == "Three\n\nfour"
    assert fragment_text("plain words") == "plain words"
