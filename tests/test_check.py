"""`check` finds a claim by meaning, not only by its wording, on SQLite and
PostgreSQL (their full-text indexes differ)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from onrecord.cli import app
from onrecord.record import Record

DOCUMENTS = [
    {
        "text": "Clinton campaign discloses illness\n\nHillary Clinton's campaign disclosed on Sunday that she has "
        "pneumonia, after she left a memorial event early.\n\nHer doctor, Lisa Bardack, said Clinton was "
        "dehydrated and had been advised to rest.",
        "published": "2016-09-12",
        "url": "https://news.example.com/clinton",
    },
    {
        "text": "Mayor defends budget\n\nThe mayor said on Monday that the city would not raise property taxes "
        "next year.\n\nCouncil members said the budget had a gap of two million dollars.",
        "published": "2016-09-12",
        "url": "https://news.example.com/budget",
    },
]


def test_check_finds_a_claim_by_meaning_ranked_with_its_statements(db_url):
    with Record(db_url) as record:
        record.ingest_documents(DOCUMENTS)
        found = record.check("Clinton was diagnosed with pneumonia")
        assert found, "the disclosure that she has pneumonia is stored"
        best = found[0]
        assert best.matched == "meaning" and best.score is not None and best.score > 0.5
        assert any("pneumonia" in row.content_text for row in best.timeline)
        scores = [c.score for c in found if c.score is not None]
        assert scores == sorted(scores, reverse=True)
        assert all("property taxes" not in row.content_text for c in found for row in c.timeline)
        same = record.check("the city will raise property taxes")
        assert same and same[0].matched == "proposition"
        assert record.check("Iran supplied drones to Russia") == []
    result = CliRunner().invoke(
        app, ["check", "Clinton was diagnosed with pneumonia", "--db", db_url, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed[0]["matched"] == "meaning" and printed[0]["id"] == best.id
    text = CliRunner().invoke(app, ["check", "Clinton was diagnosed with pneumonia", "--db", db_url])
    assert "close in meaning" in text.stdout


def test_the_api_checks_a_claim_as_the_cli_does(db_url):
    from fastapi.testclient import TestClient

    from onrecord.api.app import create_app

    with Record(db_url) as record:
        record.ingest_documents(DOCUMENTS)
    with TestClient(create_app(db_url)) as client:
        answer = client.get("/api/check", params={"q": "Clinton was diagnosed with pneumonia"})
        assert answer.status_code == 200, answer.text
        assert answer.json()[0]["matched"] == "meaning"
        assert client.get("/api/check", params={"q": ""}).status_code == 422
