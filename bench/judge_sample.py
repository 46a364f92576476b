"""The items to judge by reading (issue 14), with their evidence.

    .venv/bin/python bench/judge_sample.py STORE_URL OUT_DIR [--seed 14]

Writes, from a store (e.g. polnear_train ingested):
- OUT_DIR/reversals.jsonl: every reported reversal;
- OUT_DIR/contradictions.jsonl: 50 contradictions picked at random with the seed
  (every one when there are fewer);
- OUT_DIR/claims.jsonl: 20 claims of 3+ statements picked at random with the seed.
The sample is fixed by the seed before anyone reads it. Each statement comes
with its speaker, side, stance, date, its article's id, title and date, and the
paragraph it stands in, so that a reader can judge it from the text
(../shared/eval/JUDGING.md).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from sqlalchemy import select


def _paragraph(text: str, start: int | None, end: int | None) -> str:
    if text is None or start is None:
        return ""
    left = text.rfind("\n\n", 0, start)
    right = text.find("\n\n", end or start)
    return text[left + 2 if left >= 0 else 0 : right if right >= 0 else len(text)].strip()[:1500]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store")
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)

    from onrecord.store.schema import articles, claims, reversals, statements
    from onrecord.store.store import Store

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    store = Store(args.store)
    with store.engine.connect() as conn:
        claim_text = {r.id: r.text for r in conn.execute(select(claims.c.id, claims.c.text))}
        article = {
            r.id: r
            for r in conn.execute(select(articles.c.id, articles.c.title, articles.c.published, articles.c.text))
        }

        def described(statement_id: str) -> dict:
            row = conn.execute(select(statements).where(statements.c.id == statement_id)).first()
            if row is None:
                return {"id": statement_id}
            art = article.get(row.article_id)
            return {
                "id": row.id,
                "speaker": row.speaker_name,
                "side": row.side_name,
                "cue": row.cue_text,
                "stance": row.stance,
                "said_on": str(row.said_on) if row.said_on else None,
                "earlier": row.earlier,
                "content": row.content_text,
                "article": row.article_id,
                "title": art.title if art else None,
                "published": str(art.published) if art and art.published else None,
                "paragraph": _paragraph(art.text if art else "", row.content_start, row.content_end),
            }

        rows = conn.execute(select(reversals).order_by(reversals.c.id)).all()
        found = {
            "reversal": [r for r in rows if r.kind == "reversal"],
            "contradiction": [r for r in rows if r.kind == "contradiction"],
        }
        rng = random.Random(args.seed)
        chosen = {
            "reversal": found["reversal"],
            "contradiction": rng.sample(found["contradiction"], min(50, len(found["contradiction"]))),
        }
        for kind, items in chosen.items():
            with open(out / f"{kind}s.jsonl", "w", encoding="utf-8") as f:
                for r in items:
                    f.write(
                        json.dumps(
                            {
                                "item": r.id,
                                "kind": kind,
                                "side": r.actor,
                                "claim": claim_text.get(r.claim_id),
                                "from": r.from_stance,
                                "to": r.to_stance,
                                "before": [described(s) for s in r.before],
                                "after": [described(s) for s in r.after],
                            },
                            ensure_ascii=False,
                        )
                        + "\n"
                    )
        sizes: dict[str, int] = {}
        for claim_id in conn.execute(select(statements.c.claim_id).where(statements.c.claim_id.is_not(None))).scalars():
            sizes[claim_id] = sizes.get(claim_id, 0) + 1
        eligible = sorted(c for c, n in sizes.items() if n >= 3)
        with open(out / "claims.jsonl", "w", encoding="utf-8") as f:
            for claim_id in random.Random(args.seed).sample(eligible, min(20, len(eligible))):
                ids = (
                    conn.execute(
                        select(statements.c.id).where(statements.c.claim_id == claim_id).order_by(statements.c.id)
                    )
                    .scalars()
                    .all()
                )
                f.write(
                    json.dumps(
                        {
                            "item": claim_id,
                            "kind": "claim",
                            "claim": claim_text.get(claim_id),
                            "statements": [described(s) for s in ids],
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        print(
            f"reversals {len(chosen['reversal'])}, contradictions {len(chosen['contradiction'])} of "
            f"{len(found['contradiction'])}, claims {min(20, len(eligible))} of {len(eligible)} (seed {args.seed})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
