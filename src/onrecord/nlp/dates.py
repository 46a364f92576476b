"""When a statement was made: the date expression attached to its cue,
resolved against the publication date, and where there is none, the order
the tense gives ("had previously denied" came before "acknowledged").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import dateparser
from spacy.tokens import Doc, Span

# Words that place a statement before the article's main event.
EARLIER_WORDS = {"previously", "earlier", "before", "formerly", "once", "initially", "originally", "already"}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_PART_OF_MONTH = re.compile(
    r"\b(?P<part>early|mid|late)[\s-]+(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*", re.I
)
_DATE_SETTINGS = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False, "REQUIRE_PARTS": []}


@dataclass
class StatementTime:
    text: str | None = None  # the words in the article: "on Saturday", "earlier this week"
    value: dt.date | None = None  # the day, when one is known
    start: dt.date | None = None  # an interval, when the words give one ("earlier this week")
    end: dt.date | None = None
    earlier: bool = False  # tense or an adverb puts it before the article's main event


def statement_time(
    doc: Doc, cue_start: int | None, content: tuple[int, int], published: dt.date | None
) -> StatementTime:
    """The time of the statement whose cue starts at `cue_start`."""
    result = StatementTime()
    if cue_start is None:
        return result
    span = doc.char_span(cue_start, cue_start + 1, alignment_mode="expand")
    if span is None or len(span) == 0:
        return result
    cue = span[0]
    if cue.tag_ in ("VBZ", "VBP"):
        # "Haines, who was adopted in 1981, says ...": a cue in the present
        # tense speaks at the article's time; a date in its sentence is another event's
        return result
    sentence = cue.sent
    # the date expression nearest the cue, outside the content
    dates = [
        e
        for e in _time_entities(sentence)
        if e.label_ in ("DATE", "TIME") and not (content[0] <= e.start_char < content[1]) and not is_age_or_count(e)
    ]
    if dates:
        ent = min(dates, key=lambda e: abs(e.start - cue.i))
        if abs(ent.start - cue.i) <= 12:
            prep = (
                doc[ent.start - 1]
                if ent.start > 0 and doc[ent.start - 1].lower_ in ("on", "in", "last", "this")
                else None
            )
            result.text = doc[prep.i if prep is not None else ent.start : ent.end].text
            _resolve(result, ent.text, published)
    aux = [c.lower_ for c in cue.children if c.dep_ == "aux"]
    adverbs = {c.lower_ for c in cue.children if c.dep_ in ("advmod", "npadvmod")}
    words = set((result.text or "").lower().split())
    if "had" in aux or adverbs & EARLIER_WORDS or words & {"earlier", "previously", "last"}:
        result.earlier = True
    if published is not None and result.end is not None and result.end < published - dt.timedelta(days=1):
        result.earlier = True
    return result


_AGE_WORDS = {"old", "aged", "age", "ages"}


def is_age_or_count(ent: Span) -> bool:
    """A DATE entity that is no time: an age ("Mr. Regalado, 69,", "aged 71",
    "a 45-year-old nurse", "56 years old") or a bare number under 1000, which
    dateparser would read as a year ("69" as 1969). A real year has four
    digits; a real date has a month, a weekday or a relative word."""
    words = [t.lower_ for t in ent]
    if any(w in _AGE_WORDS or w.endswith("-old") for w in words):
        return True
    before = ent.doc[ent.start - 1].lower_ if ent.start > 0 else ""
    if before in _AGE_WORDS:
        return True
    numbers = [t for t in ent if not t.is_punct]
    return bool(numbers) and all(t.like_num and t.text.isdigit() and len(t.text) < 4 for t in numbers)


def _resolve(result: StatementTime, text: str, published: dt.date | None) -> None:
    lower = text.lower().strip()
    if published is None:
        absolute = dateparser.parse(text, languages=["en"], settings={**_DATE_SETTINGS, "STRICT_PARSING": True})
        if absolute is not None:
            result.value = absolute.date()
        return
    monday = published - dt.timedelta(days=published.weekday())
    if "this week" in lower:
        result.start, result.end = monday, published - dt.timedelta(days=1) if "earlier" in lower else published
        return
    if "last week" in lower:
        result.start, result.end = monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)
        return
    if "last month" in lower or "earlier this month" in lower:
        first = published.replace(day=1)
        if "last month" in lower:
            last = first - dt.timedelta(days=1)
            result.start, result.end = last.replace(day=1), last
        else:
            result.start, result.end = first, published
        return
    weekday = re.sub(r"^on\s+", "", lower)
    if weekday in _WEEKDAYS and _WEEKDAYS.index(weekday) == published.weekday():
        result.value = published  # "said on Friday" in Friday's paper
        return
    base = dt.datetime.combine(published, dt.time(12))
    parsed = dateparser.parse(
        re.sub(r"^(on|in)\s+", "", text, flags=re.I),
        languages=["en"],
        settings={**_DATE_SETTINGS, "RELATIVE_BASE": base},
    )
    if parsed is not None and parsed.date() <= published:
        result.value = parsed.date()  # "on Friday" in Friday's paper is that day
        return
    part = _PART_OF_MONTH.search(lower)
    if part is not None:
        month = _MONTHS.index(part.group("month")[:3]) + 1
        year = published.year if month <= published.month else published.year - 1
        first_day, last_day = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}[part.group("part")]
        last_of_month = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
        result.start, result.end = dt.date(year, month, first_day), dt.date(year, month, min(last_day, last_of_month))


def _time_entities(sentence: Span) -> list[Span]:
    """The sentence's DATE and TIME entities, from the tokens' IOB tags
    (Span.ents builds every entity of the whole document on each access)."""
    found: list[Span] = []
    start = None
    for token in sentence:
        if start is not None and token.ent_iob_ != "I":
            found.append(Span(sentence.doc, start, token.i, label=sentence.doc[start].ent_type_))
            start = None
        if token.ent_iob_ == "B" and token.ent_type_ in ("DATE", "TIME"):
            start = token.i
    doc = sentence.doc
    runs_on = sentence.end < len(doc) and doc[sentence.end].ent_iob_ == "I"  # not within the sentence
    if start is not None and not runs_on:
        found.append(Span(doc, start, sentence.end, label=doc[start].ent_type_))
    return found
