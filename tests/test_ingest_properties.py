"""Property-based: no input, however broken, makes a reader raise; JSONL text
comes back exactly as given."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onrecord.ingest.draft import IngestOptions
from onrecord.ingest.jsonl import read_jsonl
from onrecord.ingest.sources import InputKind, read_articles, read_document
from onrecord.ingest.text import clean_plain_text
from onrecord.model import Article, Failure

OPTIONS = IngestOptions(languages=(), max_bytes=100_000)
junk = st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=3000).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<div",
                ">",
                "\u201c",
                "\u201d",
                '"',
                "said",
                "\n\n",
                "Leave a Reply",
                "<?xml",
                "<rss>",
                "<item>",
                "WARC/1.0\r\n",
                "{",
                "}",
                "\x00",
                "\ufeff",
                "é",
            ]
        ),
        max_size=300,
    ).map(lambda parts: "".join(parts).encode("utf-8")),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=junk, kind=st.sampled_from(list(InputKind)))
def test_readers_never_raise(data, kind, tmp_path_factory):
    path = tmp_path_factory.mktemp("p") / "input.bin"
    path.write_bytes(data)
    for item in read_articles(str(path), kind, OPTIONS):
        assert isinstance(item, (Article, Failure))
        if isinstance(item, Failure):
            assert item.reason and "\n" not in item.reason
    try:
        list(read_document(data, "mem", kind, OPTIONS))
    except Exception as exc:  # read_document may raise IngestError; read_articles turns it into a Failure
        from onrecord.ingest.errors import IngestError

        assert isinstance(exc, IngestError)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=2000))
def test_jsonl_text_is_verbatim(text):
    [draft] = list(read_jsonl([json.dumps({"id": 1, "text": text})], "x.jsonl"))
    assert draft.text == text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_clean_plain_text_keeps_words_it_does_not_drop(text):
    cleaned = clean_plain_text(text)
    # the cleaner only removes or moves: every word of its output is in the input
    source_words = set(text.split())
    for word in cleaned.text.split():
        assert word in source_words
