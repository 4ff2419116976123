"""Where events are kept: database URLs and how values become stored JSON.

An SQLite file in the working directory is the default; PostgreSQL is chosen by
URL. Events are stored by eventsourcing-sqlalchemy as JSON: dates as ISO text,
amounts as decimal strings, value objects as dicts of their fields.
"""

from __future__ import annotations

import os
from dataclasses import fields
from datetime import date
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent, Transcoding

import domain.text  # noqa: F401 - defines value types stored in events
from domain.values import Value

DEFAULT_URL = "sqlite:///debtreg.sqlite"
URL_VARIABLE = "DEBTREG_DATABASE_URL"


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
    return url


def persistence_env(url: str | None) -> dict[str, str]:
    """The eventsourcing settings: SQLAlchemy persistence, and a cache of streams.

    The cache keeps recently used streams in memory; each read still fetches
    any events recorded since (by this or another process), and hands out a
    copy, so a refused command can never leave the cache changed.
    """
    return {
        "PERSISTENCE_MODULE": "eventsourcing_sqlalchemy",
        "SQLALCHEMY_URL": database_url(url),
        "AGGREGATE_CACHE_MAXSIZE": "256",
        "AGGREGATE_CACHE_FASTFORWARD": "y",
        "DEEPCOPY_FROM_AGGREGATE_CACHE": "y",
    }


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
