"""How a store's statements are spread over its claims (issue 14's measures).

    .venv/bin/python bench/claim_census.py STORE_URL [--sample N] [--seed S] [--out FILE]

Prints: statements, how many belong to any claim, how many to a claim shared
with another statement, the largest claims and their share of all
statements, the number of reversals and contradictions. With --sample, writes
N random claims of 3+ statements (chosen with a fixed seed, before anyone
reads them) with their statements, for judging by reading.
"""

from __future__ import annotations

import argparse
import json
import random
import sys

from sqlalchemy import func, select


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store")
    parser.add_argument("--sample", type=int, default=0)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--out")
    args = parser.parse_args(argv)

    from onrecord.store.schema import claims, reversals, statements
    from onrecord.store.store import Store

    store = Store(args.store)
    with store.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(statements)).scalar_one()
        in_claim = conn.execute(
            select(func.count()).select_from(statements).where(statements.c.claim_id.is_not(None))
        ).scalar_one()
        sizes = conn.execute(
            select(statements.c.claim_id, func.count().label("n"))
            .where(statements.c.claim_id.is_not(None))
            .group_by(statements.c.claim_id)
            .order_by(func.count().desc())
        ).all()
        texts = {r.id: (r.text, r.frame) for r in conn.execute(select(claims.c.id, claims.c.text, claims.c.frame))}
        kinds = dict(conn.execute(select(reversals.c.kind, func.count()).group_by(reversals.c.kind)).all())
        shared = sum(n for _, n in sizes if n > 1)
        print(f"statements: {total}")
        print(f"in a claim: {in_claim} ({in_claim / max(total, 1):.1%})")
        print(f"in a claim shared with another statement: {shared} ({shared / max(total, 1):.1%})")
        print(f"claims: {len(sizes)}; of 3+ statements: {sum(1 for _, n in sizes if n >= 3)}")
        print("largest claims:")
        for claim_id, n in sizes[:8]:
            text, frame = texts.get(claim_id, ("?", "?"))
            print(f"  {n:5d} ({n / max(total, 1):.2%})  [{frame}] {text[:80]}")
        print(f"changes: {kinds}")
        if args.sample:
            eligible = sorted(claim_id for claim_id, n in sizes if n >= 3)
            chosen = random.Random(args.seed).sample(eligible, min(args.sample, len(eligible)))
            out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
            for claim_id in chosen:
                rows = conn.execute(
                    select(statements.c.id, statements.c.speaker_name, statements.c.stance, statements.c.content_text)
                    .where(statements.c.claim_id == claim_id)
                    .order_by(statements.c.id)
                ).all()
                out.write(
                    json.dumps(
                        {
                            "claim": claim_id,
                            "text": texts[claim_id][0],
                            "frame": texts[claim_id][1],
                            "statements": [
                                {"id": r.id, "speaker": r.speaker_name, "stance": r.stance, "content": r.content_text}
                                for r in rows
                            ],
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
