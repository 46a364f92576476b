"""Ingest on Ray: the input cut into shards, each shard read and analysed by
an actor that loads the spaCy pipeline once (Ray Data `map_batches` with a
callable class), its results written as a Parquet file with a completion
marker; then the shards are loaded into the store, in input order, by one
writer, which deduplicates, stores, and works out claims and reversals
incrementally, as a local ingest does.

A re-run skips every shard with a marker (its analysis is done) and every
shard already loaded into this store: a killed run resumes where it was.

    onrecord ingest news.jsonl --engine ray --workers 2            # a local Ray
    onrecord ingest s3-mounted/*.warc.gz --engine ray --address auto --shards /shared/onrecord-shards

On a cluster, the inputs and the shards folder must be reachable at the same
paths from every node (a shared file system); docs/scaling.md says more.
Ray is an optional extra: pip install 'onrecord[ray]'.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from onrecord.ingest.dates import parse_user_date
from onrecord.ingest.draft import IngestOptions
from onrecord.model import Article, Failure
from onrecord.settings import DEFAULT_SETTINGS, IngestSettings, Settings

if TYPE_CHECKING:
    from onrecord.analysis import Analysis, Analyzer

# How much one actor takes at a time: a slice of a JSONL file, or a group of
# small files (settings.RunSettings says how the sizes were chosen).
LINES_PER_SHARD = DEFAULT_SETTINGS.run.lines_per_shard
FILES_PER_SHARD = DEFAULT_SETTINGS.run.files_per_shard
RESULT_FORMAT = 1  # bumped when the pickled payload changes: older shards are redone


class RayUnavailable(RuntimeError):
    """Ray is not installed, or the cluster cannot be reached."""


@dataclass(frozen=True)
class Shard:
    """Part of the input: lines start..stop of one JSONL file, or whole files."""

    id: str
    refs: tuple[str, ...]
    kinds: tuple[str | None, ...]
    start: int | None = None
    stop: int | None = None


def _shard_id(refs: Iterable[str], start: int | None, stop: int | None) -> str:
    """Named by what it holds and by the files' sizes and times, so that a
    changed input is analysed again."""
    digest = hashlib.sha256(f"v{RESULT_FORMAT}\x00{start}\x00{stop}".encode())
    for ref in refs:
        try:
            stat = os.stat(ref)
            digest.update(f"{os.path.abspath(ref)}\x00{stat.st_size}\x00{stat.st_mtime_ns}\x00".encode())
        except OSError:
            digest.update(f"{ref}\x00".encode())
    return digest.hexdigest()[:24]


def plan_shards(
    sources: Iterable[str], lines_per_shard: int = LINES_PER_SHARD, files_per_shard: int = FILES_PER_SHARD
) -> tuple[list[Shard], list[Failure]]:
    """The shards of the input, in input order, and the sources that cannot
    be read at all."""
    from onrecord.ingest.sources import InputKind, count_lines, expand_sources

    shards: list[Shard] = []
    failures: list[Failure] = []
    group: list[tuple[str, str | None]] = []

    def close_group() -> None:
        if group:
            refs = tuple(ref for ref, _ in group)
            shards.append(Shard(_shard_id(refs, None, None), refs, tuple(kind for _, kind in group)))
            group.clear()

    for entry in expand_sources(sources):
        if isinstance(entry, Failure):
            failures.append(entry)
            continue
        ref, kind = entry
        if kind is InputKind.JSONL and ref != "-":
            close_group()
            try:
                total = count_lines(ref)
            except OSError as exc:
                failures.append(Failure(ref, f"cannot read ({exc.strerror or exc})"))
                continue
            for start in range(0, max(total, 1), lines_per_shard):
                stop = min(start + lines_per_shard, total)
                shards.append(Shard(_shard_id([ref], start, stop), (ref,), (kind.value,), start, stop))
        else:
            group.append((ref, kind.value if kind else None))
            if len(group) >= files_per_shard:
                close_group()
    close_group()
    return shards, failures


def read_shard(shard: Shard, options: IngestOptions) -> Iterator[Article | Failure]:
    from onrecord.ingest.sources import InputKind, read_articles, read_jsonl_slice

    if shard.start is not None:
        yield from read_jsonl_slice(shard.refs[0], shard.start, shard.stop, options)
        return
    for ref, kind in zip(shard.refs, shard.kinds):
        yield from read_articles(ref, InputKind(kind) if kind else None, options)


def _options_dict(options: IngestOptions) -> dict[str, Any]:
    out = asdict(options)
    out["published"] = options.published.isoformat() if options.published else None
    out["settings"] = options.settings.model_dump()
    return out


def _options(values: dict[str, Any]) -> IngestOptions:
    return IngestOptions(
        **{
            **values,
            "published": parse_user_date(values.get("published")),
            "languages": tuple(values.get("languages") or ()),
            "settings": IngestSettings.model_validate(values["settings"]),
        }
    )


def result_path(shards_dir: Path, shard_id: str) -> Path:
    return shards_dir / f"{shard_id}.parquet"


def marker_path(shards_dir: Path, shard_id: str) -> Path:
    return shards_dir / f"{shard_id}.done"


def loaded_marker(shards_dir: Path, shard_id: str, db_key: str) -> Path:
    return shards_dir / f"{shard_id}.loaded-{db_key}"


def analyze_shard(shard: Shard, options: IngestOptions, analyzer: Analyzer | None, shards_dir: Path) -> dict[str, int]:
    """Read and analyse one shard; write its results, then its marker. Each
    row is one input item in order: an article with its analysis (or the
    failure of its analysis), or a failure to read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    items = list(read_shard(shard, options))
    articles = [item for item in items if isinstance(item, Article)]
    results = iter(analyzer.analyze_items(articles) if analyzer is not None else ())
    rows: dict[str, list[Any]] = {"seq": [], "kind": [], "payload": []}
    for seq, item in enumerate(items):
        payload: Failure | Article | Analysis | tuple[Article, Failure]
        if isinstance(item, Failure):
            kind, payload = "read_failure", item
        elif analyzer is None:  # --no-analyze: the article only
            kind, payload = "article", item
        else:
            result = next(results)
            kind, payload = (
                ("analysis_failure", (item, result)) if isinstance(result, Failure) else ("analysis", result)
            )
        rows["seq"].append(seq)
        rows["kind"].append(kind)
        rows["payload"].append(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
    table = pa.table(
        {
            "seq": pa.array(rows["seq"], pa.int32()),
            "kind": pa.array(rows["kind"], pa.string()),
            "payload": pa.array(rows["payload"], pa.binary()),
        }
    )
    final = result_path(shards_dir, shard.id)
    partial = final.with_suffix(".parquet.part")
    pq.write_table(table, partial)
    os.replace(partial, final)  # whole or absent
    marker_path(shards_dir, shard.id).write_text(json.dumps({"items": len(items), "articles": len(articles)}))
    return {"items": len(items), "articles": len(articles)}


def read_results(shards_dir: Path, shard_id: str) -> Iterator[tuple[str, Any]]:
    import pyarrow.parquet as pq

    table = pq.read_table(result_path(shards_dir, shard_id)).sort_by("seq")
    for kind, payload in zip(table.column("kind").to_pylist(), table.column("payload").to_pylist()):
        # our own files, written by analyze_shard above (a shards folder is as
        # trusted as the code: do not point --shards at files from elsewhere)
        yield kind, pickle.loads(payload)


class ShardAnalyzer:
    """A Ray actor's work: loads the pipeline once, then analyses the shards
    it is given, a batch (of one shard) at a time."""

    def __init__(
        self,
        model: str | None,
        options: dict[str, Any],
        shards_dir: str,
        analyze: bool = True,
        settings: dict[str, Any] | None = None,
    ) -> None:
        from onrecord.analysis import Analyzer

        # the driver's settings, handed over as their values (not re-read from a file here)
        chosen = Settings.model_validate(settings) if settings is not None else DEFAULT_SETTINGS
        self.analyzer = Analyzer(model, settings=chosen) if analyze else None
        self.options = _options(options)
        self.shards_dir = Path(shards_dir)

    def __call__(self, batch: dict[str, Any]) -> dict[str, list]:
        done: dict[str, list[Any]] = {"shard": [], "items": []}
        for spec in batch["shard"]:
            values = json.loads(spec)
            shard = Shard(values["id"], tuple(values["refs"]), tuple(values["kinds"]), values["start"], values["stop"])
            counts = analyze_shard(shard, self.options, self.analyzer, self.shards_dir)
            done["shard"].append(shard.id)
            done["items"].append(counts["items"])
        return done


def _start_ray(workers: int, address: str | None):
    try:
        import ray
    except ImportError:
        raise RayUnavailable("Ray is not installed: pip install 'onrecord[ray]'") from None
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no calls home
    if not ray.is_initialized():
        try:
            if address:
                ray.init(address=address, log_to_driver=False, logging_level=logging.ERROR)
            else:
                # a local Ray: as many CPUs as workers, a small object store
                # (results go to Parquet files, not through Ray's memory)
                ray.init(
                    num_cpus=workers,
                    include_dashboard=False,
                    object_store_memory=256 * 1024 * 1024,
                    log_to_driver=False,
                    logging_level=logging.ERROR,
                )
        except Exception as exc:  # noqa: BLE001 - whatever Ray says, the user needs it
            raise RayUnavailable(f"cannot start or reach Ray ({address or 'local'}): {exc}") from None
    import ray.data

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    logging.getLogger("ray").setLevel(logging.ERROR)
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    return ray


def ingest_with_ray(
    record,
    sources: Iterable[str],
    *,
    workers: int = 2,
    address: str | None = None,
    shards_dir: str | Path | None = None,
    published=None,
    max_bytes: int | None = None,
    languages: Iterable[str] | None = None,
    progress=None,
    lines_per_shard: int | None = None,
    strict: bool = False,
    analyze: bool = True,
    allow_private: bool = False,
):
    """Analyse the sources on Ray, then load the results into the record's
    store. Returns the IngestReport, as `Record.ingest` does, with the same
    options: `strict` stops at the first bad input (in input order),
    `analyze=False` only reads and stores, `allow_private` lets URLs on
    private networks be fetched. Shard sizes, `languages` and `max_bytes`
    default to the record's settings."""
    from onrecord.record import IngestProgress, IngestReport

    options = record.ingest_options(
        published=parse_user_date(published), languages=languages, allow_private=allow_private, max_bytes=max_bytes
    )
    run = record.settings.run
    shards, unreadable = plan_shards(sources, lines_per_shard or run.lines_per_shard, run.files_per_shard)
    folder = Path(shards_dir) if shards_dir else _default_shards_dir(record)
    if not analyze:
        folder = folder / "unanalysed"  # shards of articles alone are not an analysed run's
    folder.mkdir(parents=True, exist_ok=True)
    todo = [s for s in shards if not marker_path(folder, s.id).exists()]
    report = IngestReport()
    progress = progress or IngestProgress()
    progress.start(len(shards))
    for failure in unreadable:
        record.store.record_failure(failure)
        report.failures.append(failure)
        if strict:
            report.stopped_early = True
            return report
    loader = _ShardLoader(record, folder, shards, report, progress, strict)
    loader.load_ready()
    if todo and not report.stopped_early:
        from onrecord.nlp.pipeline import check_installed

        if analyze:
            check_installed(record.model)
        for _ in _analysed_on_ray(record, todo, folder, options, analyze, workers, address):
            loader.load_ready()  # a shard is analysed: load what is ready while the actors go on
            if report.stopped_early:
                break
    loader.load_ready()
    return report


class _ShardLoader:
    """Loads analysed shards into the store in input order, each as soon as
    it and those before it are analysed, and marks each loaded (per store)."""

    def __init__(self, record, folder: Path, shards: list, report, progress, strict: bool) -> None:
        self.record, self.folder, self.report, self.progress, self.strict = record, folder, report, progress, strict
        self.pending = list(shards)
        self.queued: set[str] = set()
        self.writer = record._writer(0, report)
        self.db_key = hashlib.sha256(str(record.store.engine.url).encode()).hexdigest()[:12]

    def load_ready(self) -> None:
        folder, report = self.folder, self.report
        while self.pending and not report.stopped_early and marker_path(folder, self.pending[0].id).exists():
            shard = self.pending.pop(0)
            if not loaded_marker(folder, shard.id, self.db_key).exists():
                load_shard(
                    self.record, folder, shard.id, report, self.progress, self.writer, self.queued, strict=self.strict
                )
                self.writer.finish()  # the shard is in the store before its marker says so
                if report.stopped_early:
                    break  # not marked loaded: a run without --strict takes it up again
                loaded_marker(folder, shard.id, self.db_key).touch()
            self.progress.source_done(shard.id)


def _analysed_on_ray(record, todo: list, folder: Path, options: IngestOptions, analyze: bool, workers: int, address):
    """Each shard analysed by a pool of Ray actors: a row as each is done
    (its results are in its shard file)."""
    ray = _start_ray(workers, address)
    dataset = ray.data.from_items([{"shard": json.dumps(asdict(s))} for s in todo])
    analysed = dataset.map_batches(
        ShardAnalyzer,
        batch_size=1,
        compute=ray.data.ActorPoolStrategy(size=min(workers, len(todo))),
        num_cpus=1,
        fn_constructor_kwargs={
            "model": record.model,
            "options": _options_dict(options),
            "shards_dir": str(folder),
            "analyze": analyze,
            "settings": record.settings.model_dump(),
        },
    )
    return analysed.iter_rows()


def load_shard(
    record, folder: Path, shard_id: str, report, progress, writer, queued: set[str], strict: bool = False
) -> None:
    """Store a shard's results in input order: the store deduplicates as in
    a local ingest; what is stored goes to the ingest's one writer. With
    `strict`, the first failure to read stops the load (and the run)."""
    for kind, payload in read_results(folder, shard_id):
        if kind == "read_failure":
            record.store.record_failure(payload)
            report.failures.append(payload)
            progress.item(payload, None)
            if strict:
                report.stopped_early = True
                return
            continue
        if kind == "article":  # read only (--no-analyze)
            result = record.store.add_article(payload, record.settings.ingest.near_duplicate_jaccard)
            report.counts[result.status] += 1
            progress.item(payload, result)
            continue
        article, failure = payload if kind == "analysis_failure" else (payload.article, None)
        result = record.store.add_article(article, record.settings.ingest.near_duplicate_jaccard)
        report.counts[result.status] += 1
        progress.item(article, result)
        if article.id in queued:  # already on its way to the store
            continue
        # stored now, or stored by a load that was killed before its analysis
        if result.status == "stored" or (result.article_id == article.id and record.store.needs_analysis(article.id)):
            queued.add(article.id)
            writer.take_analysed(article, failure or payload)


def _default_shards_dir(record) -> Path:
    url = record.store.engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).with_suffix(".shards")
    return Path("onrecord-shards")
