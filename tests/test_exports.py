"""Exports round-trip: export each table in each format, read it back, and
find the store's rows, with the same counts, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from onrecord.cli import app
from onrecord.exports import ExportError, export, read_export
from onrecord.record import Record


@pytest.fixture
def record(db_url):
    with Record(db_url) as rec:
        rec.ingest([str(ROOT / "examples")])
        yield rec


def count(record, table: str) -> int:
    return sum(1 for _ in record.store.iter_rows(table))


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_tables_round_trip(record, tmp_path, fmt):
    for what in ("statements", "claims", "events", "reversals", "actors", "articles"):
        path = tmp_path / f"{what}.{fmt}"
        written = export(record.store, what, fmt, path)
        back = read_export(path, fmt)
        assert written == len(back) == count(record, what), what
        assert written > 0, what
        ids = sorted(str(row["id"]) for row in back)
        assert ids == sorted(str(row["id"]) for row in record.store.iter_rows(what))
    statements = {row["id"]: row for row in read_export(tmp_path / f"statements.{fmt}", fmt)}
    stored = next(iter(record.store.iter_rows("statements")))
    assert statements[stored["id"]]["content_text"] == stored["content_text"]


def test_events_as_a_gdelt_table(record, tmp_path):
    path = tmp_path / "events.tsv"
    written = export(record.store, "events", "gdelt-tsv", path)
    rows = read_export(path, "gdelt-tsv")
    assert written == len(rows) == count(record, "events") > 0
    assert all(len(row["SQLDATE"]) == 8 and row["EventCode"].startswith(row["EventRootCode"]) for row in rows)


def test_claims_as_schema_org_json_ld(record, tmp_path):
    path = tmp_path / "claims.jsonld"
    written = export(record.store, "claims", "claim-jsonld", path)
    document = json.loads(path.read_text("utf-8"))
    assert "https://schema.org" in document["@context"]
    nodes = read_export(path, "claim-jsonld")
    assert written == len(nodes) == count(record, "claims")
    assert all(node["@type"] == "Claim" and node["text"] for node in nodes)
    appearances = sum(len(node["appearance"]) for node in nodes)
    with_claim = sum(1 for row in record.store.iter_rows("statements") if row["claim_id"])
    assert appearances == with_claim
    assert not any("ClaimReview" in json.dumps(node) for node in nodes)  # stances, not verdicts
    spill = next(node for node in nodes if len(node["appearance"]) > 2)
    assert {a["stance"] for a in spill["appearance"]} >= {"affirm", "deny"}


def test_formats_that_do_not_fit_the_table_are_refused(record, tmp_path):
    with pytest.raises(ExportError):
        export(record.store, "statements", "gdelt-tsv", tmp_path / "x.tsv")
    with pytest.raises(ExportError):
        export(record.store, "events", "claim-jsonld", tmp_path / "x.jsonld")


def test_export_command(db_url, record, tmp_path):
    runner = CliRunner()
    out = tmp_path / "statements.parquet"
    result = runner.invoke(
        app, ["export", "--db", db_url, "--what", "statements", "--format", "parquet", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert len(read_export(out, "parquet")) == count(record, "statements")
    as_jsonl = runner.invoke(app, ["export", "--db", db_url, "--what", "claims", "--format", "jsonl"])
    assert len(as_jsonl.stdout.splitlines()) == count(record, "claims")
    refused = runner.invoke(app, ["export", "--db", db_url, "--what", "statements", "--format", "parquet"])
    assert refused.exit_code == 2


# Cells a spreadsheet would take as formulas (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_ARTICLE = (
    '=HYPERLINK("http://x","click") Mayor quits\n\n'
    "The mayor of Calder, Ruth Lind, said on Monday that -2+3 was the result. "
    '"@SUM(A1) is wrong," said Tomas Keller. According to Keller, +cmd was fine.\n\n'
    "=Ada Quill said the vote was rigged.\n"
)


@pytest.fixture
def hostile_record(db_url, tmp_path):
    (tmp_path / "hostile.txt").write_text(HOSTILE_ARTICLE, "utf-8")
    with Record(db_url) as rec:
        report = rec.ingest([str(tmp_path / "hostile.txt")])
        assert report.stored == 1
        yield rec


def _cells(path) -> list[str]:
    import csv

    with open(path, encoding="utf-8", newline="") as f:
        return [cell for row in csv.reader(f) for cell in row]


def test_csv_exports_carry_no_formulas_and_read_back_whole(db_url, hostile_record, tmp_path):
    stored = {what: list(hostile_record.store.iter_rows(what)) for what in ("articles", "statements")}
    hostile = [r["title"] for r in stored["articles"]] + [r["content_text"] for r in stored["statements"]]
    hostile += [r["speaker_text"] for r in stored["statements"]]
    assert sum(1 for value in hostile if value and value.startswith(FORMULA_STARTS)) >= 3  # the test holds some
    for what in ("articles", "statements"):
        path = tmp_path / f"{what}.csv"
        result = CliRunner().invoke(
            app, ["export", "--db", db_url, "--what", what, "--format", "csv", "--out", str(path)]
        )
        assert result.exit_code == 0, result.output
        risky = [cell for cell in _cells(path) if cell.startswith(FORMULA_STARTS)]
        assert risky == [], what
        back = {row["id"]: row for row in read_export(path, "csv")}
        for row in stored[what]:
            for name in ("title", "content_text", "speaker_text"):
                if name in row and row[name] is not None:
                    assert back[row["id"]][name] == row[name], (what, name)
