"""A run that dies gives, once run again, the store an uninterrupted run
gives, row for row, even where the order of analysis decides what the
store says (an actor's roles in the order first met, its first country and
sector, the article a claim is first seen in). And a run whose main
process alone is killed (kill -9 PID, the OOM killer) leaves no worker
process behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import distinct_article
from test_run import snapshot

from onrecord.record import Record
from onrecord.store.schema import articles

# minutes of real processes, Ray and multi-megabyte texts: `make check` leaves them out
pytestmark = pytest.mark.slow

PEOPLE = ["Anna Berg", "Tomas Ruiz", "Grace Wanjiru", "Minh Tran"]
# one person in several roles, each with its own country and sector: the
# store keeps the roles in the order met, and the first country and sector
ROLES = [
    "the foreign minister of Norway",
    "the chief executive of Nordfisk",
    "a senior army general of Peru",
    "the central bank governor of Kenya",
    "the trade minister of Chile",
]
SOURCE = "news.jsonl"  # a relative path, so that every run's source references are alike
ARTICLES = 160
# enough that a --workers 2 run killed once it has analysed a batch has not
# stored them all yet (it stores up to about 8 batches of 32 ahead)
LONG_RUN_ARTICLES = 320


def actor_lines(n: int = ARTICLES) -> list[str]:
    """n articles: four people, each quoted in turn in five roles."""
    lines = []
    for i in range(n):
        person, role = PEOPLE[i % len(PEOPLE)], ROLES[(i // len(PEOPLE)) % len(ROLES)]
        text = f"{person}, {role}, said on Monday that the talks on fishing rights had failed. " + distinct_article(
            5000 + i
        )
        lines.append(
            json.dumps(
                {"text": text, "title": f"Talks fail ({i})", "published": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"}
            )
        )
    return lines


def write_input(folder: Path, lines: list[str]) -> Path:
    path = folder / SOURCE
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def uninterrupted(folder: Path, n: int) -> dict[str, list]:
    """The single-process record of the first n articles of the test input."""
    write_input(folder, actor_lines(n))
    url = f"sqlite:///{folder / 'one.db'}"
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with Record(url) as record:
            report = record.ingest([SOURCE], workers=1)
    finally:
        os.chdir(cwd)
    assert report.stored == n and report.analyzed == n
    return snapshot(url)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return uninterrupted(tmp_path_factory.mktemp("uninterrupted"), ARTICLES)


@pytest.fixture(scope="module")
def long_reference(tmp_path_factory):
    return uninterrupted(tmp_path_factory.mktemp("uninterrupted-long"), LONG_RUN_ARTICLES)


def test_the_input_makes_the_order_of_analysis_matter(reference):
    actor_rows = [json.loads(row) for row in reference["actors"]]
    berg = next(row for row in actor_rows if row[1] == "Anna Berg")
    assert "foreign minister of Norway" in berg[5] and "senior army general of Peru" in berg[5]


@pytest.mark.parametrize("workers", [1, 2])
def test_articles_stored_but_not_analysed_are_analysed_in_input_order(
    reference, db_url, tmp_path, monkeypatch, workers
):
    """A run stopped between storing articles and analysing them (here: one
    analysed 8, the next stored 40 more with --no-analyze), then a full run."""
    monkeypatch.chdir(tmp_path)
    lines = actor_lines()
    with Record(db_url) as record:
        write_input(tmp_path, lines[:8])
        record.ingest([SOURCE], workers=1)
        write_input(tmp_path, lines[:48])
        assert record.ingest([SOURCE], analyze=False).stored == 40
        write_input(tmp_path, lines)
        report = record.ingest([SOURCE], workers=workers)
    assert report.stored == ARTICLES - 48 and report.analyzed == ARTICLES - 8
    assert snapshot(db_url) == reference


# -- kill -9 of the main process only ------------------------------------------


def _live_processes() -> dict[int, dict]:
    """Every live process (not a zombie), from /proc: pid -> ppid, session, command line."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            cmdline = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile
            continue
        state, ppid, _group, sid = stat[stat.rindex(")") + 2 :].split()[:4]
        if state != "Z":
            found[int(entry.name)] = {
                "pid": int(entry.name),
                "ppid": int(ppid),
                "sid": int(sid),
                "cmdline": cmdline.strip(),
            }
    return found


def _family(main_pid: int, known: dict[int, dict] | None = None) -> list[dict]:
    """The live processes of the main process's session, its descendants
    (some may have made a session of their own), and those of `known`
    (seen before) still running."""
    live = _live_processes()
    family = {pid: p for pid, p in live.items() if p["sid"] == main_pid and pid != main_pid}
    for pid, seen in (known or {}).items():
        if pid in live and live[pid]["cmdline"] == seen["cmdline"]:
            family[pid] = live[pid]
    grew = True
    while grew:
        children = {pid: p for pid, p in live.items() if p["ppid"] in family or p["ppid"] == main_pid}
        grew = bool(children.keys() - family.keys())
        family.update(children)
    return sorted(family.values(), key=lambda p: p["pid"])


def _counts(url: str) -> tuple[int, int]:
    """Articles stored, and analysed."""
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            stored, analysed = conn.execute(sa.select(sa.func.count(), sa.func.count(articles.c.analyzed_at))).one()
        engine.dispose()
        return stored, analysed
    except sa.exc.SQLAlchemyError:
        return 0, 0


def _kill_main_only(command: list[str], cwd: Path, ready, grace: float = 10) -> list[dict]:
    """Start `command` in its own session, kill -9 its main process alone
    once `ready(main_pid)` says so, and give the processes it started
    `grace` seconds to end; returns those still alive then (after killing
    them, so that a failing test leaves nothing behind)."""
    process = subprocess.Popen(
        command, cwd=cwd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    known: dict[int, dict] = {}
    try:
        deadline = time.monotonic() + 300
        while process.poll() is None and not ready(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert process.poll() is None, f"the run ended before it could be killed: {process.stderr.read()[-2000:]}"
        known = {p["pid"]: p for p in _family(process.pid)}
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        deadline = time.monotonic() + grace
        while (left := _family(process.pid, known)) and time.monotonic() < deadline:
            time.sleep(0.2)
        return left
    finally:
        for leftover in _family(process.pid, known):
            try:
                os.kill(leftover["pid"], signal.SIGKILL)
            except ProcessLookupError:
                pass


def _pool_workers(main_pid: int) -> list[dict]:
    return [p for p in _family(main_pid) if p["ppid"] == main_pid and "spawn_main" in p["cmdline"]]


def test_kill_9_of_the_main_process_only_leaves_no_process_behind_and_a_rerun_completes_the_store(
    long_reference, db_url, tmp_path
):
    write_input(tmp_path, actor_lines(LONG_RUN_ARTICLES))
    command = [sys.executable, "-m", "onrecord", "ingest", SOURCE, "--db", db_url, "-q", "--workers", "2"]
    # killed while its two workers are analysing, once a batch is analysed
    left = _kill_main_only(command, tmp_path, lambda pid: len(_pool_workers(pid)) >= 2 and _counts(db_url)[1] >= 32)
    assert not left, f"still running 10 s after their parent was killed: {left}"
    stored, analysed = _counts(db_url)
    # some analysed, more stored only, and some not even stored: the re-run stores those
    assert 32 <= analysed < stored < LONG_RUN_ARTICLES, (stored, analysed)
    finished = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert snapshot(db_url) == long_reference


def test_workers_started_from_another_thread_exit_when_the_main_process_is_killed(sqlite_url, tmp_path):
    """Where the pool is started by a thread other than the main one, the
    kernel's parent-death signal is not used (it would come when that thread
    ends): the workers' own watch of their parent ends them."""
    write_input(tmp_path, actor_lines())
    script = (
        "import threading\n"
        "from onrecord.record import Record\n"
        "def run():\n"
        f"    with Record({sqlite_url!r}) as record:\n"
        f"        record.ingest([{SOURCE!r}], workers=2)\n"
        "thread = threading.Thread(target=run)\n"
        "thread.start()\n"
        "thread.join()\n"
    )
    left = _kill_main_only(
        [sys.executable, "-c", script],
        tmp_path,
        lambda pid: len(_pool_workers(pid)) >= 2 and _counts(sqlite_url)[1] >= 32,
    )
    assert not left, f"still running 10 s after their parent was killed: {left}"


def test_kill_9_of_a_ray_run_main_process_only_leaves_no_process_behind_and_a_rerun_completes_the_store(
    reference, sqlite_url, tmp_path
):
    pytest.importorskip("ray")
    write_input(tmp_path, actor_lines())
    shards = tmp_path / "shards"
    command = [
        sys.executable,
        "-m",
        "onrecord",
        "ingest",
        SOURCE,
        "--db",
        sqlite_url,
        "-q",
        "--engine",
        "ray",
        "--workers",
        "2",
        "--shards",
        str(shards),
        "--shard-lines",
        "20",
    ]
    # killed while Ray's actors are analysing: some of the eight shards done, others not.
    # The local Ray's processes die with it (Ray starts them with PR_SET_PDEATHSIG)
    # and its actors within seconds, but its two agents (ray::DashboardAgent,
    # ray::RuntimeEnvAgent) first try for 60 s to tell the dead GCS that their
    # raylet died (a timeout written in Ray): they are given 90 s.
    left = _kill_main_only(command, tmp_path, lambda pid: shards.exists() and any(shards.glob("*.done")), grace=90)
    assert not left, f"still running 90 s after their parent was killed: {left}"
    finished = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert snapshot(sqlite_url) == reference
