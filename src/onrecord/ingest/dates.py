"""Publication dates given by people or written in text.

A date is only ever taken from the input itself; relative expressions
("yesterday") are refused here because they would silently be resolved
against the ingestion time.
"""

from __future__ import annotations

import datetime as dt
import re

import dateparser

from onrecord.ingest.errors import IngestError
from onrecord.settings import DEFAULT_SETTINGS

_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")
_LABEL = re.compile(r"^\s*(published|posted|updated|last updated|first published|date)\s*(on|at)?\s*:?\s*", re.I)
_DATE_SETTINGS = {
    "STRICT_PARSING": True,
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
}


def parse_dateline(line: str, most_words: int = DEFAULT_SETTINGS.ingest.max_dateline_words) -> dt.date | None:
    """The date of a dateline such as "Published November 6, 2022 10:04 GMT", else None."""
    if len(line.split()) > most_words or not _YEAR.search(line):
        return None
    candidate = _LABEL.sub("", line).strip(" |-–—")
    parsed = dateparser.parse(candidate, languages=["en"], settings=_DATE_SETTINGS)
    if parsed is None:
        # Drop a trailing time and zone ("… 10:04 GMT", "… 10.04am EST") and try again.
        trimmed = re.sub(r"[\s,|]+\d{1,2}[:.]\d{2}.*$", "", candidate)
        if trimmed != candidate:
            parsed = dateparser.parse(trimmed, languages=["en"], settings=_DATE_SETTINGS)
    return parsed.date() if parsed else None


def parse_user_date(value: str | dt.date | dt.datetime | None) -> dt.date | None:
    """A publication date given by the user or by an input's metadata field.

    ISO dates (2022-11-06, 2022-11-06T10:00:00Z) and written dates
    ("6 November 2022") are accepted; anything else is an error, not a guess.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    parsed = dateparser.parse(text, languages=["en"], settings=_DATE_SETTINGS)
    if parsed is None:
        raise IngestError(f"cannot read the date {text!r} (use YYYY-MM-DD)")
    return parsed.date()
