"""Quotations in a text: where each one opens and closes.

Handles curly and straight double quotes, guillemets, and single quotes
(told apart from apostrophes); a quotation that runs over several
paragraphs (each opening with a quotation mark, only the last one closed);
and unbalanced marks, which end at the end of their paragraph, so that a
stray mark never swallows the rest of the article.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

OPENING_DOUBLE = "\u201c\u201e\u00ab"  # “ „ «
CLOSING_DOUBLE = "\u201d\u00bb"  # ” »
STRAIGHT_DOUBLE = '"'
ALL_QUOTE_MARKS = OPENING_DOUBLE + CLOSING_DOUBLE + STRAIGHT_DOUBLE + "\u2018\u2019'\u2039\u203a"

_PARAGRAPH = re.compile(r"[^\n]+")
# A single-quoted span: an opening mark not inside a word, a closing mark not
# followed by a letter; an apostrophe inside the span (Iran’s) is allowed.
_SINGLE = re.compile(
    r"(?<![\w\u2019'])([\u2018'\u2039])((?:[^\n\u2018\u2019'\u2039\u203a]|[\u2019'](?=\w)){1,300}?)([\u2019'\u203a])(?![\w])"
)


@dataclass(frozen=True)
class Quote:
    start: int  # offset of the opening mark
    end: int  # offset after the closing mark (or after the last character when unclosed)
    closed: bool
    single: bool = False  # a single-quoted span (usually a fragment or a quote in a headline)
    continues: bool = False  # opens a paragraph of a quotation that goes on in the next paragraph

    @property
    def inner(self) -> tuple[int, int]:
        return (self.start + 1, self.end - 1 if self.closed else self.end)


# Two single marks written for one double mark (‘‘ ’’ '' ``), as some
# newsrooms' systems do; scanned as a straight double mark.
_DOUBLED_SINGLE = re.compile(r"[\u2018\u2019'`]{2}")
_PLACEHOLDER = "\u2060"  # a word joiner: not a mark, keeps every offset


def find_quotes(text: str) -> list[Quote]:
    """All quotations, in order, none overlapping."""
    text = _DOUBLED_SINGLE.sub('"' + _PLACEHOLDER, text)
    quotes: list[Quote] = []
    paragraphs = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text) if m.group().strip()]
    for number, (start, end) in enumerate(paragraphs):
        next_opens = False
        if number + 1 < len(paragraphs):
            next_start = paragraphs[number + 1][0]
            next_opens = text[next_start : paragraphs[number + 1][1]].lstrip()[:1] in OPENING_DOUBLE + STRAIGHT_DOUBLE
        doubles = _paragraph_doubles(text, start, end, next_opens)
        quotes.extend(doubles)
        quotes.extend(_paragraph_singles(text, start, end, doubles))
    quotes.sort(key=lambda q: q.start)
    return quotes


def _paragraph_doubles(text: str, start: int, end: int, next_opens: bool) -> list[Quote]:
    found = []
    open_at = -1
    for i in range(start, end):
        ch = text[i]
        if ch in OPENING_DOUBLE:
            if open_at < 0:
                open_at = i
            # an opening mark inside an open quotation: a nested quote in the
            # wrong marks, or a missing closing mark; keep the outer one open.
        elif ch in CLOSING_DOUBLE:
            if open_at >= 0:
                found.append(Quote(open_at, i + 1, closed=True))
                open_at = -1
        elif ch == STRAIGHT_DOUBLE:
            if open_at >= 0:
                found.append(Quote(open_at, i + 1, closed=True))
                open_at = -1
            elif _can_open_straight(text, i, end):
                open_at = i
    if open_at >= 0:
        # Unclosed at the end of the paragraph: a quotation that continues in
        # the next paragraph (if that one opens with a mark), or a stray mark.
        stop = end
        while stop > open_at + 1 and text[stop - 1].isspace():
            stop -= 1
        found.append(Quote(open_at, stop, closed=False, continues=next_opens))
    return found


def _can_open_straight(text: str, i: int, end: int) -> bool:
    """A straight mark opens unless it follows a word character (12" pipe)."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < end else " "
    return not (before.isalnum() and (after.isspace() or after in ".,;:"))


def _paragraph_singles(text: str, start: int, end: int, doubles: list[Quote]) -> list[Quote]:
    found = []
    # the doubles are in order and do not overlap: a span meets one of them
    # only if it meets the last one opening before the span ends (a search,
    # not a scan of every double for every single: linear in the marks)
    starts = [q.start for q in doubles]
    for match in _SINGLE.finditer(text, start, end):
        s, e = match.start(), match.end()
        before = bisect.bisect_left(starts, e) - 1
        if before >= 0 and doubles[before].end > s:
            continue  # a quote within (or across) a double quote is part of it
        if match.group(1) == "'" and match.group(3) != "'":
            continue
        found.append(Quote(s, e, closed=True, single=True))
    return found
