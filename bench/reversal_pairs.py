"""How alike the earlier and the later statements of a reported reversal are,
for the reversals that are real and those that are not: the figures the
thresholds `reversal_shared_words` and `reversal_similarity` (settings.py)
were read from.

    .venv/bin/python bench/reversal_pairs.py JUDGED_ITEMS.jsonl JUDGED.jsonl

Reports each reversal found on the case corpus (tests/data/reversal_cases/,
true when it is one the case expects) and each judged reversal of a real-news
store (JUDGED_ITEMS: bench/judge_sample.py's reversals.jsonl; JUDGED: the
verdicts, bench/judged/polnear_train_changes_*.jsonl), with, over their pairs
of earlier and later statements, the most words of substance shared and the
highest word-vector similarity; then, for a grid of thresholds, how many of
each would be kept. Read with the rule at its loosest (reversal_shared_words 1,
same_thing_similarity 0.20: what the code had before they were calibrated), since
a reversal the rule drops is not reported to be measured.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reversal_cases as rc  # noqa: E402

from onrecord.claims.timeline import _similarity, _substance_of  # noqa: E402
from onrecord.record import Record  # noqa: E402
from onrecord.settings import DEFAULT_SETTINGS  # noqa: E402


def pair_figures(before: list[dict], after: list[dict]) -> list[tuple[int, float]]:
    """Each pair of an earlier and a later statement: words of substance
    shared, and similarity."""
    letters, stem = DEFAULT_SETTINGS.claims.substance_letters, DEFAULT_SETTINGS.claims.stem_letters
    pairs = []
    for b in before:
        for a in after:
            words = _substance_of(b["text"], b.get("speaker") or "", letters, stem) & _substance_of(
                a["text"], a.get("speaker") or "", letters, stem
            )
            pairs.append((len(words), round(_similarity(b["text"], a["text"]), 2)))
    return pairs


def main(argv: list[str]) -> int:
    logging.disable(logging.INFO)  # the store's migrations announce themselves once a case
    rows: list[tuple[str, bool, list[tuple[int, float]], str]] = []
    for path in sorted(rc.DEFAULT_CASES.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        with tempfile.TemporaryDirectory() as tmp, Record(f"sqlite:///{tmp}/c.db") as record:
            record.ingest_documents(
                [
                    {"text": a["text"], "title": a.get("title"), "url": a.get("url"), "published": a.get("published")}
                    for a in case["articles"]
                ]
            )
            changes = [r.to_json() for r in record.store.list_reversals(kind="reversal", limit=100)]
        for change in changes:
            real = any(rc._matches_reversal(change, want) for want in case["expect"].get("reversals", []))
            rows.append(("cases", real, pair_figures(change["before"], change["after"]), case["id"]))
    if len(argv) >= 2:
        verdicts = {}
        for line in Path(argv[1]).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            verdicts[item["item"]] = item["verdict"] == "true"
        for line in Path(argv[0]).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            before = [{"text": s["content"], "speaker": s["speaker"]} for s in item["before"]]
            after = [{"text": s["content"], "speaker": s["speaker"]} for s in item["after"]]
            rows.append(("news", verdicts.get(item["item"], False), pair_figures(before, after), item["side"]))
    for source, real, pairs, name in rows:
        shared, similar = max((p[0] for p in pairs), default=0), max((p[1] for p in pairs), default=-1.0)
        print(
            f"{source:5} {'real' if real else 'false':5} most shared {shared} highest similarity {similar:5.2f}  {name}"
        )
    print("\nkept if a pair shares >= S words or is >= T alike: cases real / cases false / news real / news false")
    for shared_min in (1, 2, 3):
        for similar_min in (0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.6):
            kept = [r for r in rows if any(s >= shared_min or t >= similar_min for s, t in r[2])]
            counts = [
                sum(1 for r in kept if r[0] == src and r[1] is v) for src in ("cases", "news") for v in (True, False)
            ]
            print(f"  S={shared_min} T={similar_min:.2f}: {counts[0]} / {counts[1]} / {counts[2]} / {counts[3]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
