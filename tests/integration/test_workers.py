"""Verify's read models checked in worker processes, one a core (``adapters.workers``): the same result, and the
same first problem, as one process checking them in turn, on every database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters import workers
from adapters.registry import Registry
from domain.events import AGREEMENT, stream_id
from support import fails_in_a_worker, opened_as, where_run


def checked(url: str, monkeypatch: pytest.MonkeyPatch, *, spread: bool) -> tuple:
    """What verify finds on the store at ``url``, its read models checked in worker processes or in this one; and
    how many pools of workers it started."""
    started = []

    class Counted(workers.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs) -> None:
            started.append(args)
            super().__init__(*args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(workers, "ProcessPoolExecutor", Counted)
        patched.setattr(workers, "cores", lambda: 2)
        patched.setattr(workers, "SPREAD_FROM", 0 if spread else 10**9)
        registry = Registry(url, read_only=True)
        try:
            result = registry.verify()
        finally:
            registry.close()
    return (result.intact, result.events, result.problem, result.head), len(started)


def edit(url: str, statement: str, **values: object) -> None:
    registry = Registry(url, read_only=False)
    try:
        with registry.ledger.engine.begin() as connection:
            connection.execute(text(statement), values)
    finally:
        registry.close()


def test_verify_in_worker_processes_finds_what_one_process_finds(loaded_store: str, monkeypatch: pytest.MonkeyPatch):
    alone, spread = checked(loaded_store, monkeypatch, spread=False), checked(loaded_store, monkeypatch, spread=True)
    assert alone == (spread[0], 0) and spread[1] == 1 and spread[0][0], "intact either way, the same head"

    for key in ("barnes-2000", "barnes-1995"):  # two problems: the one a single process meets first is reported
        edit(loaded_store, "UPDATE debtreg_holder_names SET names = replace(names, 'Lincoln', 'Lincoin') WHERE stream = :s",
             s=stream_id(AGREEMENT, key).hex)
    alone, spread = checked(loaded_store, monkeypatch, spread=False), checked(loaded_store, monkeypatch, spread=True)
    assert alone[0] == spread[0] and spread[1] == 1
    assert alone[0][2].startswith("the holder names kept for agreement barnes-")

    edit(loaded_store, "UPDATE debtreg_snapshots SET last_number = 2")
    alone, spread = checked(loaded_store, monkeypatch, spread=False), checked(loaded_store, monkeypatch, spread=True)
    assert alone[0] == spread[0] and "the snapshot of agreement" in alone[0][2] and "edited outside debtreg" in alone[0][2]


def test_work_is_spread_over_processes_and_comes_back_in_order(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(workers, "cores", lambda: 2)
    found = list(workers.in_order(where_run, range(40), "here", events=workers.SPREAD_FROM, opener=opened_as, url="there"))
    assert [item for _, item, _ in found] == list(range(40))
    assert {reader for reader, _, _ in found} == {"there"} and os.getpid() not in {pid for *_, pid in found}

    alone = list(workers.in_order(where_run, range(3), "here", events=workers.SPREAD_FROM - 1, opener=opened_as, url="there"))
    assert alone == [("here", item, os.getpid()) for item in range(3)], "too little to fold: done here"


def test_what_fails_in_a_worker_is_done_again_here(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(workers, "cores", lambda: 2)
    found = workers.in_order(fails_in_a_worker, range(10), None, events=workers.SPREAD_FROM, opener=opened_as, url="there")
    assert list(found) == list(range(10))


@pytest.mark.parametrize(("setting", "expected"), [("1", 1), ("3", 3), ("", None), ("many", None), ("0", 1)])
def test_debtreg_workers_caps_the_processes(setting: str, expected: int | None, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(workers.WORKERS, setting)
    monkeypatch.setattr(workers.os, "sched_getaffinity", lambda _: set(range(8)), raising=False)
    assert workers.cores() == (expected or 8)


def test_a_script_without_a_main_guard_runs_once(tmp_path: Path):
    """Worker processes import what their work needs, not the script that started them: spawned the usual way, each
    would run an unguarded script again (here, a line written; in a user's script, a load)."""
    ran, script = tmp_path / "ran.txt", tmp_path / "script.py"
    tests = Path(__file__).resolve().parents[1]
    script.write_text(f"""
import sys
sys.path[:0] = [{str(tests.parent)!r}, {str(tests)!r}]
from adapters import workers
from support import opened_as, where_run
with open({str(ran)!r}, "a") as mark:
    mark.write("ran\\n")
workers.cores = lambda: 2
found = workers.in_order(where_run, range(8), "here", events=workers.SPREAD_FROM, opener=opened_as, url="there")
print(sorted({{reader for reader, _, _ in found}}))
""")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "['there']", "")
    assert ran.read_text() == "ran\n", "the script ran once, its work in the workers"
