"""The `onrecord` command: a thin layer over `onrecord.Record` and
`onrecord.Analyzer`.

Exit codes: 0 all good, 1 some inputs failed, 2 usage error (bad option,
missing model, unusable database).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape as _markup_escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from onrecord import __version__
from onrecord.ingest.dates import parse_user_date
from onrecord.ingest.errors import IngestError
from onrecord.model import Article, Failure
from onrecord.nlp.errors import ModelNotFound
from onrecord.settings import CONFIG_ENVIRONMENT, Settings, SettingsError

if TYPE_CHECKING:
    from onrecord.record import IngestReport, Record
    from onrecord.records import ChangeRecord, ReadModel, TimelineRecord
    from onrecord.store import AddResult

app = typer.Typer(
    name="onrecord",
    help="Reads the news and keeps the record: who said what, when, about which claim.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The store's schema: upgrade it, or see its version.", no_args_is_help=True)
app.add_typer(db_app, name="db")

# What a terminal would act on rather than show: escape sequences (CSI, as
# ESC [ or the C1 byte; OSC, DCS, SOS, PM, APC up to their terminator;
# two-byte escapes), then any other C0 control but newline and tab, DEL and C1.
_TERMINAL_CONTROLS = re.compile(
    r"""
      (?:\x1b\[|\x9b) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]) [^\x07\x1b\x9c\n]* (?:\x07|\x1b\\|\x9c)?
    | \x1b [\x20-\x2f]* [\x30-\x7e]?
    | [\x00-\x08\x0b-\x1f\x7f-\x9f]
""",
    re.VERBOSE,
)
_JSON_CONTROLS = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}  # json leaves DEL and C1 as they are


def terminal_safe(text: str) -> str:
    """Text from the store or an article as the terminal may show it: no
    control characters or escape sequences (clear screen, window title,
    links), newlines and tabs kept."""
    return _TERMINAL_CONTROLS.sub("", text)


def escape(text: str) -> str:
    """Data for a Rich markup string: controls taken out first (so that
    taking them out cannot make markup), then the markup escaped."""
    return _markup_escape(terminal_safe(text))


class _TerminalConsole(Console):
    """A console that shows no control characters, whatever it is given:
    every string it prints (table cells and rules included) passes here."""

    def render_str(self, text: str, **options: Any):
        return super().render_str(terminal_safe(text), **options)


out = _TerminalConsole(soft_wrap=True)
err = _TerminalConsole(stderr=True, soft_wrap=True)

EXIT_OK, EXIT_FAILURES, EXIT_USAGE = 0, 1, 2

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="ONRECORD_DB", help="Database URL or SQLite file [default: ./onrecord.db]."),
]
PublishedOption = Annotated[
    str | None,
    typer.Option("--published", help="Publication date (YYYY-MM-DD) for every input; overrides what the input says."),
]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang", help="Accepted languages, comma-separated; 'any' accepts all [default: en, ingest.languages]."
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Print a line for every article.")]
StrictOption = Annotated[bool, typer.Option("--strict", help="Stop at the first input that fails.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table (as --format json).")]
# The listings' output, named as the API's `format=` parameter (formats.py).
ListFormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="text, json, jsonl, csv or parquet (binary: to a pipe or a file); "
        "gdelt-tsv for events, claim-jsonld for claims.",
    ),
]
# A page's cursors, as the API's `after` and `before` (store/paging.py).
AfterOption = Annotated[
    str | None, typer.Option("--after", help="The page after this cursor (printed after a full page).")
]
BeforeOption = Annotated[str | None, typer.Option("--before", help="The page before this cursor.")]
ModelOption = Annotated[
    str | None, typer.Option("--model", envvar="ONRECORD_MODEL", help="Installed spaCy pipeline to use.")
]
LimitOption = Annotated[int, typer.Option(min=1, max=10_000)]
WorkersOption = Annotated[
    int | None,
    typer.Option("--workers", "-w", min=1, max=512, help="Processes that analyse articles [default: all cores]."),
]
TimeLimitOption = Annotated[
    float | None,
    typer.Option(
        "--time-limit",
        envvar="ONRECORD_TIME_LIMIT",
        min=0,
        help="Seconds one document may take to read, and again to analyse; 0: no limit [default: 60].",
    ),
]
MaxBytesOption = Annotated[
    int | None,
    typer.Option("--max-bytes", min=1, help="Size cap per input document [default: 20000000, ingest.max_bytes]."),
]
FetchDeadlineOption = Annotated[
    float | None,
    typer.Option(
        "--fetch-deadline",
        envvar="ONRECORD_FETCH_DEADLINE",
        min=0,
        help="Seconds one URL may take to fetch in all, redirects included; 0: no deadline"
        " (the --time-limit still applies) [default: 60].",
    ),
]


def _workers(value: int | None) -> int:
    from onrecord.run.local import default_workers

    return value or default_workers()


# The settings file of this run (--config, else $ONRECORD_CONFIG), set by
# the main callback before any command runs.
_config_path: str | None = None


def _settings(time_limit: float | None = None, fetch_deadline: float | None = None, **overrides: Any) -> Settings:
    """The settings of this command: the file, the environment, then its
    own options (None: not given). They travel to pool workers and Ray
    actors as values, never through the environment."""
    try:
        given = {"limits.document_seconds": time_limit, "ingest.fetch_deadline": fetch_deadline, **overrides}
        return Settings.load(_config_path, overrides=given)
    except SettingsError as exc:
        raise _usage_error(str(exc)) from None


def _usage_error(message: str) -> typer.Exit:
    err.print(f"[red]error:[/] {escape(message)}")
    return typer.Exit(EXIT_USAGE)


def _languages(lang: str | None) -> tuple[str, ...] | None:
    """--lang as a tuple (empty: any language); None when not given (the settings')."""
    if lang is None:
        return None
    return () if lang.strip().lower() in ("any", "all", "") else tuple(x.strip() for x in lang.split(",") if x.strip())


def _date_option(value: str | None, name: str) -> dt.date | None:
    try:
        return parse_user_date(value)
    except IngestError as exc:
        raise typer.BadParameter(str(exc), param_hint=name) from None


def _open_record(db: str | None, model: str | None = None, settings: Settings | None = None):
    from onrecord.record import Record

    settings = settings if settings is not None else _settings()
    try:
        return Record(db, model=model, settings=settings)
    except Exception as exc:  # noqa: BLE001 - any driver error: say which database and why
        raise _usage_error(f"cannot open the store {db or '(default)'}: {type(exc).__name__}: {exc}") from None


def _print_failure(failure: Failure, console: Console = err) -> None:
    console.print(f"[red]error:[/] {escape(failure.source_ref)}: {escape(failure.reason)}", highlight=False)


def _json_text(obj: Any, indent: int | None = None) -> str:
    """JSON for the terminal: json escapes C0 controls, and here DEL and C1
    too (the same JSON value, nothing a terminal acts on)."""
    return json.dumps(obj, ensure_ascii=False, indent=indent, default=str).translate(_JSON_CONTROLS)


def _print_json(obj: Any) -> None:
    sys.stdout.write(_json_text(obj, indent=2) + "\n")


def _list_format(output_format: str, as_json: bool, kind: str) -> str:
    """The output a listing of `kind` prints: --format (a name of the
    formats' registry, as the API's `format=`), or json for the older --json."""
    from onrecord.formats import FormatError, get_format

    name = "json" if as_json else output_format
    if name == "tsv" and kind == "events":  # the older name of gdelt-tsv
        name = "gdelt-tsv"
    try:
        get_format(name, kind)
    except FormatError as exc:
        raise typer.BadParameter(str(exc), param_hint="--format") from None
    return name


def _print_rows(
    rows: Sequence[ReadModel],
    output_format: str,
    kind: str,
    timeline_of: Callable[[str], list[TimelineRecord]] | None = None,
) -> bool:
    """Print records in a format of the registry (each record as the API
    gives it); False when the text form is wanted, which each listing draws."""
    from onrecord.formats import FORMATS, WriteContext, write

    if output_format == "text":
        return False
    context = WriteContext(kind=kind, timeline_of=timeline_of)
    if FORMATS[output_format].binary:
        if sys.stdout.isatty():
            raise _usage_error(f"{output_format} is binary: send it to a file (> FILE) or a pipe")
        write(rows, output_format, sys.stdout.buffer, context)
        sys.stdout.buffer.flush()
    else:
        text = io.StringIO()
        write(rows, output_format, text, context)
        shown = text.getvalue()
        if "json" in output_format:  # escaped as JSON escapes C0: nothing a terminal acts on
            shown = shown.translate(_JSON_CONTROLS)
        sys.stdout.write(shown)
    return True


def _paged(lister: Callable[..., Any], **params: Any) -> Any:
    """A page of a listing; a cursor that is not the listing's is a usage error."""
    from onrecord.store.paging import CursorError

    try:
        return lister(**params)
    except CursorError as exc:
        raise _usage_error(str(exc)) from None


def _hint_more(rows: Sequence[ReadModel]) -> None:
    """After a full page of the text view, where the next one starts (on
    stderr; the other formats print the records alone)."""
    cursor = getattr(rows, "after", None)
    if cursor:
        err.print(f"[dim]more: --after {cursor}[/]", highlight=False)


class _RichProgress:
    """Progress bar for `ingest`, counted in documents (a JSONL line, a feed
    entry, a WARC record, a file) with rate and ETA, and per-item lines."""

    def __init__(self, *, quiet: bool, verbose: bool) -> None:
        self.verbose = verbose
        self.articles = 0
        self.expected: dict[str, int] = {}
        self.read_in_source = 0  # documents of the source being read
        self.bar: Progress | None = None
        if not quiet and err.is_terminal:
            self.bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("documents · {task.fields[articles]} articles · {task.fields[rate]}"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            )
        self.task: TaskID | None = None

    def start(self, sources: int, expected: dict[str, int] | None = None) -> None:
        self.expected = dict(expected or {})
        if self.bar is not None:
            self.bar.start()
            total = sum(self.expected.values()) if self.expected else sources
            self.task = self.bar.add_task("ingesting", total=total, articles=0, rate="")

    def item(self, item: Article | Failure, result: AddResult | None) -> None:
        self.read_in_source += 1
        if self.bar is not None and self.task is not None and self.expected:
            self.bar.advance(self.task)
        console = self.bar.console if self.bar is not None else err
        if isinstance(item, Failure):
            _print_failure(item, console)
            return
        self.articles += 1
        if self.verbose and result is not None:
            note = f" of {result.original_id}" if result.original_id else ""
            console.print(
                f"{result.status}{note}: {result.article_id} {escape(item.title or '')} ({escape(item.source_ref)})",
                highlight=False,
            )
        if self.bar is not None and self.task is not None:
            elapsed = self.bar.tasks[0].elapsed or 0
            rate = f"{self.articles / elapsed:.1f} articles/s" if elapsed > 0 else ""
            self.bar.update(self.task, articles=self.articles, rate=rate)

    def source_done(self, ref: str) -> None:
        read, self.read_in_source = self.read_in_source, 0
        if self.bar is None or self.task is None:
            return
        if not self.expected:  # counted in sources (a Ray run's shards)
            self.bar.advance(self.task)
        elif ref in self.expected and read != self.expected[ref]:
            # a feed's entries or a WARC's records: known now that it is read
            total = self.bar.tasks[0].total or 0
            self.bar.update(self.task, total=total + read - self.expected[ref])

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@app.command()
def ingest(
    sources: Annotated[list[str], typer.Argument(help="Files, folders, http(s) URLs, or - for standard input.")],
    db: DbOption = None,
    published: PublishedOption = None,
    max_bytes: MaxBytesOption = None,
    lang: LangOption = None,
    analyze: Annotated[
        bool, typer.Option("--analyze/--no-analyze", help="Find statements and actors in what is stored.")
    ] = True,
    model: ModelOption = None,
    workers: WorkersOption = None,
    time_limit: TimeLimitOption = None,
    fetch_deadline: FetchDeadlineOption = None,
    engine: Annotated[str, typer.Option(help="local (this machine: --workers processes) or ray.")] = "local",
    address: Annotated[
        str | None, typer.Option(help="Ray cluster to join (ray://host:10001, or auto); default: a local Ray.")
    ] = None,
    shards_dir: Annotated[
        str | None,
        typer.Option(
            "--shards", help="Ray: folder for result shards and their completion markers [default: beside the store]."
        ),
    ] = None,
    allow_private: Annotated[
        bool,
        typer.Option("--allow-private", help="Fetch URLs on loopback and private networks too (refused by default)."),
    ] = False,
    shard_lines: Annotated[
        int | None,
        typer.Option(
            "--shard-lines", min=1, help="Ray: lines of a JSONL file per shard [default: 200, run.lines_per_shard]."
        ),
    ] = None,
    strict: StrictOption = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Read news into the store: text, HTML, feeds, WARC, JSONL, URLs.

    Each article is stored once (same URL or same text: a duplicate;
    a syndicated copy: linked to the original). Bad inputs are reported,
    recorded, and the rest goes on."""
    date = _date_option(published, "--published")
    if engine not in ("local", "ray"):
        raise typer.BadParameter("must be local or ray", param_hint="--engine")
    record = _open_record(db, model=model, settings=_settings(time_limit, fetch_deadline))
    progress = _RichProgress(quiet=quiet, verbose=verbose)
    options: dict[str, Any] = dict(
        published=date,
        max_bytes=max_bytes,
        languages=_languages(lang),
        strict=strict,
        analyze=analyze,
        progress=progress,
        workers=_workers(workers),
        allow_private=allow_private,
    )
    try:
        if engine == "ray":
            report = _ingest_on_ray(
                record, sources, options, address=address, shards_dir=shards_dir, lines_per_shard=shard_lines
            )
        else:
            report = record.ingest(sources, **options)
    except ModelNotFound as exc:
        raise _usage_error(str(exc)) from None
    finally:
        progress.stop()
        record.close()
    if as_json:
        _print_json(report.to_dict())
    elif not quiet:
        _print_ingest_summary(report, analyze)
    raise typer.Exit(EXIT_FAILURES if report.failed else EXIT_OK)


def _ingest_on_ray(record: Record, sources: list[str], options: dict[str, Any], **ray_options: Any) -> IngestReport:
    """The ingest on Ray: a usage error when Ray is not there."""
    from onrecord.run.ray_runner import RayUnavailable, ingest_with_ray

    try:
        return ingest_with_ray(record, sources, **options, **ray_options)
    except RayUnavailable as exc:
        raise _usage_error(str(exc)) from None


def _print_ingest_summary(report: IngestReport, analyze: bool) -> None:
    """Counts by outcome, and the ten most frequent reasons of failure."""
    parts = [
        f"[bold]{report.stored}[/] stored",
        f"{report.duplicates} duplicates",
        f"{report.near_duplicates} near-duplicates linked",
        f"[{'red' if report.failed else 'green'}]{report.failed} failed[/]",
    ] + ([f"{report.analyzed} analysed"] if analyze else [])
    err.print(" · ".join(parts) + (" (stopped at the first failure: --strict)" if report.stopped_early else ""))
    if report.failed:
        reasons: dict[str, int] = {}
        for failure in report.failures:
            reasons[failure.reason] = reasons.get(failure.reason, 0) + 1
        for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1])[:10]:
            err.print(f"  {count} × {escape(reason)}", highlight=False)


@app.command()
def articles(
    query: Annotated[str | None, typer.Argument(help='Full-text search (words, "phrases").')] = None,
    db: DbOption = None,
    source: Annotated[str | None, typer.Option(help="Only this source (site name).")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before (YYYY-MM-DD).")] = None,
    duplicates: Annotated[bool, typer.Option("--duplicates", help="Include near-duplicate copies.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 20,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    after: AfterOption = None,
    before: BeforeOption = None,
    output_format: ListFormatOption = "text",
    as_json: JsonOption = False,
) -> None:
    """List articles, newest first, or search their text."""
    output_format = _list_format(output_format, as_json, "articles")
    filters = {
        "query": query,
        "source": source,
        "since": _date_option(since, "--since"),
        "until": _date_option(until, "--until"),
        "include_duplicates": duplicates,
        "limit": limit,
        "offset": offset,
        "after": after,
        "before": before,
    }
    with _open_record(db) as record:
        found = _paged(record.articles, **filters)
    from onrecord.records import article_record
    from onrecord.store.paging import Listed

    if _print_rows(Listed([article_record(a) for a in found], found.after, found.before), output_format, "articles"):
        return
    table = Table("id", "published", "source", "title", "words", box=None, header_style="bold")
    for article in found:
        table.add_row(
            article.id,
            article.published.isoformat() if article.published else "—",
            escape(article.source or ""),
            escape(article.title or article.text[:60]),
            str(article.word_count),
        )
    out.print(table)
    _hint_more(found)
    if not found:
        err.print("no articles match")


@app.command()
def show(
    article_id: Annotated[str, typer.Argument(help="Article id (or a unique prefix of it).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one stored article: metadata, its statements, and its text."""
    with _open_record(db) as record:
        article = record.article(article_id)
        said = record.statements_where(article=article.id, limit=10_000) if article is not None else []
    if article is None:
        err.print(f"[red]error:[/] no article {escape(article_id)}")
        raise typer.Exit(EXIT_FAILURES)
    if as_json:
        from onrecord.records import article_record

        _print_json(article_record(article, text=True).to_json())
        return
    _print_article_header(article)
    out.print()
    out.print(f"[bold]Statements[/] ({len(said)})")
    for row in said:
        extras = [x for x in (row.stance, row.claim_id and f"claim {row.claim_id}", _row_day(row)) if x]
        out.print(
            "  "
            + _said(row.actor_name or row.speaker_name or row.speaker_text, row.cue_text, row.kind, row.content_text)
            + (f" [dim]({escape(' · '.join(extras))})[/]" if extras else "")
            + (" [dim](headline)[/]" if row.in_headline else ""),
            highlight=False,
        )
    out.print()
    out.print(escape(article.text), highlight=False)


def _row_day(row) -> str | None:
    day = row.said_on or row.said_until
    return day.isoformat() if day else None


@app.command()
def stats(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Counts: articles, near-duplicates, failures, sources, dates."""
    with _open_record(db) as record:
        figures = record.stats()
    if as_json:
        _print_json(figures)
        return
    table = Table(box=None, show_header=False)
    for key in (
        "articles",
        "near_duplicates",
        "words",
        "statements",
        "actors",
        "not_analyzed",
        "failures",
        "published_from",
        "published_to",
    ):
        table.add_row(key.replace("_", " "), str(figures[key]))
    for key in ("sources", "date_sources", "languages"):
        table.add_row(key.replace("_", " "), ", ".join(f"{k} {v}" for k, v in figures[key].items()))
    out.print(table)


# the learned scores of nlp.confidence (README: Confidence)
MinConfidenceOption = Annotated[
    float | None, typer.Option(min=0.0, max=1.0, help="Only statements at least this likely to be attributions (0-1).")
]
MinSpeakerConfidenceOption = Annotated[
    float | None,
    typer.Option(min=0.0, max=1.0, help="Only statements whose speaker is at least this likely right (0-1)."),
]


@app.command()
def statements(
    db: DbOption = None,
    speaker: Annotated[str | None, typer.Option(help="Speaker name, or part of it.")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Speaker's actor id (or a unique prefix).")] = None,
    country: Annotated[str | None, typer.Option(help="Speaker's country (ISO alpha-3, e.g. IRN).")] = None,
    cue: Annotated[
        str | None, typer.Option("--cue", help="Speech act: assert, admit, deny, demand, promise, ...")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="direct, indirect, mixed or continuation.")] = None,
    stance: Annotated[str | None, typer.Option(help="affirm, deny, qualify, question, conditional or neutral.")] = None,
    claim: Annotated[str | None, typer.Option(help="Only this claim's statements (claim id).")] = None,
    article: Annotated[str | None, typer.Option(help="Only this article's statements.")] = None,
    source: Annotated[
        str | None, typer.Option(help="Only statements in this outlet's articles (as `stats` lists them).")
    ] = None,
    since: Annotated[str | None, typer.Option(help="Said on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Said on or before (YYYY-MM-DD).")] = None,
    q: Annotated[str | None, typer.Option("--q", "-q", help="Words the statement contains (full text).")] = None,
    min_confidence: MinConfidenceOption = None,
    min_speaker_confidence: MinSpeakerConfidenceOption = None,
    limit: LimitOption = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    after: AfterOption = None,
    before: BeforeOption = None,
    output_format: ListFormatOption = "text",
    as_json: JsonOption = False,
) -> None:
    """Who said what: stored statements, filtered as GET /api/statements filters them."""
    output_format = _list_format(output_format, as_json, "statements")
    with _open_record(db) as record:
        if actor:
            known = record.store.get_actor(actor)
            actor = known.id if known is not None else actor
        found = _paged(
            record.statements_where,
            speaker=speaker,
            actor=actor,
            country=country,
            cue=cue,
            kind=kind,
            stance=stance,
            claim=claim,
            article=article,
            source=source,
            since=_date_option(since, "--since"),
            until=_date_option(until, "--until"),
            q=q,
            min_confidence=min_confidence,
            min_speaker_confidence=min_speaker_confidence,
            limit=limit,
            offset=offset,
            after=after,
            before=before,
        )
    if _print_rows(found, output_format, "statements"):
        return
    for row in found:
        affiliation = "-".join(x for x in (row.actor_country, row.actor_sector) if x)
        where = row.article_published.isoformat() if row.article_published else "undated"
        headline = "(headline)" if row.in_headline else ""
        facts = [x for x in (row.stance, row.claim_id and f"claim {row.claim_id}") if x]
        stance = f" [dim]({escape(' · '.join(facts))})[/]" if facts else ""
        out.print(
            _said(
                row.actor_name or row.speaker_name or row.speaker_text,
                row.cue_text,
                row.kind,
                row.content_text,
                f" [dim]({affiliation})[/]" if affiliation else "",
            )
            + stance
            + (f" [dim]{headline}[/]" if headline else "")
            + f" [dim]— {escape(row.article_title or row.article_id)}"
            + (f", {escape(row.article_source)}" if row.article_source else "")
            + f", {where}[/]",
            highlight=False,
        )
    _hint_more(found)
    if not found:
        err.print("no statements match")


@app.command()
def actors(
    db: DbOption = None,
    country: Annotated[str | None, typer.Option(help="ISO alpha-3 country, e.g. IRN.")] = None,
    name: Annotated[str | None, typer.Option(help="Name, or part of it.")] = None,
    limit: LimitOption = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    after: AfterOption = None,
    before: BeforeOption = None,
    output_format: ListFormatOption = "text",
    as_json: JsonOption = False,
) -> None:
    """People, groups and institutions, the most quoted first."""
    output_format = _list_format(output_format, as_json, "actors")
    with _open_record(db) as record:
        found = _paged(
            record.actors, country=country, name=name, limit=limit, offset=offset, after=after, before=before
        )
    if _print_rows(found, output_format, "actors"):
        return
    table = Table("name", "type", "roles", "country", "sector", "statements", box=None, header_style="bold")
    for row in found:
        table.add_row(
            escape(row.name),
            row.type,
            escape("; ".join(row.roles)),
            row.country or "",
            row.sector or "",
            str(row.statements),
        )
    out.print(table)
    _hint_more(found)


FormatOption = Annotated[str, typer.Option("--format", "-f", help="text or json.")]


def _check_format(value: str) -> None:
    if value not in ("text", "json"):
        raise typer.BadParameter("must be text or json", param_hint="--format")


@app.command()
def claims(
    query: Annotated[str | None, typer.Argument(help="Words the claim's text contains.")] = None,
    db: DbOption = None,
    q: Annotated[
        str | None, typer.Option("--q", "-q", help="Words the claim's text contains (as the argument).")
    ] = None,
    limit: LimitOption = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    after: AfterOption = None,
    before: BeforeOption = None,
    output_format: ListFormatOption = "text",
    as_json: JsonOption = False,
) -> None:
    """Claims, the most discussed first, with how many affirm and deny them."""
    output_format = _list_format(output_format, as_json, "claims")
    with _open_record(db) as record:
        found = _paged(record.claims, query=q or query, limit=limit, offset=offset, after=after, before=before)
        # claim-jsonld holds each claim's appearances: read while the store is open
        timelines = {c.id: record.store.claim_timeline(c.id) for c in found} if output_format == "claim-jsonld" else {}
    if _print_rows(found, output_format, "claims", timelines.__getitem__):
        return
    table = Table("claim", "text", "statements", "articles", "affirm", "deny", "changes", box=None, header_style="bold")
    for row in found:
        table.add_row(
            row.id,
            escape(row.text),
            str(row.statements),
            str(row.articles),
            str(row.affirm),
            str(row.deny),
            str(row.changes),
        )
    out.print(table)
    _hint_more(found)


def _timeline_line(row: TimelineRecord) -> str:
    when = row.when.isoformat() if row.when else "undated"
    if row.earlier:
        when = f"before {when}"
    speaks_for = (
        f" [dim](for {escape(row.side_name)})[/]" if row.side_name and row.side_name != row.speaker_name else ""
    )
    colour = {"affirm": "green", "deny": "red"}.get(row.stance or "", "yellow")
    return (
        f"{when:>18}  [cyan]{escape(row.speaker_name or '?')}[/]{speaks_for} [{colour}]{row.stance or '-'}[/] "
        f"{escape(row.content_text)} [dim]— {escape(row.article_title or row.article_id)}[/]"
    )


@app.command()
def timeline(
    claim_id: Annotated[str, typer.Argument(help="Claim id (or a unique prefix).")],
    db: DbOption = None,
    output_format: FormatOption = "text",
) -> None:
    """A claim's statements in time order: who, for whom, stance, when, where."""
    _check_format(output_format)
    with _open_record(db) as record:
        claim, rows = record.timeline(claim_id)
    if claim is None:
        err.print(f"[red]error:[/] no claim {escape(claim_id)}")
        raise typer.Exit(EXIT_FAILURES)
    if output_format == "json":
        _print_json({"claim": claim.to_json(), "timeline": [row.to_json() for row in rows]})
        return
    out.print(f"[bold]{escape(claim.text)}[/] [dim]({claim.id})[/]")
    for row in rows:
        out.print(_timeline_line(row), highlight=False)


def _print_reversals(found: list[ChangeRecord], output_format: str, kind: str) -> None:
    if _print_rows(found, output_format, kind):
        return
    for r in found:
        first = " [bold](first affirmation)[/]" if r.first_affirmation else ""
        out.print(
            f"[bold]{escape(r.actor)}[/] {r.kind}: [red]{r.from_stance}[/] → [green]{r.to_stance}[/]"
            f"{first} on [italic]{escape(r.claim_text)}[/] [dim]({r.claim_id})[/]"
        )
        for label, items in (("before", r.before), ("after", r.after)):
            for item in items:
                out.print(
                    f"    {label:6} {item.date.isoformat() if item.date else 'undated':>10}  {escape(item.speaker or '?')}: "
                    f"{escape(item.text)} [dim]({item.article})[/]",
                    highlight=False,
                )
    _hint_more(found)
    if not found:
        err.print("none found")


@app.command()
def reversals(
    db: DbOption = None,
    since: Annotated[str | None, typer.Option(help="Changes whose later statements are on or after this date.")] = None,
    actor: Annotated[
        str | None, typer.Option(help="Actor (state, organisation or person), or part of the name.")
    ] = None,
    claim: Annotated[str | None, typer.Option(help="Only this claim's changes (claim id).")] = None,
    output_format: ListFormatOption = "text",
    include_softenings: Annotated[
        bool, typer.Option("--softenings", help="Also deny -> conditional or qualify.")
    ] = False,
    limit: LimitOption = 100,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    after: AfterOption = None,
    before: BeforeOption = None,
) -> None:
    """When an actor changed its story: denied, then admitted (or the reverse)."""
    kinds = ("reversal", "softening") if include_softenings else ("reversal",)
    page = {"limit": limit, "offset": offset, "after": after, "before": before}
    _list_changes("reversals", db, kinds, since, actor, claim, output_format, page)


@app.command()
def contradictions(
    db: DbOption = None,
    since: Annotated[
        str | None, typer.Option(help="Contradictions whose later statements are on or after this date.")
    ] = None,
    actor: Annotated[str | None, typer.Option(help="One side's name, or part of it.")] = None,
    claim: Annotated[str | None, typer.Option(help="Only this claim's contradictions (claim id).")] = None,
    output_format: ListFormatOption = "text",
    limit: LimitOption = 100,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    after: AfterOption = None,
    before: BeforeOption = None,
) -> None:
    """Claims that one actor affirms and another denies."""
    page = {"limit": limit, "offset": offset, "after": after, "before": before}
    _list_changes("contradictions", db, ("contradiction",), since, actor, claim, output_format, page)


def _list_changes(
    listing: str,
    db: str | None,
    kinds: tuple[str, ...],
    since: str | None,
    actor: str | None,
    claim: str | None,
    output_format: str,
    page: dict[str, Any],
) -> None:
    """The changes of position (or contradictions) that `reversals` (or
    `contradictions`) lists."""
    output_format = _list_format(output_format, False, listing)
    date = _date_option(since, "--since")
    with _open_record(db) as record:
        found = _paged(record.reversals, kinds=kinds, actor=actor, since=date, claim_id=claim, **page)
    _print_reversals(found, output_format, listing)


@app.command()
def check(
    claim_text: Annotated[str, typer.Argument(help='The claim, in plain words: "Iran supplied drones to Russia".')],
    db: DbOption = None,
    model: ModelOption = None,
    output_format: FormatOption = "text",
) -> None:
    """What the store holds about a claim: who said what about it, and when."""
    _check_format(output_format)
    with _open_record(db, model=model) as record:
        try:
            found = record.check(claim_text)
        except ModelNotFound as exc:
            raise _usage_error(str(exc)) from None
    if output_format == "json":
        _print_json([claim.to_json() for claim in found])
        return
    if not found:
        err.print("nothing in the store about this claim")
        raise typer.Exit(EXIT_FAILURES)
    for claim in found:
        how = "the same claim" if claim.matched == "proposition" else f"close in meaning ({claim.score:.2f})"
        out.print(f"[bold]{escape(claim.text)}[/] [dim]({claim.id}; {how})[/]")
        for row in claim.timeline:
            out.print(_timeline_line(row), highlight=False)


@app.command()
def events(
    db: DbOption = None,
    code: Annotated[str | None, typer.Option(help="CAMEO code or prefix: 07, 072.")] = None,
    source: Annotated[str | None, typer.Option(help="Source actor code or prefix: IRN, IRNGOV.")] = None,
    target: Annotated[str | None, typer.Option(help="Target actor code or prefix.")] = None,
    happened_only: Annotated[
        bool, typer.Option("--happened", help="Leave out denied and hypothetical events.")
    ] = False,
    article: Annotated[str | None, typer.Option(help="Only this article's events.")] = None,
    limit: LimitOption = 100,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    after: AfterOption = None,
    before: BeforeOption = None,
    output_format: ListFormatOption = "text",
) -> None:
    """Who did what to whom: CAMEO-coded events in the store."""
    output_format = _list_format(output_format, False, "events")
    with _open_record(db) as record:
        found = _paged(
            record.events,
            code=code,
            source=source,
            target=target,
            happened=True if happened_only else None,
            article_id=article,
            limit=limit,
            offset=offset,
            after=after,
            before=before,
        )
    if _print_rows(found, output_format, "events"):
        return
    for row in found:
        mark = "" if row.happened else f" [yellow]({row.stance or 'not happened'})[/]"
        out.print(
            f"{row.code} [dim]{escape(row.name or '')}[/] [cyan]{row.source_code or '?'}[/] → "
            f"[cyan]{row.target_code or '-'}[/]{mark}: {escape(row.sentence or '')}",
            highlight=False,
        )
    _hint_more(found)
    if not found:
        err.print("no events match")


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, max=64, help="Server processes answering requests.")
    ] = 1,
    model: ModelOption = None,
) -> None:
    """Serve the record: the web app at / and the JSON API at /api (schema at
    /openapi.json). Writes need ONRECORD_API_TOKEN set for the server and
    sent by clients as 'Authorization: Bearer TOKEN'."""
    import uvicorn

    from onrecord.api.app import create_app

    settings = _settings()
    try:
        web = create_app(db, model=model, settings=settings)
    except Exception as exc:  # noqa: BLE001 - any driver error: say which database and why
        raise _usage_error(f"cannot open the store {db or '(default)'}: {type(exc).__name__}: {exc}") from None
    if not web.state.token:
        err.print("[yellow]note:[/] ONRECORD_API_TOKEN is not set: the API and the web app are read-only")
    shown_host = f"[{host}]" if ":" in host else host
    err.print(
        f"onrecord: serving {escape(web.state.record.store.engine.url.render_as_string(hide_password=True))}"
        f" at http://{shown_host}:{port}/ (API at /api, documentation at /docs); Ctrl+C stops it",
        highlight=False,
    )
    if workers == 1:
        uvicorn.run(web, host=host, port=port, log_level="warning")
        return
    # several processes: each builds its own app over the same store (uvicorn's factory)
    web.state.record.close()
    # uvicorn's worker processes build the app from the environment they inherit
    if db:
        os.environ["ONRECORD_DB"] = db
    if model:
        os.environ["ONRECORD_MODEL"] = model
    if _config_path:
        os.environ[CONFIG_ENVIRONMENT] = os.path.abspath(_config_path)
    uvicorn.run(
        "onrecord.api.app:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
    )


@app.command()
def export(
    db: DbOption = None,
    what: Annotated[
        str, typer.Option("--what", help="statements, claims, events, reversals, actors or articles.")
    ] = "statements",
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="jsonl, csv, parquet, gdelt-tsv (events) or claim-jsonld (claims).")
    ] = "jsonl",
    out_path: Annotated[
        str | None, typer.Option("--out", "-o", help="File to write [default: standard output; Parquet needs a file].")
    ] = None,
) -> None:
    """Write a table of the store to a file: JSON Lines, CSV, Parquet, a
    GDELT-like event table, or claims as schema.org JSON-LD."""
    from onrecord.exports import FORMATS, TABLES, ExportError
    from onrecord.exports import export as write_export

    if output_format not in FORMATS:
        raise typer.BadParameter(f"must be one of {', '.join(FORMATS)}", param_hint="--format")
    if what not in TABLES:
        raise typer.BadParameter(f"must be one of {', '.join(TABLES)}", param_hint="--what")
    if output_format == "parquet" and not out_path:
        raise _usage_error("Parquet is binary: give a file with --out")
    with _open_record(db) as record:
        try:
            n = write_export(record.store, what, output_format, out_path or sys.stdout)
        except ExportError as exc:
            raise _usage_error(str(exc)) from None
    if out_path:
        err.print(f"{n} {what} written to {escape(out_path)}")


correct_app = typer.Typer(
    help="Correct the record: kept with who and why, applied again after every re-analysis"
    " (list and undo with `onrecord corrections`).",
    no_args_is_help=True,
)
app.add_typer(correct_app, name="correct")
WhyOption = Annotated[str, typer.Option("--why", help="Why the record is wrong (kept with the correction).")]
ByOption = Annotated[
    str | None, typer.Option("--by", envvar="ONRECORD_USER", help="Who corrects it [default: your user name].")
]
TargetArgument = Annotated[str, typer.Argument(help="What is corrected: a statement, actor or claim id.")]


def _correct(db: str | None, kind: str, target: str, value: str | None, by: str | None, why: str, as_json: bool):
    from onrecord.store.corrections import CorrectionError

    with _open_record(db) as record:
        try:
            made = record.correct(kind, target, value, by=by or _user(), why=why)
        except CorrectionError as exc:
            raise _usage_error(str(exc)) from None
    if as_json:
        _print_json(made.to_json())
    else:
        out.print(f"correction {made.id}: {_correction_words(made)}", highlight=False)


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in this environment
        return "unknown"


def _correction_words(made) -> str:
    shown = {
        "stance": "stance of {target} set to {value}",
        "speaker": "speaker of {target} set to actor {value}",
        "split-actor": "speaker of {target} split off as “{value}”",
        "not-a-statement": "{target} marked as not a statement",
        "claim": "{target} moved to claim {value}",
        "rename-actor": "actor {target} renamed “{value}”",
        "merge-actors": "actor {target} merged into {value}",
        "rename-claim": "claim {target} renamed “{value}”",
        "undo": "correction {target} undone",
    }[made.kind]
    undone = " (undone)" if made.undone else ""
    return (
        escape(shown.format(target=made.target, value=made.value))
        + f" [dim]— {escape(made.made_by)}, {made.made_at:%Y-%m-%d %H:%M}: {escape(made.reason)}{undone}[/]"
    )


def _correction_command(kind: str, value_help: str, summary: str) -> None:
    """`onrecord correct KIND TARGET VALUE --why ...`: one command a kind of correction."""

    def command(
        target: TargetArgument,
        value: str,
        why: WhyOption,
        by: ByOption = None,
        db: DbOption = None,
        as_json: JsonOption = False,
    ) -> None:
        _correct(db, kind, target, value, by, why, as_json)

    command.__doc__ = summary
    # this kind's help for VALUE (annotations are strings here: set as the object itself)
    command.__annotations__["value"] = Annotated[str, typer.Argument(help=value_help)]
    correct_app.command(kind)(command)


for _kind, _value_help, _summary in (
    (
        "stance",
        "affirm, deny, qualify, question, conditional or neutral.",
        "Set a statement's stance toward its claim.",
    ),
    ("speaker", "The actor who said it (id, or a unique prefix).", "Set who made a statement."),
    (
        "split-actor",
        "The name of the actor the mention is.",
        'Split a statement\'s mention off its actor: "Obama" here is Michelle Obama, not Barack.',
    ),
    ("claim", "The claim it belongs to (id, or a unique prefix).", "Move a statement to another claim."),
    ("rename-actor", "The actor's name as it should read.", "Rename an actor."),
    (
        "merge-actors",
        "The actor it is one with (its statements go there).",
        'Merge two actors that are one person or organisation ("Obama" into "Barack Obama").',
    ),
    ("rename-claim", "The claim as it should read.", "Rewrite a claim's text."),
):
    _correction_command(_kind, _value_help, _summary)


@correct_app.command("not-a-statement")
def correct_not_a_statement(
    statement: TargetArgument, why: WhyOption, by: ByOption = None, db: DbOption = None, as_json: JsonOption = False
) -> None:
    """Take out of the record what is not a statement (a headline fragment, a quoted title)."""
    _correct(db, "not-a-statement", statement, None, by, why, as_json)


@app.command()
def corrections(
    db: DbOption = None,
    target: Annotated[str | None, typer.Option(help="One statement's, actor's or claim's history.")] = None,
    undo: Annotated[int | None, typer.Option("--undo", help="Undo this correction (with --why).")] = None,
    why: Annotated[str | None, typer.Option("--why", help="Why it is undone.")] = None,
    by: ByOption = None,
    limit: LimitOption = 100,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    after: AfterOption = None,
    before: BeforeOption = None,
    output_format: ListFormatOption = "text",
) -> None:
    """The corrections made to the record, the latest first; --undo ID takes one back."""
    output_format = _list_format(output_format, False, "corrections")
    from onrecord.store.corrections import CorrectionError

    with _open_record(db) as record:
        if undo is not None:
            if not why:
                raise _usage_error("--undo needs --why")
            try:
                made = record.undo_correction(undo, by=by or _user(), why=why)
            except CorrectionError as exc:
                raise _usage_error(str(exc)) from None
            out.print(f"correction {made.id}: {_correction_words(made)}", highlight=False)
            return
        found = _paged(record.corrections, target=target, limit=limit, offset=offset, after=after, before=before)
    if _print_rows(found, output_format, "corrections"):
        return
    for made in found:
        out.print(f"{made.id}: {_correction_words(made)}", highlight=False)
    _hint_more(found)
    if not found:
        err.print("no corrections")


@app.command()
def reanalyze(
    db: DbOption = None,
    model: ModelOption = None,
    workers: WorkersOption = None,
    time_limit: TimeLimitOption = None,
    quiet: QuietOption = False,
) -> None:
    """Find statements again in every stored article (after an upgrade of onrecord)."""
    with _open_record(db, model=model, settings=_settings(time_limit)) as record:
        try:
            report = record.reanalyze(workers=_workers(workers))
        except ModelNotFound as exc:
            raise _usage_error(str(exc)) from None
    for failure in report.failures:
        _print_failure(failure)
    if not quiet:
        err.print(f"{report.analyzed} analysed · {report.failed} failed")
    raise typer.Exit(EXIT_FAILURES if report.failed else EXIT_OK)


@app.command()
def failures(
    db: DbOption = None,
    limit: Annotated[int, typer.Option(min=1)] = 100,
    as_json: JsonOption = False,
) -> None:
    """Inputs that could not be ingested, and why (latest first)."""
    with _open_record(db) as record:
        found = record.failures(limit=limit)
    if as_json:
        _print_json(
            [{"source": f.source_ref, "reason": f.reason, "stage": f.stage, "last_seen": f.occurred_at} for f in found]
        )
        return
    for failure in found:
        out.print(f"{escape(failure.source_ref)}: {escape(failure.reason)}", highlight=False)


@app.command()
def analyze(
    sources: Annotated[list[str], typer.Argument(help="Files, folders, JSONL, http(s) URLs, or - for standard input.")],
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="text (for people); json or jsonl (one article a line): the per-article record of FORMAT.md, "
            "as scorers read it; record: one article a line as the API's records (POST /api/analyze).",
        ),
    ] = "text",
    published: PublishedOption = None,
    model: ModelOption = None,
    lang: Annotated[
        str,
        typer.Option(
            "--lang", help="Accepted languages, comma-separated; 'any' (the default here) analyses every text given."
        ),
    ] = "any",
    max_bytes: MaxBytesOption = None,
    time_limit: TimeLimitOption = None,
    fetch_deadline: FetchDeadlineOption = None,
    strict: StrictOption = False,
    quiet: QuietOption = False,
) -> None:
    """Analyse articles without a store and print their record."""
    settings = _settings(time_limit, fetch_deadline)
    from onrecord.analysis import Analyzer
    from onrecord.ingest.draft import IngestOptions
    from onrecord.ingest.sources import read_sources
    from onrecord.records import analysis_record

    if output_format not in ("text", "json", "jsonl", "record"):
        raise typer.BadParameter("must be text, json, jsonl or record", param_hint="--format")
    options = IngestOptions.from_settings(
        settings, published=_date_option(published, "--published"), languages=_languages(lang), max_bytes=max_bytes
    )
    try:
        analyzer = Analyzer(model, settings=settings)
    except ModelNotFound as exc:
        raise _usage_error(str(exc)) from None
    failed = 0
    records = []
    for item in analyzer.analyze_items(read_sources(sources, options)):
        if isinstance(item, Failure):
            failed += 1
            _print_failure(item)
            if strict:
                break
            continue
        if output_format in ("jsonl", "record"):
            shown = item.to_dict() if output_format == "jsonl" else analysis_record(item).to_json()
            sys.stdout.write(_json_text(shown) + "\n")
            sys.stdout.flush()
        elif output_format == "json":
            records.append(item.to_dict())
        else:
            _print_analysis(item)
    if output_format == "json":
        _print_json(records[0] if len(records) == 1 else records)
    if failed and not quiet:
        err.print(f"{failed} input(s) failed")
    raise typer.Exit(EXIT_FAILURES if failed else EXIT_OK)


def _print_article_header(article: Article) -> None:
    out.print(f"[bold]{escape(article.title or '(no title)')}[/]")
    date = f"{article.published.isoformat()} ({article.date_source.value})" if article.published else "date unknown"
    facts = [
        article.source,
        article.url,
        f"published {date}",
        ", ".join(article.authors) if article.authors else None,
        article.language,
        f"{article.word_count} words",
        f"id {article.id}",
    ]
    out.print(" · ".join(escape(f) for f in facts if f), style="dim", highlight=False)
    if article.duplicate_of:
        out.print(f"near-duplicate of {article.duplicate_of}", style="yellow")


def _print_analysis(analysis) -> None:
    article = analysis.article
    out.rule(escape(analysis.record_id), style="dim")
    _print_article_header(article)
    paragraphs = article.text.count("\n\n") + 1
    out.print(f"{paragraphs} paragraphs · {analysis.sentences} sentences", style="dim")
    out.print()
    actors = {actor.id: actor for actor in analysis.actors}
    for label, statements in (("Headline", analysis.headline), ("Statements", analysis.statements)):
        if label == "Headline" and not statements:
            continue
        out.print(f"[bold]{label}[/] ({len(statements)})")
        for statement in statements:
            out.print("  " + _statement_line(statement, actors.get(statement.actor_id)), highlight=False)
        out.print()
    if analysis.claims:
        out.print(f"[bold]Claims[/] ({len(analysis.claims)})")
        for claim in analysis.claims:
            out.print(
                f"  [bold]{claim.id}[/] {escape(claim.text)} [dim]({', '.join(claim.statement_ids)})[/]",
                highlight=False,
            )
        out.print()
    for label, changes in (("Reversals", analysis.reversals), ("Contradictions", analysis.contradictions)):
        if changes:
            out.print(f"[bold]{label}[/] ({len(changes)})")
            for change in changes:
                first = " (first affirmation)" if change.first_affirmation else ""
                out.print(
                    f"  [bold]{escape(change.actor)}[/] {change.kind} on {change.claim_id}: "
                    f"[red]{change.from_stance.value}[/] ({', '.join(change.before)}) → "
                    f"[green]{change.to_stance.value}[/] ({', '.join(change.after)}){first}",
                    highlight=False,
                )
            out.print()
    if analysis.events:
        from onrecord.events.codes import cameo_codes

        out.print(f"[bold]Events[/] ({len(analysis.events)})")
        for event in analysis.events:
            known = cameo_codes().get(event.code)
            where = article.text[event.span[0] : event.span[1]] if event.span else ""
            note = "" if event.happened else f" ({event.stance.value if event.stance else 'not happened'})"
            reported = f", reported by {escape(event.reported_by)}" if event.reported_by else ""
            out.print(
                f"  {event.code} {escape(known.name if known else '')}: {escape(event.source or '?')} → "
                f"{escape(event.target or '-')}"
                f"{escape(note)} [dim]“{escape(where)}”{reported}[/]",
                highlight=False,
            )
        out.print()
    if analysis.actors:
        out.print(f"[bold]Actors[/] ({len(analysis.actors)})")
        for actor in analysis.actors:
            out.print("  " + _actor_line(actor), highlight=False)
        out.print()


def _actor_line(actor) -> str:
    facts = [
        actor.type.value,
        "; ".join(actor.roles) or None,
        "-".join(x for x in (actor.country, actor.sector) if x) or None,
    ]
    return f"[cyan]{escape(actor.name)}[/] [dim]({escape(' · '.join(f for f in facts if f))})[/]"


def _statement_line(statement, actor) -> str:
    extras = []
    if statement.stance:
        extras.append(statement.stance.value)
    if statement.claim_id:
        extras.append(statement.claim_id)
    if statement.date:
        extras.append(statement.date.isoformat())
    elif statement.date_start and statement.date_end:
        extras.append(f"{statement.date_start.isoformat()}…{statement.date_end.isoformat()}")
    if statement.earlier:
        extras.append("earlier")
    tail = f" [dim]{escape('[' + ' · '.join(extras) + ']')}[/]" if extras else ""
    return _statement_core(statement, actor) + tail


def _statement_core(statement, actor) -> str:
    speaker = statement.speaker_name or (statement.speaker.text if statement.speaker else None)
    affiliation = ""
    if actor is not None and (actor.roles or actor.country):
        affiliation = f" [dim]({escape(', '.join(x for x in (actor.roles[:1] + [actor.country or '']) if x))})[/]"
    written = ""
    if statement.speaker is not None and speaker and statement.speaker.text != speaker:
        written = f" [dim](“{escape(statement.speaker.text)}”)[/]"
    cue = statement.cue.text if statement.cue else None
    return _said(speaker, cue, statement.kind.value, statement.content.text, affiliation + written)


def _said(speaker: str | None, cue: str | None, kind: str, content: str, about_speaker: str = "") -> str:
    """A statement in plain words, as a reader writes it: "Iran admitted that
    ...", "Vale told reporters: “...”", "Vale continued: “...”". The
    speech-act and kind codes are for JSON, not for reading."""
    who = f"[cyan]{escape(speaker)}[/]{about_speaker}" if speaker else "[dim](no speaker found)[/]"
    if kind == "continuation":
        verb = "continued"
    else:
        verb = cue or "said"
    joiner = ": " if kind in ("direct", "continuation") else " "
    return f"{who} [magenta]{escape(verb)}[/]{joiner}{escape(content)}"


def _pipeline(model: str | None):
    from onrecord.nlp.pipeline import load_pipeline

    try:
        return load_pipeline(model or _settings().model)
    except ModelNotFound as exc:
        raise _usage_error(str(exc)) from None


def _read_jsonl_input(path: str, fields: tuple[str, ...]) -> tuple[list[dict[str, Any]], int]:
    """Objects with the given string fields from a JSONL file or "-"; a line
    without them is reported and skipped."""
    rows, bad = [], 0
    try:
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise _usage_error(f"cannot read {path}: {exc.strerror or exc}") from None
    with stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                obj = None
                reason = f"invalid JSON ({exc.msg})"
            else:
                missing = [f for f in fields if not isinstance(obj, dict) or not isinstance(obj.get(f), str)]
                reason = f"needs string fields {', '.join(missing)}" if missing else ""
            if reason:
                bad += 1
                err.print(f"[red]error:[/] {escape(path)}#{number}: {escape(reason)}", highlight=False)
                continue
            rows.append(obj)
    return rows, bad


@app.command()
def stance(
    input_path: Annotated[str, typer.Option("--input", help="JSONL of {id, claim, text}; - for standard input.")],
    model: ModelOption = None,
) -> None:
    """What each text says of its claim: affirm, deny, or neutral (only reports it)."""
    from onrecord.claims.stance import headline_stance

    rows, bad = _read_jsonl_input(input_path, ("claim", "text"))
    nlp = _pipeline(model)
    for row, doc in zip(rows, nlp.pipe(r["text"] for r in rows)):
        verdict = headline_stance(row["claim"], row["text"], doc)
        sys.stdout.write(json.dumps({"id": row.get("id"), "stance": verdict.value}) + "\n")
    raise typer.Exit(EXIT_FAILURES if bad else EXIT_OK)


@app.command()
def group(
    input_path: Annotated[str, typer.Option("--input", help="JSONL of {id, text}; - for standard input.")],
    threshold: Annotated[float | None, typer.Option(help="Similarity to join a claim (default: calibrated).")] = None,
    model: ModelOption = None,
) -> None:
    """Group texts by the claim they make: texts with the same claim id say the same thing."""
    from onrecord.claims.matching import group_texts

    rows, bad = _read_jsonl_input(input_path, ("text",))
    nlp = _pipeline(model)
    chosen = threshold if threshold is not None else _settings().claims.group_threshold
    labels = group_texts(nlp.pipe(r["text"] for r in rows), chosen)
    numbering: dict[int, str] = {}
    for row, label in zip(rows, labels):
        claim = numbering.setdefault(label, f"c{len(numbering) + 1}")
        sys.stdout.write(json.dumps({"id": row.get("id"), "claim": claim}) + "\n")
    raise typer.Exit(EXIT_FAILURES if bad else EXIT_OK)


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Bring the store's schema to the current version (keeps all data)."""
    with _open_record(db) as record:
        from onrecord.store import migrate

        out.print(f"schema at {migrate.current_revision(record.store.engine)} ({record.store.url})")


@db_app.command("version")
def db_version(db: DbOption = None) -> None:
    """Print the store's schema revision and the one this onrecord expects."""
    from onrecord.store import migrate
    from onrecord.store.engine import make_engine

    engine = make_engine(db)
    out.print(
        f"store: {migrate.current_revision(engine) or '(empty)'} · onrecord {__version__}: {migrate.head_revision()}"
    )
    engine.dispose()


def version_callback(value: bool) -> None:
    if value:
        out.print(f"onrecord {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Print the version and exit.")
    ] = False,
    config: Annotated[
        str | None,
        typer.Option(
            "--config",
            envvar=CONFIG_ENVIRONMENT,
            help="Settings file (TOML) for every threshold and option; see `onrecord settings`.",
        ),
    ] = None,
) -> None:
    """onrecord: who said what, when, about which claim, and when they changed their story."""
    global _config_path
    _config_path = config or None


@app.command("settings")
def show_settings(
    notes: Annotated[
        bool, typer.Option("--notes/--no-notes", help="Say what each value is and how it was chosen.")
    ] = True,
) -> None:
    """Print the settings in force (defaults, --config file, environment) as a
    TOML file, each value with how it was calibrated: a file to start from."""
    sys.stdout.write(_settings().to_toml(notes=notes))


def main() -> None:
    # trafilatura and htmldate log every page they find hard; the command
    # line reports failures itself, once, with the input's name. (Set here,
    # by the application, not at import: a library leaves logging to its host.)
    for name in ("trafilatura", "htmldate"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    app()
