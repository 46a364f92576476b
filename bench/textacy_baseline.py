"""textacy's direct_quotations as a baseline, in the record format, for
score_quotes.py. Uses the same spaCy pipeline as onrecord.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/textacy_baseline.py ../shared/eval/quotes/ggt_dev.jsonl > out/textacy_ggt.jsonl
    python3 ../shared/eval/score_quotes.py ../shared/eval/quotes/ggt_dev.jsonl out/textacy_ggt.jsonl
"""

from __future__ import annotations

import json
import sys

from textacy.extract.triples import direct_quotations

from onrecord.nlp.pipeline import load_pipeline


def spans(tokens) -> list[list[int]]:
    tokens = list(tokens)
    return [tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)] if tokens else None


def main(path: str) -> None:
    nlp = load_pipeline()
    with open(path, encoding="utf-8") as fh:
        items = [json.loads(line) for line in fh]
    for item, doc in zip(items, nlp.pipe(i["text"] for i in items)):
        statements = []
        try:
            quotes = list(direct_quotations(doc))
        except Exception as exc:  # noqa: BLE001 - textacy raises on some documents; count them as empty
            print(f"textacy failed on {item['id']}: {exc}", file=sys.stderr)
            quotes = []
        for number, quote in enumerate(quotes, start=1):
            speaker = spans(quote.speaker)
            statements.append(
                {
                    "id": f"s{number}",
                    "kind": "direct",
                    "speaker": {
                        "text": doc.text[speaker[0] : speaker[1]],
                        "span": speaker,
                        "name": doc.text[speaker[0] : speaker[1]],
                    }
                    if speaker
                    else None,
                    "cue": {"span": spans(quote.cue)} if quote.cue else None,
                    "content": {"span": spans(quote.content)},
                }
            )
        print(json.dumps({"id": item["id"], "text": item["text"], "statements": statements}))


if __name__ == "__main__":
    main(sys.argv[1])
