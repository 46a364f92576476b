"""Calibrate the embedding threshold that puts an unlisted predicate word
into a listed group (claims/predicates.py SNAP_THRESHOLD).

    .venv/bin/python bench/predicate_calibration.py

Each one-word entry of claims/data/predicates.tsv and frames.tsv is left out
in turn and given the group of its nearest other listed word, as an unlisted
word would be. For each threshold it prints how many words were assigned a
group (similarity at or above it) and how many of those got their own group
back ("right": same key and sign). An antonym's group counts as wrong: with
the sign wrong, the stance would be turned over.
"""

from __future__ import annotations

from onrecord.claims.predicates import _listed_vectors, lexicon


def main() -> None:
    table = lexicon()
    words, vectors = _listed_vectors()
    similarity = vectors @ vectors.T
    for i in range(len(words)):
        similarity[i, i] = -1.0
    # a word's nearest neighbour that is not the very same entry
    nearest = similarity.argmax(axis=1)
    best = similarity.max(axis=1)
    print(f"listed one-word entries: {len(words)}")
    print("threshold  assigned  right  precision")
    for threshold in (0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.65, 0.70, 0.75):
        assigned = [i for i in range(len(words)) if best[i] >= threshold]
        right = [
            i
            for i in assigned
            if (table[words[i]].key, table[words[i]].sign)
            == (table[words[nearest[i]]].key, table[words[nearest[i]]].sign)
        ]
        precision = len(right) / len(assigned) if assigned else 0.0
        print(f"{threshold:9.2f}  {len(assigned):8d}  {len(right):5d}  {precision:9.3f}")
    print("\nwrong at >= 0.5 (word -> nearest, similarity):")
    for i in range(len(words)):
        j = nearest[i]
        if best[i] >= 0.5 and (table[words[i]].key, table[words[i]].sign) != (
            table[words[j]].key,
            table[words[j]].sign,
        ):
            print(f"  {words[i]} -> {words[j]} {best[i]:.2f}")


if __name__ == "__main__":
    main()
