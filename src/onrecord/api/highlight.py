"""An article's text with who-said-what marked, as displaCy marks entities:
speakers, cues and contents each in their own colour, every piece of text
escaped (a story that contains `<script>` shows it as text)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from onrecord.records import StatementRecord

# When marks overlap (a mixed quote's cue inside its content), the smaller
# part shows: speaker over cue over content.
PRIORITY = {"speaker": 0, "cue": 1, "content": 2}


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    part: str  # speaker | cue | content
    statement: str  # the statement's id in its article ("s3")


def local_id(statement_id: str) -> str:
    """ "art_…:s3" -> "s3": the anchor of a statement on its article's page."""
    return statement_id.rsplit(":", 1)[-1]


def marks_of(statements: Sequence[StatementRecord], length: int) -> list[Mark]:
    marks = []
    for statement in statements:
        for part in PRIORITY:
            start, end = getattr(statement, f"{part}_start"), getattr(statement, f"{part}_end")
            if start is None or end is None:
                continue
            start, end = max(0, start), min(length, end)
            if start < end:
                marks.append(Mark(start, end, part, local_id(statement.id)))
    return marks


def highlight(text: str, statements: Sequence[StatementRecord]) -> Markup:
    """The text as HTML, each marked stretch a <span class="hl hl-PART">; the
    first piece of each statement's content carries its anchor (id st-s3)."""
    marks = marks_of(statements, len(text))
    bounds = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    anchored: set[str] = set()
    pieces: list[Markup] = []
    for start, end in zip(bounds, bounds[1:]):
        piece = text[start:end]
        active = [m for m in marks if m.start <= start and end <= m.end]
        if not active:
            pieces.append(escape(piece))
            continue
        shown = min(active, key=lambda m: (PRIORITY[m.part], m.end - m.start))
        anchor = ""
        for mark in active:
            if mark.part == "content" and mark.statement not in anchored:
                anchored.add(mark.statement)
                anchor += Markup('<a class="anchor" id="st-{}"></a>').format(mark.statement)
        pieces.append(
            Markup('{}<span class="hl hl-{}" data-statement="{}">{}</span>').format(
                Markup(anchor), shown.part, shown.statement, piece
            )
        )
    return Markup("").join(pieces)
