"""Where events are kept: database URLs and how values become stored JSON.

An SQLite file in the working directory is the default; PostgreSQL is chosen by
URL. Events are stored by eventsourcing-sqlalchemy as JSON: dates as ISO text,
amounts as decimal strings, value objects as dicts of their fields.
"""

from __future__ import annotations

import os
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent, Transcoding
from eventsourcing.utils import get_topic, register_topic
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

import domain.text  # noqa: F401 - defines value types stored in events
from adapters.settings import DEFAULT_URL, URL_VARIABLE
from domain.errors import RegistryError
from domain.events import Agreement, Guaranty, Instrument, Reversed
from domain.values import Value

SUPPORTED = ("sqlite://", "postgresql+psycopg://")


def database_url(given: str | None = None) -> str:
    """The URL to use: given, else ``$DEBTREG_DATABASE_URL``, else ``debtreg.sqlite``.

    ``postgresql://`` URLs get the psycopg 3 driver; a bare file path means an
    SQLite file.
    """
    url = given or os.environ.get(URL_VARIABLE) or DEFAULT_URL
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if "://" not in url:
        return f"sqlite:///{url}"
    if not url.startswith(SUPPORTED):
        raise UnsupportedStore(
            f"{shown_url(url)} is not a store debtreg keeps: give an SQLite file (sqlite:///debtreg.sqlite, or a path)"
            " or a PostgreSQL URL (postgresql://user@host:5432/db)"
        )
    return url


def read_only_url(url: str) -> str:
    """An SQLite file's URL opened read-only (SQLite refuses any write through it); other URLs as given
    (on PostgreSQL, read-only is the role's: see the README)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    path = parsed.database
    if not parsed.drivername.startswith("sqlite") or not path or path == ":memory:" or path.startswith("file:"):
        return url
    if not Path(path).exists():
        return url  # nothing to protect; the reader finds no agreements and creates no tables
    return f"sqlite:///file:{quote(str(Path(path).resolve()))}?mode=ro&uri=true"


def shown_url(url: str) -> str:
    """A URL as it may be shown: never with its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1] if "@" in url else url


def without_secrets(message: str, url: str) -> str:
    """An error message with the URL's password, if any, blanked out wherever it appears."""
    try:
        password = make_url(url).password
    except ArgumentError:
        return message
    return message.replace(str(password), "***") if password else message


def missing_sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL that names one that does not exist (a reader must not create it)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    path = Path(parsed.database.removeprefix("file:"))
    return None if path.exists() else path


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
        "PERSISTENCE_MODULE": "eventsourcing_sqlalchemy",
        "SQLALCHEMY_URL": read_only_url(found) if read_only else found,
        "CREATE_TABLE": "n" if read_only else "y",
        "AGGREGATE_CACHE_MAXSIZE": "256",
        "AGGREGATE_CACHE_FASTFORWARD": "y",
        "DEEPCOPY_FROM_AGGREGATE_CACHE": "n",
    }


def register_earlier_topics() -> None:
    """Stores written by debtreg 0.1 name their events after the aggregate classes of the time;
    they are read as the same events today, unchanged, so no recorded history is lost."""
    for name in [n for n, v in vars(Agreement).items() if isinstance(v, type)]:
        register_topic(f"domain.agreement:Agreement.{name}", getattr(Agreement, name))
    for module, stream in [("domain.stream", "Stream"), ("domain.agreement", "Agreement"), ("domain.guaranty", "Guaranty"),
                           ("domain.instrument", "Instrument")]:
        register_topic(f"{module}:{stream}.Reversed", Reversed)
    register_topic("domain.guaranty:Guaranty.Delivered", Guaranty.Delivered)
    register_topic("domain.guaranty:Guaranty.Released", Guaranty.Released)
    register_topic("domain.instrument:Instrument.Delivered", Instrument.Delivered)


EARLIER_CREATION_TOPICS = (
    "domain.agreement:Agreement.Registered",
    "domain.guaranty:Guaranty.Delivered",
    "domain.instrument:Instrument.Delivered",
)
CREATION_TOPICS = tuple(get_topic(c) for c in (Agreement.Registered, Guaranty.Delivered, Instrument.Delivered))


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class ValueAsDict(Transcoding):
    """A frozen dataclass as the dict of its fields, under its class name.

    JSON gives sequences back as lists; they become tuples again, so a value
    read from the store equals the value that was written.
    """

    def __init__(self, cls: type) -> None:
        self.type = cls
        self.name = cls.__name__

    def encode(self, obj: Any) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in fields(obj)}

    def decode(self, data: dict[str, Any]) -> Any:
        upgrade = getattr(self.type, "upgrade", None)
        data = upgrade(data) if upgrade is not None else data
        return self.type(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


def register_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    for cls in Value.kinds.values():
        transcoder.register(ValueAsDict(cls))


class EventMapper(Mapper):
    """Stored events back to domain events, with their sequences as tuples again."""

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        event = super().to_domain_event(stored_event)
        for name, value in vars(event).items():
            if isinstance(value, list):
                vars(event)[name] = tuple(value)
        return event
