"""One registry of output formats (formats.py) behind `--format` on every CLI
listing, `format=` in the API and `onrecord export`: the same names, the same
bytes for the same records, the same refusal of a format that does not fit."""

from __future__ import annotations

import io
import json

import pyarrow.parquet as pq
import pytest
from conftest import API_TOKEN
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from onrecord.api.app import create_app
from onrecord.cli import app
from onrecord.exports import FORMATS as EXPORT_FORMATS
from onrecord.formats import FORMATS, FormatError, formats_for, get_format

runner = CliRunner()
# a CLI listing and its API route, with the listing's own options
LISTINGS = (
    (["statements"], "/api/statements"),
    (["actors"], "/api/actors"),
    (["claims"], "/api/claims"),
    (["events"], "/api/events"),
    (["reversals"], "/api/reversals"),
    (["contradictions"], "/api/contradictions"),
    (["articles"], "/api/articles"),
)


@pytest.fixture(scope="module")
def client(store_url):
    # with the token: the reader who sees where an article was read from, as the CLI's user does
    with TestClient(create_app(store_url, token=API_TOKEN), headers={"authorization": f"Bearer {API_TOKEN}"}) as c:
        yield c


def _cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout_bytes.decode()  # as written: Result.stdout turns \r\n into \n


def test_the_cli_and_the_api_write_the_same_text_in_every_format(client, store_url):
    for command, path in LISTINGS:
        kind = command[0]
        for name in formats_for(kind, drawn=False):
            if FORMATS[name].binary or name == "json":  # json: the API's is the Page, the CLI's the items
                continue
            printed = _cli(*command, "--db", store_url, "--limit", "7", "--format", name)
            given = client.get(path, params={"limit": 7, "format": name})
            assert given.status_code == 200, (path, name, given.text)
            assert given.headers["content-type"].split(";")[0] == FORMATS[name].media_type.split(";")[0]
            assert given.text == printed, (kind, name)
            assert printed.strip() or kind == "contradictions", (kind, name)  # the corpus has none of these


def test_json_is_the_pages_items_in_the_cli(client, store_url):
    for command, path in LISTINGS:
        printed = json.loads(_cli(*command, "--db", store_url, "--limit", "7", "--format", "json"))
        assert printed == client.get(path, params={"limit": 7}).json()["items"], command


def test_parquet_from_the_api_and_the_export_hold_the_records_the_jsonl_holds(client, store_url, tmp_path):
    lines = client.get("/api/statements", params={"limit": 500, "format": "jsonl"}).text.splitlines()
    page = pq.read_table(io.BytesIO(client.get("/api/statements", params={"limit": 500, "format": "parquet"}).content))
    assert [row["id"] for row in page.to_pylist()] == [json.loads(line)["id"] for line in lines]
    out = tmp_path / "statements.parquet"
    _cli("export", "--db", store_url, "--what", "statements", "--format", "parquet", "--out", str(out))
    assert sorted(r["id"] for r in pq.read_table(str(out)).to_pylist()) == sorted(json.loads(x)["id"] for x in lines)


def test_a_format_that_does_not_fit_is_refused_alike_everywhere(client, store_url):
    with pytest.raises(FormatError, match="gdelt-tsv is a format for events, not claims"):
        get_format("gdelt-tsv", "claims")
    answer = client.get("/api/claims", params={"format": "gdelt-tsv"})
    assert answer.status_code == 422 and "gdelt-tsv is a format for events" in answer.text
    result = runner.invoke(app, ["claims", "--db", store_url, "--format", "gdelt-tsv"])
    assert result.exit_code == 2 and "gdelt-tsv is a format for events" in result.output
    result = runner.invoke(app, ["export", "--db", store_url, "--what", "claims", "--format", "gdelt-tsv"])
    assert result.exit_code == 2 and "gdelt-tsv is a format for events" in result.output
    result = runner.invoke(app, ["statements", "--db", store_url, "--format", "yaml"])
    assert result.exit_code == 2 and "unknown format 'yaml'" in result.output and "jsonl" in result.output


def test_the_three_interfaces_offer_the_registrys_names(client):
    written = [name for name, f in FORMATS.items() if f.writer is not None]
    assert set(EXPORT_FORMATS) == set(written) - {"json"}  # an export is a stream: JSON Lines, not one array
    schema = client.get("/openapi.json").json()
    parameters = schema["paths"]["/api/statements"]["get"]["parameters"]
    [fmt] = [p for p in parameters if p["name"] == "format"]
    assert set(fmt["schema"]["enum"]) == set(written)
    assert formats_for("events") == ["text", "json", "jsonl", "csv", "parquet", "gdelt-tsv"]
    assert "claim-jsonld" in formats_for("claims") and "gdelt-tsv" not in formats_for("claims")
    media = schema["paths"]["/api/events"]["get"]["responses"]["200"]["content"]
    assert {"text/csv", "application/x-ndjson", "application/vnd.apache.parquet"} <= set(media)


def test_a_listings_binary_format_is_not_sent_to_a_terminal(store_url):
    # CliRunner's stdout is not a terminal: parquet goes through, as to a pipe
    result = runner.invoke(app, ["claims", "--db", store_url, "--format", "parquet"])
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"PAR1")
