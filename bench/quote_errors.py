"""Error analysis for statement extraction against a gold quotes file:
missed gold quotes, spurious predictions, and wrong speakers, with their
context, for tuning the rules (prints to the terminal; nothing is stored).

    .venv/bin/onrecord analyze --format jsonl GOLD.jsonl > out/pred.jsonl
    .venv/bin/python bench/quote_errors.py GOLD.jsonl out/pred.jsonl [missed|spurious|speaker] [N]
"""

from __future__ import annotations

import json
import random
import sys


def overlap(gold: list[int], pred: list) -> float:
    spans = pred if pred and isinstance(pred[0], list) else [pred]
    inter = sum(max(0, min(gold[1], e) - max(gold[0], s)) for s, e in spans)
    return inter / max(1, gold[1] - gold[0])


def main(gold_path: str, pred_path: str, what: str = "missed", n: int = 25) -> None:
    preds = {d["id"]: d for d in map(json.loads, open(pred_path, encoding="utf-8"))}
    rows = []
    for gold in map(json.loads, open(gold_path, encoding="utf-8")):
        text = gold["text"]
        statements = preds.get(gold["id"], {}).get("statements", [])
        used = set()
        for q in gold["quotes"]:
            span = q.get("quote_span") or (q.get("quote_spans") or [None])[0]
            if not span:
                continue
            best = max(
                ((overlap(span, s["content"]["span"]), i) for i, s in enumerate(statements) if i not in used),
                default=(0, -1),
            )
            if best[0] > 0.3:
                used.add(best[1])
                s = statements[best[1]]
                name = (s.get("speaker") or {}).get("name") or ""
                ref = q.get("reference") or q.get("speaker") or ""
                if what == "speaker" and ref and name.lower().split()[-1:] != ref.lower().split()[-1:]:
                    rows.append(
                        f"GOLD {ref!r} (mention {q.get('speaker')!r})  PRED {name!r} (mention {(s.get('speaker') or {}).get('text')!r})\n   {text[max(0, span[0] - 150) : span[0]]!r} [[{text[span[0] : span[1]][:150]}]]"
                    )
            elif what == "missed":
                rows.append(
                    f"MISSED ({q.get('speaker')!r} {q.get('verb') or q.get('cue')!r}): {text[max(0, span[0] - 120) : span[0]]!r} [[{text[span[0] : span[1]][:200]}]] {text[span[1] : span[1] + 80]!r}"
                )
        if what == "spurious":
            for i, s in enumerate(statements):
                if i not in used:
                    a, b = (
                        s["content"]["span"]
                        if not isinstance(s["content"]["span"][0], list)
                        else s["content"]["span"][0]
                    )
                    rows.append(
                        f"SPURIOUS {s['kind']} ({(s.get('speaker') or {}).get('text')!r} {(s.get('cue') or {}).get('text')!r}): [[{text[a:b][:200]}]]"
                    )
    random.Random(0).shuffle(rows)
    print(f"{len(rows)} {what}")
    for row in rows[:n]:
        print(row, "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *(sys.argv[3:4]), *(int(x) for x in sys.argv[4:5]))
