"""The reporting-cue lexicon (data/cues.tsv): which words mark an act of
saying, their speech-act class, and the frames in which they carry content."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Token

from onrecord import lexicons

FRAMES = {"that", "gerund", "object", "to", "call", "quote", "plea"}


@dataclass(frozen=True)
class Cue:
    lemma: str  # "say", or "call_for" for a verb with its particle or preposition
    speech_act: str
    frames: frozenset[str]


@lru_cache(maxsize=1)
def cue_lexicon() -> dict[str, Cue]:
    lexicon: dict[str, Cue] = {}
    for row in lexicons.rows("onrecord.nlp", "cues.tsv", least=3, most=3):
        lemma, speech_act, frames = row.fields
        frame_set = frozenset(frames.split(","))
        if lemma in lexicon or not frame_set <= FRAMES:
            raise row.error(f"duplicate lemma or unknown frame: {lemma!r} {frames!r}")
        lexicon[lemma] = Cue(lemma, speech_act, frame_set)
    return lexicon


def cue_of(token: Token) -> Cue | None:
    """The cue a verb token is, taking its particle or preposition into
    account ("called for" is a demand, "called" a characterisation)."""
    if token.pos_ not in ("VERB", "AUX") and token.tag_ not in ("VBD", "VBZ", "VBP", "VBG", "VBN", "VB"):
        return None
    lexicon = cue_lexicon()
    lemma = token.lemma_.lower()
    if lemma.startswith("n:"):
        return None
    for child in token.children:
        if child.dep_ in ("prt", "prep") and f"{lemma}_{child.lower_}" in lexicon:
            return lexicon[f"{lemma}_{child.lower_}"]
        if child.dep_ in ("acomp", "oprd", "advmod"):
            # a verb with its complement: "pleaded guilty", "pleaded not guilty"
            negated = any(g.dep_ == "neg" for g in child.children)
            key = f"{lemma}_{'not_' if negated else ''}{child.lower_}"
            if key in lexicon:
                return lexicon[key]
    return lexicon.get(lemma)


def nominal_cue_of(token: Token) -> Cue | None:
    """The cue a noun is ("claims" in "made claims that ...")."""
    if token.pos_ != "NOUN":
        return None
    return cue_lexicon().get("n:" + token.lemma_.lower())
