"""The runners give the record the single-process run gives, and a killed
run resumes without loss or duplicates: the local process pool
(`--workers 2`) and Ray (`--engine ray`, on a local Ray)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from onrecord.record import Record
from onrecord.store.schema import actors, articles, claims, events, reversals, statements

# minutes of real processes, Ray and multi-megabyte texts: `make check` leaves them out
pytestmark = pytest.mark.slow

COUNTRIES = ["Norway", "Chile", "Kenya", "Vietnam", "Peru", "Ghana", "Nepal", "Poland", "Jordan", "Canada"]
PEOPLE = [
    "Anna Berg",
    "Tomas Ruiz",
    "Grace Wanjiru",
    "Minh Tran",
    "Lucia Quispe",
    "Kofi Mensah",
    "Sita Rai",
    "Piotr Nowak",
    "Rami Haddad",
    "Claire Dubois",
]
GOODS = ["drones", "rifles", "missiles", "fuel", "grain", "tanks"]


FILLERS = [
    "Customs records seen by this newspaper list {n} crates shipped through the port of {port} in {month}.",
    "Opposition lawmakers in {country} demanded a hearing on the matter before the {month} recess.",
    "Satellite images published by a private firm showed unusual activity near {port} late last week.",
    "The defence ministry of {other} said its procurement followed the law and international agreements.",
    "Analysts at the institute in {port} said the figures were hard to verify independently.",
    "Shares in the state shipping company fell {n} percent after the first reports in {month}.",
    "A United Nations panel is expected to discuss trade in {goods} at its session in {month}.",
    "Human rights groups in {other} called for an independent inquiry into the deliveries.",
    "The embassy of {country} in {port} did not answer questions sent by email on {month} {n}.",
    "Farmers near the border complained that military convoys had damaged roads around {port}.",
    "Insurance brokers said premiums for cargo to {other} had risen sharply since {month}.",
    "A spokesman for the regional bloc said ministers would meet again in {month} to review sanctions.",
]
PORTS = ["Gdansk", "Mombasa", "Haiphong", "Callao", "Tema", "Aqaba", "Halifax", "Bergen", "Valparaiso", "Birgunj"]
MONTHS = ["January", "March", "May", "July", "September", "November"]


def corpus(path: Path, n: int = 80) -> Path:
    """n news articles written for the test: ministers deny, then admit,
    that their country sent goods to another, with enough other reporting
    around it that no two articles are near-duplicates; dates spread so
    that reversals appear across articles."""
    lines = []
    for i in range(n):
        country, other = COUNTRIES[i % 10], COUNTRIES[(i * 3 + 1) % 10]
        if other == country:
            other = COUNTRIES[(i + 5) % 10]
        person, goods = PEOPLE[i % 10], GOODS[i % 6]
        denies = (i // 10) % 2 == 0
        said = (
            f"denied that {country} had sent {goods} to {other}"
            if denies
            else f"acknowledged that {country} had sent {goods} to {other}"
        )
        values = {
            "n": 3 + i,
            "port": PORTS[(i * 7) % 10],
            "month": MONTHS[i % 6],
            "country": country,
            "other": other,
            "goods": goods,
        }
        picked = [FILLERS[(i + k * (1 + i % 5)) % len(FILLERS)].format(**values) for k in range(4)]
        # container numbers: each article's own words, so that no two are near-duplicates
        draw = random.Random(i)
        containers = ", ".join(f"{draw.choice('ABCDEFGHKLMNPRSTUVWXZ')}{draw.randint(10000, 99999)}" for _ in range(60))
        text = (
            f"{person}, the foreign minister of {country}, {said}. " + " ".join(picked[:2]) + "\n\n"
            f'"We have nothing to hide," {person.split()[1]} told reporters in the capital. '
            + " ".join(picked[2:])
            + f"\n\nThe manifest lists containers {containers}."
        )
        lines.append(
            json.dumps(
                {
                    "id": f"t{i}",
                    "title": f"{country} and the {goods} ({i})",
                    "text": text,
                    "published": f"2025-{1 + (i // 28) % 12:02d}-{1 + i % 28:02d}",
                }
            )
        )
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def snapshot(url: str) -> dict[str, list]:
    """The record, without the times things were written."""
    engine = sa.create_engine(url)
    out = {}
    with engine.connect() as conn:
        for table, skip in (
            (articles, {"pk", "ingested_at", "analyzed_at", "minhash"}),
            (statements, set()),
            (actors, set()),
            (claims, {"created_at"}),
            (events, set()),
            (reversals, {"detected_at"}),
        ):
            keep = [c for c in table.columns if c.name not in skip]
            rows = conn.execute(sa.select(*keep)).all()
            out[table.name] = sorted(json.dumps([str(v) for v in row]) for row in rows)
        out["analysed"] = [conn.execute(sa.select(sa.func.count()).where(articles.c.analyzed_at.is_not(None))).scalar()]
    engine.dispose()
    return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The single-process record of the test corpus."""
    folder = tmp_path_factory.mktemp("reference")
    source = corpus(folder / "corpus.jsonl")
    url = f"sqlite:///{folder / 'one.db'}"
    with Record(url) as record:
        report = record.ingest([str(source)], workers=1)
    assert report.stored == 80 and report.analyzed == 80
    return source, snapshot(url)


def test_reference_has_reversals(reference):
    _, record = reference
    assert record["reversals"] and len(record["statements"]) >= 160


def test_a_pool_of_workers_gives_the_same_record(reference, db_url):
    source, expected = reference
    with Record(db_url) as record:
        report = record.ingest([str(source)], workers=2)
    assert report.stored == 80 and report.analyzed == 80
    assert snapshot(db_url) == expected


def test_ray_gives_the_same_record(reference, tmp_path):
    pytest.importorskip("ray")
    from onrecord.run.ray_runner import LINES_PER_SHARD, ingest_with_ray

    source, expected = reference
    url = f"sqlite:///{tmp_path / 'ray.db'}"
    with Record(url) as record:
        report = ingest_with_ray(record, [str(source)], workers=2, shards_dir=tmp_path / "shards")
    assert report.stored == 80 and report.analyzed == 80
    assert snapshot(url) == expected
    assert len(list((tmp_path / "shards").glob("*.done"))) == -(-80 // LINES_PER_SHARD)
    with Record(url) as record:  # a re-run finds every shard done and loaded: nothing changes
        again = ingest_with_ray(record, [str(source)], workers=2, shards_dir=tmp_path / "shards")
    assert again.stored == 0 and snapshot(url) == expected


def _kill_and_resume(args: list[str], url: str, ready) -> None:
    """Start `onrecord ingest ARGS` in its own process group, kill -9 the
    whole group once `ready()` says so, then run it again to the end."""
    command = [sys.executable, "-m", "onrecord", "ingest", *args, "--db", url, "-q"]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while not ready() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    killed = process.poll() is None
    if killed:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert killed, "the run ended before it could be killed"
    finished = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr[-2000:]


def _analysed(url: str) -> int:
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            n = conn.execute(sa.select(sa.func.count()).where(articles.c.analyzed_at.is_not(None))).scalar()
        engine.dispose()
        return n
    except sa.exc.SQLAlchemyError:
        return 0


def test_a_killed_pool_run_resumes(reference, tmp_path):
    source, expected = reference
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    # killed once some articles are analysed and stored, others not
    _kill_and_resume([str(source), "--workers", "2"], url, lambda: 0 < _analysed(url) < 80 and _analysed(url) >= 32)
    assert snapshot(url) == expected


def test_a_killed_ray_run_resumes(reference, tmp_path):
    pytest.importorskip("ray")
    source, expected = reference
    url = f"sqlite:///{tmp_path / 'killed-ray.db'}"
    shards = tmp_path / "shards"
    # killed while Ray is analysing: some of the four shards done, others not
    _kill_and_resume(
        [str(source), "--engine", "ray", "--workers", "2", "--shards", str(shards), "--shard-lines", "20"],
        url,
        lambda: any(shards.glob("*.done")) if shards.exists() else False,
    )
    assert snapshot(url) == expected


def test_two_ingests_of_overlapping_inputs_at_once_store_each_article_once(reference, db_url, tmp_path):
    source, expected = reference
    lines = source.read_text("utf-8").splitlines()
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("\n".join(lines[:50]) + "\n", "utf-8")
    second.write_text("\n".join(reversed(lines[30:])) + "\n", "utf-8")  # overlapping, met in another order
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "onrecord", "ingest", str(path), "--db", db_url, "-q", "--workers", "1"],
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in (first, second)
    ]
    for run in runs:
        _, errors = run.communicate(timeout=600)
        assert run.returncode == 0, errors[-2000:]
    got = snapshot(db_url)
    assert len(got["articles"]) == len(expected["articles"]) == 80
    assert got["analysed"] == [80]
    # every article's statements once (claims may be numbered otherwise: the order differs)
    ids = lambda record: sorted(json.loads(row)[0] for row in record["statements"])  # noqa: E731
    assert ids(got) == ids(expected)


def _progress(url: str) -> int:
    """Articles stored plus articles analysed: 0 to twice the corpus."""
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            n = conn.execute(sa.select(sa.func.count(), sa.func.count(articles.c.analyzed_at))).one()
        engine.dispose()
        return n[0] + n[1]
    except sa.exc.SQLAlchemyError:
        return 0


def test_kill_9_at_random_points_again_and_again_then_a_rerun_equals_the_uninterrupted_run(reference, db_url):
    """Ingests killed with SIGKILL at random points (while storing articles,
    while analysing, between and inside transactions), each resumed by the
    next, alternately in one process and with a pool of two; then a run to
    the end leaves the store equal to the uninterrupted one.
    ONRECORD_KILL_SEED picks other points."""
    source, expected = reference
    draw = random.Random(int(os.environ.get("ONRECORD_KILL_SEED", "8")))
    kills: list[tuple[int, int]] = []  # (the point aimed at, the progress the store showed after the kill)
    for round_number in range(5):
        command = [
            sys.executable,
            "-m",
            "onrecord",
            "ingest",
            str(source),
            "--db",
            db_url,
            "-q",
            "--workers",
            str(1 + round_number % 2),
        ]
        # a point past what earlier runs stored and analysed, then a random
        # few milliseconds more, so that some kills land inside a transaction
        done = _progress(db_url)
        if done >= 158:
            break
        target = draw.randint(done + 1, 158)
        process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 300
        while process.poll() is None and _progress(db_url) < target and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(draw.uniform(0, 0.3))
        if process.poll() is not None:
            assert process.returncode == 0, process.stderr.read().decode()[-2000:]
            break
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        kills.append((target, _progress(db_url)))
    print("killed at (point aimed at, progress):", kills)
    assert len(kills) >= 2, f"too few runs were killed: {kills}"
    finished = subprocess.run(
        [sys.executable, "-m", "onrecord", "ingest", str(source), "--db", db_url, "-q"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert snapshot(db_url) == expected, f"killed at (point aimed at, progress): {kills}"


def test_the_api_serves_reads_while_an_ingest_writes(reference, db_url):
    """`onrecord serve` answers every read, with no error, while another
    process ingests into the same store; what it shows only grows, and ends
    as the whole record."""
    import threading
    import urllib.request

    from conftest import running_server

    source, expected = reference
    Record(db_url).close()  # the store exists before the server opens it
    with running_server(db_url) as base:
        ingest = subprocess.Popen(
            [sys.executable, "-m", "onrecord", "ingest", str(source), "--db", db_url, "-q", "--workers", "1"],
            stderr=subprocess.PIPE,
            text=True,
        )
        seen: dict[int, list[int]] = {}  # statement counts each reader saw, in its order
        errors: list[str] = []
        paths = [
            "/api/stats",
            "/api/statements?limit=20",
            "/api/articles?limit=5",
            "/api/claims",
            "/api/search?q=minister",
            "/api/reversals",
            "/api/events?limit=5",
            "/",
        ]

        def read(reader: int) -> None:
            seen[reader] = []
            number = reader
            while ingest.poll() is None:
                path = paths[number % len(paths)]
                number += 1
                try:
                    with urllib.request.urlopen(base + path, timeout=30) as response:
                        body = response.read()
                        if path == "/api/stats":
                            seen[reader].append(json.loads(body)["statements"])
                except Exception as exc:  # noqa: BLE001 - every failure is the finding
                    errors.append(f"{path}: {exc}")

        readers = [threading.Thread(target=read, args=(reader,)) for reader in range(4)]
        for thread in readers:
            thread.start()
        _, ingest_errors = ingest.communicate(timeout=600)
        for thread in readers:
            thread.join(timeout=60)
        assert ingest.returncode == 0, ingest_errors[-2000:]
        assert not errors, errors[:5]
        total = len(expected["statements"])
        assert all(counts == sorted(counts) for counts in seen.values()), seen
        assert any(0 < n < total for counts in seen.values() for n in counts), "no read saw the store part-written"
        with urllib.request.urlopen(base + "/api/stats", timeout=30) as response:
            assert json.loads(response.read())["statements"] == total
    assert snapshot(db_url) == expected


def test_ray_keeps_the_ingest_options(tmp_path):
    """--no-analyze, --strict and --allow-private mean on Ray what they mean locally."""
    pytest.importorskip("ray")
    import http.server
    import threading

    from onrecord.run.ray_runner import ingest_with_ray

    good = tmp_path / "good.txt"
    good.write_text(
        "The Varn Water Board said on Monday that it would raise charges by 4 percent in May.\n\n"
        '"We have no other choice," said Ada Holm, the board\'s chief executive.',
        encoding="utf-8",
    )
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02" * 50)
    later = tmp_path / "later.txt"
    later.write_text(
        "The Ostby council said on Friday that the Elm Road library would close in June.\n\n"
        '"We cannot keep it open," said Mira Sand, the council leader.',
        encoding="utf-8",
    )

    url = f"sqlite:///{tmp_path / 'options.db'}"
    with Record(url) as record:
        report = ingest_with_ray(record, [str(good)], workers=1, shards_dir=tmp_path / "s1", analyze=False)
        assert report.stored == 1
        assert record.store.list_statements(limit=10) == []  # stored, not analysed
    with Record(f"sqlite:///{tmp_path / 'strict.db'}") as record:
        report = ingest_with_ray(
            record,
            [str(good), str(bad), str(later)],
            workers=1,
            shards_dir=tmp_path / "s2",
            strict=True,
            lines_per_shard=1,
        )
        assert report.stopped_early and len(report.failures) == 1
        assert [a.source_ref for a in record.store.list_articles(limit=10)] == [str(good)]

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            body = later.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        page = f"http://127.0.0.1:{httpd.server_address[1]}/library.txt"
        with Record(f"sqlite:///{tmp_path / 'private.db'}") as record:
            refused = ingest_with_ray(record, [page], workers=1, shards_dir=tmp_path / "s3", analyze=False)
            assert refused.stored == 0 and "loopback" in refused.failures[0].reason
            allowed = ingest_with_ray(
                record, [page], workers=1, shards_dir=tmp_path / "s4", analyze=False, allow_private=True
            )
            assert allowed.stored == 1
    finally:
        httpd.shutdown()
