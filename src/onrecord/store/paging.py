"""Keyset paging: a page of a list starts after the last row of the page
before, by the list's sort keys, not at an offset.

An offset makes the database read and throw away every row before the page
(the hundredth page of statements reads 5,000 rows to show 50), and a row
added while a reader pages shifts every later page by one: a statement is
shown twice or never. A cursor holds the sort keys of the last row shown;
the next page is the rows after it in the list's order, found through the
index on those keys whatever the page's depth.

A cursor is opaque to its reader (URL-safe base64 of JSON) and names the
list it belongs to, so one list's cursor given to another is an error, not
a wrong page. Where a list's order is not in SQL alone (a search ranked by
relevance, a timeline ordered in Python) its cursor holds an offset: the
same interface, with offset paging's limits.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Date, DateTime, and_, false, literal, or_, true
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression
from sqlalchemy.sql.operators import custom_op

T = TypeVar("T")

# The select's columns that carry a row's sort keys, for the cursor of the
# row after it (the read models ignore fields they do not declare).
_KEY_LABEL = "sort_key_{}"


class CursorError(ValueError):
    """A cursor that is not one of this list's."""


@dataclass(frozen=True)
class SortKey:
    """One term of a list's order. Nulls come last in either direction, on
    SQLite and PostgreSQL alike (their defaults differ)."""

    expression: ColumnElement[Any]
    descending: bool = False

    def unindexed(self) -> SortKey:
        """The key as SQLite's unary plus leaves it: the same value, but no
        index is used to find it. A cursor's condition is an OR of ranges
        on the sort keys; SQLite answers an OR through several index
        searches and then sorts everything they found (98 ms for a page of
        50 after row 10,000 of 100,000 statements, bench/store_queries.py),
        where reading the list's own index in order and skipping to the
        cursor's place takes 2 ms."""
        plus = UnaryExpression(self.expression, operator=custom_op("+"), type_=self.expression.type)
        return SortKey(plus, self.descending)

    def ordering(self, backwards: bool = False) -> ColumnElement[Any]:
        if backwards:  # the list's order read from its end
            term = self.expression.asc() if self.descending else self.expression.desc()
            return term.nulls_first()
        term = self.expression.desc() if self.descending else self.expression.asc()
        return term.nulls_last()

    def beyond(self, value: Any) -> ColumnElement[bool]:
        """Rows strictly after `value` on this key (nulls are last: after a
        value come the nulls; after a null, nothing on this key)."""
        if value is None:
            return false()
        bound = literal(value, type_=self.expression.type)  # a bound value, booleans too
        after = self.expression < bound if self.descending else self.expression > bound
        return or_(after, self.expression.is_(None))

    def short_of(self, value: Any) -> ColumnElement[bool]:
        """Rows strictly before `value` on this key (before a null come all
        the values; nothing comes before the first value but other values)."""
        if value is None:
            return self.expression.is_not(None)
        bound = literal(value, type_=self.expression.type)
        return self.expression > bound if self.descending else self.expression < bound

    def level(self, value: Any) -> ColumnElement[bool]:
        if value is None:
            return self.expression.is_(None)
        return self.expression == literal(value, type_=self.expression.type)


class Listed(list[T], Generic[T]):
    """A page of a list's items, the cursor of the page after it (`after`;
    None when this page is the last, or is short) and of the page before it
    (`before`; None on the first page)."""

    def __init__(self, items: Sequence[T] = (), after: str | None = None, before: str | None = None) -> None:
        super().__init__(items)
        self.after = after
        self.before = before


@dataclass(frozen=True)
class Keyset:
    """A list's order, for one named list."""

    name: str
    keys: tuple[SortKey, ...]

    def apply(
        self,
        query: Any,
        *,
        after: str | None = None,
        before: str | None = None,
        limit: int,
        offset: int = 0,
        dialect: str = "",
    ) -> Any:
        """The query in this order with its sort keys selected, `limit` rows
        starting after the cursor `after` (then `offset` rows more), or the
        `limit` rows that end just before the cursor `before` (read from the
        end: `page` turns them round)."""
        query = query.add_columns(*(k.expression.label(_KEY_LABEL.format(i)) for i, k in enumerate(self.keys)))
        # the cursor's condition, as a filter on the rows read in order (see SortKey.unindexed)
        keys = [k.unindexed() for k in self.keys] if dialect == "sqlite" else list(self.keys)
        if before:
            values, including = self._decoded(before)
            edge = _past(keys, values, backwards=True)
            if including:  # up to the cursor's own row
                edge = or_(edge, and_(true(), *(k.level(v) for k, v in zip(keys, values, strict=True))))
            query = query.where(edge)
            query = query.order_by(*(k.ordering(backwards=True) for k in self.keys))
        else:
            if after:
                query = query.where(_past(keys, self.decode(after)))
            query = query.order_by(*(k.ordering() for k in self.keys))
        return query.limit(limit + 1).offset(offset)  # one row more: whether the page is the last

    def page(
        self,
        rows: Sequence[Any],
        build: Callable[[Sequence[Any]], list[T]],
        *,
        limit: int,
        after: str | None = None,
        before: str | None = None,
        offset: int = 0,
    ) -> Listed[T]:
        """The page of the records `build` makes of `rows` (as `apply` asked
        for them), with the cursors of the pages after and before it."""
        more = len(rows) > limit  # the row after the page (before it, read backwards) exists
        rows = list(rows[:limit])
        if before:
            rows.reverse()
        if not rows:
            # past the end of the list: the page before ends on the cursor's own row
            return Listed([], before=self._including(after) if after else None)
        first, last = self.encode(self._keys_of(rows[0])), self.encode(self._keys_of(rows[-1]))
        if before:  # read backwards: after the page is at least the cursor's row
            return Listed(build(rows), after=last, before=first if more else None)
        return Listed(build(rows), after=last if more else None, before=first if (after or offset) else None)

    def fetch(
        self,
        conn: Any,
        query: Any,
        build: Callable[[Sequence[Any]], list[T]],
        *,
        limit: int,
        offset: int = 0,
        after: str | None = None,
        before: str | None = None,
    ) -> Listed[T]:
        """`apply`, run on `conn`, and its `page` of records."""
        asked = self.apply(query, after=after, before=before, limit=limit, offset=offset, dialect=conn.dialect.name)
        rows = conn.execute(asked).all()
        return self.page(rows, build, limit=limit, after=after, before=before, offset=offset)

    def _keys_of(self, row: Any) -> list[Any]:
        return [row._mapping[_KEY_LABEL.format(i)] for i in range(len(self.keys))]

    def encode(self, values: list[Any], *, including: bool = False) -> str:
        data: dict[str, Any] = {"list": self.name, "keys": [_plain(v) for v in values]}
        if including:
            data["including"] = True
        return encode_cursor(data)

    def decode(self, cursor: str) -> list[Any]:
        return self._decoded(cursor)[0]

    def _decoded(self, cursor: str) -> tuple[list[Any], bool]:
        data = decode_cursor(cursor, self.name)
        values = data.get("keys")
        if not isinstance(values, list) or len(values) != len(self.keys):
            raise CursorError(f"not a cursor of the {self.name} list")
        typed = [_typed(key, value) for key, value in zip(self.keys, values, strict=True)]
        return typed, data.get("including") is True

    def _including(self, cursor: str) -> str:
        """The cursor of the page that ends on `cursor`'s own row."""
        return self.encode(self.decode(cursor), including=True)


def _past(keys: Sequence[SortKey], values: list[Any], *, backwards: bool = False) -> ColumnElement[bool]:
    """The rows after the cursor's values in the list's order (before them,
    `backwards`): (k1 past v1) or (k1 = v1 and k2 past v2) or ..., the row
    order of several keys in mixed directions, which a row-value comparison
    cannot say."""
    terms = []
    for i, key in enumerate(keys):
        level = [keys[j].level(values[j]) for j in range(i)]
        edge = key.short_of(values[i]) if backwards else key.beyond(values[i])
        terms.append(and_(true(), *level, edge))
    return or_(*terms)


def offset_cursor(name: str, offset: int) -> str:
    """The cursor of a list paged by offset (its order is not in SQL): it
    holds where the page it leads to starts, whether given as `after` or
    as `before`."""
    return encode_cursor({"list": name, "offset": offset})


def offset_start(name: str, *, after: str | None, before: str | None, offset: int = 0) -> int:
    """Where a page of a list paged by offset starts."""
    cursor = after or before
    if not cursor:
        return offset
    start = decode_cursor(cursor, name).get("offset")
    if not isinstance(start, int) or isinstance(start, bool) or start < 0:
        raise CursorError(f"not a cursor of the {name} list")
    return start + offset


def offset_page(name: str, items: Sequence[T], *, start: int, limit: int, more: bool) -> Listed[T]:
    """A page of a list paged by offset, with the cursors of its neighbours."""
    return Listed(
        items,
        after=offset_cursor(name, start + limit) if more else None,
        before=offset_cursor(name, max(start - limit, 0)) if start > 0 else None,
    )


def encode_cursor(data: dict[str, Any]) -> str:
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, name: str) -> dict[str, Any]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise CursorError(f"not a cursor of the {name} list (a cursor is the `after` of a page's next link)") from None
    if not isinstance(data, dict) or data.get("list") != name:
        raise CursorError(f"not a cursor of the {name} list (a cursor is the `after` of a page's next link)")
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _typed(key: SortKey, value: Any) -> Any:
    """A cursor's value as the key's column type binds it (a value of
    another type is an error here, not a database error later)."""
    if value is None:
        return None
    kind = key.expression.type
    try:
        expected = kind.python_type
    except NotImplementedError:  # an expression of no declared type (a search rank)
        expected = None
    try:
        if isinstance(kind, DateTime):
            return dt.datetime.fromisoformat(value)
        if isinstance(kind, Date):
            return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CursorError("a cursor's value is not of its key's type") from None
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if expected is not None and (type(value) is not expected):
        raise CursorError("a cursor's value is not of its key's type")
    if expected is None and not isinstance(value, int | float | str):
        raise CursorError("a cursor's value is not of its key's type")
    return value
