"""A view's reader of an SQLite file or of PostgreSQL (``adapters.reader``) gives every view exactly what the registry gives,
checks what it reads as the registry does, reads one snapshot, and leaves to the registry the stores it
cannot read. The command line's views use it, so they start without SQLAlchemy (bench/startup.py)."""

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest

from adapters.encoding import to_json
from adapters.entries import TransferEntry
from adapters.heads import Tampered
from adapters.queries import Queries
from adapters.reader import FileReader, PostgresReader
from adapters.registry import Registry
from adapters.store import database_url, postgres_url
from domain.errors import RegistryError
from domain.events import stream_id
from support import path_of, writer

AGREEMENTS = ("barnes-1995", "novascotia-1999", "barnes-2000")
DATA = Path(__file__).parent / "data"


def reader_of(url: str) -> FileReader | None:
    """The command line's reader of the store at ``url``: of an SQLite file, or of PostgreSQL."""
    return FileReader.open(path_of(url)) if url.startswith("sqlite") else PostgresReader.open(postgres_url(database_url(url)))


@pytest.fixture(params=["sqlite", "postgres"])
def loaded_any(request: pytest.FixtureRequest) -> str:
    """The loaded store, a copy of the SQLite file or on PostgreSQL: its URL."""
    return request.getfixturevalue("loaded_url" if request.param == "sqlite" else "loaded_postgres")


@pytest.fixture
def both(loaded_any: str) -> Iterator[tuple[Queries, Queries]]:
    """The query service over the reader, and over the registry, of the same loaded store."""
    reader, registry = reader_of(loaded_any), Registry(loaded_any, read_only=True)
    assert reader is not None
    yield Queries(reader), Queries(registry)
    reader.close()
    registry.close()


def outcome(call, *args) -> str:  # noqa: ANN001 - a query
    """A view as its JSON, or a refusal as its kind and message: what a user sees either way."""
    try:
        return to_json(call(*args))
    except RegistryError as error:
        return f"refused: {type(error).__name__}: {error}"


def dates_of(queries: Queries, key: str) -> list[date]:
    """Every date an agreement's events took effect on, and the days either side."""
    days = {line.effective_on for line in queries.history(key)}
    return sorted({d + timedelta(days=shift) for d in days for shift in (-1, 0, 1)})


@pytest.mark.parametrize("key", AGREEMENTS)
def test_the_register_annex_1_and_outstanding_are_the_registrys_on_every_date_an_event_took_effect(both, key):
    reader, registry = both
    days = dates_of(registry, key)
    assert len(days) >= 6
    for day in days:
        for view in ("register", "annex1", "outstanding"):
            assert outcome(getattr(reader, view), key, day) == outcome(getattr(registry, view), key, day), (view, day)


@pytest.mark.parametrize("key", AGREEMENTS)
def test_every_other_view_and_refusal_is_the_registrys(both, key):
    reader, registry = both
    first = registry.history(key)[0]
    calls = {
        "agreements": lambda q: q.agreements(),
        "terms": lambda q: q.terms(key),
        "history": lambda q: q.history(key),
        "history by holder": lambda q: q.history(key, holder="Lincoln"),
        "event": lambda q: q.event(f"{key}:2"),
        "no such event": lambda q: q.event(f"{key}:999"),
        "amendments": lambda q: q.amendments(key),
        "consents": lambda q: q.consents(key, 2),
        "known at the first entry": lambda q: q.register(key, date(2003, 2, 5), known_at=f"{key}:1"),
        "known before anything": lambda q: q.register(key, date(2003, 2, 5), known_at=first.recorded_at - timedelta(days=1)),
        "unknown agreement": lambda q: q.annex1("no-such-1999", date(2003, 2, 5)),
        "holders": lambda q: q.holders(date(2003, 2, 5)),
    }
    for on in (date(1995, 12, 5), date(2003, 2, 5), date(2006, 1, 1)):
        calls |= {
            f"schedule {on}": lambda q, on=on: q.schedule(key, on),
            f"status {on}": lambda q, on=on: q.status(key, on),
            f"accrued {on}": lambda q, on=on: q.accrued(key, on),
            f"text {on}": lambda q, on=on: q.text(key, on),
            f"redline to {on}": lambda q, on=on: q.redline(key, date(1995, 12, 5), on),
            f"guaranties {on}": lambda q, on=on: q.guaranties(key, on),
        }
    for name, call in calls.items():
        assert outcome(call, reader) == outcome(call, registry), name


def test_an_edited_event_is_refused_by_the_reader_as_by_the_registry(loaded_any):
    barnes = stream_id("agreement", "barnes-1995")
    if loaded_any.startswith("sqlite"):
        with sqlite3.connect(path_of(loaded_any)) as connection:
            edited = connection.execute("UPDATE debtreg_events SET state = CAST(state || ' ' AS BLOB)"
                                        " WHERE originator_id = ? AND originator_version = 3", (barnes.bytes,)).rowcount
    else:
        with psycopg.connect(loaded_any, autocommit=True) as connection:
            edited = connection.execute("UPDATE debtreg_events SET state = state || ' '::bytea"
                                        " WHERE originator_id = %s AND originator_version = 3", (barnes,)).rowcount
    assert edited == 1
    reader, registry = reader_of(loaded_any), Registry(loaded_any, read_only=True)
    try:
        with pytest.raises(Tampered) as by_reader:
            reader.agreement("barnes-1995")
        with pytest.raises(Tampered) as by_registry:
            registry.agreement("barnes-1995")
        assert str(by_reader.value) == str(by_registry.value)
        assert "event 3 of agreement barnes-1995 does not match the tree head signed by" in str(by_reader.value)
    finally:
        reader.close()
        registry.close()


def test_a_reader_sees_one_snapshot_of_the_store_while_another_process_records(loaded_any):
    reader = reader_of(loaded_any)
    assert reader is not None
    before = reader.listed()
    recording = writer(loaded_any)
    entry = TransferEntry.model_validate({"type": "transfer", "effective_on": "2004-01-02", "evidence": {"document": "t"},
                                          "from": "Lincoln", "to": "Connecticut General Life Insurance Company", "amount": "1,000,000"})
    recording.record("barnes-1995", entry)
    recording.close()
    try:
        seen = reader.agreement("barnes-1995").version
        assert reader.listed() == before
    finally:
        reader.close()
    fresh = reader_of(loaded_any)
    assert fresh is not None
    try:
        assert fresh.agreement("barnes-1995").version == seen + 1
    finally:
        fresh.close()  # (left open, its transaction would hold up the dropping of the test's schema)


def test_stores_the_reader_cannot_read_are_left_to_the_registry(tmp_path):
    earlier = tmp_path / "earlier.sqlite"
    shutil.copyfile(DATA / "written-by-debtreg-0.1.sqlite", earlier)
    assert FileReader.open(earlier) is None  # written before the log was signed: its hash chain is the registry's to check
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    assert FileReader.open(empty) is None
    assert earlier.read_bytes() == (DATA / "written-by-debtreg-0.1.sqlite").read_bytes()  # and nothing was written


def test_a_view_on_the_command_line_does_not_import_the_stores_libraries(loaded_any):
    program = (
        "import sys\n"
        "from adapters.cli import run\n"
        f"sys.argv = ['debtreg', '--db', {loaded_any!r}, 'annex1', 'barnes-1995', '--as-of', '2003-02-05']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('sqlalchemy', 'eventsourcing_sqlalchemy', 'eventsourcing.application', 'holidays')"
        " if m in sys.modules))\n"
    )
    shown = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
    assert "$ 18,750,000" in shown
    assert shown.rstrip().endswith("[]")


def test_a_worker_process_opens_the_same_store_the_way_the_reader_says(loaded_any):
    """``holders`` and ``verify`` fold many agreements in worker processes, each opening its own reader."""
    reader = reader_of(loaded_any)
    assert reader is not None
    opener, where = reader.reopened()
    again = opener(where)
    try:
        assert type(again) is type(reader) and again.listed() == reader.listed()
        assert to_json(Queries(again).holders(date(2003, 2, 5))) == to_json(Queries(reader).holders(date(2003, 2, 5)))
    finally:
        reader.close()
        again.close()
