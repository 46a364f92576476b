"""Output formats: one registry behind `--format` on every CLI listing,
`format=` in the API and `onrecord export`.

A format writes records (records.py, the one JSON shape of each kind) to a
stream and says what it is (media type, text or binary, the kinds it fits),
so the three interfaces offer the same names, refuse the same misfits with
the same words and write the same bytes. `text` is the interfaces' own view
(Rich tables in the CLI, HTML pages on the web): named here so that every
listing offers it, drawn by each interface.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from onrecord.records import (
    ActorRecord,
    ArticleRecord,
    ChangeRecord,
    ClaimRecord,
    CorrectionRecord,
    EventRecord,
    ReadModel,
    StatementRecord,
    TimelineRecord,
)

# The kinds of record a listing or an export writes, and their read models.
# Articles' exports are their table's rows (with the text): `columns` of a
# kind without a model come from the writer's caller.
KINDS: dict[str, type[ReadModel]] = {
    "statements": StatementRecord,
    "claims": ClaimRecord,
    "events": EventRecord,
    "reversals": ChangeRecord,
    "contradictions": ChangeRecord,
    "actors": ActorRecord,
    "articles": ArticleRecord,
    "timeline": TimelineRecord,
    "corrections": CorrectionRecord,
}

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
JSONLD_CONTEXT = ["https://schema.org", {"stance": "urn:onrecord:stance"}]
PARQUET_BATCH = 5000  # rows a Parquet row group holds: memory stays bounded on any export
# A cell starting with one of these is a formula to a spreadsheet (OWASP,
# "CSV injection"): such a cell is written behind a single quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Item = ReadModel | dict[str, Any]


class FormatError(ValueError):
    """A format that is not known, or does not fit the kind of record asked for."""


@dataclass(frozen=True)
class WriteContext:
    """What a writer may need besides the records: the kind's columns (a
    table's, where the kind has no read model), typed columns for Parquet,
    and a claim's timeline for JSON-LD."""

    kind: str
    columns: list[str] = field(default_factory=list)
    arrow_schema: Any = None
    json_columns: set[str] = field(default_factory=set)
    timeline_of: Callable[[str], list[TimelineRecord]] | None = None


Writer = Callable[[Iterable[Item], Any, WriteContext], int]


@dataclass(frozen=True)
class OutputFormat:
    """A named output: what it is and how it is written (`writer` None: the
    interface draws it itself, as `text`)."""

    name: str
    media_type: str
    description: str
    writer: Writer | None = None
    binary: bool = False
    kinds: frozenset[str] | None = None  # the kinds it fits; None: every kind

    def fits(self, kind: str) -> bool:
        return self.kinds is None or kind in self.kinds


# -- the writers ----------------------------------------------------------------


def as_json(item: Item) -> dict[str, Any]:
    """A record as JSON carries it (dates as ISO text)."""
    if isinstance(item, ReadModel):
        return item.to_json()
    return {k: _plain(v) for k, v in item.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _write_json(items: Iterable[Item], stream: IO[str], context: WriteContext) -> int:
    # a JSON array written an item at a time: an export of any size streams
    n = 0
    stream.write("[")
    for item in items:
        stream.write(("," if n else "") + "\n" + json.dumps(as_json(item), ensure_ascii=False, indent=2))
        n += 1
    stream.write("\n]\n" if n else "]\n")
    return n


def _write_jsonl(items: Iterable[Item], stream: IO[str], context: WriteContext) -> int:
    n = 0
    for item in items:
        stream.write(json.dumps(as_json(item), ensure_ascii=False) + "\n")
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


def _write_csv(items: Iterable[Item], stream: IO[str], context: WriteContext) -> int:
    names = context.columns or list(KINDS[context.kind].model_fields)
    writer = csv.DictWriter(stream, fieldnames=names, extrasaction="ignore")
    writer.writerow({name: csv_cell(name) for name in names})
    n = 0
    for item in items:
        writer.writerow({k: csv_cell(v) for k, v in as_json(item).items()})
        n += 1
    return n


def _write_parquet(items: Iterable[Item], out: Any, context: WriteContext) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = context.arrow_schema if context.arrow_schema is not None else arrow_schema_of(KINDS[context.kind])
    json_columns = context.json_columns or json_fields(KINDS[context.kind])
    n = 0
    with pq.ParquetWriter(out, schema) as writer:
        batch: list[dict[str, Any]] = []

        def flush() -> None:
            if batch:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                batch.clear()

        for item in items:
            record = item.model_dump() if isinstance(item, ReadModel) else dict(item)
            for name in json_columns:
                value = record.get(name)
                record[name] = json.dumps(value, ensure_ascii=False, default=str) if value is not None else None
            batch.append(record)
            n += 1
            if len(batch) >= PARQUET_BATCH:
                flush()
        flush()
    return n


def gdelt_row(event: EventRecord) -> list[Any]:
    """An event as a row of GDELT_COLUMNS."""
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


def _write_gdelt(items: Iterable[Item], stream: IO[str], context: WriteContext) -> int:
    stream.write("\t".join(GDELT_COLUMNS) + "\n")
    n = 0
    for item in items:
        event = item if isinstance(item, EventRecord) else EventRecord.model_validate(item)
        # tabs and newlines inside a value would break the table
        stream.write("\t".join("" if v is None else " ".join(str(v).split()) for v in gdelt_row(event)) + "\n")
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


def _write_claims_jsonld(items: Iterable[Item], stream: IO[str], context: WriteContext) -> int:
    # One JSON-LD document: a graph with a node per claim, written a claim at
    # a time, so a large store does not need to fit in memory.
    if context.timeline_of is None:
        raise FormatError("claim-jsonld needs the claims' timelines: write it from a store")
    stream.write('{"@context": ' + json.dumps(JSONLD_CONTEXT) + ', "@graph": [\n')
    n = 0
    for item in items:
        claim = as_json(item)
        node = claim_jsonld(claim, context.timeline_of(claim["id"]))
        stream.write((",\n" if n else "") + json.dumps(node, ensure_ascii=False, default=str))
        n += 1
    stream.write("\n]}\n")
    return n


# -- typed columns, for Parquet -------------------------------------------------


def _kinds(annotation: Any) -> set[Any]:
    """The types a field may hold, None left out: {int} for `int | None`."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return set(typing.get_args(annotation)) - {type(None)}
    return {annotation}


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


def arrow_schema_of(model: type[ReadModel]) -> Any:
    """The Parquet schema of a read model, from its fields' types."""
    import pyarrow as pa

    fields = model.model_fields
    return pa.schema([pa.field(name, _arrow_type_of_field(f.annotation)) for name, f in fields.items()])


def json_fields(model: type[ReadModel]) -> set[str]:
    """The fields Parquet holds as JSON text: lists and objects."""
    scalars = {str, int, bool, dt.date, dt.datetime}
    return {name for name, f in model.model_fields.items() if not _kinds(f.annotation) <= scalars}


# -- the registry -----------------------------------------------------------------

FORMATS: dict[str, OutputFormat] = {
    f.name: f
    for f in (
        OutputFormat("text", "text/plain", "the interface's own view: a table in the CLI, a page on the web"),
        OutputFormat("json", "application/json", "a JSON array of records", _write_json),
        OutputFormat("jsonl", "application/x-ndjson", "JSON Lines: a record a line", _write_jsonl),
        OutputFormat("csv", "text/csv; charset=utf-8", "CSV with a header; lists and objects as JSON", _write_csv),
        OutputFormat(
            "parquet", "application/vnd.apache.parquet", "Parquet, typed columns", _write_parquet, binary=True
        ),
        OutputFormat(
            "gdelt-tsv",
            "text/tab-separated-values; charset=utf-8",
            "events as GDELT-like columns",
            _write_gdelt,
            kinds=frozenset({"events"}),
        ),
        OutputFormat(
            "claim-jsonld",
            "application/ld+json",
            "claims as schema.org Claim JSON-LD",
            _write_claims_jsonld,
            kinds=frozenset({"claims"}),
        ),
    )
}


def formats_for(kind: str, *, drawn: bool = True) -> list[str]:
    """The formats a kind of record can be written in (`drawn=False`: only
    those written as bytes or text, not the interfaces' own view)."""
    return [f.name for f in FORMATS.values() if f.fits(kind) and (drawn or f.writer is not None)]


def get_format(name: str, kind: str) -> OutputFormat:
    """The format `name` for records of `kind`, or a FormatError saying
    which formats there are for it."""
    found = FORMATS.get(name)
    if found is None:
        raise FormatError(f"unknown format {name!r}; choose one of {', '.join(formats_for(kind))}")
    if not found.fits(kind):
        fitting = ", ".join(sorted(found.kinds or ()))
        raise FormatError(f"{name} is a format for {fitting}, not {kind}; choose one of {', '.join(formats_for(kind))}")
    return found


def write(items: Iterable[Item], name: str, out: Any, context: WriteContext) -> int:
    """Write records of `context.kind` in format `name` to `out` (a text
    stream; a binary stream or a path for binary formats). Returns the count
    written."""
    chosen = get_format(name, context.kind)
    if chosen.writer is None:
        raise FormatError(f"{name} is drawn by each interface, not written to a file")
    return chosen.writer(items, out, context)


def written(items: Iterable[Item], name: str, context: WriteContext) -> str | bytes:
    """`write` into memory: the text (or bytes) of a page of records."""
    chosen = get_format(name, context.kind)
    if chosen.binary:
        buffer = io.BytesIO()
        write(items, name, buffer, context)
        return buffer.getvalue()
    text = io.StringIO()
    write(items, name, text, context)
    return text.getvalue()
