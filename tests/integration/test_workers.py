"""Work spread over worker processes, one a core (``adapters.workers``): verify's read models, with the same result
and the same first problem as one process checking them in turn, on every database; `holders` across many
agreements, the same view, of the same moment, as one process gives; and `debtreg snapshots`, the same snapshots."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters import journal, queries, workers
from adapters.encoding import to_json
from adapters.entries import TransferEntry
from adapters.queries import Queries
from adapters.reader import FileReader
from adapters.registry import Registry
from domain.events import AGREEMENT, stream_id
from support import DEBTREG, HERE, collects, fails_in_a_worker, opened, waits, where_run, writer

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import history  # noqa: E402 - the benchmarks' synthetic journals

SYNTHETIC = ("synthetic-a", "synthetic-b")


def checked(url: str, monkeypatch: pytest.MonkeyPatch, *, spread_out: bool) -> tuple:
    """What verify finds on the store at ``url``, its read models checked in worker processes or in this one; and
    how many pools of workers it started."""
    with monkeypatch.context() as patched:
        pools = spread(patched).pools if spread_out else []
        patched.setattr(workers, "SPREAD_FROM", 0 if spread_out else 10**9)
        registry = Registry(url, read_only=True)
        try:
            result = registry.verify()
        finally:
            registry.close()
    return (result.intact, result.events, result.problem, result.head), len(pools)


def edit(url: str, statement: str, **values: object) -> None:
    registry = Registry(url, read_only=False)
    try:
        with registry.ledger.engine.begin() as connection:
            connection.execute(text(statement), values)
    finally:
        registry.close()


def test_verify_in_worker_processes_finds_what_one_process_finds(loaded_store: str, monkeypatch: pytest.MonkeyPatch):
    alone, apart = checked(loaded_store, monkeypatch, spread_out=False), checked(loaded_store, monkeypatch, spread_out=True)
    assert alone == (apart[0], 0) and apart[1] == 1 and apart[0][0], "intact either way, the same head"

    for key in ("barnes-2000", "barnes-1995"):  # two problems: the one a single process meets first is reported
        edit(loaded_store, "UPDATE debtreg_holder_names SET names = replace(names, 'Lincoln', 'Lincoin') WHERE stream = :s",
             s=stream_id(AGREEMENT, key).hex)
    alone, apart = checked(loaded_store, monkeypatch, spread_out=False), checked(loaded_store, monkeypatch, spread_out=True)
    assert alone[0] == apart[0] and apart[1] == 1
    assert alone[0][2].startswith("the holder names kept for agreement barnes-")

    edit(loaded_store, "UPDATE debtreg_snapshots SET last_number = 2")
    alone, apart = checked(loaded_store, monkeypatch, spread_out=False), checked(loaded_store, monkeypatch, spread_out=True)
    assert alone[0] == apart[0] and "the snapshot of agreement" in alone[0][2] and "edited outside debtreg" in alone[0][2]

    # an event edited: the log's problem, whatever the read models' (their workers started beside the log's check)
    registry = Registry(loaded_store, read_only=False)
    try:
        events = registry.ledger.events_table
        with registry.ledger.engine.begin() as connection:
            connection.execute(events.update().values(state=b'{"edited": true}').where(
                (events.c.originator_id == stream_id(AGREEMENT, "barnes-1995")) & (events.c.originator_version == 3)))
    finally:
        registry.close()
    alone, apart = checked(loaded_store, monkeypatch, spread_out=False), checked(loaded_store, monkeypatch, spread_out=True)
    assert alone[0] == apart[0] and apart[1] == 1
    assert alone[0][2].startswith("event 3 of agreement barnes-1995 does not match the tree head signed by")


def test_work_is_spread_over_processes_and_comes_back_in_order(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(workers, "cores", lambda: 2)
    found = list(workers.in_order(where_run, range(40), HERE, events=workers.SPREAD_FROM))
    assert [item for _, item, _ in found] == list(range(40))
    assert {reader for reader, _, _ in found} == {"there"} and os.getpid() not in {pid for *_, pid in found}

    alone = list(workers.in_order(where_run, range(3), HERE, events=workers.SPREAD_FROM - 1))
    assert alone == [("here", item, os.getpid()) for item in range(3)], "too little to fold: done here"


def test_work_done_beside_the_callers_own_goes_to_a_worker_at_once(monkeypatch: pytest.MonkeyPatch):
    """Verify folds the read models while it checks the log: even one item is worth a worker then, and the work is
    handed out before a result is asked for."""
    monkeypatch.setattr(workers, "cores", lambda: 2)
    assert list(workers.in_order(where_run, [7], HERE, events=workers.SPREAD_FROM))[0][0] == "here"
    before = set(multiprocessing.active_children())
    beside = workers.in_order(where_run, [7], HERE, events=workers.SPREAD_FROM, beside=True)
    assert len(set(multiprocessing.active_children()) - before) == 1, "started before the first result is asked for"
    assert [(reader, item) for reader, item, _ in beside] == [("there", 7)]
    monkeypatch.setattr(workers, "cores", lambda: 1)
    assert list(workers.in_order(where_run, [7], HERE, events=workers.SPREAD_FROM, beside=True))[0][0] == "here"


@pytest.mark.parametrize("asked", [0, 1])
def test_work_no_longer_asked_for_is_stopped_in_the_middle(asked: int, monkeypatch: pytest.MonkeyPatch):
    """A caller that stops asking (verify, the log found broken) does not wait for its workers to finish."""
    monkeypatch.setattr(workers, "cores", lambda: 2)
    before = set(multiprocessing.active_children())
    found = workers.in_order(waits, [0, 1, 2], HERE, events=workers.SPREAD_FROM, beside=True)
    started = set(multiprocessing.active_children()) - before
    assert len(started) == 2
    assert [next(found) for _ in range(asked)] == list(range(asked))
    found.close()
    deadline = time.monotonic() + 10  # (polled: the pool's own thread may reap them first)
    while any(process.is_alive() for process in started) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(process.is_alive() for process in started), "stopped in the middle of their minute"


def test_a_worker_folds_without_the_cycle_collector_as_a_command_does(monkeypatch: pytest.MonkeyPatch):
    """Its full collections walk every object a long fold keeps (a third of the fold's time, in a command); a
    worker's objects last as long as the request that started it."""
    monkeypatch.setattr(workers, "cores", lambda: 2)
    assert list(workers.in_order(collects, range(4), HERE, events=workers.SPREAD_FROM)) == [False] * 4


def test_what_fails_in_a_worker_is_done_again_here(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(workers, "cores", lambda: 2)
    found = workers.in_order(fails_in_a_worker, range(10), HERE, events=workers.SPREAD_FROM)
    assert list(found) == list(range(10))


def test_where_no_process_can_be_started_the_work_is_done_here(monkeypatch: pytest.MonkeyPatch):
    def refused(*args, **kwargs) -> None:
        raise OSError(38, "Function not implemented")  # as sem_open answers in some sandboxes

    monkeypatch.setattr(workers, "cores", lambda: 2)
    monkeypatch.setattr(workers, "ProcessPoolExecutor", refused)
    found = workers.in_order(where_run, range(5), HERE, events=workers.SPREAD_FROM)
    assert list(found) == [("here", item, os.getpid()) for item in range(5)]


@pytest.mark.parametrize(("setting", "expected"), [("1", 1), ("3", 3), ("", None), (" 2 ", 2), ("0", 1), ("12", 8)])
def test_debtreg_workers_caps_the_processes(setting: str, expected: int | None, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(workers.WORKERS, setting)
    monkeypatch.setattr(workers.os, "sched_getaffinity", lambda _: set(range(8)), raising=False)
    assert workers.cores() == (expected or 8)


@pytest.mark.parametrize("setting", ["many", "-1", "1.5", "\u00b2", "2\x1b[31m"])
def test_a_debtreg_workers_that_is_not_a_number_is_refused_by_name(setting: str, loaded_file: Path,
                                                                  monkeypatch: pytest.MonkeyPatch):
    from typer.testing import CliRunner

    from adapters.cli import app

    monkeypatch.setenv(workers.WORKERS, setting)
    ran = CliRunner().invoke(app, ["--db", f"sqlite:///{loaded_file}", "verify"])
    assert ran.exit_code == 1 and ran.stdout == "" and "\x1b" not in ran.stderr
    assert ran.stderr.startswith(f"debtreg: refused: DEBTREG_WORKERS is {setting!r}: set it to a whole number")


def test_a_script_without_a_main_guard_runs_once(tmp_path: Path):
    """Worker processes import what their work needs, not the script that started them: spawned the usual way, each
    would run an unguarded script again (here, a line written; in a user's script, a load)."""
    ran, script = tmp_path / "ran.txt", tmp_path / "script.py"
    tests = Path(__file__).resolve().parents[1]
    script.write_text(f"""
import sys
sys.path[:0] = [{str(tests.parent)!r}, {str(tests)!r}]
from adapters import workers
from support import HERE, where_run
with open({str(ran)!r}, "a") as mark:
    mark.write("ran\\n")
workers.cores = lambda: 2
found = workers.in_order(where_run, range(8), HERE, events=workers.SPREAD_FROM)
print(sorted({{reader for reader, _, _ in found}}))
""")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "['there']", "")
    assert ran.read_text() == "ran\n", "the script ran once, its work in the workers"


@pytest.fixture(scope="module")
def many_file(loaded_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixtures (whose registers cite assumptions) and two synthetic agreements (whose registers cite none)."""
    folder = tmp_path_factory.mktemp("many")
    path = folder / "many.sqlite"
    shutil.copyfile(loaded_file, path)
    for key in SYNTHETIC:
        (folder / f"{key}.toml").write_text(history.journal(key, 24))
    registry = writer(f"sqlite:///{path}")
    try:
        journal.load(registry, [folder])
    finally:
        registry.close()
    return path


@dataclass
class Spread:
    here: list[str] = field(default_factory=list)  # the agreements whose registers the asking process works out
    pools: list[int] = field(default_factory=list)  # the pools of worker processes started, by size


def spread(monkeypatch: pytest.MonkeyPatch) -> Spread:
    """Work spread over two processes from now on, whatever its size: what this process does itself, and the pools
    of workers started."""
    seen, among = Spread(), queries._register_among

    def counted(stream, key, *args):  # noqa: ANN001, ANN202
        seen.here.append(key)
        return among(stream, key, *args)

    class Counted(workers.ProcessPoolExecutor):
        def __init__(self, size: int, **kwargs) -> None:
            seen.pools.append(size)
            super().__init__(size, **kwargs)

    monkeypatch.setattr(workers, "cores", lambda: 2)
    monkeypatch.setattr(workers, "SPREAD_FROM", 0)
    monkeypatch.setattr("adapters.reading.KEPT_VIEWS", 0)  # every register worked out again, none kept from a view before
    monkeypatch.setattr(workers, "ProcessPoolExecutor", Counted)
    monkeypatch.setattr(queries, "_register_among", counted)
    return seen


@pytest.mark.parametrize("reading", ["reader", "registry"])
def test_holders_across_agreements_in_worker_processes_are_one_process_holders(many_file, reading, monkeypatch):
    reader = opened(f"sqlite:///{many_file}", reading)
    moments = [(date(1996, 1, 2), None), (date(2003, 2, 5), None), (date(2019, 12, 15), None), (date(2029, 12, 15), None),
               (date(2019, 12, 15), datetime.now(UTC)), (date(2003, 2, 5), "synthetic-a:3")]
    try:
        alone = [to_json(Queries(reader).holders(day, known_at)) for day, known_at in moments]
        seen = spread(monkeypatch)
        assert [to_json(Queries(reader).holders(day, known_at)) for day, known_at in moments] == alone
    finally:
        reader.close()
    assert seen.pools == [2] * len(moments)
    assert seen.here and not set(SYNTHETIC) & set(seen.here), "the synthetic agreements in workers, those citing assumptions here"
    assert '"rests_on"' in alone[0] and "synthetic-a" in alone[2]


def test_holders_in_worker_processes_are_of_the_moment_the_reader_sees(many_file, tmp_path, monkeypatch):
    """A file reader sees the store as it was when opened; a worker opens it later. An agreement recorded on since
    is worked out by the reader's own process, as it was."""
    path = tmp_path / "store.sqlite"
    shutil.copyfile(many_file, path)
    reader, day = FileReader.open(path), date(2029, 12, 15)
    try:
        before = to_json(Queries(reader).holders(day))
        registry = writer(f"sqlite:///{path}")
        try:
            registry.record("synthetic-a", TransferEntry.model_validate({
                "type": "transfer", "effective_on": "2029-12-15", "evidence": {"document": "t"},
                "from": history.RESERVE[0], "to": history.RESERVE[1], "amount": "100,000"}), request_id="later")
        finally:
            registry.close()
        seen = spread(monkeypatch)
        assert to_json(Queries(reader).holders(day)) == before
        assert seen.pools == [2] and "synthetic-a" in seen.here and "synthetic-b" not in seen.here
    finally:
        reader.close()
    fresh = FileReader.open(path)
    try:
        assert to_json(Queries(fresh).holders(day)) != before, "the transfer shows to a reader opened after it"
    finally:
        fresh.close()


def test_snapshots_written_from_worker_processes_are_those_one_process_writes(many_file, tmp_path, monkeypatch):
    def rewritten(path: Path) -> tuple[list, list]:
        """The store's snapshots and states along business time once `debtreg snapshots` has written them again."""
        with sqlite3.connect(path) as connection:
            connection.execute("DELETE FROM debtreg_snapshots")
            connection.execute("DELETE FROM debtreg_dated")
        registry = writer(f"sqlite:///{path}")
        try:
            assert len(registry.rewrite_snapshots()) == 5
            assert registry.verify().intact
        finally:
            registry.close()
        with sqlite3.connect(path) as connection:
            connection.row_factory = sqlite3.Row
            kept = [{k: row[k] for k in row.keys() if k not in ("signature", "recorded_at")}
                    for row in connection.execute("SELECT * FROM debtreg_snapshots ORDER BY stream")]
            return kept, connection.execute("SELECT * FROM debtreg_dated ORDER BY stream, position").fetchall()

    alone, spread_out = tmp_path / "alone.sqlite", tmp_path / "spread.sqlite"
    for path in (alone, spread_out):
        shutil.copyfile(many_file, path)
    expected = rewritten(alone)
    seen = spread(monkeypatch)
    assert rewritten(spread_out) == expected and len(expected[0]) == 5
    assert seen.pools == [2, 2], "the snapshots folded in workers, then verify's check of them"


@pytest.mark.parametrize("command", [["verify"], ["holders", "--as-of", "1996-01-02", "--format", "json"],
                                     ["holders", "--as-of", "2019-12-15"]])
def test_the_command_line_spreads_its_work_and_says_what_one_process_says(many_file, tmp_path, command):
    """The command line in a real process, its work spread over workers (a script shaped as the installed
    `debtreg` is, with every piece of work spread), says byte for byte what it says in one process."""
    marks, script = tmp_path / "pools.txt", tmp_path / "debtreg_spread.py"
    script.write_text(f"""
import sys
from adapters import workers
from adapters.cli import run

class Counted(workers.ProcessPoolExecutor):
    def __init__(self, size, **kwargs):
        with open({str(marks)!r}, "a") as mark:
            mark.write(f"{{size}}\\n")
        super().__init__(size, **kwargs)

workers.SPREAD_FROM, workers.cores, workers.ProcessPoolExecutor = 0, lambda: 2, Counted
sys.argv[0] = "debtreg"
run()
""")
    store = ["--db", f"sqlite:///{many_file}"]
    env = {**os.environ, "COLUMNS": "120"}  # the same width for both, whatever the test's own terminal
    alone = subprocess.run([DEBTREG, *store, *command], capture_output=True, text=True, timeout=120,
                           env={**env, workers.WORKERS: "1"})
    apart = subprocess.run([sys.executable, str(script), *store, *command], capture_output=True, text=True, timeout=120,
                           env=env)
    assert (apart.returncode, apart.stdout, apart.stderr) == (alone.returncode, alone.stdout, alone.stderr)
    assert alone.returncode == 0 and alone.stdout and marks.read_text() == "2\n"


@pytest.mark.parametrize("reading", ["reader", "registry"])
def test_the_payments_due_across_agreements_in_worker_processes_are_one_process_s(many_file, reading, monkeypatch):
    reader = opened(f"sqlite:///{many_file}", reading)
    windows = [(date(2001, 1, 1), date(2003, 12, 31), date(2003, 12, 10), None),
               (date(2019, 1, 1), date(2019, 12, 31), date(2019, 12, 15), None),
               (date(2019, 1, 1), date(2029, 12, 31), date(2019, 12, 15), "synthetic-a:3")]
    here, schedule_among = [], queries._schedule_among
    try:
        alone = [to_json(Queries(reader).due(*window)) for window in windows]
        seen = spread(monkeypatch)
        monkeypatch.setattr(queries, "_schedule_among", lambda stream, key, *args: here.append(key) or schedule_among(stream, key, *args))
        assert [to_json(Queries(reader).due(*window)) for window in windows] == alone
    finally:
        reader.close()
    assert seen.pools == [2] * len(windows) and here == [], "every schedule worked out in a worker"
    assert "synthetic-a" in alone[1] and '"A1"' in alone[0]
