"""A seeded sample of statements from real pages, to judge by reading (issue
15: "speaker right", on articles outside the training data).

    .venv/bin/python bench/statement_sample.py PAGES_DIR OUT.jsonl [--seed 15] [--size 80]

Ingests every page of PAGES_DIR (e.g. ../shared/eval/extract/html, real news
pages of many sites; nothing was tuned on them) into a fresh SQLite store,
then picks `size` statements at random with the seed, from all statements in
id order, before anyone reads them. Each item carries what a reader needs to
judge it from the text (../shared/eval/JUDGING.md): the content, the cue, the
speaker as written and as resolved, the stance, and the paragraph it stands in
with the one before (for pronouns and continuations).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path


def _paragraphs_around(text: str, start: int, end: int) -> str:
    """The paragraph holding [start, end) and the one before it."""
    before = text.rfind("\n\n", 0, start)
    earlier = text.rfind("\n\n", 0, max(before, 0)) if before > 0 else -1
    after = text.find("\n\n", end)
    return text[earlier + 2 if earlier >= 0 else 0 : after if after >= 0 else len(text)].strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages")
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--size", type=int, default=80)
    parser.add_argument(
        "--judged",
        type=Path,
        help="a judged list (bench/judged/*.jsonl): print the stored confidence of its items against the verdicts",
    )
    args = parser.parse_args(argv)

    from onrecord.record import Record

    with tempfile.TemporaryDirectory() as tmp, Record(f"sqlite:///{tmp}/sample.db") as record:
        report = record.ingest([args.pages])
        print(f"{report.stored} pages stored, {report.failed} failed", file=sys.stderr)
        everything = list(record.store.iter_records("statements"))
        chosen = random.Random(args.seed).sample(everything, min(args.size, len(everything)))
        with Path(args.out).open("w", encoding="utf-8") as out:
            for statement in chosen:
                article = record.article(statement.article_id)
                text = (article.title or "") if statement.in_headline else (article.text if article else "")
                start, end = statement.content_start or 0, statement.content_end or 0
                item = {
                    "item": statement.id,
                    "article_title": statement.article_title,
                    "url": statement.article_url,
                    "kind": statement.kind,
                    "cue": statement.cue_text,
                    "speaker_as_written": statement.speaker_text,
                    "speaker_resolved": statement.actor_name or statement.speaker_name,
                    "stance": statement.stance,
                    "content": statement.content_text,
                    "in_headline": statement.in_headline,
                    "context": _paragraphs_around(text, start, end) if text else "",
                }
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
        print(f"{len(chosen)} of {len(everything)} statements, seed {args.seed}: {args.out}", file=sys.stderr)
        if args.judged:
            _confidence_against(args.judged, {s.id: s for s in everything})
    return 0


def _confidence_against(judged_path: Path, stored: dict) -> None:
    """The judged items' confidence (as stored now, by statement id) in bins,
    against what the reader found: a real statement; its speaker right."""
    judged = [json.loads(line) for line in judged_path.open(encoding="utf-8") if line.strip()]
    for score, verdict, label in (
        ("confidence", "statement", "real statement"),
        ("speaker_confidence", "speaker", "speaker right (of the real statements)"),
    ):
        pairs = []
        for item in judged:
            row = stored.get(item["item"])
            if row is None or getattr(row, score) is None or (verdict == "speaker" and not item["statement"]):
                continue
            pairs.append((getattr(row, score), bool(item[verdict])))
        print(f"{label}: {len(pairs)} of {len(judged)} judged items scored")
        for lo, hi in ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)):
            inside = [right for p, right in pairs if lo <= p < hi]
            if inside:
                print(f"  {lo:.1f}-{min(hi, 1.0):.1f}: {len(inside):>3} items, {sum(inside) / len(inside):.2f} right")


if __name__ == "__main__":
    raise SystemExit(main())
