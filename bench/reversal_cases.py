"""The reversal case corpus (tests/data/reversal_cases/): what onrecord finds
against what each case says must and must not be reported.

    .venv/bin/python bench/reversal_cases.py [CASES_DIR] [--only SUBSTRING] [--verbose] [--json OUT]

Each case's articles are ingested into a fresh SQLite store; then the store's
reversals and contradictions are matched against the case's expectations
(format: tests/data/reversal_cases/README.md):

- an expected reversal is found when a reported reversal of a matching side
  goes from the expected stance to the expected one, and is about the case's
  claim: a statement before covers `from_evidence`, or one after covers
  `to_evidence`, or the reported statements hold most of the words of the
  case's claim (a reader accepts "denied that it was in talks" for the quote
  "We are not in discussions" when both are the side's);
- a reported reversal that matches no expected one is false (and "forbidden"
  when its side is one the case names as a trap);
- contradictions alike, with both sides matched in either order.

A side matches when the reported name shares a word with the case's side or
one of its aliases (so "Halvorsen Group" matches "Halvorsen"). Evidence is
matched by words, not characters: a statement covers an evidence string when
most of the shorter one's words are in the other, since the statement's
content span is part of the sentence the case quotes.

Prints found / expected, false, forbidden, for reversals and for contradictions.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CASES = ROOT / "tests" / "data" / "reversal_cases"

# Words that name no one: a side is matched by the others.
_GENERIC = {
    "the",
    "a",
    "an",
    "of",
    "for",
    "and",
    "ministry",
    "department",
    "company",
    "group",
    "government",
    "office",
    "inc",
    "ltd",
    "plc",
    "co",
    "corp",
    "club",
    "council",
    "state",
    "mr",
    "ms",
    "mrs",
    "dr",
}
# Share of the shorter text's words the longer must hold for a statement to
# cover an evidence string: half, so that a content span ("that it had ...")
# covers the sentence it comes from, and a statement from another sentence
# (sharing only the claim's few content words) does not cover it.
EVIDENCE_OVERLAP = 0.5
# Share of a case's claim words ("Halvorsen Group is in talks to buy Ostmark
# Foods") that the reported statements must hold, when neither evidence
# string is among them: "most of", fixed before any tuning and not tuned since,
# so that a change worded otherwise ("acquire" for "buy") still counts.
CLAIM_OVERLAP = 0.6


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2 or w.isdigit()}


def name_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _GENERIC}


def covers(statement_text: str, evidence: str) -> bool:
    a, b = words(statement_text), words(evidence)
    if not a or not b:
        return False
    return len(a & b) >= EVIDENCE_OVERLAP * min(len(a), len(b))


def side_matches(reported: str, side: str, aliases: list[str]) -> bool:
    reported_words = name_words(reported)
    return any(reported_words & name_words(name) for name in [side, *aliases])


@dataclass
class CaseResult:
    case: str
    expected_reversals: int = 0
    found_reversals: int = 0
    false_reversals: list[str] = field(default_factory=list)
    forbidden_reversals: list[str] = field(default_factory=list)
    expected_contradictions: int = 0
    found_contradictions: int = 0
    false_contradictions: list[str] = field(default_factory=list)
    forbidden_contradictions: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _statement_texts(change: dict, key: str) -> list[str]:
    return [s.get("text") or "" for s in change.get(key, [])]


def _speakers(change: dict, key: str) -> list[str]:
    return [s.get("speaker") or "" for s in change.get(key, [])]


def _about_claim(change: dict, claim: str) -> bool:
    """Most of the claim's words in the reported claim and statements."""
    wanted = words(claim)
    said = words(
        " ".join(
            [change.get("claim_text") or "", *_statement_texts(change, "before"), *_statement_texts(change, "after")]
        )
    )
    return bool(wanted) and len(wanted & said) >= CLAIM_OVERLAP * len(wanted)


def _matches_reversal(change: dict, expected: dict) -> bool:
    names = [change["actor"], *_speakers(change, "before"), *_speakers(change, "after")]
    if not any(side_matches(n, expected["side"], expected.get("side_aliases", [])) for n in names):
        return False
    if (change["from_stance"], change["to_stance"]) != (expected["from"], expected["to"]):
        return False
    return (
        any(covers(t, expected["from_evidence"]) for t in _statement_texts(change, "before"))
        or any(covers(t, expected["to_evidence"]) for t in _statement_texts(change, "after"))
        or _about_claim(change, expected["claim"])
    )


def _matches_contradiction(change: dict, expected: dict) -> bool:
    sides = change["actor"].split(" / ")
    if len(sides) != 2:
        return False
    a, b = expected["sides"]
    aliases = expected.get("side_aliases", {})
    ok = lambda reported, side: side_matches(reported, side, aliases.get(side, []))  # noqa: E731
    if not ((ok(sides[0], a) and ok(sides[1], b)) or (ok(sides[0], b) and ok(sides[1], a))):
        return False
    evidence = expected.get("evidence") or []
    texts = _statement_texts(change, "before") + _statement_texts(change, "after")
    return any(covers(t, e) for e in evidence for t in texts) or _about_claim(change, expected["claim"])


def _describe(change: dict) -> str:
    return f"{change['actor']}: {change['from_stance']} → {change['to_stance']} on “{change.get('claim_text')}”"


def _match(expected: list[dict], reported: list[dict], matches, missed: list[str], describe) -> tuple[int, list[dict]]:
    """Each expected change paired with a reported one (each used once):
    how many were found, and the reported changes left over. A miss is
    described into `missed`."""
    used: set[int] = set()
    for want in expected:
        hit = next((i for i, c in enumerate(reported) if i not in used and matches(c, want)), None)
        if hit is None:
            missed.append(describe(want))
        else:
            used.add(hit)
    return len(used), [c for i, c in enumerate(reported) if i not in used]


def _describe_reversal(want: dict) -> str:
    return f"reversal {want['side']}: {want['from']} → {want['to']} on “{want['claim']}”"


def _describe_contradiction(want: dict) -> str:
    return f"contradiction {' / '.join(want['sides'])} on “{want['claim']}”"


def score_case(path: Path, model: str | None = None) -> CaseResult:
    from onrecord.record import Record

    case = json.loads(path.read_text(encoding="utf-8"))
    expect = case.get("expect", {})
    result = CaseResult(case=case["id"])
    with tempfile.TemporaryDirectory() as tmp, Record(f"sqlite:///{tmp}/cases.db", model=model) as record:
        documents = [
            {"text": a["text"], "title": a.get("title"), "url": a.get("url"), "published": a.get("published")}
            for a in case["articles"]
        ]
        report = record.ingest_documents(documents)
        result.failures = [f"{f.source_ref}: {f.reason}" for f in report.failures]
        reversals = [r.to_json() for r in record.store.list_reversals(kind="reversal", limit=1000)]
        contradictions = [r.to_json() for r in record.store.list_reversals(kind="contradiction", limit=1000)]

    result.expected_reversals = len(expect.get("reversals", []))
    result.expected_contradictions = len(expect.get("contradictions", []))
    result.found_reversals, unmatched = _match(
        expect.get("reversals", []), reversals, _matches_reversal, result.missed, _describe_reversal
    )
    for change in unmatched:
        result.false_reversals.append(_describe(change))
        if any(
            side_matches(change["actor"], f["side"], f.get("side_aliases", []))
            for f in expect.get("forbidden_reversals", [])
        ):
            result.forbidden_reversals.append(_describe(change))
    result.found_contradictions, unmatched = _match(
        expect.get("contradictions", []), contradictions, _matches_contradiction, result.missed, _describe_contradiction
    )
    for change in unmatched:
        result.false_contradictions.append(_describe(change))
        sides = change["actor"].split(" / ")
        if len(sides) == 2 and any(
            all(any(side_matches(s, name, []) for name in f["sides"]) for s in sides)
            for f in expect.get("forbidden_contradictions", [])
        ):
            result.forbidden_contradictions.append(_describe(change))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="?", default=str(DEFAULT_CASES))
    parser.add_argument("--only", help="only cases whose file name holds this")
    parser.add_argument("--model", help="spaCy pipeline (default: onrecord's)")
    parser.add_argument("--verbose", action="store_true", help="a line per miss and per false report")
    parser.add_argument("--json", help="write each case's result to this JSONL file")
    args = parser.parse_args(argv)

    paths = sorted(p for p in Path(args.cases).glob("*.json") if not args.only or args.only in p.name)
    if not paths:
        print(f"no cases in {args.cases}", file=sys.stderr)
        return 2
    results = [score_case(p, args.model) for p in paths]
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            for r in results:
                out.write(json.dumps(r.__dict__, ensure_ascii=False) + "\n")
    if args.verbose:
        for r in results:
            for line in r.missed:
                print(f"{r.case}: missed {line}")
            for line in r.false_reversals + r.false_contradictions:
                print(f"{r.case}: false {line}")
            for line in r.failures:
                print(f"{r.case}: failure {line}")

    def total(name: str) -> int:
        return sum(len(v) if isinstance(v := getattr(r, name), list) else v for r in results)

    print(f"cases: {len(results)}")
    print(
        f"reversals: found {total('found_reversals')} of {total('expected_reversals')}, "
        f"false {total('false_reversals')} (forbidden {total('forbidden_reversals')})"
    )
    print(
        f"contradictions: found {total('found_contradictions')} of {total('expected_contradictions')}, "
        f"false {total('false_contradictions')} (forbidden {total('forbidden_contradictions')})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
