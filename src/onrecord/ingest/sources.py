"""Sources to articles: files, folders, standard input and URLs, each read by
the reader for its kind (text, HTML, feed, WARC, JSONL).

`read_sources` is the one entry point: it yields an `Article` or a `Failure`
for every document it meets and never raises for bad input.
"""

from __future__ import annotations

import datetime as dt
import enum
import errno
import gzip
import io
import os
import stat
import sys
from collections.abc import Iterable, Iterator

from onrecord.ingest.decode import GZIP_MAGIC, decode_text, maybe_gunzip, read_capped
from onrecord.ingest.draft import Draft, IngestOptions, finish
from onrecord.ingest.errors import IngestError
from onrecord.ingest.feeds import looks_like_feed, read_feed
from onrecord.ingest.html import looks_like_html, read_html
from onrecord.ingest.jsonl import read_jsonl
from onrecord.ingest.text import clean_plain_text
from onrecord.ingest.urls import fetch, is_url
from onrecord.ingest.warc import looks_like_warc, read_warc
from onrecord.limits import time_limit
from onrecord.model import Article, DateSource, Failure


class InputKind(str, enum.Enum):
    TEXT = "text"
    HTML = "html"
    FEED = "feed"
    WARC = "warc"
    JSONL = "jsonl"


# File endings, after a trailing ".gz" is taken off. A folder is searched for
# these; a file named on the command line with another ending is sniffed.
EXTENSIONS = {
    ".txt": InputKind.TEXT,
    ".text": InputKind.TEXT,
    ".html": InputKind.HTML,
    ".htm": InputKind.HTML,
    ".xhtml": InputKind.HTML,
    ".rss": InputKind.FEED,
    ".atom": InputKind.FEED,
    ".rdf": InputKind.FEED,
    ".xml": InputKind.FEED,
    ".warc": InputKind.WARC,
    ".jsonl": InputKind.JSONL,
    ".ndjson": InputKind.JSONL,
}


def kind_from_name(name: str) -> InputKind | None:
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return EXTENSIONS.get(os.path.splitext(lower)[1])


def sniff_kind(head: bytes) -> InputKind:
    """The kind of a document from its first bytes (already decompressed)."""
    if looks_like_warc(head):
        return InputKind.WARC
    text = head[:4096].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("{"):
        return InputKind.JSONL
    if looks_like_feed(text):
        return InputKind.FEED
    if looks_like_html(text):
        return InputKind.HTML
    return InputKind.TEXT


def expected_documents(ref: str, kind: InputKind | None) -> int:
    """How many documents a source holds, for a progress bar: a JSONL file's
    non-blank lines (counted in one pass over its bytes), else one. A feed's
    entries and a WARC's records are only known once read (the bar adds them
    then); a source that cannot be opened counts one (its failure)."""
    name = ref.lower().removesuffix(".gz")
    if kind is not InputKind.JSONL and not (kind is None and name.endswith((".jsonl", ".ndjson"))):
        return 1
    if ref == "-" or is_url(ref):
        return 1
    try:
        opener = gzip.open if ref.lower().endswith(".gz") else open
        with opener(ref, "rb") as stream:
            return max(sum(1 for line in stream if line.strip()), 1)
    except (OSError, EOFError, gzip.BadGzipFile):
        return 1


def expand_sources(refs: Iterable[str]) -> Iterator[tuple[str, InputKind | None] | Failure]:
    """Each source as (reference, kind or None to sniff); folders are walked
    recursively (sorted, hidden entries skipped) for files of a known kind.
    Only regular files are read: a FIFO, socket or device is a failure and
    is never opened (a FIFO would block the run), and so is a link in a
    folder that points out of it."""
    for ref in refs:
        if ref == "-" or is_url(ref):
            yield ref, None
        elif os.path.isdir(ref):
            yield from _walk_folder(ref)
        elif os.path.exists(ref):
            reason = _not_regular_reason(ref)
            yield Failure(ref, reason) if reason else (ref, kind_from_name(ref))
        else:
            yield Failure(ref, "no such file or folder")


def _walk_folder(folder: str) -> Iterator[tuple[str, InputKind] | Failure]:
    # os.walk does not descend into linked folders: one inside the folder is
    # walked anyway at its real place, one outside is reported; so no loop.
    inside = os.path.realpath(folder)
    found = False
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in dirs:
            path = os.path.join(root, name)
            if os.path.islink(path) and not _within(path, inside):
                yield Failure(path, "link points outside the folder")
        for name in sorted(files):
            kind = kind_from_name(name)
            if kind is None or name.startswith("."):
                continue
            path = os.path.join(root, name)
            reason = _folder_entry_reason(path, inside)
            found = True  # read or reported: either way the folder held it
            yield Failure(path, reason) if reason else (path, kind)
    if not found:
        yield Failure(folder, "folder holds no file of a known kind (.txt .html .xml .rss .warc .jsonl …)")


def _within(path: str, folder_real: str) -> bool:
    real = os.path.realpath(path)
    return real == folder_real or real.startswith(folder_real.rstrip(os.sep) + os.sep)


def _folder_entry_reason(path: str, folder_real: str) -> str | None:
    """Why a file found in a folder is not read, or None."""
    if os.path.islink(path):
        if not _within(path, folder_real):
            return "link points outside the folder"
        try:
            os.stat(path)
        except OSError as exc:
            what = "a link loop" if exc.errno == errno.ELOOP else "a broken link"
            return f"{what} ({exc.strerror}): not read"
    return _not_regular_reason(path)


_FILE_TYPES = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)


def _kind_of_file(mode: int) -> str | None:
    """None for a regular file, else what it is ("a FIFO")."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _FILE_TYPES if test(mode)), "not a regular file")


def _not_regular_reason(path: str) -> str | None:
    try:
        what = _kind_of_file(os.stat(path).st_mode)
    except OSError as exc:
        return f"cannot read ({exc.strerror or exc})"
    return _refusal(what) if what else None


def _refusal(what: str) -> str:
    # a pipe is read as standard input, where the user chose to wait for it
    return f"cannot read ({what}, not a regular file: to read a stream, give - and pipe it in)"


def _open_regular(path: str) -> io.BufferedReader:
    """Open a file for reading, refusing anything but a regular file without
    waiting: a FIFO put in its place since the walk would block `open`."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        what = _kind_of_file(os.fstat(fd).st_mode)
        if what:
            raise IngestError(_refusal(what))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class _GzipClosingFile(gzip.GzipFile):
    """A GzipFile over an open file that closes that file too."""

    def __init__(self, raw: io.BufferedReader) -> None:
        self._raw: io.BufferedReader | None = raw  # GzipFile's own `fileobj` is typed without `close`
        super().__init__(fileobj=raw, mode="rb")

    def close(self) -> None:
        raw, self._raw = self._raw, None
        try:
            super().close()
        finally:
            if raw is not None:
                raw.close()


def _open_maybe_gzip(path: str) -> io.BufferedIOBase:
    stream = _open_regular(path)
    try:
        magic = stream.read(2)
        stream.seek(0)
    except BaseException:
        stream.close()
        raise
    return _GzipClosingFile(stream) if magic == GZIP_MAGIC else stream


def read_sources(refs: Iterable[str], options: IngestOptions | None = None) -> Iterator[Article | Failure]:
    """Every article (or failure) of every source, in order."""
    options = options or IngestOptions()
    for item in expand_sources(refs):
        if isinstance(item, Failure):
            yield item
        else:
            yield from read_articles(*item, options)


def read_articles(ref: str, kind: InputKind | None, options: IngestOptions) -> Iterator[Article | Failure]:
    """The articles of one source (file, URL or "-"), and a `Failure` for
    each part of it that cannot be read."""
    return _finished(ref, read_source(ref, kind, options), options)


def read_jsonl_slice(ref: str, start: int, stop: int | None, options: IngestOptions) -> Iterator[Article | Failure]:
    """The articles of lines start..stop-1 (counted from 0; stop None: to the
    end) of a JSONL file, with the same references as a whole read gives
    them ("file#12")."""
    import itertools

    def drafts() -> Iterator[Draft | Failure]:
        with _open_maybe_gzip(ref) as stream:
            lines = itertools.islice(_capped_lines(stream, options.max_bytes), start, stop)
            yield from read_jsonl(lines, ref, first_line=start + 1, seconds=options.time_limit)

    return _finished(ref, drafts(), options)


def _finished(ref: str, drafts: Iterator[Draft | Failure], options: IngestOptions) -> Iterator[Article | Failure]:
    """Drafts made articles; whatever goes wrong is a failure of its part or
    of the source, and never stops a batch."""
    try:
        for draft in drafts:
            if isinstance(draft, Failure):
                yield draft
                continue
            try:
                yield finish(draft, options)
            except IngestError as exc:
                yield Failure(draft.source_ref, str(exc))
            except Exception as exc:  # noqa: BLE001 - one bad document costs itself, not the rest of its file
                yield Failure(draft.source_ref, f"unexpected error ({type(exc).__name__}: {exc})")
    except IngestError as exc:
        yield Failure(ref, str(exc))
    except OSError as exc:
        yield Failure(ref, f"cannot read ({exc.strerror or exc})")
    except Exception as exc:  # noqa: BLE001 - one bad input never stops a batch
        yield Failure(ref, f"unexpected error ({type(exc).__name__}: {exc})")


def count_lines(ref: str) -> int:
    try:
        with _open_maybe_gzip(ref) as stream:
            return sum(1 for _ in stream)
    except IngestError as exc:  # not a regular file: callers handle an OSError
        raise OSError(errno.EINVAL, str(exc)) from None


def read_source(ref: str, kind: InputKind | None, options: IngestOptions) -> Iterator[Draft | Failure]:
    if is_url(ref):
        yield from _read_url(ref, options)
    elif ref == "-":
        data = maybe_gunzip(read_capped(sys.stdin.buffer, options.max_bytes, "standard input"), options.max_bytes)
        yield from read_document(data, "-", kind or sniff_kind(data[:8192]), options)
    elif kind is InputKind.WARC:
        with _open_regular(ref) as stream:
            yield from read_warc(stream, ref, options.max_bytes, options.time_limit)
    elif kind is InputKind.JSONL:
        with _open_maybe_gzip(ref) as stream:
            yield from read_jsonl(_capped_lines(stream, options.max_bytes), ref, seconds=options.time_limit)
    else:
        with _open_regular(ref) as stream:
            data = maybe_gunzip(read_capped(stream, options.max_bytes, "file"), options.max_bytes)
        yield from read_document(data, ref, kind or sniff_kind(data[:8192]), options)


def read_document(
    data: bytes,
    ref: str,
    kind: InputKind,
    options: IngestOptions,
    *,
    url: str | None = None,
    charset: str | None = None,
) -> Iterator[Draft | Failure]:
    """One document already in memory, of a known kind."""
    if kind is InputKind.WARC:
        yield from read_warc(io.BytesIO(data), ref, options.max_bytes, options.time_limit)
    elif kind is InputKind.FEED:
        yield from read_feed(data, ref)
    elif kind is InputKind.JSONL:
        yield from read_jsonl(decode_text(data, charset).splitlines(), ref, seconds=options.time_limit)
    elif kind is InputKind.HTML:
        yield read_html(decode_text(data, charset), ref, url=url, seconds=options.time_limit)
    else:
        yield text_draft(decode_text(data, charset), ref, url=url, options=options)


def given_article(
    content: str,
    ref: str,
    options: IngestOptions,
    *,
    url: str | None = None,
    title: str | None = None,
    published: str | dt.date | dt.datetime | None = None,
) -> Article:
    """An article from text or HTML handed over in memory (the Python API's
    `analyze`, the REST API): HTML goes through main-text extraction, plain
    text is cleaned of boilerplate. `title` and `published` override what
    the document says. Raises `IngestError` when there is no article text."""
    from onrecord.ingest.dates import parse_user_date

    if not isinstance(content, str) or not content.strip():
        raise IngestError("empty document: give its text or html")
    draft = (
        read_html(content, ref, url=url, seconds=options.time_limit)
        if looks_like_html(content)
        else text_draft(content, ref, url=url, options=options)
    )
    if title:
        draft.title = title
    date = parse_user_date(published)
    if date is not None:
        draft.published, draft.date_source = date, DateSource.USER
    return finish(draft, options)


def read_given_document(document: dict, ref: str, options: IngestOptions) -> Iterator[Article | Failure]:
    """One document as the REST API receives it: {"text": ...} or {"html":
    ...}, with optional "url", "title" and "published"."""
    try:
        yield given_article(
            document.get("html") or document.get("text") or "",
            ref,
            options,
            url=document.get("url"),
            title=document.get("title"),
            published=document.get("published"),
        )
    except IngestError as exc:
        yield Failure(ref, str(exc))
    except Exception as exc:  # noqa: BLE001 - one bad document never stops a batch
        yield Failure(ref, f"unexpected error ({type(exc).__name__}: {exc})")


def text_draft(raw: str, ref: str, url: str | None = None, options: IngestOptions | None = None) -> Draft:
    options = options or IngestOptions()
    with time_limit("reading the text", options.time_limit):
        cleaned = clean_plain_text(raw, options.settings)
    return Draft(
        text=cleaned.text,
        source_ref=ref,
        title=cleaned.title,
        authors=cleaned.authors,
        url=url,
        published=cleaned.published,
        date_source=DateSource.TEXT if cleaned.published else DateSource.UNKNOWN,
    )


_KIND_OF_MEDIA_TYPE = {
    "text/html": InputKind.HTML,
    "application/xhtml+xml": InputKind.HTML,
    "application/rss+xml": InputKind.FEED,
    "application/atom+xml": InputKind.FEED,
    "application/rdf+xml": InputKind.FEED,
    "text/plain": InputKind.TEXT,
    "application/warc": InputKind.WARC,
    "application/jsonl": InputKind.JSONL,
    "application/x-ndjson": InputKind.JSONL,
}


def _read_url(url: str, options: IngestOptions) -> Iterator[Draft | Failure]:
    deadline, deadline_name = _fetch_deadline(options)
    fetched = fetch(
        url,
        timeout=options.fetch_timeout,
        max_bytes=options.max_bytes,
        allow_private=options.allow_private,
        deadline=deadline,
        deadline_name=deadline_name,
    )
    data = maybe_gunzip(fetched.body, options.max_bytes)
    kind = _KIND_OF_MEDIA_TYPE.get(fetched.content_type) or sniff_kind(data[:8192])
    for draft in read_document(data, url, kind, options, url=fetched.url, charset=fetched.charset):
        if isinstance(draft, Draft) and kind in (InputKind.HTML, InputKind.TEXT):
            # the page itself, from its own URL (a feed's entries only name theirs)
            draft.url_fetched = draft.url == fetched.url
        yield draft


def _fetch_deadline(options: IngestOptions) -> tuple[float | None, str]:
    """The total time a fetch may take, and the setting it comes from: the
    fetch deadline, or the time limit per document when that is smaller."""
    limit, deadline = options.time_limit, options.fetch_deadline
    if limit > 0 and (deadline <= 0 or limit < deadline):
        return limit, "the time limit per document (--time-limit, ONRECORD_TIME_LIMIT or limits.document_seconds)"
    if deadline > 0:
        return deadline, "the fetch deadline (--fetch-deadline, ONRECORD_FETCH_DEADLINE or ingest.fetch_deadline)"
    return None, ""


def _capped_lines(stream: io.BufferedIOBase, max_bytes: int) -> Iterator[str | IngestError]:
    """Lines of a JSONL file as text; a line over the cap or not in UTF-8 is
    an error in its place, so that it fails alone and keeps its number."""
    for raw in iter(lambda: stream.readline(max_bytes + 1), b""):
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            # Skip the rest of the oversized line, then report it as bad JSON.
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield IngestError(f"line is larger than the size cap of {max_bytes:,} bytes")
            continue
        try:
            yield raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            yield IngestError(f"line is not UTF-8 (byte {exc.start})")
