"""Corrections of the record: each kind from the CLI, undone, kept through a
re-analysis, marked in every listing and export, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import API_TOKEN
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from onrecord.api.app import create_app
from onrecord.cli import app
from onrecord.record import Record

EXAMPLES = Path(__file__).parent.parent / "examples"


def cli(*args: str, code: int = 0):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


def listed(db: str, *args: str) -> list[dict]:
    return json.loads(cli(*args, "--db", db, "--format", "json").stdout)


@pytest.fixture
def store(db_url):
    with Record(db_url) as record:
        record.ingest([str(EXAMPLES)])
    return db_url


def test_each_kind_of_correction_from_the_cli_and_undo(store):
    said = listed(store, "statements", "--limit", "500")
    first = next(s for s in said if s["stance"] == "deny")
    # stance
    made = json.loads(
        cli(
            "correct", "stance", first["id"], "affirm", "--why", "an admission", "--by", "ed", "--db", store, "--json"
        ).stdout
    )
    assert made["kind"] == "stance" and made["old_value"] == "deny" and made["made_by"] == "ed"
    now = {s["id"]: s for s in listed(store, "statements", "--limit", "500")}
    assert now[first["id"]]["stance"] == "affirm" and now[first["id"]]["corrected"]
    assert sum(s["corrected"] for s in now.values()) == 1
    # speaker
    people = listed(store, "actors", "--limit", "500")
    other = next(a for a in people if a["id"] != first["actor_id"])
    cli("correct", "speaker", first["id"], other["id"][:10], "--why", "misread", "--db", store)
    assert {s["id"]: s for s in listed(store, "statements", "--limit", "500")}[first["id"]]["actor_id"] == other["id"]
    # claim
    claims = listed(store, "claims", "--limit", "500")
    cli("correct", "claim", first["id"], claims[0]["id"], "--why", "same claim", "--db", store)
    moved = {s["id"]: s for s in listed(store, "statements", "--limit", "500")}[first["id"]]
    assert moved["claim_id"] == claims[0]["id"]
    # rename a claim, rename and merge actors
    cli(
        "correct",
        "rename-claim",
        claims[0]["id"],
        "Diesel leaked into Calder harbour",
        "--why",
        "clearer",
        "--db",
        store,
    )
    assert listed(store, "claims", "--limit", "500")[0]["text"] == "Diesel leaked into Calder harbour"
    a, b = listed(store, "actors", "--limit", "500")[:2]  # counted after the speaker's correction
    cli("correct", "rename-actor", a["id"], "Daniel J. Reyes", "--why", "full name", "--db", store)
    cli("correct", "merge-actors", b["id"], a["id"], "--why", "one body", "--db", store)
    actors = {x["id"]: x for x in listed(store, "actors", "--limit", "500")}
    assert b["id"] not in actors  # merged away
    assert actors[a["id"]]["name"] == "Daniel J. Reyes" and actors[a["id"]]["corrected"]
    assert actors[a["id"]]["statements"] == a["statements"] + b["statements"]
    # not a statement
    gone = said[-1]
    cli("correct", "not-a-statement", gone["id"], "--why", "a caption", "--db", store)
    assert gone["id"] not in {s["id"] for s in listed(store, "statements", "--limit", "500")}
    # the history, and undo
    history = listed(store, "corrections")
    assert [c["kind"] for c in history] == [
        "not-a-statement",
        "merge-actors",
        "rename-actor",
        "rename-claim",
        "claim",
        "speaker",
        "stance",
    ]
    assert [c["kind"] for c in listed(store, "corrections", "--target", first["id"])] == ["claim", "speaker", "stance"]
    cli("corrections", "--undo", str(history[1]["id"]), "--why", "not one body", "--db", store)
    actors = {x["id"]: x for x in listed(store, "actors", "--limit", "500")}
    assert actors[b["id"]]["statements"] == b["statements"] and actors[a["id"]]["statements"] == a["statements"]
    cli("corrections", "--undo", str(history[0]["id"]), "--why", "it is one", "--db", store)
    assert gone["id"] in {s["id"] for s in listed(store, "statements", "--limit", "500")}
    assert listed(store, "corrections")[0]["kind"] == "undo"
    cli("corrections", "--undo", str(history[0]["id"]), "--why", "again", "--db", store, code=2)  # already undone
    cli("correct", "stance", first["id"], "maybe", "--why", "x", "--db", store, code=2)
    cli("correct", "speaker", "no-such-statement", a["id"], "--why", "x", "--db", store, code=2)


def test_corrections_survive_a_reanalysis_and_are_in_the_export(store, tmp_path):
    said = listed(store, "statements", "--limit", "500")
    first = next(s for s in said if s["stance"] == "deny")
    cli("correct", "stance", first["id"], "qualify", "--why", "hedged", "--db", store)
    people = listed(store, "actors", "--limit", "500")
    cli("correct", "rename-actor", people[0]["id"], "Corrected Name", "--why", "spelling", "--db", store)
    cli("reanalyze", "--db", store, "--workers", "1", "--quiet")
    again = {s["id"]: s for s in listed(store, "statements", "--limit", "500")}
    assert again[first["id"]]["stance"] == "qualify" and again[first["id"]]["corrected"]
    assert {a["id"]: a for a in listed(store, "actors", "--limit", "500")}[people[0]["id"]]["name"] == "Corrected Name"
    out = tmp_path / "statements.jsonl"
    cli("export", "--db", store, "--what", "statements", "--format", "jsonl", "--out", str(out))
    exported = {row["id"]: row for row in map(json.loads, out.read_text().splitlines())}
    assert exported[first["id"]]["corrected"] is True
    assert sum(row["corrected"] for row in exported.values()) == 1


def test_a_stance_correction_works_out_the_changes_of_position_again(store):
    changes = listed(store, "reversals")
    assert changes, "the example corpus holds the port authority's reversal"
    change = changes[0]

    def still_there() -> bool:
        return any(
            c["claim_id"] == change["claim_id"] and c["side"] == change["side"] for c in listed(store, "reversals")
        )

    for after in change["after"]:
        cli("correct", "stance", after["statement"], change["from_stance"], "--why", "the denial again", "--db", store)
    assert not still_there()
    for correction in listed(store, "corrections"):
        cli("corrections", "--undo", str(correction["id"]), "--why", "it was the admission", "--db", store)
    assert still_there()


def test_the_api_lists_corrections_to_anyone_and_takes_them_with_the_token(store):
    with TestClient(create_app(store, token=API_TOKEN)) as client:
        statement = client.get("/api/statements").json()["items"][0]
        body = {"kind": "stance", "target": statement["id"], "value": "neutral", "why": "only reports it", "by": "desk"}
        assert client.post("/api/corrections", json=body).status_code == 401
        made = client.post("/api/corrections", json=body, headers={"Authorization": f"Bearer {API_TOKEN}"})
        assert made.status_code == 200, made.text
        assert client.get(f"/api/statements?article={statement['article_id']}").json()["items"][0]["corrected"]
        history = client.get("/api/corrections", params={"target": statement["id"]}).json()["items"]
        assert [c["id"] for c in history] == [made.json()["id"]] and history[0]["made_by"] == "desk"
        bad = client.post(
            "/api/corrections", json={**body, "value": "perhaps"}, headers={"Authorization": f"Bearer {API_TOKEN}"}
        )
        assert bad.status_code == 422 and "stance" in bad.json()["detail"]
        undone = client.post(
            f"/api/corrections/{made.json()['id']}/undo",
            json={"why": "it does take a side"},
            headers={"Authorization": f"Bearer {API_TOKEN}"},
        )
        assert undone.status_code == 200 and undone.json()["kind"] == "undo"
        assert client.get("/api/corrections").json()["items"][1]["undone"] is True
        page = client.get(f"/articles/{statement['article_id']}")
        assert 'class="corrected"' not in page.text


def test_a_mention_split_off_its_actor_is_an_actor_of_its_own_until_undone(store):
    said = [s for s in listed(store, "statements", "--limit", "500") if s["actor_id"]]
    first = said[0]
    made = json.loads(
        cli(
            "correct", "split-actor", first["id"], "Michelle Obama", "--why", "his wife spoke", "--db", store, "--json"
        ).stdout
    )
    assert made["kind"] == "split-actor" and made["old_value"]["actor_id"] == first["actor_id"]
    now = {s["id"]: s for s in listed(store, "statements", "--limit", "500")}[first["id"]]
    assert now["actor_name"] == "Michelle Obama" and now["actor_id"] != first["actor_id"] and now["corrected"]
    actors = {a["id"]: a for a in listed(store, "actors", "--limit", "500")}
    assert actors[now["actor_id"]]["name"] == "Michelle Obama" and actors[now["actor_id"]]["statements"] == 1
    cli("reanalyze", "--db", store, "--workers", "1", "--quiet")
    assert {s["id"]: s for s in listed(store, "statements", "--limit", "500")}[first["id"]][
        "actor_name"
    ] == "Michelle Obama"
    cli("corrections", "--undo", str(made["id"]), "--why", "it was him", "--db", store)
    back = {s["id"]: s for s in listed(store, "statements", "--limit", "500")}[first["id"]]
    assert back["actor_id"] == first["actor_id"] and not back["corrected"]
