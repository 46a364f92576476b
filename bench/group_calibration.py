"""Calibrate the claim-grouping threshold (claims/matching.py) on a file of
{"id", "text"} lines: prints B-cubed figures from score_stance.py per threshold.

    .venv/bin/python bench/group_calibration.py ../shared/eval/stance/emergent_group_dev.jsonl ../shared/eval/score_stance.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time

from onrecord.claims.matching import TermVectors, average_link, terms
from onrecord.nlp.pipeline import load_pipeline


def main(path: str, scorer: str) -> None:
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    nlp = load_pipeline()
    start = time.perf_counter()
    vectors = TermVectors([terms(doc) for doc in nlp.pipe(r["text"] for r in rows)])
    similarity = vectors.matrix @ vectors.matrix.T
    print(f"{len(rows)} texts parsed and vectorised in {time.perf_counter() - start:.1f} s")
    for threshold in (0.10, 0.12, 0.14, 0.16, 0.18, 0.20):
        start = time.perf_counter()
        labels = average_link(similarity, threshold)
        seconds = time.perf_counter() - start
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as out:
            for row, label in zip(rows, labels):
                out.write(json.dumps({"id": row["id"], "claim": f"c{label}"}) + "\n")
        result = subprocess.run([sys.executable, scorer, "--group", path, out.name], capture_output=True, text=True)
        summary = json.loads(result.stdout.strip().splitlines()[-1])
        figures = {k: v for k, v in summary.items() if isinstance(v, (int, float))}
        print(f"threshold {threshold:.2f} ({seconds:.1f} s): {figures}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
