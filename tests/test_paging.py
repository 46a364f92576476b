"""Keyset paging: every list of the API pages by a cursor that holds the last
row's sort keys, forwards (`next`, `after`) and backwards (`previous`,
`before`), with undated articles and ties in the order, on SQLite and
PostgreSQL; a row added while a reader pages shifts nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from onrecord.api.app import create_app
from onrecord.record import Record
from onrecord.store.paging import CursorError, Keyset, SortKey, decode_cursor, encode_cursor
from onrecord.store.schema import articles

LISTS = (
    "/api/articles",
    "/api/statements",
    "/api/actors",
    "/api/claims",
    "/api/reversals",
    "/api/contradictions",
    "/api/events",
)


def _key(item: dict) -> str:
    return item.get("id") or item.get("article_id")


def _walk(client: TestClient, path: str, link: str = "next", **params) -> tuple[list[list[str]], str]:
    """The pages of a list, following one kind of link to its end, and the
    last page's address."""
    pages, url, last = [], path, path
    while url:
        answer = client.get(url, params=(params or None) if url == path else None)
        assert answer.status_code == 200, (url, answer.text)
        body = answer.json()
        pages.append([_key(item) for item in body["items"]])
        last, url = url, body[link]
        assert len(pages) < 200, "paging does not end"
    return pages, last


@pytest.fixture(scope="module")
def client(store_url):
    with TestClient(create_app(store_url)) as test_client:
        yield test_client


def test_every_list_pages_forwards_and_backwards_through_each_item_once(client):
    for path in LISTS:
        whole = [_key(item) for item in client.get(path, params={"limit": 500}).json()["items"]]
        pages, last = _walk(client, path, limit=3)
        assert [key for page in pages for key in page] == whole, path
        assert all(len(page) == 3 for page in pages[:-1]), path
        if len(pages) < 2:
            continue
        # from the last page back: the same pages in reverse (a page that
        # ran empty past the end leads back to the last full one)
        back, _ = _walk(client, last, link="previous")
        assert [p for p in back if p] == [p for p in reversed(pages) if p], path
        first = client.get(path, params={"limit": 3}).json()
        assert first["previous"] is None and first["before"] is None, path


def test_a_page_carries_its_cursors_and_links(client):
    page = client.get("/api/statements", params={"limit": 2, "stance": "deny"}).json()
    assert page["after"] and page["next"].startswith("/api/statements?")
    assert "stance=deny" in page["next"] and f"after={page['after']}" in page["next"]
    second = client.get(page["next"]).json()
    assert second["before"] and "before=" in second["previous"] and "stance=deny" in second["previous"]
    assert all(item["stance"] == "deny" for item in second["items"])
    # an offset still works, and its page links back by cursor
    third = client.get("/api/statements", params={"limit": 2, "offset": 2}).json()
    assert third["previous"] and third["before"]


def test_a_cursor_that_is_not_the_lists_is_refused_with_a_reason(client):
    cursor = client.get("/api/actors", params={"limit": 1}).json()["after"]
    for path, after in (
        ("/api/claims", cursor),  # another list's
        ("/api/actors", "not-a-cursor"),
        ("/api/actors", encode_cursor({"list": "actors", "keys": [1]})),  # too few keys
        ("/api/actors", encode_cursor({"list": "actors", "keys": ["many", "x", "y"]})),  # a count as text
        ("/api/statements", encode_cursor({"list": "statements", "keys": [{}, 1, True, 0, "x"]})),
    ):
        answer = client.get(path, params={"after": after})
        assert answer.status_code == 422 and "cursor" in answer.json()["detail"], (path, answer.text)
    page = client.get("/actors", params={"after": "not-a-cursor"}, headers={"accept": "text/html"})
    assert page.status_code == 422 and "text/html" in page.headers["content-type"]


DOCUMENTS = [
    # two undated articles (their statements sort last, in either database)
    {
        "text": f"Mayor Anna Berg said on Tuesday that the {name} library would close in May.",
        "url": f"https://news.example/u{n}",
    }
    for n, name in enumerate(("Elm Street", "Harbour Road"))
] + [
    {
        "text": f"Minister Karl Dahl said the {name} bridge would reopen in June. He denied that it was unsafe.",
        "published": f"2026-03-{day:02d}",
        "url": f"https://news.example/{name}",
    }
    for day, name in ((1, "north"), (2, "south"), (2, "east"), (3, "west"))  # a tie on the date
]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def small_store(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'paging.db'}"
    else:
        yield request.getfixturevalue("pg_url")


def test_undated_articles_and_ties_page_in_the_order_of_one_long_page(small_store):
    with Record(small_store) as record:
        record.ingest_documents(DOCUMENTS)
        whole = record.statements(limit=500)
        assert len(whole) >= 8 and any(s.article_published is None for s in whole)
        assert [s.article_published is None for s in whole] == sorted(s.article_published is None for s in whole)
        for size in (1, 2, 3):
            seen, after = [], None
            while True:
                page = record.statements(limit=size, after=after)
                seen += [s.id for s in page]
                if page.after is None:
                    break
                after = page.after
            assert seen == [s.id for s in whole], size
            # and back from the end
            back, before = [], record.statements(limit=size, after=after).before
            while before:
                page = record.statements(limit=size, before=before)
                back = [s.id for s in page] + back
                before = page.before
            assert back == seen[: len(back)] and len(back) >= len(seen) - size, size


def test_a_row_added_while_paging_shifts_nothing(small_store):
    with Record(small_store) as record:
        record.ingest_documents(DOCUMENTS)
        first = record.statements(limit=3)
        by_offset_before = record.statements(limit=3, offset=3)
        # a newer article arrives: by offset the next page would repeat a row
        record.ingest_documents(
            [
                {
                    "text": "Governor Lena Holm said the port would stay open.",
                    "published": "2026-04-01",
                    "url": "https://news.example/new",
                }
            ]
        )
        by_cursor = record.statements(limit=3, after=first.after)
        by_offset = record.statements(limit=3, offset=3)
        assert [s.id for s in by_cursor] == [s.id for s in by_offset_before]
        assert [s.id for s in by_offset] != [s.id for s in by_offset_before]  # what the cursor avoids
        assert not {s.id for s in first} & {s.id for s in by_cursor}


def test_a_cursor_round_trips_dates_and_checks_its_values():
    order = Keyset("articles", (SortKey(articles.c.published, True), SortKey(articles.c.pk, True)))

    when = dt.date(2026, 3, 2)
    assert order.decode(order.encode([when, 7])) == [when, 7]
    assert order.decode(order.encode([None, 7])) == [None, 7]
    assert decode_cursor(order.encode([when, 7]), "articles")["list"] == "articles"
    for bad in ([when.isoformat(), "7"], ["yesterday", 7], [when.isoformat(), 7, 8], [[1], 7]):
        with pytest.raises(CursorError):
            order.decode(encode_cursor({"list": "articles", "keys": bad}))
    with pytest.raises(CursorError, match="not a cursor of the articles list"):
        order.decode(encode_cursor({"list": "actors", "keys": [None, 1]}))


def test_an_ingest_gives_the_planner_statistics_and_the_list_reads_in_order(tmp_path):
    """SQLite without statistics scans every statement and sorts them for
    the newest-first list; an ingest leaves statistics, and the plan then
    reads the articles' date index in order."""
    import sqlalchemy as sa

    from onrecord.store.store import _STATEMENT_ORDER, _statement_rows

    with Record(f"sqlite:///{tmp_path / 'stats.db'}") as record:
        assert not record.store.has_statistics()
        record.ingest_documents(DOCUMENTS)
        assert record.store.has_statistics()
        query = _STATEMENT_ORDER.apply(_statement_rows(), limit=50, dialect="sqlite")
        sql = str(query.compile(record.store.engine, compile_kwargs={"literal_binds": True}))
        with record.store.engine.connect() as conn:
            plan = " / ".join(row[3] for row in conn.execute(sa.text("EXPLAIN QUERY PLAN " + sql)))
        assert "ix_articles_published" in plan, plan
