"""A time limit per document, for reading and for analysis.

A page that sends a parser into a pathological path must become a failure
with a reason, not a stuck batch. The limit is a SIGALRM timer, so it works
where the work runs on a process's main thread: the command line and the
pool's workers. Elsewhere (the web server's threads, Ray actors that run
their work on another thread) it does nothing; there the size caps bound the
work instead.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from onrecord.ingest.errors import IngestError

# Seconds one document may take in one stage (reading, or analysis after the
# parse). The slowest pathological input of tests/test_hostile_input.py
# (thousands of quotation marks) takes 7 s and the first date lookup of a
# process about 3-7 s (dateparser compiles its locale tables); a real article
# takes well under one. 60 s leaves room for a loaded machine.
DEFAULT_SECONDS = 60.0
ENVIRONMENT = "ONRECORD_TIME_LIMIT"
# After the limit has passed, the alarm repeats this often until the work
# stops, in case a library's `except Exception` swallowed the first one.
_REPEAT_SECONDS = 0.05


class DocumentTimeout(IngestError):
    """A document took longer than the time limit."""


def document_seconds() -> float:
    """The limit in force: ONRECORD_TIME_LIMIT (0 turns it off), else 60 s."""
    value = os.environ.get(ENVIRONMENT)
    if not value:
        return DEFAULT_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"{ENVIRONMENT} must be a number of seconds, not {value!r}") from None
    return max(seconds, 0.0)


def can_limit() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(what: str, seconds: float | None = None) -> Iterator[None]:
    """Raise `DocumentTimeout` in the block once it has run `seconds`
    (default: `document_seconds()`). Nested limits keep the outer one."""
    seconds = document_seconds() if seconds is None else seconds
    if seconds <= 0 or not can_limit():
        yield
        return
    outer_remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer_remaining:
        # an enclosing limit (or another user of the timer) is running: leave it be
        yield
        return

    active = True

    def expire(signum, frame):  # noqa: ARG001 - signal handler signature
        if not active:  # fired as the block ended: nothing left to stop
            return
        signal.setitimer(signal.ITIMER_REAL, _REPEAT_SECONDS)
        raise DocumentTimeout(f"{what} took longer than the time limit of {seconds:g} s per document"
                              f" ({ENVIRONMENT} or --time-limit to change it)")

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        # armed inside the try: a limit that passes at once still ends here, disarmed
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        active = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
