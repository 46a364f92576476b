"""Plain text articles: headline, byline, dateline, and boilerplate removal.

Text scraped from the web carries page furniture ("Leave a Reply", "1416
Shares", newsletter prompts). The patterns live in `data/boilerplate.tsv`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from onrecord import lexicons
from onrecord.ingest.dates import parse_dateline
from onrecord.settings import DEFAULT_SETTINGS, IngestSettings

_BYLINE = re.compile(r"^by\s+(?P<names>[A-Z][\w.'’-]*(?:[\s,]+(?:and\s+)?[A-Z][\w.'’-]*){0,11})\s*$", re.I)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
_SPACE = re.compile(r"[ \t\u00a0]+")


@dataclass
class CleanText:
    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: dt.date | None = None


@dataclass(frozen=True)
class BoilerplateRule:
    action: str  # "drop" or "cut"
    pattern: re.Pattern[str]


@lru_cache(maxsize=1)
def boilerplate_rules() -> tuple[BoilerplateRule, ...]:
    rules = []
    for row in lexicons.rows("onrecord.ingest", "boilerplate.tsv", least=2, most=2):
        action, pattern = row.fields
        if action not in ("drop", "cut"):
            raise row.error(f"unknown action {action!r}")
        rules.append(BoilerplateRule(action, re.compile(pattern, re.IGNORECASE)))
    return tuple(rules)


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by blank lines; a text with no blank line at all
    has one paragraph a line (as many scrapers write it)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = _PARAGRAPH_BREAK.split(text) if _PARAGRAPH_BREAK.search(text) else text.split("\n")
    paragraphs = []
    for block in blocks:
        lines = [_SPACE.sub(" ", line).strip() for line in block.split("\n")]
        joined = " ".join(line for line in lines if line)
        if joined:
            paragraphs.append(joined)
    return paragraphs


def remove_boilerplate(paragraphs: list[str]) -> list[str]:
    kept = []
    rules = boilerplate_rules()
    for paragraph in paragraphs:
        rule = next((r for r in rules if r.pattern.fullmatch(paragraph)), None)
        if rule is None:
            kept.append(paragraph)
        elif rule.action == "cut" and kept:
            break
    return kept


def looks_like_headline(line: str, settings: IngestSettings = DEFAULT_SETTINGS.ingest) -> bool:
    """A short line that does not read as a sentence of the body."""
    words = line.split()
    if not words or len(words) > settings.max_title_words or len(line) > settings.max_title_chars:
        return False
    if line[0] in "\"“‘'«(":
        return False
    # A body sentence ends with a full stop, perhaps inside a closing
    # quotation mark or bracket ('... were "nonsense."'); a headline usually does not.
    # A question or exclamation is a headline only outside quotation marks.
    end = line.rstrip("\"”’')» ")
    if end != line:
        return not end.endswith((".", ",", ";", ":", "!", "?"))
    return not line.endswith((".", ",", ";", ":")) or line.endswith("...")


def clean_plain_text(raw: str, settings: IngestSettings = DEFAULT_SETTINGS.ingest) -> CleanText:
    """Turn scraped plain text into a clean article: title, byline, dateline
    taken off the top, boilerplate paragraphs removed, one blank line between
    paragraphs."""
    paragraphs = split_paragraphs(raw)
    result = CleanText(text="")
    if len(paragraphs) > 1 and looks_like_headline(paragraphs[0], settings):
        result.title = paragraphs.pop(0)
    # A byline and a dateline may follow the headline, in either order.
    for _ in range(2):
        if len(paragraphs) <= 1:
            break
        byline = _BYLINE.match(paragraphs[0])
        if byline and not result.authors:
            result.authors = split_names(byline.group("names"))
            paragraphs.pop(0)
            continue
        date = parse_dateline(paragraphs[0], settings.max_dateline_words) if result.published is None else None
        if date is not None:
            result.published = date
            paragraphs.pop(0)
            continue
        break
    result.text = "\n\n".join(remove_boilerplate(paragraphs))
    return result


def split_names(names: str) -> list[str]:
    parts = re.split(r"\s*(?:,|\band\b|&|;)\s*", names.strip())
    return [p.strip() for p in parts if p.strip()]
