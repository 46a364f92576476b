"""What a content's predicate means: one lexicon for the closed frames
(data/frames.tsv), the open predicate groups and their opposites
(data/predicates.tsv), and, for a word in neither, the nearest listed word
by a static word-embedding model (wordllama, shipped in its PyPI package).

Two propositions can only be one claim when their predicates have one key
("quit" and "step down" are `resign`); a predicate of the opposite group of a
pair has the pair's key and sign -1 ("rejected the offer" is `approve`, -1),
so that a statement of it stands the other way on the claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from onrecord import lexicons
from onrecord.settings import DEFAULT_SETTINGS

# The lowest similarity at which a word outside the data files takes the
# group of its nearest listed word is a setting, with its calibration
# (settings.ClaimSettings.predicate_snap_threshold). The model works on word
# pieces, so some near neighbours only look alike ("acquire" and "inquire"
# 0.71) and antonyms sit close ("sell" and "buy" 0.44).
SNAP_THRESHOLD = DEFAULT_SETTINGS.claims.predicate_snap_threshold


@dataclass(frozen=True)
class Predicate:
    key: str  # the claim's predicate: a frame or group name, or "w:" and the word's own lemma
    verb: str  # the key's canonical past tense, for claim texts ("" for an unlisted word)
    sign: int = 1  # -1: the opposite group of a pair
    framed: bool = False  # a closed frame of frames.tsv (matched by its own, older rules)
    listed: bool = True  # in a data file or snapped to a listed word by the embedding
    own_verb: str = ""  # the word's own group's canonical past tense ("rejected" for `approve`, -1)

    @property
    def name(self) -> str:  # the key under its older name, for the code that knew only frames
        return self.key


def _rows(name: str, fields: int = 3) -> list[tuple[str, ...]]:
    return [row.fields for row in lexicons.rows("onrecord.claims", name, least=fields, most=fields)]


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Predicate]:
    """Every listed word (lemma, or phrasal verb "pull out") and its predicate."""
    table: dict[str, Predicate] = {}
    verbs: dict[str, str] = {}
    for name, verb, lemmas in _rows("frames.tsv"):
        verbs[name] = verb
        for lemma in lemmas.split(","):
            table.setdefault(lemma.strip(), Predicate(name, verb, 1, framed=True, own_verb=verb))
    listed = _rows("predicates.tsv")
    opposite_of = {row[2]: row[1] for row in listed if row[0] == "~"}
    groups = [row for row in listed if row[0] != "~"]
    for name, verb, _ in groups:
        verbs.setdefault(name, verb)
    for name, verb, lemmas in groups:
        key, sign = (opposite_of[name], -1) if name in opposite_of else (name, 1)
        for lemma in lemmas.split(","):
            table.setdefault(lemma.strip(), Predicate(key, verbs[key], sign, own_verb=verb))
    return table


@lru_cache(maxsize=1)
def word_lists() -> dict[str, frozenset[str]]:
    """generic: predicates that say nothing of their own ("be", "have", "say");
    light: heads whose complement holds the predicate ("plans to sell")."""
    return {name: lexicons.words("onrecord.claims", f"{name}_predicates.txt") for name in ("generic", "light")}


def predicate_of(lemma: str, snap_threshold: float = SNAP_THRESHOLD) -> Predicate:
    """The predicate of a word: listed, snapped to a near-synonym (at least
    `snap_threshold` similar), or its own."""
    lemma = lemma.lower()
    found = lexicon().get(lemma)
    if found is not None:
        return found
    snapped = nearest_listed(lemma, snap_threshold)
    if snapped is not None:
        return snapped
    return Predicate("w:" + lemma[:30], "", 1, listed=False)


@lru_cache(maxsize=1)
def _model():
    """wordllama's packaged weights, loaded from its own folder: it must never
    try a download (this machine, like many, has no model hub)."""
    import wordllama

    return wordllama.WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


@lru_cache(maxsize=1)
def _listed_vectors() -> tuple[list[str], np.ndarray]:
    words = sorted(w for w in lexicon() if " " not in w)
    return words, _model().embed(words, norm=True)


@lru_cache(maxsize=4096)
def nearest_listed(lemma: str, threshold: float = SNAP_THRESHOLD, exclude: str | None = None) -> Predicate | None:
    """The predicate of the listed word nearest to `lemma` in meaning, if it
    is at least `threshold` similar (`exclude` leaves one word out, for
    calibration)."""
    if not lemma.isalpha() or len(lemma) < 3:
        return None
    words, vectors = _listed_vectors()
    similarity = vectors @ _model().embed([lemma], norm=True)[0]
    for index in np.argsort(-similarity)[:2]:
        word = words[int(index)]
        if word == exclude:
            continue
        if similarity[index] < threshold:
            return None
        found = lexicon()[word]
        return Predicate(found.key, found.verb, found.sign, framed=False, own_verb=found.own_verb)
    return None


@lru_cache(maxsize=20000)
def text_vector(text: str) -> np.ndarray:
    """A text's normalised wordllama vector (the mean of its word pieces')."""
    return _model().embed([text], norm=True)[0]
