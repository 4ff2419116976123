"""Checks spread over processes, one a core: folding many agreements is Python, which runs on one core a process.

Each worker process opens its own reader of the store once (as the asking reader's ``reopened`` says) and is
handed items in turn; the results come back in the order of the items, so what a check reports first is what one
process would have reported first. Starting the processes costs about half a second of each core (its imports), so a check spreads
only when it has at least ``SPREAD_FROM`` events to fold. ``DEBTREG_WORKERS`` caps the processes (1: none).

A worker process is started afresh ("spawn", as on macOS and Windows: a fork would share the parent's database
connections), and imports what its work needs alone: not the caller's script, which a worker started the usual
way runs again, and without an ``if __name__ == "__main__"`` guard, would do all its work again.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import types
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from domain.errors import InvalidCommand

if TYPE_CHECKING:
    from adapters.reading import Reading

T = TypeVar("T")
R = TypeVar("R")

SPREAD_FROM = 20_000  # events to fold: below, one process finishes before others have started
STOPPING = 30  # seconds a pool's manager thread is waited for once its work is done or its processes stopped
WORKERS = "DEBTREG_WORKERS"

_reader: Any = None  # in a worker process: the reader its opener gave


class BadWorkers(InvalidCommand):
    rule = "DEBTREG_WORKERS is a whole number of worker processes"


def cores() -> int:
    """The processes worth starting: the cores this process may run on, or fewer if ``DEBTREG_WORKERS`` says so."""
    try:
        found = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        found = os.cpu_count() or 1
    capped = os.environ.get(WORKERS, "").strip()
    if capped and not capped.isdecimal():  # (int() reads every decimal digit, not superscripts)
        raise BadWorkers(f"{WORKERS} is {capped!r}: set it to a whole number of worker processes (1: none), or unset"
                         " it to use every core")
    return max(1, min(found, int(capped))) if capped else found


def workers_for(items: int) -> int:
    """The processes work on ``items`` would go to: one an item at most, one a core (``cores``). Under two are not
    worth starting, unless the asking process has work of its own meanwhile (``in_order``'s ``beside``)."""
    return min(cores(), items)


def in_order(work: Callable[[Any, T], R], items: Sequence[T], reader: Reading, *, events: int,
             here: Callable[[Any, T], R] | None = None, beside: bool = False) -> Iterator[R]:
    """``work(reader, item)`` for each item, in order: in worker processes, each with a reader of its own (opened
    as ``reader.reopened()`` says), when there are ``events`` enough to fold and cores to fold them on; else in this
    process, with ``reader``, as ``here`` does it (``work`` unless given: a caller may do it with what a worker
    lacks), as the results are asked for. Worker processes are handed all the work at once; closing what this
    returns stops them, even in the middle of an item.

    ``beside``: the caller works on something of its own meanwhile (verify checks the log while the read models are
    folded), so even one item is worth a worker.

    A worker that fails (an error, or a process lost) hands its item and those after it back to this process,
    where the same error, if any, is raised as one process would have raised it."""
    here = here or work

    def rest(done: int = 0) -> Iterator[R]:  # the items from ``done`` on, in this process
        return (here(reader, item) for item in items[done:])

    workers = workers_for(len(items))
    worth = workers >= 2 or (beside and workers == 1 and cores() >= 2)
    reopened = reader.reopened() if worth and events >= SPREAD_FROM else None
    if reopened is None:
        return rest()
    try:
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_open, initargs=reopened)
    except (OSError, NotImplementedError, ImportError):  # no processes to be had here (a sandbox without semaphores)
        return rest()
    try:
        with _script_hidden():  # the processes start as the work is handed out, here
            results = pool.map(partial(_run, work), items, chunksize=max(1, len(items) // (workers * 8)))
    except Exception:  # noqa: BLE001 - done here instead, where an error is raised as it would be without workers
        _stop(pool)
        return rest()
    return _Collected(pool, results, rest)


def _stop(pool: ProcessPoolExecutor) -> None:
    """The pool shut down, the work not started dropped, and its manager thread ended: one left running when the
    interpreter exits races the exit hook of ``concurrent.futures``, which then prints a traceback on standard
    error ("Exception ignored ... Bad file descriptor", CPython 3.11; 2 runs in 120 of a spread verify, under load).
    The work started is finished first, unless its processes were stopped (``_Collected.close``)."""
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    if manager is not None:
        manager.join(timeout=STOPPING)


class _Collected(Iterator[R]):
    """The workers' results in order, then (if a worker fails) ``rest(done)``: the items from the one it failed on,
    done here."""

    def __init__(self, pool: ProcessPoolExecutor, results: Iterator[R], rest: Callable[[int], Iterator[R]]) -> None:
        self._pool, self._results = pool, self._in_order(results, rest)

    def _in_order(self, results: Iterator[R], rest: Callable[[int], Iterator[R]]) -> Iterator[R]:
        done = 0
        try:
            for result in results:
                yield result
                done += 1
        except Exception:  # noqa: BLE001 - done again here, where an error is raised as it would be without workers
            yield from rest(done)
        finally:
            _stop(self._pool)

    def __next__(self) -> R:
        return next(self._results)

    def close(self) -> None:
        """Stop, whether or not a result was asked for: the work not started dropped, and the processes stopped in
        the middle of an item, so a caller that stops asking (verify, having found a problem) does not wait at its
        exit for folds no one will read."""
        for process in list((getattr(self._pool, "_processes", None) or {}).values()):  # none once every result is in
            process.terminate()
        self._results.close()  # (stops the pool itself if its results were being read; not if none was asked for)
        _stop(self._pool)


@contextmanager
def _script_hidden() -> Iterator[None]:
    """The caller's script (``__main__``) out of sight of the processes started meanwhile, which would import it."""
    script = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = script


def _open(opener: Callable[[Any], Any], where: Any) -> None:
    """A worker's start: its reader, and the cycle collector paused, as a command's is (``adapters.cli.run``): a
    worker folds what one request hands it, and ends with it."""
    global _reader
    gc.disable()
    _reader = opener(where)


def _run(work: Callable[[Any, T], R], item: T) -> R:
    return work(_reader, item)
