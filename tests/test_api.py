"""The REST API and the web pages against a real store (SQLite and
PostgreSQL) built from the example corpus, bad requests included."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import API_TOKEN as TOKEN
from fastapi.testclient import TestClient

from onrecord.api.app import create_app

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def client(store_url):
    with TestClient(create_app(store_url, token=TOKEN)) as test_client:
        yield test_client


def items(client, path: str) -> list[dict]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_lists_page_in_a_stable_order_without_gaps_or_repeats(client):
    everything = [s["id"] for s in items(client, "/api/statements?limit=500")]
    assert len(everything) >= 10
    paged, path = [], "/api/statements?limit=3"
    while path:
        body = client.get(path).json()
        paged += [s["id"] for s in body["items"]]
        path = body["next"]
    assert paged == everything


def test_statement_filters(client):
    keller = items(client, "/api/statements?speaker=keller")
    assert keller and all("Keller" in (s["speaker_name"] or s["actor_name"] or "") for s in keller)
    denials = items(client, "/api/statements?stance=deny")
    assert denials and all(s["stance"] == "deny" for s in denials)
    claim = items(client, "/api/claims")[0]
    on_claim = items(client, f"/api/statements?claim={claim['id']}")
    assert len(on_claim) == claim["statements"]
    actor = on_claim[0]["actor_id"]
    assert all(s["actor_id"] == actor for s in items(client, f"/api/statements?actor={actor}"))
    october = items(client, "/api/statements?since=2025-10-01&until=2025-10-31")
    assert october and all(
        str(s["said_on"] or s["said_until"] or s["article_published"]).startswith("2025-10") for s in october
    )
    assert all("diesel" in s["content_text"].lower() for s in items(client, "/api/statements?q=diesel"))
    assert items(client, "/api/statements?q=diesel")


def test_every_list_comes_as_csv_with_the_same_rows(client):
    for path in ("/api/statements", "/api/claims", "/api/actors", "/api/events", "/api/articles", "/api/reversals"):
        as_json = items(client, path)
        response = client.get(path + "?format=csv")
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert len(rows) == len(as_json), path


def test_claim_timeline_and_its_reversal(client):
    claims = items(client, "/api/claims")
    spill = next(c for c in claims if c["changes"])
    body = client.get(f"/api/claims/{spill['id']}").json()
    days = [row["when"] for row in body["timeline"]]
    assert days == sorted(days)
    [change] = [r for r in body["reversals"] if r["kind"] == "reversal"]
    assert (change["from_stance"], change["to_stance"]) == ("deny", "affirm")
    assert client.get(f"/api/claims/{spill['id']}/timeline").json()["items"] == body["timeline"]


def test_article_spans_point_into_its_text(client):
    article_id = items(client, "/api/articles")[0]["article_id"]
    body = client.get(f"/api/articles/{article_id}").json()
    text = body["article"]["text"]
    for statement in body["statements"]:
        assert text[statement["content_start"] : statement["content_end"]].strip()
        assert statement["content_text"] in text or statement["kind"] == "mixed"


def test_actor_page_data(client):
    actor = next(a for a in items(client, "/api/actors") if a["statements"])
    body = client.get(f"/api/actors/{actor['id']}").json()
    assert body["actor"]["name"] == actor["name"]
    assert len(body["statements"]) == actor["statements"]
    assert sum(sum(p["stances"].values()) for p in body["actor"]["positions"]) <= actor["statements"]


@pytest.mark.parametrize(
    "path, status",
    [
        ("/api/statements?since=yesterday", 422),
        ("/api/statements?limit=0", 422),
        ("/api/statements?limit=100000", 422),
        ("/api/statements?offset=-1", 422),
        ("/api/statements?stance=maybe", 422),
        ("/api/statements?format=xml", 422),
        ("/api/claims/clm_nothing", 404),
        ("/api/articles/art_nothing", 404),
        ("/api/actors/act_nothing", 404),
        ("/api/statements?speaker=a%00b", 400),
        ("/api/search", 422),
    ],
)
def test_bad_requests_get_a_clear_json_4xx(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["detail"]


@pytest.mark.parametrize("payload", ["' OR '1'='1", "'; DROP TABLE statements; --", "%", "_", "\\", "%%_%", ")(*&^"])
def test_filters_are_parameters_not_sql(client, payload):
    for name in ("speaker", "q", "actor", "claim", "country", "cue"):
        response = client.get("/api/statements", params={name: payload})
        assert response.status_code == 200, (name, response.text)
        assert response.json()["items"] == []  # nothing in the corpus has these words
    assert client.get("/api/search", params={"q": payload}).status_code == 200
    assert items(client, "/api/statements?limit=500")  # the table is still there


def test_writes_need_the_token(client, store_url):
    document = {"text": "Mayor quits\n\nThe mayor of Calder said on Monday that she would resign."}
    assert client.post("/api/analyze", json=document).status_code == 401
    assert client.post("/api/analyze", json=document, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.post("/api/ingest", json={"documents": [document]}).status_code == 401
    with TestClient(create_app(store_url, token="")) as read_only:
        refused = read_only.post("/api/analyze", json=document, headers=AUTH)
        assert refused.status_code == 403 and "ONRECORD_API_TOKEN" in refused.json()["detail"]


def test_analyze_returns_the_record_without_storing_it(client):
    before = client.get("/api/stats").json()["articles"]
    document = {"text": "Mayor quits\n\nThe mayor of Calder, Ruth Lind, said on Monday that she would resign."}
    body = client.post("/api/analyze", json=document, headers=AUTH).json()
    assert body["article"]["title"] == "Mayor quits"
    assert [s["speaker_name"] for s in body["statements"]] == ["Ruth Lind"]
    assert client.get("/api/stats").json()["articles"] == before
    empty = client.post("/api/analyze", json={"text": "   "}, headers=AUTH)
    assert empty.status_code == 422 and "empty" in empty.json()["detail"]


def test_bad_bodies_are_refused(client):
    assert (
        client.post(
            "/api/analyze", content=b"{not json", headers={**AUTH, "content-type": "application/json"}
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/api/analyze", content=b'{"text": "\\ud800 lone"}', headers={**AUTH, "content-type": "application/json"}
        ).status_code
        == 422
    )
    too_big = client.post(
        "/api/analyze", content=b"x" * 6_000_000, headers={**AUTH, "content-type": "application/json"}
    )
    assert too_big.status_code == 413
    assert client.post("/api/ingest", json={"documents": [{"text": "a"}] * 101}, headers=AUTH).status_code == 422


def test_ingest_stores_once_and_reports_bad_documents(client):
    document = {
        "text": "Harbour reopens\n\nThe harbour master, Lena Brandt, said on Tuesday that the harbour "
        "would reopen to fishing boats.",
        "published": "2025-11-20",
    }
    first = client.post("/api/ingest", json={"documents": [document, {"text": ""}]}, headers=AUTH).json()
    assert first["stored"] == 1 and first["failed"] == 1 and first["failures"][0]["reason"]
    again = client.post("/api/ingest", json={"documents": [document]}, headers=AUTH).json()
    assert again["stored"] == 0 and again["duplicates"] == 1
    assert items(client, "/api/statements?speaker=brandt")


def test_pages_render_with_a_strict_content_security_policy(client):
    claim = items(client, "/api/claims")[0]
    article = items(client, "/api/articles")[0]
    actor = items(client, "/api/actors")[0]
    for path in (
        "/",
        "/claims",
        f"/claims/{claim['id']}",
        "/articles",
        f"/articles/{article['article_id']}",
        "/actors",
        f"/actors/{actor['id']}",
        "/events",
        "/search?q=spill",
        "/analyze",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert "style=" not in response.text  # the policy allows no inline styles
    missing = client.get("/claims/clm_nothing", headers={"accept": "text/html"})
    assert missing.status_code == 404 and "<html" in missing.text


def test_claim_page_draws_a_mark_per_statement_and_the_reversal(client):
    spill = next(c for c in items(client, "/api/claims") if c["changes"])
    page = client.get(f"/claims/{spill['id']}").text
    timeline = client.get(f"/api/claims/{spill['id']}").json()["timeline"]
    assert page.count('class="mark stance-') == len(timeline)
    assert page.count('class="mark stance-deny"') == sum(1 for row in timeline if row["stance"] == "deny")
    assert 'class="change change-reversal"' in page


def test_hostile_text_is_shown_as_text(client):
    hostile = (
        "<script>alert('title')</script> Mayor quits\n\n"
        'The mayor, Ruth <img src=x onerror=alert(1)> Lind, said on Monday that "<script>alert(2)</script> '
        'was a lie". Read more at javascript:alert(3).'
    )
    stored = client.post(
        "/api/ingest", json={"documents": [{"text": hostile, "url": "javascript:alert(4)"}]}, headers=AUTH
    ).json()
    assert stored["stored"] == 1
    article = next(a for a in items(client, "/api/articles?limit=500") if "alert" in (a["title"] or ""))
    page = client.get(f"/articles/{article['article_id']}").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page
    assert 'href="javascript:' not in page
    pasted = client.post("/analyze", data={"text": hostile, "token": TOKEN}).text
    assert "<script>alert" not in pasted and "&lt;script&gt;alert" in pasted
