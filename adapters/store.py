"""Where events are kept: database URLs and how values become stored JSON.

An SQLite file in the working directory is the default; PostgreSQL is chosen by
URL. Events are stored by eventsourcing-sqlalchemy (as ``adapters.codec`` encodes them).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from adapters.settings import DEFAULT_URL, URL_VARIABLE
from domain.errors import RegistryError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

POSTGRES = "postgresql+psycopg://"
SUPPORTED = ("sqlite://", POSTGRES)


def database_url(given: str | None = None, *, kept: bool = False) -> str:
    """The URL to use: given, else ``$DEBTREG_DATABASE_URL``, else ``debtreg.sqlite``.

    ``postgresql://`` URLs get the psycopg 3 driver; a bare file path means an
    SQLite file. A store a user names (``kept``) is one that outlasts the command: an SQLite store in memory
    (what tests use) is refused, as a load into it would record everything and keep nothing.
    """
    url = given or os.environ.get(URL_VARIABLE) or DEFAULT_URL
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return POSTGRES + url[len(prefix) :]
    if "://" not in url:
        url = f"sqlite:///{url}"
    if not url.startswith(SUPPORTED):
        raise UnsupportedStore(
            f"{shown_url(url)} is not a store debtreg keeps: give an SQLite file (sqlite:///debtreg.sqlite, or a path)"
            " or a PostgreSQL URL (postgresql://user@host:5432/db)"
        )
    if kept and in_memory(url):
        raise UnsupportedStore(f"{shown_url(url)} is an SQLite store in memory, gone when the command ends: give a file"
                               " (sqlite:///debtreg.sqlite, or a path) or a PostgreSQL URL")
    if (path := sqlite_file(url)) is not None and path.is_dir():
        raise UnsupportedStore(f"{path} is a directory, not a store: give --db the store's file (e.g. {path / 'debtreg.sqlite'})")
    return url


def read_only_url(url: str) -> str:
    """An SQLite file's URL opened read-only (SQLite refuses any write through it); other URLs as given
    (on PostgreSQL, read-only is the role's: see the README)."""
    parsed = _parsed(url)
    if parsed is None:
        return url
    path = parsed.database
    if not parsed.drivername.startswith("sqlite") or not path or path == ":memory:" or path.startswith("file:"):
        return url
    if not Path(path).exists():
        return url  # nothing to protect; the reader finds no agreements and creates no tables
    return f"sqlite:///file:{quote(str(Path(path).resolve()))}?mode=ro&uri=true"


def shown_url(url: str) -> str:
    """A URL as it may be shown: never with its password, and as a user writes it (postgresql://, not the
    driver ``database_url`` chose)."""
    parsed = _parsed(url)
    if parsed is None:
        return url.split("@")[-1] if "@" in url else url
    shown = parsed.render_as_string(hide_password=True)
    return "postgresql://" + shown.removeprefix(POSTGRES) if shown.startswith(POSTGRES) else shown


def store_said(error: Exception, url: str) -> str:
    """What the store said of ``error``: the driver's own words (not the SQL statement and link SQLAlchemy adds), the
    URL's password blanked; the command line and the API each show it in their own way."""
    return without_secrets(str(getattr(error, "orig", None) or error), url)


def without_secrets(message: str, url: str) -> str:
    """An error message with the URL's password, if any, blanked out wherever it appears."""
    parsed = _parsed(url)
    password = parsed.password if parsed is not None else None
    return message.replace(str(password), "***") if password else message


def missing_sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL that names one that does not exist (a reader must not create it)."""
    parsed = _parsed(url)
    if parsed is None or parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    path = Path(parsed.database.removeprefix("file:"))
    return None if path.exists() else path


def in_memory(url: str) -> bool:
    """Whether an SQLite URL names no file (``sqlite://``, ``sqlite:///``, ``:memory:``, ``mode=memory``)."""
    path = url.removeprefix("sqlite://").removeprefix("/").split("?")[0]
    return url.startswith("sqlite://") and (path in ("", ":memory:", "file::memory:") or "mode=memory" in url)


def sqlite_file(url: str) -> Path | None:
    """The file a plain SQLite URL (``sqlite:///PATH``, no options) names; ``None`` for any other URL."""
    path = url.removeprefix("sqlite:///")
    plain = url.startswith("sqlite:///") and path not in ("", ":memory:") and not path.startswith("file:") and "?" not in path
    return Path(path) if plain else None


def postgres_url(url: str) -> str | None:
    """A PostgreSQL store's URL as its driver reads it (``postgresql://...``, without SQLAlchemy's name for the
    driver); ``None`` for any other store."""
    return "postgresql://" + url.removeprefix(POSTGRES) if url.startswith(POSTGRES) else None


def _parsed(url: str) -> URL | None:
    """The URL taken apart by SQLAlchemy (imported only then: a view of a file needs none of it); ``None`` if malformed."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url)
    except ArgumentError:
        return None


class UnsupportedStore(RegistryError):
    rule = "events are kept in SQLite or PostgreSQL"


def persistence_env(url: str | None, *, read_only: bool = False) -> dict[str, str]:
    """The eventsourcing settings: SQLAlchemy persistence, and a cache of streams.

    The cache keeps recently read streams in memory; each read still fetches
    any events recorded since (by this or another process). Streams are values
    (``domain.stream.Stream``), so the cache hands them out without copying.
    A reader that only queries creates no tables, and opens an SQLite file read-only.
    """
    found = database_url(url)
    return {
        "PERSISTENCE_MODULE": "adapters.recording:Factory",  # eventsourcing-sqlalchemy's, writers not serialised
        "SQLALCHEMY_URL": read_only_url(found) if read_only else found,
        "CREATE_TABLE": "n" if read_only else "y",
        "AGGREGATE_CACHE_MAXSIZE": "256",
        "AGGREGATE_CACHE_FASTFORWARD": "y",
        "DEEPCOPY_FROM_AGGREGATE_CACHE": "n",
    }
