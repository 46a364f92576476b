"""Which judged statements read differently with the code now (issue 15's
judged measure, re-read rather than re-judged from scratch).

    .venv/bin/python bench/judged_recheck.py PAGES_DIR BEFORE.jsonl [--db out/recheck.db]

BEFORE.jsonl is the sample `bench/statement_sample.py` wrote at the commit the
verdicts were given on (the same seed and size: item, content, speaker,
stance). The pages are ingested anew; each judged item is found again by its
article and its exact content (statement numbers shift when statements are
added or dropped elsewhere in an article), and every item whose speaker or
stance changed, or that is gone, is printed with its context for a reader to
judge again; the rest keep their verdicts.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from onrecord.record import Record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages")
    parser.add_argument("before", type=Path)
    parser.add_argument("--db", default="out/recheck.db")
    args = parser.parse_args(argv)
    before = [json.loads(line) for line in args.before.open(encoding="utf-8") if line.strip()]
    Path(args.db).unlink(missing_ok=True)
    with Record(f"sqlite:///{args.db}") as record:
        record.ingest([args.pages])
        now = {(row.article_id, row.content_text): row for row in record.store.iter_records("statements")}
    changed = 0
    for item in before:
        row = now.get((item["item"].split(":")[0], item["content"]))
        if row is None:
            changed += 1
            print(f"GONE {item['item']} | {item['speaker_resolved']} | {item['content'][:100]}")
            continue
        speaker = row.actor_name or row.speaker_name
        if speaker != item["speaker_resolved"] or row.stance != item["stance"]:
            changed += 1
            print(f"CHANGED {item['item']} | speaker {item['speaker_resolved']} -> {speaker}")
            print(f"   stance {item['stance']} -> {row.stance} | {item['content'][:100]}")
            print(f"   context: {item['context'][-600:]!r}")
    print(f"{changed} of {len(before)} items read differently now")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
