"""The store on SQLite and PostgreSQL: dedupe, failures, search, stats, migrations."""

import datetime as dt

import pytest
import sqlalchemy as sa
from conftest import article_text

from onrecord.ingest.draft import Draft, IngestOptions, finish
from onrecord.model import DateSource, Failure
from onrecord.store import Store, migrate
from onrecord.store.engine import resolve_url


def make_article(text, *, url=None, ref="test", title=None, published=None):
    draft = Draft(
        text=text,
        source_ref=ref,
        url=url,
        title=title,
        published=published,
        date_source=DateSource.METADATA if published else DateSource.UNKNOWN,
    )
    return finish(draft, IngestOptions())


def test_article_round_trip(db_url):
    with Store(db_url) as store:
        article = make_article(
            article_text(), url="https://Courier.example/a?utm_source=x", title="Vote", published=dt.date(2024, 3, 5)
        )
        assert store.add_article(article).status == "stored"
        back = store.get_article(article.id)
        assert back.text == article.text and back.title == "Vote"
        assert back.url == "https://courier.example/a"
        assert back.published == dt.date(2024, 3, 5) and back.date_source is DateSource.METADATA
        assert back.language == "en" and back.content_hash == article.content_hash
        assert store.get_article(article.id[:10]).id == article.id  # unique prefix
        assert store.get_article("art_nothing") is None


def test_same_text_or_same_url_is_stored_once(db_url):
    with Store(db_url) as store:
        first = make_article(article_text(0), url="https://courier.example/a")
        assert store.add_article(first).status == "stored"
        # same text, other whitespace and case, other URL
        again = make_article(article_text(0).upper().replace("\n\n", "\n  \n"), url="https://mirror.example/b")
        assert store.add_article(again).status == "duplicate"
        # same canonical URL, edited text
        edited = make_article(article_text(1), url="https://courier.example/a#comments")
        result = store.add_article(edited)
        assert (result.status, result.article_id) == ("duplicate", first.id)
        assert store.stats()["articles"] == 1


def test_syndicated_copy_is_linked_to_the_original(db_url):
    original_text = article_text(0)
    # The same story as a wire copy: a dateline, a credit line, a "related" line.
    copy_text = (
        "MARLOW (Wire) — "
        + original_text
        + "\n\nReporting by Jo Whitfield; editing by Sam Ortiz."
        + "\n\nRead more: Council budget cuts explained"
    )
    other_text = "\n\n".join(
        [
            "Flood defences along the River Tarrow will be raised by a metre under plans approved on Monday by the regional authority.",
            "Engineers said the work would take three years and cost about forty million euros.",
            "Farmers downstream welcomed the decision but asked for compensation for land lost to the new embankments.",
        ]
    )
    with Store(db_url) as store:
        original = make_article(original_text, url="https://courier.example/a")
        store.add_article(original)
        copy = make_article(copy_text, url="https://wire.example/b")
        result = store.add_article(copy)
        assert (result.status, result.original_id) == ("near_duplicate", original.id)
        assert store.add_article(make_article(other_text)).status == "stored"
        # a copy of the copy points at the original
        result = store.add_article(make_article(copy_text + "\n\nShare your views.", url="https://third.example/c"))
        assert result.original_id == original.id
        stats = store.stats()
        assert (stats["articles"], stats["near_duplicates"]) == (2, 2)
        assert len(store.list_articles()) == 2
        assert len(store.list_articles(include_duplicates=True)) == 4
        assert store.get_article(copy.id).duplicate_of == original.id


def test_failures_are_recorded_once_with_a_count(db_url):
    with Store(db_url) as store:
        store.record_failure(Failure("in/b.txt", "empty input"))
        store.record_failure(Failure("in/b.txt", "empty input"))
        store.record_failure(Failure("in/c.txt", "binary content (NUL bytes), not text"))
        found = store.list_failures()
        assert sorted((f.source_ref, f.reason) for f in found) == [
            ("in/b.txt", "empty input"),
            ("in/c.txt", "binary content (NUL bytes), not text"),
        ]
        with store.engine.connect() as conn:
            counts = dict(conn.execute(sa.text("SELECT source_ref, count FROM failures")).all())
        assert counts == {"in/b.txt": 2, "in/c.txt": 1}
        assert store.stats()["failures"] == 2


def test_full_text_search_and_filters(db_url):
    with Store(db_url) as store:
        store.add_article(make_article(article_text(0), title="Library to close", published=dt.date(2024, 3, 5)))
        flood = make_article(
            "Flood defences along the River Tarrow will be raised by a metre, the regional authority said on Monday. "
            "Engineers warned that the embankments were failing.",
            title="Flood plan",
            published=dt.date(2024, 4, 1),
        )
        store.add_article(flood)
        assert [a.title for a in store.list_articles(query="embankment")] == ["Flood plan"]  # stemmed
        assert [a.title for a in store.list_articles(query="library petition")] == ["Library to close"]
        assert [a.title for a in store.list_articles(query='"regional authority"')] == ["Flood plan"]
        assert store.list_articles(query="zebra") == []
        assert [a.title for a in store.list_articles()] == ["Flood plan", "Library to close"]  # newest first
        assert [a.title for a in store.list_articles(since=dt.date(2024, 3, 10))] == ["Flood plan"]
        assert [a.title for a in store.list_articles(until=dt.date(2024, 3, 10))] == ["Library to close"]
        assert [a.title for a in store.list_articles(limit=1, offset=1)] == ["Library to close"]


def test_search_query_syntax_never_breaks(db_url):
    with Store(db_url) as store:
        store.add_article(make_article(article_text(0)))
        for query in ['"unbalanced', "a:b", "NEAR(x y)", "*", "'; DROP TABLE articles; --", "()", "-library"]:
            store.list_articles(query=query)
        assert store.stats()["articles"] == 1


def test_schema_is_at_head_and_migrations_go_down_and_up(db_url):
    store = Store(db_url)
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    store.add_article(make_article(article_text(0)))
    migrate.downgrade(store.engine, "base")
    assert "articles" not in sa.inspect(store.engine).get_table_names()
    migrate.upgrade(store.engine)
    assert {"articles", "failures", "statements", "actors", "claims", "events", "reversals"} <= set(
        sa.inspect(store.engine).get_table_names()
    )
    store.add_article(make_article(article_text(1), title="again"))
    assert [a.title for a in store.list_articles(query="library")] == ["again"]
    store.close()


def test_migrations_build_exactly_the_schema_the_code_uses(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from onrecord.store.schema import metadata

    with Store(db_url) as store, store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    # the full-text parts and PostgreSQL's index in the lists' order are
    # dialect-specific and live only in the migrations
    differences = [
        d
        for d in differences
        if not any(part in str(d) for part in ("articles_fts", "statements_fts", "search", "ix_articles_newest"))
    ]
    assert differences == []


def test_reopening_keeps_data(db_url):
    with Store(db_url) as store:
        store.add_article(make_article(article_text(0)))
    with Store(db_url) as store:
        assert store.stats()["articles"] == 1


def test_url_resolution(tmp_path, monkeypatch):
    monkeypatch.delenv("ONRECORD_DB", raising=False)
    assert resolve_url(None) == "sqlite:///onrecord.db"
    assert resolve_url("news.db") == "sqlite:///news.db"
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("ONRECORD_DB", "other.db")
    assert resolve_url(None) == "sqlite:///other.db"


def test_a_store_of_the_first_schema_upgrades_without_loss(db_url):
    """A store made by revision 0001 (before claims kept their counts),
    holding an analysed article, opens with every row and its counts."""
    from onrecord.store.engine import make_engine

    engine = make_engine(db_url)
    migrate.upgrade(engine, "0001")
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO articles (id, content_hash, source_ref, authors, date_source, text, word_count, ingested_at) "
                "VALUES ('art_old', 'h1', 'old.txt', '[]', 'unknown', 'Old text about a spill.', 5, :now)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text("INSERT INTO claims (id, text, created_at) VALUES ('clm_old', 'the spill', :now)"), {"now": now}
        )
        for i, stance in enumerate(["deny", "affirm", "affirm"]):
            conn.execute(
                sa.text(
                    "INSERT INTO statements (id, article_id, kind, content_text, stance, claim_id, earlier, in_headline) "
                    f"VALUES ('art_old:s{i}', 'art_old', 'indirect', 'said {i}', :stance, 'clm_old', false, false)"
                ),
                {"stance": stance},
            )
    engine.dispose()
    with Store(db_url) as store:  # opening upgrades
        assert migrate.current_revision(store.engine) == migrate.head_revision()
        [claim] = store.list_claims()
        assert (claim.statements, claim.articles, claim.affirm, claim.deny) == (3, 1, 2, 1)
        assert len(store.list_statements(claim_id="clm_old")) == 3
        assert store.get_article("art_old").text == "Old text about a spill."


def test_a_store_of_revision_0004_gets_its_changes_days_and_pages_them_since_a_day(db_url):
    """Migration 0005 keeps with each change the day of its latest
    statement, from the statements, and marks its claim for the exact rule;
    `since` then filters in SQL."""
    from onrecord.store.engine import make_engine

    engine = make_engine(db_url)
    migrate.upgrade(engine, "0004")
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO articles (id, content_hash, source_ref, authors, date_source, text, word_count,"
                " ingested_at, published) VALUES ('art_old', 'h1', 'old.txt', '[]', 'metadata', 'Old text.', 2,"
                " :now, :published)"
            ),
            {"now": now, "published": dt.date(2025, 3, 20)},
        )
        conn.execute(
            sa.text("INSERT INTO claims (id, text, created_at) VALUES ('clm_old', 'the spill', :now)"), {"now": now}
        )
        for i, (stance, said_on) in enumerate([("deny", dt.date(2025, 3, 1)), ("affirm", None)]):
            conn.execute(
                sa.text(
                    "INSERT INTO statements (id, article_id, kind, content_text, stance, claim_id, earlier,"
                    f" in_headline, said_on) VALUES ('art_old:s{i}', 'art_old', 'indirect', 'said {i}', :stance,"
                    " 'clm_old', false, false, :said_on)"
                ),
                {"stance": stance, "said_on": said_on},
            )
        conn.execute(
            sa.text(
                "INSERT INTO reversals (id, kind, actor, side, first_affirmation, claim_id, from_stance, to_stance,"
                " before, after, detected_at) VALUES ('chg_old', 'reversal', 'Port', 'actor:x', true, 'clm_old',"
                " 'deny', 'affirm', :before, :after, :now)"
            ),
            {"before": '["art_old:s0"]', "after": '["art_old:s1"]', "now": now},
        )
    engine.dispose()
    with Store(db_url) as store:
        with store.engine.connect() as conn:
            day = conn.execute(sa.text("SELECT last_said FROM reversals WHERE id = 'chg_old'")).scalar()
            stale = conn.execute(sa.text("SELECT claim_id FROM stale_claims")).scalars().all()
        assert str(day)[:10] == "2025-03-20"  # the undated statement: its article's day
        assert stale == ["clm_old"]
        assert [r.id for r in store.list_reversals(since=dt.date(2025, 3, 20))] == ["chg_old"]
        assert store.list_reversals(since=dt.date(2025, 3, 21)) == []


def test_actors_merge_across_articles_and_within_one(db_url):
    """One stored actor per type and name: roles and aliases gather in the
    order they were met, the first known country and sector stay, and each
    of an article's actors maps to its stored actor."""
    from onrecord.model import Actor, ActorType

    store = Store(db_url)
    first = store.add_article(make_article(article_text(1), ref="a")).article_id
    second = store.add_article(make_article(article_text(2), ref="b")).article_id
    store.save_analysis(
        first,
        [],
        [
            Actor("p1", "Abbas Araghchi", roles=["foreign minister"], country="IRN", sector="GOV"),
            Actor("p2", "Abbas  Araghchi", roles=["minister", "foreign minister"], aliases=["Araghchi"]),
            Actor("o1", "Abbas Araghchi", type=ActorType.ORGANIZATION),
        ],
    )
    store.save_analysis(
        second,
        [],
        [
            Actor("x", "abbas araghchi", roles=["diplomat"], aliases=["Araghchi", "the minister"], country="RUS"),
        ],
    )
    people = [a for a in store.list_actors(limit=50) if a.type == "person"]
    assert len(people) == 1
    [person] = people
    assert person.roles == ["foreign minister", "minister", "diplomat"]
    assert person.aliases == ["Araghchi", "the minister"]
    assert (person.country, person.sector) == ("IRN", "GOV")
    assert len(store.list_actors(limit=50)) == 2  # the organisation of the same name is another actor
    store.close()


@pytest.mark.postgres
def test_a_writer_aborted_to_end_a_deadlock_runs_its_transaction_again(pg_url):
    """Two writers lock two claims in opposite orders: PostgreSQL aborts one
    of them (deadlock detected), and that one runs its transaction again, so
    both end with their writes stored."""
    import threading

    from onrecord.store.schema import claims

    store = Store(pg_url)
    now = dt.datetime.now(dt.UTC)
    with store.engine.begin() as conn:
        conn.execute(claims.insert(), [{"id": cid, "text": cid, "created_at": now} for cid in ("first", "second")])
    both_hold_one = threading.Barrier(2)
    attempts = {"forward": 0, "backward": 0}

    def writer(name: str, order: tuple[str, str]):
        def work(conn):
            attempts[name] += 1
            conn.execute(claims.update().where(claims.c.id == order[0]).values(text=f"{name} 1"))
            if attempts[name] == 1:
                both_hold_one.wait(timeout=30)
            conn.execute(claims.update().where(claims.c.id == order[1]).values(text=f"{name} 2"))

        return lambda: store._retrying(work)

    threads = [
        threading.Thread(target=writer("forward", ("first", "second"))),
        threading.Thread(target=writer("backward", ("second", "first"))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(attempts.values()) == [1, 2]  # one was the deadlock's victim and ran again
    with store.engine.connect() as conn:
        texts = dict(conn.execute(sa.select(claims.c.id, claims.c.text)).all())
    winner = "forward" if attempts["backward"] == 2 else "backward"
    loser = "backward" if winner == "forward" else "forward"
    # the one that ran again wrote last: both its updates stand
    assert set(texts.values()) == {f"{loser} 1", f"{loser} 2"}
    store.close()


def test_claims_are_marked_stale_with_their_statements_and_cleared_with_their_reversals(db_url):
    from onrecord.model import Claim

    store = Store(db_url)
    article = store.add_article(make_article(article_text(4), ref="a")).article_id
    [claim_id] = store.save_analysis(article, [], [], claim_list=[Claim("c1", "Iran sent drones to Russia")])
    assert store.stale_claim_ids() == [claim_id]  # marked in the transaction that stored the claim
    marks = store.stale_marks([claim_id, "clm_not_marked"])
    assert list(marks) == [claim_id]
    store.replace_reversals(claim_id, [], marked_at=marks[claim_id])
    assert store.stale_claim_ids() == []
    # a mark made after the one read (another writer's, meanwhile) survives
    store.save_analysis(article, [], [], claim_list=[Claim("c1", "Iran sent drones to Russia")])
    store.replace_reversals(claim_id, [], marked_at=marks[claim_id])
    assert store.stale_claim_ids() == [claim_id]
    assert store.stale_claim_ids(after=claim_id) == []
    store.close()


@pytest.mark.postgres
def test_two_writers_storing_one_claims_reversals_at_once_both_succeed(pg_url):
    """Each ingest works out the reversals of the claims still marked stale,
    so two ingests can store the same claim's reversals at once. The second
    waits on the first's rows and must then not trip on the rows the first
    inserted (the same ids: the same reversals)."""
    import threading
    import time as clock

    from onrecord.model import Claim, Reversal, Stance
    from onrecord.store.schema import reversals

    store = Store(pg_url)
    article = store.add_article(make_article(article_text(5), ref="a")).article_id
    [claim_id] = store.save_analysis(article, [], [], claim_list=[Claim("c1", "Iran sent drones to Russia")])
    found = [
        Reversal(
            actor="Iran",
            claim_id=claim_id,
            from_stance=Stance.DENY,
            to_stance=Stance.AFFIRM,
            before=["s1"],
            after=["s2"],
            side="state:IRN",
            first_affirmation=True,
        )
    ]
    store.replace_reversals(claim_id, found)
    errors = []
    with store.engine.connect() as first:
        transaction = first.begin()
        # the first writer, caught between its delete and its commit
        first.execute(reversals.delete().where(reversals.c.claim_id == claim_id))
        second = threading.Thread(target=lambda: _catching(errors, store.replace_reversals, claim_id, found))
        second.start()
        clock.sleep(0.5)  # the second writer now waits on the first's locks
        store_rows = store._reversal_rows(claim_id, found)
        first.execute(reversals.insert(), store_rows)
        transaction.commit()
    second.join(timeout=30)
    assert not errors, errors
    assert [r.side for r in store.list_reversals(limit=10)] == ["state:IRN"]
    store.close()


def _catching(errors: list, function, *args) -> None:
    try:
        function(*args)
    except Exception as exc:  # noqa: BLE001 - the failure is the finding
        errors.append(f"{type(exc).__name__}: {exc}")


def test_ids_resolve_whole_or_by_a_unique_prefix_of_six_characters(db_url):
    from onrecord.record import Record

    with Record(db_url) as record:
        record.ingest_documents(
            [
                {
                    "text": "The Orrin Port Authority denied on Monday that fuel had leaked into Sable Bay.\n\n"
                    '"No fuel has entered the bay," said Ines Marr, a spokeswoman for the authority.',
                    "published": "2024-03-04",
                },
                {
                    "text": "Dunmere Rail said on Friday that it would cut two services on the coast line.\n\n"
                    '"We will cut two services," said Tom Kettle, the company\'s chief executive.',
                    "published": "2024-03-08",
                },
            ]
        )
        store = record.store
        claims = store.list_claims(limit=50)
        actors = store.list_actors(limit=50)
        assert len(claims) >= 2 and len(actors) >= 2
        for getter, rows in ((store.get_claim, claims), (store.get_actor, actors)):
            whole = rows[0].id
            assert getter(whole).id == whole
            others = [r.id for r in rows[1:]]
            # the shortest prefix of 6+ characters no other id shares
            unique = next(
                whole[:n] for n in range(6, len(whole) + 1) if not any(o.startswith(whole[:n]) for o in others)
            )
            if len(unique) < len(whole):
                assert getter(unique).id == whole
            for wrong in ("", "%", "_", whole[:3], "clm_", whole + "x"):
                assert getter(wrong) is None, wrong
        article = store.list_articles(limit=1)[0]
        assert store.get_article(article.id[:6]).id == article.id
        assert store.get_article(article.id[:5]) is None


def test_a_statement_stored_with_another_actors_side_keeps_that_side(db_url):
    """A lawyer's statement is on the client's side: stored, the side names
    the client's stored actor, not the lawyer's (it did before)."""
    from onrecord.model import Actor, Mention, Statement, StatementKind

    store = Store(db_url)
    article_id = store.add_article(make_article(article_text(3), ref="c")).article_id
    said = Statement(
        id="s1",
        kind=StatementKind.DIRECT,
        content=Mention("We deny it.", (0, 11)),
        speaker_name="Rebecca Strand",
        actor_id="a2",
        side="actor:a1",
        side_name="Vance Orley",
    )
    store.save_analysis(
        article_id, [said], [Actor("a1", "Vance Orley"), Actor("a2", "Rebecca Strand", represents="a1")]
    )
    by_name = {a.name: a.id for a in store.list_actors(limit=10)}
    [row] = store.list_statements(limit=5)
    assert row.actor_id == by_name["Rebecca Strand"]
    assert row.side == f"actor:{by_name['Vance Orley']}"
    store.close()
