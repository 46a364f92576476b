"""WARC and WARC.gz files (warcio), as web archives and CC-NEWS publish them:
each HTML response record is an article."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed

from onrecord.ingest.decode import decode_text
from onrecord.ingest.draft import Draft
from onrecord.ingest.errors import IngestError
from onrecord.ingest.html import read_html
from onrecord.ingest.identity import metadata_url
from onrecord.model import Failure
from onrecord.settings import DEFAULT_SETTINGS

HTML_TYPES = ("text/html", "application/xhtml+xml")

# warcio reads a header line by appending block after block to it (a 40 MB
# line took 43 s, one of 300 MB more than 12 minutes) and keeps a header block
# of any size, outside the size cap (of payloads) and the time limit (of
# reading a page). A header block (a record's WARC header, or its HTTP
# header) longer than this ends the reading of the file with a failure.
MAX_HEADER_BYTES = 256 * 1024


class WarcHeaderTooLarge(Exception):
    """A header block of a record is longer than MAX_HEADER_BYTES."""


class _HeaderBoundedReader(DecompressingBufferedReader):
    """warcio's reader, with lines read in linear time and header blocks
    bounded: lines read one after another, up to a blank line (warcio reads
    headers a line at a time and payloads with `read`), may total
    MAX_HEADER_BYTES."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.header_bytes = 0

    def read(self, length=None):
        self.header_bytes = 0  # a payload: the header block before it has ended
        return super().read(length)

    def readline(self, length=None):
        if length == 0:
            return b""
        self._fillbuff()
        if self.empty():
            return b""
        parts = []
        while True:
            part = self.buff.readline(length)
            parts.append(part)
            self.header_bytes += len(part)
            if self.header_bytes > MAX_HEADER_BYTES:
                raise WarcHeaderTooLarge()
            if part.endswith(b"\n"):
                break
            if length:
                length -= len(part)
                if length <= 0:
                    break
            self._fillbuff()  # the line goes on in the next block
            if self.empty():
                break
        line = b"".join(parts)
        if not line.strip():
            self.header_bytes = 0  # a blank line ends a header block
        return line


class _BoundedArchiveIterator(ArchiveIterator):
    def __init__(self, fileobj, **kwargs) -> None:
        super().__init__(fileobj, **kwargs)
        # replaced before the first record is read: the iteration starts on first use
        # (annotated: mypy cannot infer an attribute from a value that reads it)
        self.reader: DecompressingBufferedReader = _HeaderBoundedReader(self.fh, block_size=self.reader.block_size)


def looks_like_warc(head: bytes) -> bool:
    return head.startswith(b"WARC/")


def read_warc(
    stream: BinaryIO, source_ref: str, max_bytes: int, seconds: float = DEFAULT_SETTINGS.limits.document_seconds
) -> Iterator[Draft | Failure]:
    """Yield a `Draft` per HTML response and a `Failure` per bad record; a
    truncated or corrupt file yields what came before it, then a `Failure`.
    Each record is read within `seconds`."""
    number = 0
    try:
        for record in _BoundedArchiveIterator(stream):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            content_type = (record.http_headers.get_header("Content-Type") or "").lower()
            if not content_type.startswith(HTML_TYPES):
                continue
            number += 1
            ref = f"{source_ref}#{number}"
            target = record.rec_headers.get_header("WARC-Target-URI")
            url = metadata_url(target)  # a malformed target is dropped, the record kept
            payload = record.content_stream().read(max_bytes + 1)
            if len(payload) > max_bytes:
                yield Failure(ref, f"record is larger than the size cap of {max_bytes:,} bytes")
                continue
            if getattr(record.raw_stream, "limit", 0) > 0:
                # Fewer bytes than the record's Content-Length: the file ends inside it.
                yield Failure(ref, f"truncated or corrupt WARC: the file ends inside this record ({target})")
                return
            try:
                yield read_html(decode_text(payload, _charset(content_type)), ref, url=url, seconds=seconds)
            except IngestError as exc:
                yield Failure(ref, f"{exc} ({target})")
    except WarcHeaderTooLarge:
        where = f"after record {number}" if number else "at the start"
        yield Failure(
            source_ref, f"WARC record header over {MAX_HEADER_BYTES:,} bytes {where} (the rest of the file is not read)"
        )
    except (ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error) as exc:
        where = f"after record {number}" if number else "at the start"
        yield Failure(source_ref, f"truncated or corrupt WARC {where} ({type(exc).__name__}: {exc})")
    except (AttributeError, TypeError, KeyError, IndexError) as exc:
        # warcio's own parsing trips on some malformed headers (a response
        # record without WARC-Target-URI raises AttributeError): found by
        # fuzzing, kept in tests/fuzz_regressions/
        where = f"after record {number}" if number else "at the start"
        yield Failure(source_ref, f"malformed WARC record {where} ({type(exc).__name__}: {exc})")


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key == "charset" and value:
            return value.strip("\"'")
    return None
