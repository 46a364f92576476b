"""Calibrate the near-duplicate threshold (ingest/dedupe.py) on real pages.

Positives: for each page of the shared extraction set, its hand-checked
body and the text trafilatura extracts from the page's HTML: the same story
with other leftovers around it, as a syndicated copy is. Negatives: every
pair of different pages. Prints, per threshold, the share of positives
caught and the number of false pairs, using the store's own signatures.

    .venv/bin/python bench/dedupe_calibration.py ../shared/eval/extract
"""

from __future__ import annotations

import gzip
import itertools
import json
import sys
from pathlib import Path

from onrecord.ingest.dedupe import NEAR_DUPLICATE_JACCARD, band_keys, signature, similarity
from onrecord.ingest.html import extract_main_text


def main(folder: str) -> None:
    truth = json.loads(Path(folder, "ground-truth.json").read_text("utf-8"))
    gold, extracted = {}, {}
    for path in sorted(Path(folder, "html").glob("*.html.gz")):
        page_id = path.name.removesuffix(".html.gz")
        text = extract_main_text(gzip.open(path).read().decode("utf-8"))
        if text.strip() and truth[page_id]["articleBody"].strip():
            gold[page_id] = signature(truth[page_id]["articleBody"])
            extracted[page_id] = signature(text)

    def candidate(a: bytes, b: bytes) -> bool:
        return bool(set(enumerate(band_keys(a))) & set(enumerate(band_keys(b))))

    # A pair is found when the LSH bands make it a candidate AND its similarity passes.
    positives = [similarity(gold[i], extracted[i]) if candidate(gold[i], extracted[i]) else 0.0 for i in gold]
    pairs = list(itertools.combinations(sorted(gold), 2))
    negatives = [similarity(gold[a], gold[b]) for a, b in pairs]
    negative_candidates = sum(candidate(gold[a], gold[b]) for a, b in pairs)
    print(f"pages: {len(positives)} positive pairs, {len(negatives)} negative pairs")
    print(
        f"LSH candidates: {sum(s > 0 for s in positives)}/{len(positives)} positive pairs, "
        f"{negative_candidates}/{len(negatives)} negative pairs"
    )
    print(f"highest negative similarity: {max(negatives):.3f}")
    print("threshold  positives found  false pairs")
    for threshold in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        caught = sum(s >= threshold for s in positives) / len(positives)
        false = sum(s >= threshold for s in negatives)
        mark = "  <- NEAR_DUPLICATE_JACCARD" if abs(threshold - NEAR_DUPLICATE_JACCARD) < 1e-9 else ""
        print(f"{threshold:9.1f}  {caught:16.3f}  {false:11d}{mark}")


if __name__ == "__main__":
    main(sys.argv[1])
