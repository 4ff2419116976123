"""How events are stored: as JSON, dates as ISO text, amounts as decimal strings, value objects as dicts of
their fields; and the names earlier versions stored them under. No database here: the registry and a view's
reader (``adapters.reader``) decode stored events with the same mapper.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    Mapper,
    StoredEvent,
    Transcoding,
    UUIDAsHex,
)
from eventsourcing.utils import get_topic, register_topic

import domain.text  # noqa: F401 - defines value types stored in events
from domain.events import Agreement, Guaranty, Instrument, Reversed
from domain.values import Value


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
        self.names = tuple(f.name for f in fields(cls))  # in order: the stored JSON lists them so
        self.fields = frozenset(self.names)
        self.upgrade = getattr(cls, "upgrade", None)

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self.names}

    def decode(self, data: dict[str, Any]) -> Any:
        """The value again. With every field stored, as this release writes them, its fields are set without
        ``__init__`` (a frozen dataclass's sets each one through ``object.__setattr__``, and does nothing else):
        decoding a stored event builds some twenty of these, and took a third longer through it."""
        data = self.upgrade(data) if self.upgrade is not None else data
        for name, value in data.items():
            if isinstance(value, list):
                data[name] = tuple(value)
        if data.keys() != self.fields:  # an earlier release's, a field since added taking its default
            return self.type(**data)
        value = object.__new__(self.type)
        value.__dict__.update(data)
        return value


def event_mapper() -> EventMapper:
    """The mapper of stored events: eventsourcing's own transcodings (UUIDs, decimals, times) and ours."""
    register_earlier_topics()
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), DateAsISO()):
        transcoder.register(transcoding)
    for cls in Value.kinds.values():
        transcoder.register(ValueAsDict(cls))
    return EventMapper(transcoder=transcoder)


class EventMapper(Mapper):
    """Stored events back to domain events, with their sequences as tuples again."""

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        event = super().to_domain_event(stored_event)
        for name, value in vars(event).items():
            if isinstance(value, list):
                vars(event)[name] = tuple(value)
        return event
