"""A view's reader of an SQLite file, through the standard library's sqlite3, or of PostgreSQL, through psycopg.

A view needs neither SQLAlchemy nor an eventsourcing application, and importing them costs more than the
whole view (see ``bench/startup.py``). This reader opens the store read-only, reads the tables the registry
writes in one read transaction (one snapshot), and checks every stream against its latest signed head as the
registry does (``adapters.heads``). A store it does not know how to read (one from before the log was
signed or its streams listed, or without the tables) is left to the registry: ``open`` returns ``None``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote
from uuid import UUID

from adapters.codec import event_mapper
from adapters.heads import Head, IdentityRecord, Row, head_of_row, verified
from adapters.reading import KeptNames, Reading, Recent, fresh_names
from adapters.settings import TABLES
from adapters.snapshots import Snapshot, holding, well_formed
from domain.events import AGREEMENT, stream_id
from domain.stream import Stream

REGISTRY_INDEX = stream_id("registry", "streams")


class Reader(Reading):
    """The registry read-only, for views, through a driver's own connection: the queries, written once (their
    parameters marked ``?``), and the checks; each store's reader (below) says how it connects and reads."""

    PARAMETER = "?"  # how the driver marks a query's parameters

    def __init__(self, connection: Any, tables: set[str], where: str) -> None:
        self.connection, self.tables, self.where = connection, tables, where
        self.mapper = event_mapper()
        self._streams = Recent()
        self._identities: list[IdentityRecord] | None = None

    @classmethod
    def _opened(cls, connection: Any, tables: set[str], where: str) -> Any:
        """The reader over ``connection``, its read transaction begun, if the store is one it reads; else ``None``."""
        if not {f"{TABLES}_events", f"{TABLES}_heads", f"{TABLES}_identities"} <= tables or f"{TABLES}_chain" in tables:
            connection.close()
            return None
        reader = cls(connection, tables, where)
        reader._begin()
        if not reader.listed():
            reader.close()
            return None
        return reader

    def _begin(self) -> None:
        """The read transaction begun: every read after it sees one snapshot of the store."""
        raise NotImplementedError

    def close(self) -> None:
        self.connection.rollback()
        self.connection.close()

    def _sql(self, query: str) -> str:
        return query.replace("?", self.PARAMETER)

    def _read(self, query: str, parameters: Sequence = ()) -> Any:
        """The rows of a query, each a mapping of its columns."""
        return self.connection.execute(self._sql(query), parameters)

    def _tuples(self, query: str, parameters: Sequence = ()) -> Any:
        """The rows of a query as plain tuples: a long stream's rows are read by every view."""
        raise NotImplementedError

    def _key(self, found_id: UUID) -> Any:
        """A stream's id as its events are stored."""
        raise NotImplementedError

    def listed(self) -> list[tuple[str, str]]:
        return [(e.kind, e.key) for e in self.decoded(self._rows(REGISTRY_INDEX))]

    def stream(self, kind: str, key: str) -> Stream | None:
        found_id = stream_id(kind, key)
        if found_id not in self._streams:
            rows = self._rows(found_id)
            if rows:
                latest = self._heads(found_id, latest=True)
                sealed = bool(latest) or self._read(f"SELECT 1 FROM {TABLES}_heads LIMIT 1").fetchone() is not None
                verified(f"{kind} {key}", rows, latest, self.identities() if latest else [], sealed=sealed,
                         every_head=lambda: self._heads(found_id))
            resumed = self._snapshot(found_id, rows, latest) if rows and latest and kind == AGREEMENT else None
            found = resumed and self.from_snapshot(kind, key, resumed, rows[resumed.size:], lambda: rows)
            self._streams.put(found_id, found or (Stream.of(self.decoded(rows)) if rows else None))
        return self._streams.get(found_id)

    def _snapshot(self, found_id: UUID, rows: Sequence[Row], latest: Sequence[Head]) -> Snapshot | None:
        """The agreement's snapshot, if it holds for these rows (checked against the ``latest`` head), as the
        registry's ``Ledger.resume``."""
        if f"{TABLES}_snapshots" not in self.tables:
            return None
        kept = self._read(f"SELECT * FROM {TABLES}_snapshots WHERE stream = ?", (found_id.hex,)).fetchone()
        if kept is None:
            return None
        kept = SimpleNamespace(**dict(kept))
        if not well_formed(kept):
            return None
        at = self._read(f"SELECT * FROM {TABLES}_heads WHERE stream = ? AND size = ?", (found_id.hex, kept.size)).fetchone()
        return holding(kept, at and SimpleNamespace(**dict(at)), latest[0], rows[kept.size:], self.identities())

    def dated_rows(self, stream: str, positions: Sequence[int]) -> dict[int, tuple[str, str]]:
        if f"{TABLES}_dated" not in self.tables or not positions:
            return {}
        rows = self._tuples(f"SELECT position, segment, state FROM {TABLES}_dated WHERE stream = ? AND position IN"
                            f" ({', '.join('?' * len(positions))})", (stream, *positions))
        return {position: (segment, state) for position, segment, state in rows}

    def sizes(self) -> dict[str, int]:
        """As the registry's (``Ledger.sizes``): the sizes its saves keep, one row a stream, else its heads'."""
        kept = f"{TABLES}_tips" in self.tables
        query = f"SELECT stream, size FROM {TABLES}_tips" if kept else f"SELECT stream, MAX(size) FROM {TABLES}_heads GROUP BY stream"
        return dict(self._tuples(query).fetchall())

    def kept_names(self) -> dict[str, KeptNames]:
        if f"{TABLES}_holder_names" not in self.tables:
            return {}
        rows = self._tuples(f"SELECT stream, version, names FROM {TABLES}_holder_names")
        return fresh_names(rows, self.sizes())

    def identities(self) -> list[IdentityRecord]:
        if self._identities is None:
            rows = self._read(f"SELECT * FROM {TABLES}_identities ORDER BY seq")
            self._identities = [IdentityRecord(**dict(row)) for row in rows]
        return self._identities

    def _rows(self, found_id: UUID) -> list[Row]:
        rows = self._tuples(f"SELECT id, originator_version, topic, state FROM {TABLES}_events WHERE originator_id = ?"
                            " ORDER BY originator_version", (self._key(found_id),))
        return [Row(number, found_id, version, topic, state) for number, version, topic, state in rows]  # every row's is the one asked for

    def _heads(self, found_id: UUID, *, latest: bool = False) -> list[Head]:
        rows = self._read(f"SELECT * FROM {TABLES}_heads WHERE stream = ? ORDER BY size {'DESC LIMIT 1' if latest else ''}",
                          (found_id.hex,))
        return [head_of_row(dict(row)) for row in rows]


class FileReader(Reader):
    """The registry in an SQLite file, through the standard library's sqlite3."""

    @classmethod
    def open(cls, path: Path) -> FileReader | None:
        """The file's reader, or ``None`` if the registry must read it (see the module's docstring)."""
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True, isolation_level=None)
        connection.row_factory = sqlite3.Row
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return cls._opened(connection, tables, str(path))

    def _begin(self) -> None:
        self.connection.execute("BEGIN")

    def _tuples(self, query: str, parameters: Sequence = ()) -> Any:
        cursor = self.connection.cursor()
        cursor.row_factory = None
        return cursor.execute(self._sql(query), parameters)

    def _key(self, found_id: UUID) -> Any:
        return found_id.bytes

    def reopened(self) -> tuple[Callable[[str], Reader | None], str]:
        return open_file, self.where


class PostgresReader(Reader):
    """The registry on PostgreSQL, through psycopg (a view through the registry took 0.45 s more to start, most of
    it importing SQLAlchemy)."""

    PARAMETER = "%s"

    @classmethod
    def open(cls, url: str) -> PostgresReader | None:
        """The reader of the database at ``url`` (as libpq reads one: ``adapters.store.postgres_url``), or ``None``
        if the registry must read it; in one repeatable-read, read-only transaction, which sees one snapshot."""
        import psycopg
        from psycopg.rows import dict_row

        connection = psycopg.connect(url, row_factory=dict_row)
        connection.isolation_level, connection.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
        tables = {row["tablename"] for row in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
        return cls._opened(connection, tables, url)

    def _begin(self) -> None:
        pass  # begun by the first query (the tables listed)

    def _tuples(self, query: str, parameters: Sequence = ()) -> Any:
        from psycopg.rows import tuple_row

        return self.connection.cursor(row_factory=tuple_row).execute(self._sql(query), parameters)

    def _key(self, found_id: UUID) -> Any:
        return found_id

    def reopened(self) -> tuple[Callable[[str], Reader | None], str]:
        return open_postgres, self.where


def open_file(path: str) -> FileReader | None:
    """The reader of the SQLite file at ``path`` (a worker process's: see ``adapters.workers``)."""
    return FileReader.open(Path(path))


def open_postgres(url: str) -> PostgresReader | None:
    """The reader of the PostgreSQL database at ``url`` (a worker process's)."""
    return PostgresReader.open(url)
