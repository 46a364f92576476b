"""The CLI's text views in plain words, with the evidence to cite."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from onrecord.cli import app


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_statements_read_as_sentences_with_stance_claim_outlet_and_date(store_url):
    rows = json.loads(run("statements", "--db", store_url, "--format", "json", "--limit", "500"))
    text = run("statements", "--db", store_url, "--limit", "500").splitlines()
    assert len(text) == len(rows)
    for row, line in zip(rows, text):
        assert row["content_text"][:40] in line
        assert f"/{row['cue_class']}" not in line and f" {row['kind']}:" not in line  # no codes in the text view
        if row["stance"]:
            assert f"({row['stance']}" in line
        if row["claim_id"]:
            assert f"claim {row['claim_id']}" in line
        if row["article_source"]:
            assert row["article_source"] in line
    direct = next(line for row, line in zip(rows, text) if row["kind"] == "direct" and row["cue_text"])
    assert ": " in direct  # "Vale told reporters: “...”"
    continued = [line for row, line in zip(rows, text) if row["kind"] == "continuation"]
    assert all(" continued: " in line for line in continued)


def test_show_lists_an_articles_statements_before_its_text(store_url):
    article = json.loads(run("articles", "--db", store_url, "--format", "json"))[0]
    said = json.loads(run("statements", "--db", store_url, "--article", article["article_id"], "--format", "json"))
    shown = run("show", article["article_id"], "--db", store_url)
    assert f"Statements ({len(said)})" in shown
    head, _, body = shown.partition(f"Statements ({len(said)})")
    for row in said:
        assert row["content_text"][:40] in body.split("\n\n", 1)[0]
