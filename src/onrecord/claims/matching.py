"""Which texts make the same claim: term vectors and average-link clustering.

A text becomes a TF-IDF vector of what it is about: lemmas of its words and
numbers, without stop words and without the words that tell how a claim is
reported rather than what it says ("says", "reportedly", "rumour", "hoax").
Texts are grouped by average-link agglomerative clustering on cosine
similarity: unlike single link, one shared word does not chain two stories.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
from spacy.tokens import Doc

from onrecord.nlp.cues import cue_lexicon
from onrecord.settings import DEFAULT_SETTINGS

# Words that tell how a claim is reported, not what it says (with every
# reporting cue of nlp/data/cues.tsv).
REPORTING_WORDS = {
    "report",
    "reportedly",
    "rumor",
    "rumour",
    "allegedly",
    "alleged",
    "apparently",
    "hoax",
    "fake",
    "news",
    "update",
    "photo",
    "video",
    "story",
    "new",
}
# Mean cosine similarity between two groups above which they are one claim:
# a setting, calibrated on emergent_group_dev (settings.ClaimSettings.group_threshold).
# Features were chosen on the same data: entities as extra terms lowered
# B-cubed F1 (0.72), plain word forms gave 0.838.
GROUP_THRESHOLD = DEFAULT_SETTINGS.claims.group_threshold


@lru_cache(maxsize=1)
def _reporting() -> frozenset[str]:
    return frozenset(REPORTING_WORDS | {lemma.removeprefix("n:") for lemma in cue_lexicon()})


def terms(doc: Doc) -> list[str]:
    """The terms a text is about: lemmas of words and numbers, lower case."""
    reporting = _reporting()
    return [
        t.lemma_.lower()
        for t in doc
        if (t.is_alpha or t.like_num) and not t.is_stop and t.lemma_.lower() not in reporting
    ]


class TermVectors:
    """TF-IDF vectors over a collection of term lists, L2-normalised."""

    def __init__(self, documents: Sequence[list[str]]) -> None:
        frequency = Counter(term for doc in documents for term in set(doc))
        self.n = len(documents)
        self.vocabulary = {term: i for i, term in enumerate(sorted(frequency))}
        self.idf = np.zeros(len(self.vocabulary), dtype=np.float32)
        for term, df in frequency.items():
            self.idf[self.vocabulary[term]] = math.log((1 + self.n) / (1 + df)) + 1
        self.matrix = np.stack([self.vector(doc) for doc in documents]) if documents else np.zeros((0, 0))

    def vector(self, doc: list[str]) -> np.ndarray:
        v = np.zeros(len(self.vocabulary), dtype=np.float32)
        for term, count in Counter(doc).items():
            index = self.vocabulary.get(term)
            if index is not None:
                v[index] = (1 + math.log(count)) * self.idf[index]
        norm = np.linalg.norm(v)
        return v / norm if norm > 0 else v


def average_link(similarity: np.ndarray, threshold: float) -> list[int]:
    """Cluster labels by average-link agglomeration: repeatedly merge the two
    groups with the highest mean pairwise similarity while it is at least
    `threshold` (Lance-Williams update, O(n^2) memory)."""
    n = similarity.shape[0]
    if n == 0:
        return []
    sim = similarity.astype(np.float64).copy()
    np.fill_diagonal(sim, -np.inf)
    sizes = np.ones(n)
    alive = np.ones(n, dtype=bool)
    labels = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    best = sim.max(axis=1)
    while True:
        i = int(np.argmax(np.where(alive, best, -np.inf)))
        if not alive[i] or best[i] < threshold:
            break
        j = int(np.argmax(np.where(alive, sim[i], -np.inf)))
        # merge j into i
        merged = (sizes[i] * sim[i] + sizes[j] * sim[j]) / (sizes[i] + sizes[j])
        sim[i], sim[:, i] = merged, merged
        sim[i, i] = -np.inf
        sim[j, :], sim[:, j] = -np.inf, -np.inf
        sizes[i] += sizes[j]
        alive[j] = False
        members[i].extend(members.pop(j))
        best = np.where(alive, sim.max(axis=1), -np.inf)
    for cluster, items in members.items():
        for item in items:
            labels[item] = cluster
    return labels


def group_texts(docs: Iterable[Doc], threshold: float = GROUP_THRESHOLD) -> list[int]:
    """A claim label for each parsed text: equal labels, same claim."""
    term_lists = [terms(doc) for doc in docs]
    vectors = TermVectors(term_lists)
    if vectors.n == 0:
        return []
    similarity = vectors.matrix @ vectors.matrix.T
    return average_link(similarity, threshold)
