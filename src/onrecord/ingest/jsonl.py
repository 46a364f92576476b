"""JSON Lines: one object a line with `text` or `html`, and optional `id`,
`url`, `title`, `published`. A given `text` is kept verbatim, since the
offsets of the record (and of gold annotations) index that exact string."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from onrecord.ingest.dates import parse_user_date
from onrecord.ingest.draft import Draft
from onrecord.ingest.errors import IngestError
from onrecord.ingest.html import read_html
from onrecord.ingest.identity import metadata_url
from onrecord.model import DateSource, Failure
from onrecord.settings import DEFAULT_SETTINGS


def read_jsonl(
    lines: Iterable[str | IngestError],
    source_ref: str,
    first_line: int = 1,
    seconds: float = DEFAULT_SETTINGS.limits.document_seconds,
) -> Iterator[Draft | Failure]:
    """A `Draft` per line; a `Failure` for a line that cannot be read (given
    here as an `IngestError` in its place) or is not a usable object. Lines
    are numbered from `first_line` (a slice of a file keeps the file's
    numbers); a line's HTML is read within `seconds`."""
    for number, line in enumerate(lines, start=first_line):
        ref = f"{source_ref}#{number}"
        if isinstance(line, IngestError):
            yield Failure(ref, str(line))
            continue
        if not line.strip():
            continue
        try:
            yield jsonl_draft(line, ref, seconds)
        except IngestError as exc:
            yield Failure(ref, str(exc))


def jsonl_draft(line: str, source_ref: str, seconds: float = DEFAULT_SETTINGS.limits.document_seconds) -> Draft:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise IngestError(f"invalid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise IngestError("a JSONL line must be an object")
    external_id = obj.get("id")
    text, html = obj.get("text"), obj.get("html")
    for name, value in (("text", text), ("html", html)):
        if value is not None and not isinstance(value, str):
            raise IngestError(f"`{name}` must be a string")
    url = metadata_url(obj.get("url"))  # a malformed one is dropped, the line kept
    if text is not None:
        draft = Draft(text=text, source_ref=source_ref, url=url)
    elif html is not None:
        draft = read_html(html, source_ref, url=url, seconds=seconds)
    else:
        raise IngestError("the object has neither `text` nor `html`")
    if isinstance(obj.get("title"), str) and obj["title"].strip():
        draft.title = obj["title"].strip()
    if obj.get("published"):
        draft.published = parse_user_date(obj["published"])
        draft.date_source = DateSource.USER
    for key in ("source", "outlet", "publisher"):
        if isinstance(obj.get(key), str) and obj[key].strip():
            draft.source = obj[key].strip()
            break
    draft.external_id = str(external_id) if external_id is not None else None
    return draft
