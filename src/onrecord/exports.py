"""Exports of the store's tables: JSON Lines, CSV, Parquet, a GDELT-like
event table, and claims as schema.org `Claim` JSON-LD.

Rows stream from the store a batch at a time, so an export of any size
keeps memory bounded. `read_export` reads a file back (the round trip the
tests check: same rows, same counts).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import types
import typing
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Integer, SmallInteger
from sqlalchemy.types import JSON

from onrecord.records import (
    ActorRecord,
    ChangeRecord,
    ClaimRecord,
    EventRecord,
    ReadModel,
    StatementRecord,
    TimelineRecord,
)
from onrecord.store.schema import metadata

TABLES = {
    "statements": "statements",
    "claims": "claims",
    "events": "events",
    "reversals": "reversals",
    "actors": "actors",
    "articles": "articles",
}
FORMATS = ("jsonl", "csv", "parquet", "gdelt-tsv", "claim-jsonld")
# Columns an export leaves out: binary or internal (the MinHash signature).
SKIPPED_COLUMNS = {"minhash", "pk"}
GDELT_COLUMNS = [
    "GLOBALEVENTID",
    "SQLDATE",
    "Actor1Code",
    "Actor2Code",
    "EventCode",
    "EventRootCode",
    "QuadClass",
    "PLOVER",
    "Happened",
    "Stance",
    "ArticleID",
    "StatementID",
    "SOURCEURL",
]
PARQUET_BATCH = 5000
# A cell starting with one of these is a formula to a spreadsheet (OWASP,
# "CSV injection"): such a cell is written behind a single quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportError(ValueError):
    """An export that cannot be made as asked (a format that does not fit the table)."""


# The record each export of a kind writes: the same JSON as the API and the
# CLI give for it (records.py). Articles are written as the table holds them.
RECORD_MODELS: dict[str, type[ReadModel]] = {
    "statements": StatementRecord,
    "claims": ClaimRecord,
    "events": EventRecord,
    "reversals": ChangeRecord,
    "actors": ActorRecord,
}


def columns(table_name: str) -> list[str]:
    if table_name in RECORD_MODELS:
        return list(RECORD_MODELS[table_name].model_fields)
    return [c.name for c in metadata.tables[table_name].columns if c.name not in SKIPPED_COLUMNS]


def _plain(value: Any) -> Any:
    """A value as JSON and CSV carry it: dates as ISO text."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def rows(store, what: str, *, as_json: bool = True) -> Iterator[dict[str, Any]]:
    """The records of `what`: as JSON carries them, or (`as_json=False`, for
    Parquet's typed columns) with dates as dates."""
    if what not in TABLES:
        raise ExportError(f"unknown table {what!r}; choose one of {', '.join(TABLES)}")
    if what in RECORD_MODELS:
        for record in store.iter_records(what):
            yield record.to_json() if as_json else record.model_dump()
        return
    keep = columns(TABLES[what])
    for row in store.iter_rows(TABLES[what]):
        yield {name: row[name] for name in keep}


def export(store, what: str, fmt: str, out: IO[str] | IO[bytes] | str | Path) -> int:
    """Write table `what` of the store in format `fmt` to `out` (a path, or a
    text stream; Parquet needs a path or a binary stream). Returns the count
    of records written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "gdelt-tsv" and what != "events":
        raise ExportError("gdelt-tsv is a format for events (--what events)")
    if fmt == "claim-jsonld" and what != "claims":
        raise ExportError("claim-jsonld is a format for claims (--what claims)")
    if fmt == "parquet":
        return _write_parquet(rows(store, what, as_json=False), TABLES[what], out)
    with _text_out(out) as stream:
        if fmt == "jsonl":
            return _write_jsonl(rows(store, what), stream)
        if fmt == "csv":
            return _write_csv(rows(store, what), columns(TABLES[what]), stream)
        if fmt == "gdelt-tsv":
            return write_gdelt(gdelt_rows(store), stream)
        return _write_claims_jsonld(store, stream)


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


def _write_jsonl(records: Iterable[dict[str, Any]], stream: IO[str]) -> int:
    n = 0
    for record in records:
        stream.write(json.dumps({k: _plain(v) for k, v in record.items()}, ensure_ascii=False) + "\n")
        n += 1
    return n


def _is_formula_like(text: str) -> bool:
    # quotes first, then a formula start: "=x", and "'=x" too, so that the
    # quote can always be taken off again (see `csv_cell_value`)
    return text.lstrip("'").startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: lists and dicts as JSON, dates as ISO text,
    and text a spreadsheet would run as a formula behind a single quote."""
    value = json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else _plain(value)
    if isinstance(value, str) and _is_formula_like(value):
        return "'" + value
    return value


def csv_cell_value(cell: str) -> str:
    """The text a CSV cell was written from: `csv_cell` undone."""
    return cell[1:] if cell.startswith("'") and _is_formula_like(cell[1:]) else cell


def _write_csv(records: Iterable[dict[str, Any]], names: list[str], stream: IO[str]) -> int:
    writer = csv.DictWriter(stream, fieldnames=names, extrasaction="ignore")
    writer.writerow({name: csv_cell(name) for name in names})
    n = 0
    for record in records:
        writer.writerow({k: csv_cell(v) for k, v in record.items()})
        n += 1
    return n


def csv_text(records: list[dict[str, Any]]) -> str:
    """Query results (lists of dicts) as CSV, the columns of the first row."""
    stream = io.StringIO()
    names = list(records[0]) if records else []
    _write_csv(records, names, stream)
    return stream.getvalue()


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


def _arrow_type_of_field(annotation: Any) -> Any:
    import pyarrow as pa

    kinds = _kinds(annotation)
    if kinds == {bool}:
        return pa.bool_()
    if kinds == {int}:
        return pa.int64()
    if kinds == {dt.datetime}:
        return pa.timestamp("us", tz="UTC")
    if kinds == {dt.date}:
        return pa.date32()
    return pa.string()  # text, and lists and objects as JSON text


def arrow_schema(table_name: str):
    import pyarrow as pa

    if table_name in RECORD_MODELS:
        fields = RECORD_MODELS[table_name].model_fields
        return pa.schema([pa.field(name, _arrow_type_of_field(f.annotation)) for name, f in fields.items()])
    table = metadata.tables[table_name]
    return pa.schema([pa.field(name, _arrow_type(table.c[name])) for name in columns(table_name)])


def _json_columns(table_name: str) -> set[str]:
    """The columns Parquet holds as JSON text: lists and objects."""
    if table_name in RECORD_MODELS:
        scalars = {str, int, bool, dt.date, dt.datetime}
        fields = RECORD_MODELS[table_name].model_fields
        return {name for name, f in fields.items() if not _kinds(f.annotation) <= scalars}
    return {c.name for c in metadata.tables[table_name].columns if isinstance(c.type, JSON)}


def _kinds(annotation: Any) -> set[Any]:
    """The types a field may hold, None left out: {int} for `int | None`."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return set(typing.get_args(annotation)) - {type(None)}
    return {annotation}


def _write_parquet(records: Iterable[dict[str, Any]], table_name: str, out: Any) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(table_name)
    json_columns = _json_columns(table_name)
    n = 0
    with pq.ParquetWriter(out if not isinstance(out, Path) else str(out), schema) as writer:
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            if batch:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch.clear()

        for record in records:
            for name in json_columns:
                value = record[name]
                record[name] = json.dumps(value, ensure_ascii=False, default=str) if value is not None else None
            batch.append(record)
            n += 1
            if len(batch) >= PARQUET_BATCH:
                flush()
        flush()
    return n


def gdelt_rows(store) -> Iterator[list[Any]]:
    """Every event as a row of GDELT_COLUMNS, a batch of the store at a time."""
    for event in store.iter_records("events"):
        yield gdelt_row(event)


def gdelt_row(event: EventRecord) -> list[Any]:
    day = event.said_on or event.published
    return [
        event.id,
        day.strftime("%Y%m%d") if day else "",
        event.source_code,
        event.target_code,
        event.code,
        event.root,
        event.quad_class if event.quad_class is not None else "",
        event.plover or "",
        int(event.happened),
        event.stance,
        event.article_id,
        event.statement_id,
        event.url,
    ]


def write_gdelt(found: Iterable[list[Any]], stream: IO[str]) -> int:
    stream.write("\t".join(GDELT_COLUMNS) + "\n")
    n = 0
    for values in found:
        # tabs and newlines inside a value would break the table
        stream.write("\t".join("" if v is None else " ".join(str(v).split()) for v in values) + "\n")
        n += 1
    return n


def claim_jsonld(claim: dict[str, Any], timeline: list[TimelineRecord]) -> dict[str, Any]:
    """A claim as schema.org `Claim`: its text and where it appeared, each
    appearance a `Quotation` by its speaker in its article. onrecord records
    who took which stance, not whether the claim is true: no `ClaimReview`."""
    appearances = []
    for row in timeline:
        speaker = row.actor_name or row.speaker_name
        appearances.append(
            {
                "@type": "Quotation",
                "@id": f"urn:onrecord:statement:{row.id}",
                "text": row.content_text,
                "spokenByCharacter": {
                    "@type": "Person" if row.actor_type == "person" else "Organization",
                    "name": speaker,
                }
                if speaker
                else None,
                "dateCreated": _plain(row.when),
                "stance": row.stance,
                "isPartOf": {
                    "@type": "NewsArticle",
                    "@id": f"urn:onrecord:article:{row.article_id}",
                    "headline": row.article_title,
                    "url": row.article_url,
                    "datePublished": _plain(row.article_published),
                },
            }
        )
    dated = [a for a in appearances if a["dateCreated"]]
    return {
        "@type": "Claim",
        "@id": f"urn:onrecord:claim:{claim['id']}",
        "text": claim["text"],
        "appearance": appearances,
        "firstAppearance": min(dated, key=lambda a: a["dateCreated"])["@id"] if dated else None,
    }


JSONLD_CONTEXT = ["https://schema.org", {"stance": "urn:onrecord:stance"}]


def _write_claims_jsonld(store, stream: IO[str]) -> int:
    # One JSON-LD document: a graph with a node per claim. Written a claim at
    # a time, so a large store does not need to fit in memory.
    stream.write('{"@context": ' + json.dumps(JSONLD_CONTEXT) + ', "@graph": [\n')
    n = 0
    for claim in store.iter_rows("claims"):
        node = claim_jsonld(claim, store.claim_timeline(claim["id"]))
        stream.write((",\n" if n else "") + json.dumps(node, ensure_ascii=False, default=str))
        n += 1
    stream.write("\n]}\n")
    return n


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
