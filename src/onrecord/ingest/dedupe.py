"""Near-duplicate detection: MinHash signatures over word shingles, with LSH
bands that the store indexes, so that a syndicated copy of an article (the
same story with other boilerplate around it) is linked to the original.

Exact duplicates (same canonical URL, same normalised text) are caught by the
store's unique keys; this module is for the copies that differ a little.
"""

from __future__ import annotations

import hashlib
import struct

import numpy as np

from onrecord.ingest.identity import normalise_text
from onrecord.settings import DEFAULT_SETTINGS

SHINGLE_WORDS = 5
NUM_PERM = 128
# 32 bands of 4 rows: a pair becomes a candidate with probability
# 1-(1-J^4)^32: 0.87 at Jaccard 0.5, 0.99 at 0.65. Candidates are then checked
# against NEAR_DUPLICATE_JACCARD on the full signature. (16 bands of 8 rows
# let 9 of the 181 calibration copies through; see the calibration below.)
BANDS = 32
ROWS = NUM_PERM // BANDS
# Estimated Jaccard similarity of 5-word shingles above which two texts are
# one article: a setting, calibrated with bench/dedupe_calibration.py
# (settings.IngestSettings.near_duplicate_jaccard; see docs/benchmarks.md).
NEAR_DUPLICATE_JACCARD = DEFAULT_SETTINGS.ingest.near_duplicate_jaccard
SEED = 1


def shingles(text: str) -> set[bytes]:
    words = normalise_text(text).split()
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8") for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature(text: str) -> bytes:
    """The MinHash signature of a text, as bytes for the store."""
    from datasketch import MinHash  # here: it imports SciPy, which only ingestion needs

    minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update_batch(list(shingles(text)))
    return minhash.hashvalues.astype("<u8").tobytes()


def band_keys(sig: bytes) -> list[int]:
    """One key per band: a 63-bit hash of the band's rows (fits a BIGINT)."""
    keys = []
    for band in range(BANDS):
        chunk = sig[band * ROWS * 8 : (band + 1) * ROWS * 8]
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        keys.append(struct.unpack("<q", digest)[0] >> 1)
    return keys


def similarity(sig_a: bytes, sig_b: bytes) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets."""
    a = np.frombuffer(sig_a, dtype="<u8")
    b = np.frombuffer(sig_b, dtype="<u8")
    return float(np.count_nonzero(a == b)) / len(a)
