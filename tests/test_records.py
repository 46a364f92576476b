"""One record everywhere: the same statement, claim, change and event is the
same JSON from the CLI (`--format json`), the API (`/api/...`), an unstored
analysis (`POST /api/analyze`, `onrecord analyze --format record`) and an
export (`export --format jsonl`), on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from onrecord.api.app import create_app
from onrecord.cli import app
from onrecord.exports import export, read_export
from onrecord.record import Record
from onrecord.records import ChangeRecord, Page, StatementRecord

TOKEN = "records-token"
# A denial on Monday and an admission on Thursday, by one authority: one
# article with a claim, a reversal and events.
TEXT = """Port authority admits diesel leaked into Calder Bay

CALDER BAY, March 14 (Reuters) - The Calder Bay Port Authority admitted on Thursday that diesel from a damaged \
tanker had leaked into the harbour, days after it denied any spill.

"No diesel has leaked into the harbour," the authority's director, Ingrid Vale, told reporters on Monday.

On Thursday Vale said: "We now know that diesel leaked into the harbour from the tanker. We were wrong."

Police arrested the tanker's captain on Tuesday. Fishermen's union leader Tomas Berg said the authority had misled the public. "They knew," he said.
"""
DOCUMENT = {"text": TEXT, "url": "https://news.example.org/calder-diesel", "published": "2025-03-14"}


def _cli(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _by_id(items: list[dict], key: str = "id") -> dict[str, dict]:
    return {item[key]: item for item in items}


@pytest.fixture
def stored(db_url):
    """The article analysed without storing, then stored in an empty store."""
    with TestClient(create_app(db_url, token=TOKEN)) as client:
        unstored = client.post("/api/analyze", json=DOCUMENT, headers={"Authorization": f"Bearer {TOKEN}"})
        assert unstored.status_code == 200, unstored.text
        with Record(db_url) as record:
            report = record.ingest_documents([DOCUMENT])
            assert report.analyzed == 1
        yield client, unstored.json()


def test_a_statement_claim_change_and_event_are_one_json_everywhere(stored, db_url, tmp_path):
    client, unstored = stored
    article = unstored["article"]["article_id"]
    assert unstored["reversals"], "the example must hold a change of position"
    assert unstored["claims"] and unstored["events"]

    said = _by_id(unstored["statements"] + unstored["headline"])
    api = client.get("/api/statements", params={"article": article}).json()["items"]
    cli = _cli("statements", "--db", db_url, "--article", article, "--format", "json")
    export(Record(db_url).store, "statements", "jsonl", tmp_path / "statements.jsonl")
    exported = read_export(tmp_path / "statements.jsonl", "jsonl")
    assert _by_id(api) == _by_id(cli) == _by_id(exported) == said
    # the article page's statements are the same records too
    page = client.get(f"/api/articles/{article}").json()
    assert _by_id(page["statements"] + page["headline"]) == said

    claims = _by_id(unstored["claims"])
    api_claims = client.get("/api/claims").json()["items"]
    assert _by_id(api_claims) == _by_id(_cli("claims", "--db", db_url, "--format", "json")) == claims

    changes = _by_id(unstored["reversals"])
    api_changes = client.get("/api/reversals").json()["items"]
    cli_changes = _cli("reversals", "--db", db_url, "--format", "json")
    export(Record(db_url).store, "reversals", "jsonl", tmp_path / "reversals.jsonl")
    exported_changes = read_export(tmp_path / "reversals.jsonl", "jsonl")
    assert _by_id(api_changes) == _by_id(cli_changes) == _by_id(exported_changes) == changes

    events = _by_id(unstored["events"])
    api_events = client.get("/api/events", params={"article": article}).json()["items"]
    cli_events = _cli("events", "--db", db_url, "--article", article, "--format", "json")
    assert _by_id(api_events) == _by_id(cli_events) == events
    assert all(e["name"] for e in api_events)  # the code's name is in the API, as on the events page


FROM_URL = ("article_url", "article_source")  # given with the API's document, not with the file


def test_the_cli_analysis_record_is_the_apis(stored, tmp_path):
    _, unstored = stored
    path = tmp_path / "calder.txt"
    path.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(path), "--published", "2025-03-14", "--format", "record"])
    assert result.exit_code == 0, result.output
    [line] = result.stdout.splitlines()
    printed = json.loads(line)
    # the same article read from a file: the same statements, claims, changes and events
    for key in ("statements", "headline", "claims", "reversals", "contradictions"):
        left = [{k: v for k, v in item.items() if k not in FROM_URL} for item in printed[key]]
        right = [{k: v for k, v in item.items() if k not in FROM_URL} for item in unstored[key]]
        assert left == right, key


def test_records_are_typed_and_frozen(stored, db_url):
    with Record(db_url) as record:
        [first, *_] = record.statements()
        [change] = record.reversals()
    assert isinstance(first, StatementRecord) and isinstance(change, ChangeRecord)
    with pytest.raises(ValueError):
        first.stance = "deny"  # type: ignore[misc]
    assert change.before[0].date is not None and change.before[0].date < change.after[-1].date


def test_every_api_route_has_a_response_schema(stored):
    client, _ = stored
    schema = client.get("/openapi.json").json()
    missing = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            content = operation["responses"]["200"].get("content", {})
            answer = content.get("application/json", {}).get("schema", {})
            if not ({"$ref", "type"} & set(answer)):
                missing.append(f"{method.upper()} {path}")
    assert missing == []
    statements = schema["paths"]["/api/statements"]["get"]["responses"]["200"]["content"]
    assert "text/csv" in statements
    assert Page[StatementRecord].__name__ in json.dumps(schema["components"]["schemas"])


def test_paste_and_analyse_needs_no_token_and_shows_claims_and_the_change(db_url):
    with TestClient(create_app(db_url, token=TOKEN)) as client:
        page = client.post("/analyze", data={"text": TEXT, "published": "2025-03-14"})
        assert page.status_code == 200, page.text
        assert "Claims (" in page.text and 'class="change-item change-reversal"' in page.text
        # nothing is stored, so nothing links to pages that do not exist
        assert 'href="/claims/' not in page.text and 'href="/actors/' not in page.text
        assert client.get("/api/statements").json()["items"] == []
        wrong = client.post("/analyze", data={"text": TEXT, "published": "the fourteenth"})
        assert wrong.status_code == 422 and "date" in wrong.text
