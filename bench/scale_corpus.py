"""A corpus of real news text for the scale benchmarks: the news articles of
the shared quote sets (GGT and PolNeAR), and past their number, new articles
of twelve paragraphs drawn from all of them, so that none is a duplicate or a
near-duplicate of another (each would otherwise be stored once and analysed
once, and the benchmark would measure deduplication).

    .venv/bin/python bench/scale_corpus.py 2000 out/scale-2000.jsonl

Writes JSONL ({"id", "title", "text", "published"}) into out/ (not kept in
the project: the texts are the evaluation kit's).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

SOURCES = ["ggt_dev.jsonl", "polnear_dev.jsonl", "polnear_train.jsonl"]


def source_texts(folder: Path) -> list[str]:
    texts = []
    for name in SOURCES:
        for line in (folder / name).read_text("utf-8").splitlines():
            text = json.loads(line).get("text") or ""
            if len(text.split()) >= 80:
                texts.append(text)
    return texts


def main(n: int, out: str, folder: str = "../shared/eval/quotes") -> None:
    texts = source_texts(Path(folder))
    pool = [p for t in texts for p in t.split("\n\n") if len(p.split()) >= 8]
    draw = random.Random(20261129)
    with open(out, "w", encoding="utf-8") as f:
        for i in range(n):
            if i < len(texts):
                text = texts[i]
            else:
                # twelve paragraphs drawn from all the articles: real sentences,
                # but no more than a paragraph or two shared with any other article
                text = "\n\n".join(draw.sample(pool, 12))
            day = 1 + i % 28
            f.write(
                json.dumps(
                    {
                        "id": f"scale-{i}",
                        "title": text.split("\n", 1)[0][:120],
                        "text": text,
                        "published": f"2024-{1 + (i // 28) % 12:02d}-{day:02d}",
                    }
                )
                + "\n"
            )
    print(f"{n} articles from {len(texts)} source texts written to {out}")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], *sys.argv[3:])
