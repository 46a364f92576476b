"""Every kind of bad input gets a one-line reason naming it, and the batch goes on."""

import gzip
import os
import socket

import pytest
from conftest import article_text, html_page

from onrecord.ingest.decode import decode_text, gunzip_capped
from onrecord.ingest.draft import IngestOptions
from onrecord.ingest.errors import IngestError
from onrecord.ingest.sources import read_sources
from onrecord.model import Article, Failure

GERMAN = (
    "Der Stadtrat von Marlow hat am Dienstag beschlossen, die öffentliche Bibliothek im Osten der Stadt "
    "zum Jahresende zu schließen. Die Ratsvorsitzende sagte, das Gebäude brauche Reparaturen, die sich die "
    "Stadt nicht leisten könne. Eine Petition hat mehr als sechstausend Unterschriften gesammelt."
)


def only(items):
    [item] = items
    return item


def reason_for(path, **options):
    item = only(list(read_sources([str(path)], IngestOptions(**options))))
    assert isinstance(item, Failure), item
    assert item.source_ref == str(path)
    assert "\n" not in item.reason
    return item.reason


def test_empty_and_whitespace_files(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.html").write_bytes(b"  \n\t \n")
    assert reason_for(tmp_path / "empty.txt") == "empty input"
    assert reason_for(tmp_path / "blank.html") == "empty input"


def test_binary_file(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2000))
    assert reason_for(path).startswith("binary content")


def test_oversized_file(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(article_text() * 50, "utf-8")
    assert "larger than the size cap of 10,000 bytes" in reason_for(path, max_bytes=10_000)


def test_gzip_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.html.gz"
    with gzip.open(path, "wb") as fh:
        for _ in range(50):
            fh.write(b"<p>" + b"a" * 1_000_000 + b"</p>")
    assert os.path.getsize(path) < 200_000
    assert "decompressed size is larger than the size cap" in reason_for(path, max_bytes=5_000_000)


def test_truncated_gzip(tmp_path):
    data = gzip.compress(html_page(article_text()).encode() * 3)
    path = tmp_path / "cut.html.gz"
    path.write_bytes(data[: len(data) // 2])
    assert reason_for(path).startswith("truncated gzip data")


def test_wrongly_encoded_text_is_decoded_when_it_can_be(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(
        ("Café Owners Protest\n\n" + article_text() + "\n\nThe café’s owner, Zoë Müller, objected.").encode("cp1252")
    )
    article = only(list(read_sources([str(path)])))
    assert isinstance(article, Article)
    assert "Zoë Müller" in article.text and article.title == "Café Owners Protest"


def test_undecodable_garbage_is_refused(tmp_path):
    path = tmp_path / "garbage.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 40)
    assert reason_for(path).startswith(("cannot decode", "cannot identify the language", "binary content"))


def test_non_english_text(tmp_path):
    path = tmp_path / "de.txt"
    path.write_text(GERMAN, "utf-8")
    assert reason_for(path) == "language is 'de', not one of en (--lang to accept it)"
    # and accepted when asked for
    article = only(list(read_sources([str(path)], IngestOptions(languages=("en", "de")))))
    assert isinstance(article, Article) and article.language == "de"


def test_missing_path_and_unreadable_file(tmp_path):
    assert reason_for(tmp_path / "nope.txt") == "no such file or folder"
    sock_path = tmp_path / "socket.txt"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        assert reason_for(sock_path).startswith("cannot read")
    finally:
        server.close()


def test_one_bad_file_never_stops_a_batch(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Library Vote\n\n" + article_text(0), "utf-8")
    (folder / "b.txt").write_bytes(b"")
    (folder / "sub" / "c.html").write_text(html_page(article_text(1)), "utf-8")
    (folder / "sub" / "d.html.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (folder / "sub" / "e.txt").write_text(GERMAN, "utf-8")
    (folder / "sub" / "f.txt").write_text(article_text(2), "utf-8")
    (folder / "image.png").write_bytes(b"\x89PNG")  # not a kind onrecord reads: skipped
    (folder / ".hidden.txt").write_text(article_text(3), "utf-8")  # hidden: skipped
    items = list(read_sources([str(folder)]))
    refs = [(os.path.relpath(i.source_ref, folder), type(i).__name__) for i in items]
    assert refs == [
        ("a.txt", "Article"),
        ("b.txt", "Failure"),
        ("sub/c.html", "Article"),
        ("sub/d.html.gz", "Failure"),
        ("sub/e.txt", "Failure"),
        ("sub/f.txt", "Article"),
    ]


def test_unknown_ending_is_sniffed(tmp_path):
    (tmp_path / "page.dat").write_text(html_page(article_text()), "utf-8")
    (tmp_path / "feed.dat").write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>T</title><item><title>A</title>"
        f"<description>{article_text()}</description></item></channel></rss>",
        "utf-8",
    )
    page, entry = list(read_sources([str(tmp_path / "page.dat"), str(tmp_path / "feed.dat")]))
    assert page.title == "Council votes to close Eastgate library"
    assert entry.source_ref.endswith("feed.dat#1") and entry.title == "A"


def test_empty_folder(tmp_path):
    (tmp_path / "notes.doc").write_bytes(b"x")
    assert reason_for(tmp_path).startswith("folder holds no file of a known kind")


@pytest.mark.parametrize(
    "data",
    [b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff" * 20, b"\x1f\x8b"],
)
def test_gunzip_errors_are_ingest_errors(data):
    with pytest.raises(IngestError):
        gunzip_capped(data, 1000)


def test_decode_text_utf16_with_bom():
    assert decode_text("Hello, wörld".encode("utf-16")) == "Hello, wörld"
