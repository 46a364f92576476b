"""HTML main-text extraction on the shared extraction set: predictions for
`score_extract.py`, and throughput.

    .venv/bin/python bench/extract_eval.py ../shared/eval/extract out/extract_pred.jsonl
    python ../shared/eval/score_extract.py out/extract_pred.jsonl
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from pathlib import Path

from onrecord.ingest.errors import IngestError
from onrecord.ingest.html import extract_main_text, read_html


def main(folder: str, out_path: str) -> None:
    pages = sorted(Path(folder, "html").glob("*.html.gz"))
    truth = json.loads(Path(folder, "ground-truth.json").read_text("utf-8"))
    htmls = [(p.name.removesuffix(".html.gz"), gzip.open(p).read().decode("utf-8")) for p in pages]
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for page_id, html in htmls:
        extract_main_text(html, truth.get(page_id, {}).get("url"))
    body_seconds = time.perf_counter() - start
    start = time.perf_counter()
    with open(out_path, "w", encoding="utf-8") as out:
        for page_id, html in htmls:
            try:
                text = read_html(html, page_id, truth.get(page_id, {}).get("url")).text
            except IngestError:
                text = ""  # scored as an empty extraction
            out.write(json.dumps({"id": page_id, "text": text}) + "\n")
    full_seconds = time.perf_counter() - start
    mb = sum(len(h.encode()) for _, h in htmls) / 1e6
    print(f"pages: {len(htmls)} ({mb:.1f} MB of HTML)")
    print(f"main text only:         {len(htmls) / body_seconds:6.1f} pages/s")
    print(f"text + metadata + date: {len(htmls) / full_seconds:6.1f} pages/s")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
