"""The API's hardening (issue 13): only http(s) URLs are fetched, no request
ends in a 500 (and a 500 still carries the security headers), claims page
their statements, prefix filters take % and _ literally, anonymous readers
see no server paths, and an oversized paste is a 413. On SQLite and
PostgreSQL where the store is involved."""

from __future__ import annotations

import time

import pytest
from conftest import API_TOKEN as TOKEN
from conftest import ROOT
from fastapi.testclient import TestClient

from onrecord.api.app import SECURITY_HEADERS, create_app

AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def client(store_url):
    with TestClient(create_app(store_url, token=TOKEN)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def empty_client(tmp_path_factory):
    """An app over an empty SQLite store, for what does not depend on the store."""
    url = f"sqlite:///{tmp_path_factory.mktemp('empty') / 'onrecord.db'}"
    with TestClient(create_app(url, token=TOKEN), raise_server_exceptions=False) as test_client:
        yield test_client


def _source_refs(store_url: str) -> list[str]:
    from onrecord.record import Record

    with Record(store_url) as record:
        return [row["source_ref"] for row in record.store.iter_rows("articles")]


def _failure_refs(store_url: str) -> list[str]:
    from onrecord.record import Record

    with Record(store_url) as record:
        return [row["source_ref"] for row in record.store.iter_rows("failures")]


# -- 1. only http(s) URLs reach a reader -------------------------------------


def _folder_with_an_article(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("server-notes")
    (folder / "notes.txt").write_text(
        "Private notes\n\nThe treasurer, Ada Quill, said on Monday that the vault code was 4711.", "utf-8"
    )
    return str(folder)


@pytest.mark.parametrize(
    "ref",
    [
        "-",
        "/etc/passwd",
        "FOLDER",
        "FOLDER/notes.txt",
        "file:///etc/passwd",
        "ftp://x",
        "http://[::1",
        "javascript:alert(1)",
        "http://",
        "https:///path-only",
    ],
)
def test_ingest_refuses_anything_but_http_urls_and_reads_nothing(client, store_url, tmp_path_factory, ref):
    ref = ref.replace("FOLDER", _folder_with_an_article(tmp_path_factory))
    before = client.get("/api/stats").json()
    urls = ["https://example.org/fine-but-never-fetched", ref]
    response = client.post("/api/ingest", json={"urls": urls}, headers=AUTH)
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"][-2:] == ["urls", "1"]  # names the item: its index
    assert error["msg"]  # and why
    after = client.get("/api/stats").json()
    assert (after["articles"], after["failures"]) == (before["articles"], before["failures"])
    refs = _source_refs(store_url) + _failure_refs(store_url)
    assert not any(ref == r or r.startswith(ref.rstrip("/") + "/") for r in refs)


def test_ingest_urls_are_fetched_from_public_addresses_only(client, store_url):
    """Well-formed URLs go to the fetcher, with no way to reach loopback."""
    from conftest import free_port

    url = f"http://127.0.0.1:{free_port()}/story"
    body = client.post("/api/ingest", json={"urls": [url]}, headers=AUTH).json()
    assert body["stored"] == 0 and body["failed"] == 1
    assert "loopback" in body["failures"][0]["reason"]


# -- 2. no 500s --------------------------------------------------------------


def test_a_malformed_document_url_is_a_422_not_a_500(client):
    document = {
        "text": "Mayor quits\n\nThe mayor of Calder, Ruth Lind, said on Monday that she would resign.",
        "url": "http://[::1",
    }
    analysed = client.post("/api/analyze", json=document, headers=AUTH)
    assert analysed.status_code == 422, analysed.text
    assert "url" in str(analysed.json()["detail"])
    ingested = client.post("/api/ingest", json={"documents": [document]}, headers=AUTH)
    assert ingested.status_code == 422, ingested.text
    assert ingested.json()["detail"][0]["loc"][-3:] == ["documents", "0", "url"]


@pytest.mark.slow
def test_a_text_too_long_to_analyse_is_a_4xx_with_a_reason(empty_client):
    sentence = "The minister said on Monday that the harbour would reopen to fishing boats next week. "
    text = "Harbour news\n\n" + sentence * (1_050_000 // len(sentence) + 1)
    assert len(text) > 1_050_000
    started = time.monotonic()
    response = empty_client.post("/api/analyze", json={"text": text}, headers=AUTH)
    assert response.status_code in (200, 413, 422), response.text[:500]
    if response.status_code != 200:
        assert isinstance(response.json()["detail"], str) and response.json()["detail"]
    assert time.monotonic() - started < 600


def test_a_server_error_still_carries_the_security_headers(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'onrecord.db'}", token=TOKEN)

    @app.get("/api/test-only-failure")
    def failing():
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        response = test_client.get("/api/test-only-failure")
    assert response.status_code == 500
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert response.json()["detail"]
    assert "a bug" not in response.text  # no internals


# -- 5. smaller holes --------------------------------------------------------


def test_a_claims_statements_come_a_page_at_a_time(client):
    claim = client.get("/api/claims").json()["items"][0]
    assert claim["statements"] >= 3
    whole = client.get(f"/api/claims/{claim['id']}?limit=500").json()
    assert whole["total"] == len(whole["timeline"]) == claim["statements"]
    seen, path = [], f"/api/claims/{claim['id']}?limit=2"
    while path:
        body = client.get(path).json()
        assert len(body["timeline"]) <= 2 and body["total"] == claim["statements"]
        seen += [row["id"] for row in body["timeline"]]
        path = body["next"]
    assert seen == [row["id"] for row in whole["timeline"]]
    default = client.get(f"/api/claims/{claim['id']}").json()
    assert default["limit"] <= 500
    assert client.get(f"/api/claims/{claim['id']}?limit=100000").status_code == 422
    timeline = client.get(f"/api/claims/{claim['id']}/timeline?limit=1").json()
    assert len(timeline["items"]) == 1 and timeline["total"] == claim["statements"] and timeline["next"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/events?code=%25",
        "/api/events?code=_",
        "/api/events?code=0_",
        "/api/events?source=%25",
        "/api/events?target=_%25",
        "/api/statements?speaker=%25",
        "/api/actors?name=_",
        "/api/claims?q=%25",
        "/api/reversals?actor=%25",
    ],
)
def test_like_wildcards_match_only_themselves(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/claims/%25",
        "/api/claims/_",
        "/api/articles/%25%25%25%25%25%25",
        "/api/articles/art_%25",
        "/api/claims/clm_%25",
        "/api/claims/c",
        "/api/claims/clm_",
        "/api/actors/a",
    ],
)
def test_id_prefixes_take_wildcards_literally(client, path):
    assert client.get(path).status_code == 404


def test_readers_without_the_token_see_no_server_paths(client):
    anonymous = client.get("/api/articles?limit=500").json()["items"]
    assert anonymous
    root = str(ROOT)
    for article in anonymous:
        assert not article["source_ref"].startswith("/") and root not in article["source_ref"]
    assert any(a["source_ref"] == "harbour-spill.txt" for a in anonymous)
    one = anonymous[0]["article_id"]
    assert root not in client.get(f"/api/articles/{one}").text
    assert root not in client.get("/api/search?q=harbour").text
    assert root not in client.get("/api/articles?format=csv").text
    with_token = client.get("/api/articles?limit=500", headers=AUTH).json()["items"]
    assert any(a["source_ref"].startswith(root) for a in with_token)  # the store keeps the full reference


def test_a_paste_over_a_mebibyte_is_a_413(empty_client):
    response = empty_client.post("/analyze", data={"text": "x" * (1024 * 1024 + 10), "token": TOKEN})
    assert response.status_code == 413, response.text[:300]
    assert SECURITY_HEADERS["content-security-policy"] == response.headers["content-security-policy"]


# -- 3. CSV listings carry no formulas ---------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_csv_listings_carry_no_formulas(db_url):
    import csv
    import io

    from test_exports import HOSTILE_ARTICLE

    with TestClient(create_app(db_url, token=TOKEN)) as test_client:
        stored = test_client.post("/api/ingest", json={"documents": [{"text": HOSTILE_ARTICLE}]}, headers=AUTH).json()
        assert stored["stored"] == 1
        as_json = test_client.get("/api/statements").json()["items"]
        assert any((s["content_text"] or "").startswith("+") for s in as_json)  # JSON keeps the text as it is
        for path in ("/api/articles", "/api/statements", "/api/actors", "/api/claims", "/api/events"):
            response = test_client.get(path + "?format=csv")
            assert response.status_code == 200
            cells = [cell for row in csv.reader(io.StringIO(response.text)) for cell in row]
            assert cells or path in ("/api/claims", "/api/events"), path
            assert [c for c in cells if c.startswith(FORMULA_STARTS)] == [], path
        claim = test_client.get("/api/claims").json()["items"]
        if claim:
            response = test_client.get(f"/api/claims/{claim[0]['id']}/timeline?format=csv")
            assert not [
                c for row in csv.reader(io.StringIO(response.text)) for c in row if c.startswith(FORMULA_STARTS)
            ]


def test_a_body_sent_in_chunks_is_capped_as_well(empty_client):
    def chunks():
        yield b"token=x&text="
        for _ in range(6):
            yield b"x" * 1_000_000

    response = empty_client.post(
        "/analyze", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413, response.text[:300]
    assert "content-security-policy" in response.headers
