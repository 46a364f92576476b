"""Shared fixtures: stores on both backends, written test articles, paths.

PostgreSQL tests use a fresh database each, created on the server named by
ONRECORD_TEST_PG (default: 127.0.0.1:5432, database `test`, user postgres).
When the server cannot be reached they are skipped, unless
ONRECORD_REQUIRE_POSTGRES=1 (as .ci/run sets), which makes that an error.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "iran-drones.txt"
PG_ADMIN_URL = os.environ.get("ONRECORD_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_reason() -> str | None:
    try:
        engine = sa.create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL unavailable at {PG_ADMIN_URL}: {exc}"


@pytest.fixture(scope="session")
def postgres_available() -> None:
    reason = _postgres_reason()
    if reason is None:
        return
    if os.environ.get("ONRECORD_REQUIRE_POSTGRES") == "1":
        pytest.fail(reason + " (ONRECORD_REQUIRE_POSTGRES=1)")
    pytest.skip(reason)


@pytest.fixture
def pg_url(postgres_available) -> str:
    """URL of a new, empty PostgreSQL database, dropped after the test."""
    name = "onrecord_t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'onrecord.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """A fresh store URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'onrecord.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip(f"the shared seed article is not at {SEED}")
    return SEED


# -- articles written for the tests ------------------------------------------

ARTICLE_BODY = [
    "The Marlow City Council voted on Tuesday to close the Eastgate public library at the end of the year, "
    "ending more than a century of service in the neighbourhood.",
    "Council leader Priya Anand said the building needed repairs the city could not afford. "
    '"We looked at every option before making this decision," she told reporters after the vote.',
    "Residents packed the chamber for the meeting, and several speakers accused the council of neglecting "
    "the east side of the city for years.",
    "A petition to keep the library open has gathered more than six thousand signatures, according to its organisers, "
    "who say they will ask the regional government to intervene.",
]


def article_text(variant: int = 0) -> str:
    """A distinct English article body of about 150 words; variant numbers
    change the place names so that texts differ."""
    towns = ["Marlow", "Denholm", "Ashby", "Corran", "Wexley", "Pellham", "Tarrow", "Bramley"]
    body = "\n\n".join(ARTICLE_BODY).replace("Marlow", towns[variant % len(towns)])
    return body.replace("Eastgate", f"Eastgate-{variant}") if variant >= len(towns) else body


def html_page(
    body: str,
    *,
    title: str = "Council votes to close Eastgate library",
    date_meta: str | None = "2024-03-05",
    extra_head: str = "",
    comments: str = "",
) -> str:
    paragraphs = "\n".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    meta = f'<meta property="article:published_time" content="{date_meta}T09:30:00Z">' if date_meta else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | The Marlow Courier</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="The Marlow Courier">
<meta name="author" content="Jo Whitfield">
{meta}{extra_head}</head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<main><article>
<h1>{title}</h1>
{paragraphs}
</article>
<section id="comments" class="comments"><h2>Comments</h2>{comments}</section>
</main>
<footer><p>Copyright 2024 The Marlow Courier. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
</body></html>"""


_NAMES = [
    "Priya Anand",
    "Tomas Keller",
    "Lotte Brandt",
    "Daniel Reyes",
    "Ingrid Vale",
    "Samuel Okafor",
    "Mei Lin",
    "Rafael Duarte",
    "Hannah Cole",
    "Yusuf Demir",
    "Clara Novak",
    "Ivan Petrov",
]
_ROLES = [
    "the mayor",
    "a council spokesman",
    "the transport minister",
    "a union leader",
    "the police chief",
    "an opposition deputy",
    "the health secretary",
    "a local business owner",
]
_SUBJECTS = [
    "bus fares",
    "the hospital budget",
    "a new tram line",
    "school meals",
    "river pollution",
    "the water tariff",
    "police patrols",
    "housing permits",
    "the football stadium",
    "port security",
    "farm subsidies",
    "street lighting",
    "the airport expansion",
    "library hours",
    "refuse collection",
]
_VERBS = ["warned", "said", "insisted", "argued", "announced", "confirmed", "denied", "promised"]
_PLACES = ["Marlow", "Denholm", "Ashby", "Corran", "Wexley", "Pellham", "Tarrow", "Bramley", "Kestor", "Alden"]
_MONTHS = ["January", "March", "May", "July", "September", "November"]


def distinct_article(seed: int, sentences: int = 8) -> str:
    """An English news-like article that shares next to no 5-word run with
    any other seed's article (names, places, figures change every few words)."""
    import random

    rng = random.Random(seed)
    paragraphs = []
    for _ in range(sentences // 2):
        parts = []
        for _ in range(2):
            parts.append(
                f"{rng.choice(_NAMES)}, {rng.choice(_ROLES)} of {rng.choice(_PLACES)}, {rng.choice(_VERBS)} on "
                f"{rng.choice(['Monday', 'Tuesday', 'Friday', 'Sunday'])} that {rng.choice(_SUBJECTS)} would cost "
                f"{rng.randint(2, 990)} million by {rng.choice(_MONTHS)} {rng.randint(2001, 2030)}, while "
                f"{rng.choice(_SUBJECTS)} in {rng.choice(_PLACES)} needed {rng.randint(3, 70)} more staff."
            )
        paragraphs.append(" ".join(parts))
    return "\n\n".join(paragraphs)


# -- a store of the example corpus, and a running server over it -------------

API_TOKEN = "test-token-1234"


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path_factory):
    """A store holding the example corpus, once per backend for a module."""
    from onrecord.record import Record

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'onrecord.db'}"
        drop = None
    else:
        request.getfixturevalue("postgres_available")
        name = "onrecord_m_" + uuid.uuid4().hex[:12]
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        url = sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

        def drop():
            with admin.connect() as conn:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            admin.dispose()

    with Record(url) as record:
        record.ingest([str(ROOT / "examples")])
    yield url
    if drop is not None:
        drop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(db_url: str, token: str = API_TOKEN, extra_args: tuple[str, ...] = ()):
    """`onrecord serve` in its own process, as a user starts it; yields its base URL."""
    port = free_port()
    env = {**os.environ, "ONRECORD_API_TOKEN": token}
    process = subprocess.Popen(
        [sys.executable, "-m", "onrecord", "serve", "--db", db_url, "--port", str(port), *extra_args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/api/stats", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"onrecord serve did not start: {process.stdout.read().decode()}") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
