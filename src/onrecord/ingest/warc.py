"""WARC and WARC.gz files (warcio), as web archives and CC-NEWS publish them:
each HTML response record is an article."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from onrecord.ingest.decode import decode_text
from onrecord.ingest.draft import Draft
from onrecord.ingest.errors import IngestError
from onrecord.ingest.html import read_html
from onrecord.model import Failure

HTML_TYPES = ("text/html", "application/xhtml+xml")


def looks_like_warc(head: bytes) -> bool:
    return head.startswith(b"WARC/")


def read_warc(stream: BinaryIO, source_ref: str, max_bytes: int) -> Iterator[Draft | Failure]:
    """Yield a `Draft` per HTML response and a `Failure` per bad record; a
    truncated or corrupt file yields what came before it, then a `Failure`."""
    number = 0
    try:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            content_type = (record.http_headers.get_header("Content-Type") or "").lower()
            if not content_type.startswith(HTML_TYPES):
                continue
            number += 1
            ref = f"{source_ref}#{number}"
            url = record.rec_headers.get_header("WARC-Target-URI")
            payload = record.content_stream().read(max_bytes + 1)
            if len(payload) > max_bytes:
                yield Failure(ref, f"record is larger than the size cap of {max_bytes:,} bytes")
                continue
            if getattr(record.raw_stream, "limit", 0) > 0:
                # Fewer bytes than the record's Content-Length: the file ends inside it.
                yield Failure(ref, f"truncated or corrupt WARC: the file ends inside this record ({url})")
                return
            try:
                yield read_html(decode_text(payload, _charset(content_type)), ref, url=url)
            except IngestError as exc:
                yield Failure(ref, f"{exc} ({url})")
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
