"""The Python API over a store: ingest reports, re-runs, strict mode, and an
ingest killed half-way that a re-run completes."""

import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from onrecord import Record

from conftest import distinct_article, html_page


def write_corpus(folder, n=6):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"{i:03d}.txt").write_text(f"Story Number {i}\n\n" + distinct_article(i), "utf-8")
    (folder / "bad.txt").write_bytes(b"")
    (folder / "page.html").write_text(html_page(distinct_article(0)), "utf-8")  # same body as 000.txt: duplicate
    return folder


def snapshot(db_url):
    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        articles = sorted(conn.execute(sa.text("SELECT id, content_hash, source_ref, duplicate_of FROM articles")).all())
        bands = conn.execute(sa.text("SELECT count(*) FROM article_bands")).scalar_one()
        failures = sorted(conn.execute(sa.text("SELECT source_ref, reason FROM failures")).all())
    engine.dispose()
    return articles, bands, failures


def test_ingest_report_and_rerun_adds_nothing(db_url, tmp_path):
    corpus = write_corpus(tmp_path / "in")
    with Record(db_url) as record:
        report = record.ingest([str(corpus)])
        assert (report.stored, report.duplicates, report.failed) == (6, 1, 1)
        assert report.failures[0].source_ref.endswith("bad.txt")
        first = snapshot(db_url)
        again = record.ingest([str(corpus)])
        assert (again.stored, again.duplicates, again.failed) == (0, 7, 1)
        assert snapshot(db_url) == first
        assert record.stats()["articles"] == 6
        assert [a.title for a in record.search("Story Number 3")][:1] == ["Story Number 3"]


def test_published_override_and_strict(db_url, tmp_path):
    corpus = write_corpus(tmp_path / "in")
    with Record(db_url) as record:
        report = record.ingest([str(corpus)], published="2024-03-05", strict=True)
        # sorted order: 000..005 stored, then bad.txt stops the run before page.html
        assert report.stopped_early and (report.stored, report.failed) == (6, 1)
        assert {a.published.isoformat() for a in record.articles(limit=50)} == {"2024-03-05"}
        assert {a.date_source.value for a in record.articles(limit=50)} == {"user"}


@pytest.mark.parametrize("kill_after", [3, 25])
def test_killed_ingest_resumes_to_the_same_store(db_url, tmp_path, kill_after):
    corpus = write_corpus(tmp_path / "in", n=60)
    reference_url = f"sqlite:///{tmp_path / 'reference.db'}"
    with Record(reference_url) as record:
        record.ingest([str(corpus)])
    expected = snapshot(reference_url)

    env = {**os.environ, "ONRECORD_DB": db_url}
    command = [sys.executable, "-m", "onrecord", "ingest", "--quiet", str(corpus)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with engine.connect() as conn:
                stored = conn.execute(sa.text("SELECT count(*) FROM articles")).scalar_one()
        except sa.exc.DBAPIError:
            stored = 0  # schema not created yet
        if stored >= kill_after:
            break
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    engine.dispose()
    assert stored < 61, "the ingest finished before it could be killed"

    rerun = subprocess.run(command, env=env, capture_output=True, text=True)
    assert rerun.returncode == 1  # bad.txt still fails
    articles, bands, failures = snapshot(db_url)
    ref_articles, ref_bands, ref_failures = expected
    # Same articles, same links, same failures; only source refs are the same paths.
    assert [a[:2] + a[3:] for a in articles] == [a[:2] + a[3:] for a in ref_articles]
    assert bands == ref_bands
    assert failures == ref_failures
