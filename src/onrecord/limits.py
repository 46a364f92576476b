"""A time limit per document, for reading and for analysis.

A page that sends a parser into a pathological path must become a failure
with a reason, not a stuck batch. A watchdog thread raises `DocumentTimeout`
in the working thread once the limit has passed (CPython's
PyThreadState_SetAsyncExc, the one way to interrupt another thread), so the
limit holds in any thread: the command line, pool workers, Ray's actor
threads and the web server's request threads. Like any Python-level
interruption it lands between bytecodes: a single long call into C (one
lxml parse) finishes first; the size caps bound those.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from onrecord.ingest.errors import IngestError

# The limit itself is a setting (settings.LimitSettings.document_seconds,
# with how it was chosen), given to each reader and to the Analyzer.
# After the limit has passed, the interruption repeats this often until the
# work stops: a library's `except Exception` may swallow one, and one that
# lands where Python cannot raise (a garbage-collector callback, a __del__)
# is dropped with a warning.
_REPEAT_SECONDS = 0.05

_limited = threading.local()  # whether this thread is already inside a limit


class DocumentTimeout(IngestError):
    """A document took longer than the time limit."""


def _interrupt(thread_id: int, exception: type[BaseException] | None) -> None:
    """Raise `exception` in that thread at its next bytecode (None: take
    back one not raised yet)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )


@contextmanager
def time_limit(what: str, seconds: float) -> Iterator[None]:
    """Raise `DocumentTimeout` in the block once it has run `seconds` (0: no
    limit). A limit inside a limit keeps the outer one."""
    if seconds <= 0 or getattr(_limited, "active", False):
        yield
        return
    target = threading.get_ident()
    finished = threading.Event()
    sent = threading.Event()  # at least one interruption was sent: the limit passed
    guard = threading.Lock()  # the block ends, or an interruption is sent: never both at once

    def watch() -> None:
        wait = seconds
        while not finished.wait(wait):
            with guard:
                if finished.is_set():
                    return
                _interrupt(target, DocumentTimeout)
                sent.set()
            wait = _REPEAT_SECONDS

    watchdog = threading.Thread(target=watch, name="onrecord-time-limit", daemon=True)
    _limited.active = True
    watchdog.start()
    reason = (
        f"{what} took longer than the time limit of {seconds:g} s per document"
        " (--time-limit, ONRECORD_TIME_LIMIT or limits.document_seconds in a settings file to change it)"
    )
    try:
        yield
    except DocumentTimeout as exc:
        if exc.args:  # another limit's, with its reason
            raise
        raise DocumentTimeout(reason) from None
    except Exception as exc:
        if sent.is_set():  # a library turned the interruption into an error of its own
            raise DocumentTimeout(reason) from exc
        raise
    finally:
        with guard:
            finished.set()
            _interrupt(target, None)  # one sent as the block ended is not raised after it
        _limited.active = False
    # Every interruption may have been swallowed (a library's `except
    # Exception` that falls back to another parser, a garbage-collector
    # callback) and the block finished anyway: it still ran past its limit,
    # and that is a failure whichever way it ended, so the outcome does not
    # depend on where the interruptions happened to land.
    if sent.is_set():
        raise DocumentTimeout(reason)
