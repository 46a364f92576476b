"""Bytes in, text out: size caps, gzip with a bound, and encoding detection.

Everything here fails with an `IngestError` whose message says what is wrong,
so that one bad file is reported and the batch goes on.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
import zlib
from typing import BinaryIO

from charset_normalizer import from_bytes

from onrecord.ingest.errors import IngestError
from onrecord.model import Failure

GZIP_MAGIC = b"\x1f\x8b"

# Share of control characters (other than tab, newline, carriage return, form
# feed) above which decoded text is taken for binary. Real text has none; a
# mis-decoded binary file has several percent.
MAX_CONTROL_SHARE = 0.01
# Where NUL bytes make a file binary outright; past it, NULs are counted over
# the whole text, so that a binary tail after a page of text is caught too.
NUL_SCAN_BYTES = 65536

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def read_capped(stream: BinaryIO, max_bytes: int, what: str = "input") -> bytes:
    """Read at most `max_bytes` from `stream`, failing if there is more."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise IngestError(f"{what} is larger than the size cap of {max_bytes:,} bytes (--max-bytes)")
    return data


def gunzip_capped(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip data, refusing output past `max_bytes` (gzip bombs)."""
    out = bytearray()
    # 16 + MAX_WBITS: expect a gzip header; one member after another, like `gzip -d`.
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    remaining = data
    try:
        while remaining:
            chunk = decompressor.decompress(remaining, max_bytes + 1 - len(out))
            out += chunk
            if len(out) > max_bytes:
                raise IngestError(f"decompressed size is larger than the size cap of {max_bytes:,} bytes (--max-bytes)")
            if decompressor.unconsumed_tail:
                remaining = decompressor.unconsumed_tail
                continue
            if decompressor.eof:
                remaining = decompressor.unused_data
                if not remaining.startswith(GZIP_MAGIC):
                    break  # end of data, or trailing garbage after the last member as gzip tolerates
                decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
            else:
                break
    except zlib.error as exc:
        raise IngestError(f"corrupt gzip data ({exc})") from None
    if not decompressor.eof:
        raise IngestError("truncated gzip data (the file ends before the compressed stream does)")
    return bytes(out)


def maybe_gunzip(data: bytes, max_bytes: int) -> bytes:
    return gunzip_capped(data, max_bytes) if data.startswith(GZIP_MAGIC) else data


def decode_text(data: bytes, declared_encoding: str | None = None) -> str:
    """Decode bytes of text: UTF-8 (with or without BOM), a declared encoding,
    or the encoding charset-normalizer finds; binary data is refused."""
    if not data.strip():
        raise IngestError("empty input")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _try_decode(data, "utf-16")
    elif b"\x00" in data[:NUL_SCAN_BYTES]:
        raise IngestError("binary content (NUL bytes), not text")
    else:
        text = _try_decode(data, "utf-8-sig")
        if text is None and declared_encoding:
            text = _try_decode(data, declared_encoding)
        if text is None:
            best = from_bytes(data[:1_000_000]).best()
            if best is not None:
                text = _try_decode(data, best.encoding)
    if text is None:
        raise IngestError("cannot decode: not UTF-8, and no other text encoding fits")
    check_not_binary(text)
    return text


def check_not_binary(text: str) -> None:
    sample = text[:100_000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    if sample and controls / len(sample) > MAX_CONTROL_SHARE:
        raise IngestError("binary content (control characters), not text")
    # str.count runs in C: cheap over the whole text, where the sample is not
    if text and text.count("\x00") / len(text) > MAX_CONTROL_SHARE:
        raise IngestError("binary content (NUL bytes), not text")


def storable(text: str) -> str:
    """Text every store takes: NUL characters removed (PostgreSQL refuses
    them in text) and lone surrogates replaced by U+FFFD (they cannot be
    encoded as UTF-8; valid JSON can hold them as escapes, "\\ud800").
    Replacement keeps the offsets of the rest of the text."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    return _LONE_SURROGATE.sub("\ufffd", text)


def storable_failure(failure: Failure) -> Failure:
    """A failure whose source and reason the store takes (a document's URL
    is its source, and a reason may quote the input)."""
    return dataclasses.replace(failure, source_ref=storable(failure.source_ref), reason=storable(failure.reason))


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
