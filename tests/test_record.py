"""The Python API over a store: ingest reports, re-runs, strict mode, and an
ingest killed half-way that a re-run completes."""

import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa
from conftest import distinct_article, html_page

from onrecord import Record


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
        articles = sorted(
            conn.execute(sa.text("SELECT id, content_hash, source_ref, duplicate_of FROM articles")).all()
        )
        bands = conn.execute(sa.text("SELECT count(*) FROM article_bands")).scalar_one()
        failures = sorted(conn.execute(sa.text("SELECT source_ref, reason FROM failures")).all())
        said = sorted(conn.execute(sa.text("SELECT id, speaker_name, content_text FROM statements")).all())
        pending = conn.execute(sa.text("SELECT count(*) FROM articles WHERE analyzed_at IS NULL")).scalar_one()
    engine.dispose()
    return articles, bands, failures, said, pending


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
@pytest.mark.slow
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
    articles, bands, failures, said, pending = snapshot(db_url)
    ref_articles, ref_bands, ref_failures, ref_said, ref_pending = expected
    # Same articles, same links, same failures, same statements, nothing left to analyse.
    assert [a[:2] + a[3:] for a in articles] == [a[:2] + a[3:] for a in ref_articles]
    assert bands == ref_bands
    assert failures == ref_failures
    assert said == ref_said and len(said) > 0
    assert pending == ref_pending == 0


NEWS = {
    "a.txt": "Vale Denies Fuel Leak Into Harbour\n\nPort director Ingrid Vale denied that any fuel had leaked into the harbour. "
    '"The water is clean," Vale told reporters on Monday.',
    "b.txt": "Vale Admits Fuel Leak After Weeks Of Denials\n\nIngrid Vale, the director of the Calder port, acknowledged on Friday that "
    "diesel had leaked into the harbour. Environmental groups demanded that the port pay for the clean-up.",
}


def test_ingest_stores_statements_and_actors(db_url, tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in NEWS.items():
        (folder / name).write_text(text, "utf-8")
    with Record(db_url) as record:
        report = record.ingest([str(folder)])
        assert (report.stored, report.analyzed, report.failed) == (2, 2, 0)
        vale = record.statements(speaker="vale")
        assert {(s.cue_class, s.kind) for s in vale} >= {
            ("deny", "indirect"),
            ("assert", "direct"),
            ("admit", "indirect"),
        }
        assert all(s.speaker_name == "Ingrid Vale" for s in vale)
        # one actor across both articles, with the roles of both
        [actor] = record.actors(name="Ingrid Vale")
        assert actor.statements == len(vale) and actor.type == "person"
        assert {"director of the Calder port", "Port director"} & set(actor.roles)
        assert [s.content_text for s in record.statements(cue_class="demand")] == ["that the port pay for the clean-up"]
        headlines = [s for s in record.statements() if s.in_headline]
        assert {s.cue_class for s in headlines} == {"deny", "admit"}
        before = snapshot(db_url)[3]
        again = record.reanalyze()
        assert again.analyzed == 2 and snapshot(db_url)[3] == before  # re-analysis replaces, never duplicates


def test_ingest_without_analysis_then_later(db_url, tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text(NEWS["a.txt"], "utf-8")
    with Record(db_url) as record:
        assert record.ingest([str(folder)], analyze=False).analyzed == 0
        assert record.stats()["not_analyzed"] == 1 and record.statements() == []
        assert record.ingest([str(folder)]).analyzed == 1  # the re-run analyses what was left
        assert record.stats()["not_analyzed"] == 0 and len(record.statements()) >= 2


def test_statements_are_filtered_under_the_apis_parameter_names(tmp_path):
    """`Record.statements_where` takes the names of GET /api/statements'
    parameters (the CLI's options): every one maps to a store filter, and a
    name the API does not have is an error, not silently ignored."""
    import inspect

    from onrecord.api.app import _statement_routes
    from onrecord.record import STATEMENT_FILTERS
    from onrecord.store import Store

    paging = {"limit", "offset", "after", "before"}
    store_filters = set(inspect.signature(Store.list_statements).parameters) - {"self"} - paging
    assert set(STATEMENT_FILTERS.values()) == store_filters
    routes = []

    class Collect:
        def get(self, path, **kwargs):
            return lambda function: routes.append(function) or function

    listings: list = []
    _statement_routes(Collect(), listings)
    [route] = routes
    assert [listing.handler for listing in listings] == [route]  # the web page's handler is the API's
    api_names = set(inspect.signature(route).parameters) - {"request", "record", "format"} - paging
    assert api_names == set(STATEMENT_FILTERS)
    with Record(f"sqlite:///{tmp_path / 's.db'}") as record:
        record.ingest_documents([{"text": "Mayor Anna Berg said on Tuesday that the library would close in May."}])
        assert [r.speaker_name for r in record.statements_where(cue="assert", q="library")] == ["Anna Berg"]
        assert record.statements_where(stance="deny") == []
        with pytest.raises(TypeError, match="cue_class"):
            record.statements_where(cue_class="assert")


def test_records_listings_take_the_stores_filters_by_name():
    """Record's listings have the signature of the store's query they run
    (not `**filters: Any`): help() and type checkers see every filter."""
    import inspect

    from onrecord.store import Store

    for listing, query in (
        (Record.articles, Store.list_articles),
        (Record.statements, Store.list_statements),
        (Record.actors, Store.list_actors),
        (Record.claims, Store.list_claims),
        (Record.reversals, Store.list_reversals),
        (Record.events, Store.list_events),
    ):
        assert inspect.signature(listing) == inspect.signature(query), listing.__name__
        assert {"limit", "offset", "after", "before"} <= set(inspect.signature(listing).parameters)
