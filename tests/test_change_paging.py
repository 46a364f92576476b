"""Reversals and contradictions page like the other listings (--limit,
--offset), and `since` is applied before the page is cut, so a page is never
short while more changes match (it was cut first, then filtered)."""

import json

from typer.testing import CliRunner

from onrecord.cli import app
from onrecord.record import Record

runner = CliRunner()

ARTICLES = [
    (
        "2025-01-06",
        "Chile Denies Selling Copper Quotas To Peru",
        "The government of Chile on Monday denied that it had sold copper quotas to Peru.",
    ),
    (
        "2025-02-10",
        "Chile Admits Copper Quota Sale",
        "Chile's mining minister acknowledged on Monday that the government sold copper quotas to Peru last year.",
    ),
    (
        "2025-03-03",
        "Norway Denies Selling Fishing Licences To Iceland",
        "The government of Norway on Monday denied that it had sold fishing licences to Iceland.",
    ),
    (
        "2025-04-14",
        "Norway Admits Fishing Licence Sale",
        "Norway's fisheries minister acknowledged on Monday that the government sold fishing licences to Iceland last year.",
    ),
    (
        "2025-05-05",
        "Neighbours Dispute Border Incident",
        "The government of Armenia said on Monday that Azerbaijan had sent troops across the border. "
        "The government of Azerbaijan denied that it had sent troops across the border.",
    ),
    (
        "2025-06-02",
        "Neighbours Dispute River Dam",
        "The government of Egypt said on Monday that Ethiopia had closed the dam gates. "
        "The government of Ethiopia denied that it had closed the dam gates.",
    ),
]


def _store(url):
    with Record(url) as record:
        record.ingest_documents([{"published": d, "title": t, "text": x} for d, t, x in ARTICLES])
        return len(record.reversals(kind="reversal")), len(record.reversals(kind="contradiction"))


def _cli(*args):
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_reversals_and_contradictions_page(db_url):
    reversals, contradictions = _store(db_url)
    assert reversals == 2 and contradictions == 2
    first = _cli("reversals", "--db", db_url, "--limit", "1")
    second = _cli("reversals", "--db", db_url, "--limit", "1", "--offset", "1")
    assert len(first) == len(second) == 1 and first[0]["id"] != second[0]["id"]
    pages = _cli("contradictions", "--db", db_url, "--limit", "1") + _cli(
        "contradictions", "--db", db_url, "--limit", "1", "--offset", "1"
    )
    assert len({c["id"] for c in pages}) == 2


def test_since_is_applied_before_the_page_is_cut(db_url):
    _store(db_url)
    with Record(db_url) as record:
        everything = record.reversals(kind="reversal")
        after = [r for r in everything if r.actor == "Norway"]
        assert len(after) == 1
        for offset in (0,):
            page = record.reversals(
                kind="reversal", since=__import__("datetime").date(2025, 4, 1), limit=1, offset=offset
            )
            assert [r.actor for r in page] == ["Norway"]
    assert [r["actor"] for r in _cli("reversals", "--db", db_url, "--since", "2025-04-01", "--limit", "1")] == [
        "Norway"
    ]
