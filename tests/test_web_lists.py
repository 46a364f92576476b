"""The web's list pages are their API routes as HTML: the same handler, the
same filters and paging, on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import json
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from onrecord.api.app import create_app
from onrecord.cli import app

LISTS = ("/articles", "/statements", "/actors", "/claims", "/reversals", "/contradictions", "/events")


@pytest.fixture(scope="module")
def client(store_url):
    with TestClient(create_app(store_url)) as test_client:
        yield test_client


def main_of(page: str) -> str:
    return page.split("<main>", 1)[1].split("</main>", 1)[0]


def links(page: str, cls: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'class="{cls}" href="([^"]+)"', page)]


def test_every_list_page_has_the_apis_filters_and_links_to_the_same_query(client):
    schema = client.get("/openapi.json").json()["paths"]
    for path in LISTS:
        page = client.get(path, params={"limit": 2})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html"), path
        api_params = {p["name"] for p in schema[f"/api{path}"]["get"]["parameters"]}
        form = re.search(r'<form class="filter" action="([^"]+)"(.*?)</form>', page.text, re.S)
        assert form and form.group(1) == path, path
        fields = set(re.findall(r'name="(\w+)"', form.group(2)))
        assert fields and fields <= api_params, (path, fields - api_params)
        assert links(page.text, "api-link") == [f"/api{path}?limit=2"]


def test_a_page_shows_the_items_its_api_route_gives_for_the_same_query(client):
    for path, pattern, key in (
        ("/claims", r'href="/claims/([^"#?]+)"', "id"),
        ("/actors", r'href="/actors/([^"#?]+)"', "id"),
        ("/articles", r'href="/articles/([^"#?]+)"', "article_id"),
    ):
        for query in ({"limit": 2}, {"limit": 2, "offset": 1}):
            shown = list(dict.fromkeys(re.findall(pattern, main_of(client.get(path, params=query).text))))
            given = [item[key] for item in client.get(f"/api{path}", params=query).json()["items"]]
            assert shown == given, (path, query)
    denials = client.get("/api/statements", params={"stance": "deny"}).json()["items"]
    page = main_of(client.get("/statements", params={"stance": "deny"}).text)
    assert denials and page.count('class="statement"') == len(denials)
    assert page.count("stance-deny") == len(denials) and "stance-affirm" not in page
    assert "<option selected>deny</option>" in page  # the filter shows what it filters by


def test_paging_through_a_list_page_gives_every_item_once(client):
    everything = [a["id"] for a in client.get("/api/actors", params={"limit": 500}).json()["items"]]
    assert len(everything) > 4
    seen, path, pages = [], "/actors?limit=2", 0
    while path:
        page = client.get(path).text
        seen += re.findall(r'<tr><td><a href="/actors/([^"]+)"', page)
        if pages:
            assert links(page, "previous"), path
        following = links(page, "next")
        path = following[0] if following else None
        pages += 1
    # a full page offers the next one, which may be empty (as the API's `next`)
    assert seen == everything and pages <= len(everything) // 2 + 1


def test_a_list_page_answers_csv_when_asked_as_its_route_does(client):
    page = client.get("/claims", params={"format": "csv", "limit": 3})
    api = client.get("/api/claims", params={"format": "csv", "limit": 3})
    assert page.headers["content-type"].startswith("text/csv") and page.text == api.text


def test_statements_filter_by_outlet_in_the_api_the_page_and_the_cli(client, store_url):
    outlets = client.get("/api/stats").json()["sources"]
    outlet = next(name for name in outlets if name != "(none)")
    found = client.get("/api/statements", params={"source": outlet, "limit": 500}).json()["items"]
    everything = client.get("/api/statements", params={"limit": 500}).json()["items"]
    assert found and len(found) < len(everything)
    assert all(s["article_source"] == outlet for s in found)
    page = main_of(client.get("/statements", params={"source": outlet, "limit": 500}).text)
    assert page.count('class="statement"') == len(found)
    result = CliRunner().invoke(app, ["statements", "--db", store_url, "--source", outlet, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [s["id"] for s in json.loads(result.stdout)] == [s["id"] for s in found[:50]]


def test_a_filter_forms_empty_fields_are_filters_not_given(client):
    """A form sends every field; on a page an empty one is left out (the API
    keeps its parameters strict)."""
    page = client.get("/statements?speaker=&stance=deny&source=&since=&until=&q=")
    assert page.status_code == 200
    denials = client.get("/api/statements", params={"stance": "deny"}).json()["items"]
    assert main_of(page.text).count('class="statement"') == len(denials)
    assert client.get("/api/statements?since=").status_code == 422


def test_serve_says_where_it_listens(tmp_path):
    import subprocess
    import sys

    from conftest import free_port

    port = free_port()
    db = f"sqlite:///{tmp_path / 'served.db'}"
    process = subprocess.Popen(
        [sys.executable, "-m", "onrecord", "serve", "--db", db, "--port", str(port)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        lines = [process.stderr.readline() for _ in range(2)]
    finally:
        process.terminate()
        process.wait(timeout=20)
    said = " ".join(lines)
    assert f"at http://127.0.0.1:{port}/" in said and "served.db" in said and "/docs" in said, said


def test_an_actor_page_charts_its_statements_over_time_by_stance(client):
    actor = client.get("/api/actors").json()["items"][0]
    data = client.get(f"/api/actors/{actor['id']}").json()
    page = client.get(f"/actors/{actor['id']}").text
    chart = re.search(r'<svg class="stance-chart".*?</svg>', page, re.S)
    assert chart, "the actor page has its chart"
    bars = re.findall(r'<rect class="bar stance-(\w+)"[^>]*><title>([\d-]+): (\d+) \1</title>', chart.group(0))
    dated = [s for s in data["statements"] if s["said_on"] or s["said_until"] or s["article_published"]]
    assert sum(int(n) for _, _, n in bars) == len(dated) > 0
    by_stance: dict[str, int] = {}
    for s in dated:
        by_stance[s["stance"] or "unknown"] = by_stance.get(s["stance"] or "unknown", 0) + 1
    charted: dict[str, int] = {}
    for stance, _, n in bars:
        charted[stance] = charted.get(stance, 0) + int(n)
    assert charted == by_stance


def test_a_things_page_is_its_api_route_as_html(client):
    """A claim, an article and an actor: one handler answers /api/PATH and
    /PATH, so the page shows what the API gives for the same parameters."""
    claim = client.get("/api/claims", params={"limit": 1}).json()["items"][0]["id"]
    actor = client.get("/api/actors", params={"limit": 1}).json()["items"][0]["id"]
    article = client.get("/api/articles", params={"limit": 1}).json()["items"][0]["article_id"]
    for path, params, shown_ids, given_ids in (
        (
            f"/claims/{claim}",
            {"limit": 2},
            lambda page: re.findall(r'class="timeline-entry" data-statement="([^"]+)"', page),
            lambda data: [row["id"] for row in data["timeline"]],
        ),
        (
            f"/actors/{actor}",
            {},
            lambda page: sorted(set(re.findall(r'href="/claims/([^"#?]+)"', page))),
            lambda data: sorted({p["claim_id"] for p in data["actor"]["positions"]}),
        ),
        (
            f"/articles/{article}",
            {},
            lambda page: sorted(set(re.findall(r'id="st-([^"]+)"', page))),
            lambda data: sorted({s["id"].rsplit(":", 1)[1] for s in data["statements"] + data["headline"]}),
        ),
    ):
        page = client.get(path, params=params)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html"), path
        data = client.get(f"/api{path}", params=params).json()
        assert shown_ids(main_of(page.text)) == given_ids(data) and given_ids(data), path
        query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
        assert links(page.text, "api-link") == [f"/api{path}{query}"], path
    # the claim's timeline pages on the page's own path, as the API's next and previous
    first = client.get(f"/claims/{claim}", params={"limit": 2}).text
    [later] = links(first, "next")
    assert later == f"/claims/{claim}?limit=2&offset=2"
    assert links(client.get(later).text, "previous") == [f"/claims/{claim}?limit=2&offset=0"]
    assert client.get(f"/api/claims/{claim}", params={"limit": 2}).json()["next"] == f"/api{later}"
    missing = client.get("/claims/clm_nothing_here", headers={"accept": "text/html"})
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
