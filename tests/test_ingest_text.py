"""Plain text: headline, byline, dateline, boilerplate."""

import datetime as dt

from conftest import article_text

from onrecord.ingest.sources import read_sources
from onrecord.ingest.text import clean_plain_text, looks_like_headline, remove_boilerplate
from onrecord.model import Article, DateSource


def test_seed_article_comes_out_clean(seed_path):
    [article] = list(read_sources([str(seed_path)]))
    assert isinstance(article, Article)
    assert article.title == "For The First Time, Iran Admits Sending Drones To Russia"
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 9
    assert paragraphs[0].startswith("Insisting that the transfer took place")
    assert paragraphs[-1].endswith("we will not be indifferent to this issue.”")
    assert "Leave a Reply" not in article.text
    assert "1416 Shares" not in article.text
    assert article.language == "en"
    # The seed carries no date of its own, so none is invented.
    assert article.published is None and article.date_source is DateSource.UNKNOWN


def test_byline_and_dateline_are_metadata_not_text():
    raw = "Library To Close After Council Vote\n\nBy Jo Whitfield and Sam Ortiz\n\nMarch 5, 2024\n\n" + article_text()
    cleaned = clean_plain_text(raw)
    assert cleaned.title == "Library To Close After Council Vote"
    assert cleaned.authors == ["Jo Whitfield", "Sam Ortiz"]
    assert cleaned.published == dt.date(2024, 3, 5)
    assert cleaned.text.startswith("The Marlow City Council voted")


def test_published_date_from_text_is_marked_as_such(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Library To Close\n\nPublished: 5 March 2024 10:04 GMT\n\n" + article_text(), "utf-8")
    [article] = list(read_sources([str(path)]))
    assert article.published == dt.date(2024, 3, 5)
    assert article.date_source is DateSource.TEXT


def test_embedded_and_trailing_boilerplate_is_removed():
    paragraphs = [
        "The council voted to close the library.",
        "Share this article",
        "Related: Council budget cuts explained",
        "Sign up for our daily newsletter to get the latest news in your inbox.",
        "Residents said they would fight the decision.",
        "Advertisement",
        "Leave a Reply",
        "I think the council is wrong about this.",
        "1.2K Shares",
    ]
    assert remove_boilerplate(paragraphs) == [
        "The council voted to close the library.",
        "Residents said they would fight the decision.",
    ]


def test_sentences_that_mention_sharing_are_kept():
    paragraphs = [
        "The two countries share a long border, the minister said.",
        "Readers can subscribe to the council's notices, a spokesman said, but few do.",
    ]
    assert remove_boilerplate(paragraphs) == paragraphs


def test_first_line_is_a_title_only_when_it_looks_like_a_headline():
    assert looks_like_headline("Iran Admits Sending Drones To Russia")
    assert not looks_like_headline("The council voted on Tuesday to close the library.")
    assert not looks_like_headline("“We gave a limited number of drones,” he said")
    cleaned = clean_plain_text("The council voted on Tuesday to close the library.\n\nResidents objected.")
    assert cleaned.title is None
    assert cleaned.text.startswith("The council voted")


def test_a_lead_ending_inside_a_quotation_is_body_text():
    # a full stop inside the closing quotation mark ends a sentence, not a headline
    lead = (
        "Ledgerly on Wednesday confirmed that hackers stole customer data, eight days after the company "
        'said reports of a breach were "nonsense."'
    )
    assert not looks_like_headline(lead)
    assert not looks_like_headline("The minister called the report “absolutely false.”")
    assert looks_like_headline("Is Iran arming Russia?")
    assert looks_like_headline("Iran on drones: ‘We gave a limited number’")
    cleaned = clean_plain_text(lead + "\n\nThe company said it had told customers.")
    assert cleaned.title is None and cleaned.text.startswith("Ledgerly on Wednesday")


def test_one_paragraph_per_line_when_there_are_no_blank_lines():
    cleaned = clean_plain_text("Library Closes\nThe council voted.\nResidents objected.\nLeave a Reply\nNice post!")
    assert cleaned.title == "Library Closes"
    assert cleaned.text == "The council voted.\n\nResidents objected."
