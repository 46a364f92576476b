"""The local runners: in this process, or in a pool of worker processes
that each load the spaCy pipeline once and parse with `nlp.pipe`.

A runner takes batches of articles (`submit`) and hands back results
(`Analysis` or `Failure`, one per article, in the order given) as they are
ready; `finish` hands back the rest. Only a bounded number of batches is in
flight, so memory stays bounded however long the input.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, Protocol

from onrecord.model import Article, Failure
from onrecord.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    from onrecord.analysis import Analysis, Analyzer


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class Runner(Protocol):
    """What an ingest's writer hands its batches to (see the module's doc)."""

    def submit(self, batch: list[Article]) -> Iterable[Analysis | Failure]: ...

    def finish(self) -> Iterable[Analysis | Failure]: ...

    def close(self) -> None: ...


class InlineRunner:
    """Analysis in this process: each batch is analysed when submitted.
    Without an analyzer it takes no batches: its results come analysed (Ray)."""

    def __init__(self, analyzer: Analyzer | None) -> None:
        self.analyzer = analyzer

    def submit(self, batch: list[Article]) -> Iterator[Analysis | Failure]:
        assert self.analyzer is not None, "a runner without an analyzer is given only analysed results"
        return self.analyzer.analyze_items(batch)

    def finish(self) -> Iterator[Analysis | Failure]:
        return iter(())

    def close(self) -> None:
        pass


_WORKER_ANALYZER: Analyzer | None = None  # a pool worker's, loaded by its initializer
PR_SET_PDEATHSIG = 1  # linux/prctl.h
PARENT_POLL_SECONDS = 0.5  # how often a worker without its parent's sentinel looks for its parent


def _start_worker(model: str | None, settings: Settings, parent_pid: int, kernel_signal: bool) -> None:
    """A pool worker's initializer: bound to its parent's life, then the
    pipeline, under the parent's settings (handed over, not re-read)."""
    _exit_with_parent(parent_pid, kernel_signal)
    _load_pipeline(model, settings)


def _exit_with_parent(parent_pid: int, kernel_signal: bool) -> None:
    """End this worker when the process that started it dies, however it
    dies: a parent killed with SIGKILL (by a user, by the OOM killer) shuts
    nothing down, and its workers would wait for work for good. On Linux the
    kernel kills the worker (PR_SET_PDEATHSIG), but only where the thread
    that started it is the parent's main thread (the signal comes when that
    thread ends). Everywhere, a thread waits on the parent's sentinel (the
    pipe the parent holds open while it lives) and ends the worker then."""
    if kernel_signal and sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl: the watching thread alone
    parent = multiprocessing.parent_process()
    sentinel = parent.sentinel if parent is not None and parent.pid == parent_pid else None
    threading.Thread(
        target=_watch_parent, args=(parent_pid, sentinel), name="onrecord-parent-watch", daemon=True
    ).start()


def _watch_parent(parent_pid: int, sentinel) -> None:
    if sentinel is not None:
        multiprocessing.connection.wait([sentinel])  # ready once the parent is gone
    else:
        while os.getppid() == parent_pid:  # a child whose parent died is given another
            time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def _load_pipeline(model: str | None, settings: Settings) -> None:
    global _WORKER_ANALYZER
    from onrecord.analysis import Analyzer

    _WORKER_ANALYZER = Analyzer(model, settings=settings)


def _analyze_batch(batch: list[Article]) -> list[Analysis | Failure]:
    assert _WORKER_ANALYZER is not None, "run only in a pool worker, after _start_worker"
    return list(_WORKER_ANALYZER.analyze_items(batch))


class PoolRunner:
    """Analysis in `workers` processes, started on the first batch that
    cannot wait: an input of one batch is analysed here, without paying for
    starting the pool."""

    def __init__(
        self,
        workers: int,
        model: str | None,
        inline_analyzer: Callable[[], Analyzer] | None = None,
        *,
        settings: Settings = DEFAULT_SETTINGS,
    ) -> None:
        self.workers = workers
        self.model = model
        self.settings = settings
        self.inline_analyzer = inline_analyzer  # a callable giving this process's Analyzer, for a lone batch
        self.pool: ProcessPoolExecutor | None = None
        self.held: list[Article] | None = None  # the first batch, held back while no pool runs: it may be the only one
        self.pending: deque[Future[list[Analysis | Failure]]] = deque()

    def _start(self) -> ProcessPoolExecutor:
        from onrecord.nlp.pipeline import check_installed

        check_installed(self.model)  # a clear error here, not a broken pool
        # The workers are started by the thread that submits (this one, the
        # writer's); the kernel's parent-death signal is safe only when it
        # is the main thread, which lives as long as the process.
        in_main_thread = threading.current_thread() is threading.main_thread()
        # spawn, not fork: the parent holds database connections and threads
        self.pool = ProcessPoolExecutor(
            self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.model, self.settings, os.getpid(), in_main_thread),
        )
        return self.pool

    def submit(self, batch: list[Article]) -> Iterator[Analysis | Failure]:
        if self.pool is None and self.held is None:
            self.held = batch
            return
        pool = self.pool if self.pool is not None else self._start()
        if self.held is not None:
            self.pending.append(pool.submit(_analyze_batch, self.held))
            self.held = None
        self.pending.append(pool.submit(_analyze_batch, batch))
        # hand back what is done, oldest first; wait when too much is in flight
        while self.pending and (
            self.pending[0].done() or len(self.pending) > self.workers * self.settings.run.in_flight_per_worker
        ):
            yield from self.pending.popleft().result()

    def finish(self) -> Iterator[Analysis | Failure]:
        if self.held is not None:  # the lone batch: analysed here
            batch, self.held = self.held, None
            analyzer = self.inline_analyzer() if self.inline_analyzer else None
            if analyzer is None:
                yield from self._start().submit(_analyze_batch, batch).result()
            else:
                yield from analyzer.analyze_items(batch)
        while self.pending:
            yield from self.pending.popleft().result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
