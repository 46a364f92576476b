"""Exports of the store's tables: JSON Lines, CSV, Parquet, a GDELT-like
event table, and claims as schema.org `Claim` JSON-LD, written by the
formats' registry (formats.py) as the CLI's listings and the API write them.

Rows stream from the store a batch at a time, so an export of any size
keeps memory bounded. `read_export` reads a file back (the round trip the
tests check: same rows, same counts).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Integer, SmallInteger
from sqlalchemy.types import JSON

from onrecord import formats
from onrecord.formats import FormatError, WriteContext, arrow_schema_of, csv_cell_value, json_fields
from onrecord.records import ReadModel
from onrecord.store.schema import metadata

TABLES = {
    "statements": "statements",
    "claims": "claims",
    "events": "events",
    "reversals": "reversals",
    "actors": "actors",
    "articles": "articles",
}
# What `onrecord export` writes: the registry's formats that are written
# (not drawn), the same names as `--format` on a listing and `format=` in the API.
FORMATS = tuple(name for name, f in formats.FORMATS.items() if f.writer is not None and name != "json")
# Columns an export leaves out: binary or internal (the MinHash signature).
SKIPPED_COLUMNS = {"minhash", "pk"}


class ExportError(ValueError):
    """An export that cannot be made as asked (a format that does not fit the table)."""


# The record each export of a kind writes: the same JSON as the API and the
# CLI give for it (records.py). Articles are written as the table holds them.
RECORD_MODELS: dict[str, type[ReadModel]] = {
    kind: formats.KINDS[kind] for kind in ("statements", "claims", "events", "reversals", "actors")
}


def columns(table_name: str) -> list[str]:
    if table_name in RECORD_MODELS:
        return list(RECORD_MODELS[table_name].model_fields)
    return [c.name for c in metadata.tables[table_name].columns if c.name not in SKIPPED_COLUMNS]


def rows(store, what: str, *, as_json: bool = True) -> Iterator[Any]:
    """The records of `what`, a batch of the store at a time: read models,
    or for articles the table's rows (with the text)."""
    if what not in TABLES:
        raise ExportError(f"unknown table {what!r}; choose one of {', '.join(TABLES)}")
    if what in RECORD_MODELS:
        yield from store.iter_records(what)
        return
    keep = columns(TABLES[what])
    for row in store.iter_rows(TABLES[what]):
        yield {name: row[name] for name in keep}


def export_context(store, what: str) -> WriteContext:
    """What the writers need to write `what` from a store."""
    if what in RECORD_MODELS:
        return WriteContext(kind=what, timeline_of=store.claim_timeline)
    return WriteContext(
        kind=what, columns=columns(what), arrow_schema=arrow_schema(what), json_columns=_json_columns(what)
    )


def export(store, what: str, fmt: str, out: IO[str] | IO[bytes] | str | Path) -> int:
    """Write table `what` of the store in format `fmt` to `out` (a path, or a
    text stream; Parquet needs a path or a binary stream). Returns the count
    of records written."""
    if what not in TABLES:
        raise ExportError(f"unknown table {what!r}; choose one of {', '.join(TABLES)}")
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    try:
        chosen = formats.FORMATS[fmt]
        if not chosen.fits(what):
            raise ExportError(f"{fmt} is a format for {', '.join(sorted(chosen.kinds or ()))} (--what)")
        context = export_context(store, what)
        if chosen.binary:
            return formats.write(rows(store, what), fmt, str(out) if isinstance(out, Path) else out, context)
        with _text_out(out) as stream:
            return formats.write(rows(store, what), fmt, stream, context)
    except FormatError as exc:
        raise ExportError(str(exc)) from None


class _text_out:
    def __init__(self, out: Any) -> None:
        self.out = out
        self.opened: IO[str] | None = None  # a file opened here, closed on exit

    def __enter__(self) -> IO[str]:
        if isinstance(self.out, str | Path):
            self.opened = open(self.out, "w", encoding="utf-8", newline="")
            return self.opened
        return self.out

    def __exit__(self, *exc: object) -> None:
        if self.opened is not None:
            self.opened.close()


def _arrow_type(column: Any) -> Any:
    import pyarrow as pa

    kind = column.type
    if isinstance(kind, Boolean):
        return pa.bool_()
    if isinstance(kind, Integer | SmallInteger | BigInteger):
        return pa.int64()
    if isinstance(kind, DateTime):
        return pa.timestamp("us", tz="UTC")
    if isinstance(kind, Date):
        return pa.date32()
    return pa.string()  # text, and JSON columns as JSON text


def arrow_schema(table_name: str):
    import pyarrow as pa

    if table_name in RECORD_MODELS:
        return arrow_schema_of(RECORD_MODELS[table_name])
    table = metadata.tables[table_name]
    return pa.schema([pa.field(name, _arrow_type(table.c[name])) for name in columns(table_name)])


def _json_columns(table_name: str) -> set[str]:
    """The columns Parquet holds as JSON text: lists and objects."""
    if table_name in RECORD_MODELS:
        return json_fields(RECORD_MODELS[table_name])
    return {c.name for c in metadata.tables[table_name].columns if isinstance(c.type, JSON)}


def read_export(path: str | Path, fmt: str) -> list[dict[str, Any]]:
    """Read an export back: its records as dicts (for JSON-LD, the graph's nodes)."""
    path = Path(path)
    if fmt == "jsonl":
        return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    if fmt == "csv":
        with path.open(encoding="utf-8", newline="") as f:
            return [
                {csv_cell_value(k): csv_cell_value(v) if isinstance(v, str) else v for k, v in row.items()}
                for row in csv.DictReader(f)
            ]
    if fmt == "gdelt-tsv":
        with path.open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.read_table(str(path)).to_pylist()
    if fmt == "claim-jsonld":
        return json.loads(path.read_text("utf-8"))["@graph"]
    raise ExportError(f"unknown format {fmt!r}")
