"""Exports round-trip: export each table in each format, read it back, and
find the store's rows, with the same counts, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import ROOT
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
    result = runner.invoke(app, ["export", "--db", db_url, "--what", "statements", "--format", "parquet", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(read_export(out, "parquet")) == count(record, "statements")
    as_jsonl = runner.invoke(app, ["export", "--db", db_url, "--what", "claims", "--format", "jsonl"])
    assert len(as_jsonl.stdout.splitlines()) == count(record, "claims")
    refused = runner.invoke(app, ["export", "--db", db_url, "--what", "statements", "--format", "parquet"])
    assert refused.exit_code == 2
