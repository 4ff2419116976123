"""Reading the registry: what the query service needs of a store, written once over two primitives.

A store lists its streams (``listed``) and gives one checked against its signed heads (``stream``). The
registry (``adapters.registry``, through eventsourcing and SQLAlchemy) and a view's reader of an SQLite file
(``adapters.reader``, through the standard library) provide those two; everything built on them is here.
"""

from __future__ import annotations

from collections.abc import Iterable

from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import register_topic

from adapters.heads import stored_bytes
from domain.errors import UnknownAgreement
from domain.events import AGREEMENT, HOLDER, KINDS, Event
from domain.holders import Directory
from domain.stream import Stream


class Listed(DomainEvent):
    """A stream put on the registry: the registry's list of streams is a log of these."""

    kind: str
    key: str


register_topic("adapters.registry:Listed", Listed)  # where stores written before 0.3 name it


class Reading:
    """The reads every view is made of, given ``listed`` and ``stream``."""

    mapper: Mapper

    def listed(self) -> list[tuple[str, str]]:
        """Every stream on the registry as (kind, key), in the order they were put on it."""
        raise NotImplementedError

    def stream(self, kind: str, key: str) -> Stream | None:
        """The stream of that kind and key, checked against its signed tree heads; ``None`` if it is not on the
        registry. A stream that does not verify is refused, naming the problem."""
        raise NotImplementedError

    def decoded(self, rows: Iterable) -> list[Event]:
        """Stored events (rows of the events table) as domain events."""
        return [self.mapper.to_domain_event(StoredEvent(r.originator_id, r.originator_version, r.topic, stored_bytes(r.state)))
                for r in rows]

    def agreement(self, key: str) -> Stream:
        """An agreement's stream; refused, with the agreements there are, if it is not on the registry."""
        found = self.stream(AGREEMENT, key)
        if found is None:
            known = ", ".join(k for kind, k in self.listed() if kind == AGREEMENT) or "none yet (load a journal first)"
            raise UnknownAgreement(f"no agreement {key!r} is on the registry; agreements: {known}")
        found.state  # noqa: B018 - refuses an agreement taken off the registry, saying so
        return found

    def named(self, key: str) -> Stream:
        """The agreement, guaranty or instrument called ``key``."""
        for kind in KINDS:
            found = self.stream(kind, key)
            if found is not None:
                return found
        known = ", ".join(k for _, k in self.listed()) or "nothing yet (load a journal first)"
        raise UnknownAgreement(f"nothing on the registry is called {key!r}; on the registry: {known}")

    def streams(self) -> dict[str, tuple[Event, ...]]:
        """Every stream's events by reference ("agreement/barnes-1995", "guaranty/kar-2003", ...).

        Amendments' conditions and guaranties span streams, so their views read them all.
        """
        found = {}
        for kind, key in self.listed():
            stream = self.stream(kind, key)
            if stream is not None:
                found[f"{kind}/{key}"] = stream.events
        return found

    def directory(self) -> Directory:
        """Every holder on the registry: the names on every agreement's notes, and the holders' own streams."""
        return directory_of(self.stream(kind, key) for kind, key in self.listed() if kind in (AGREEMENT, HOLDER))


def directory_of(streams: Iterable[Stream | None]) -> Directory:
    """The holders named in these streams: on agreements' notes, and declared in holders' own streams."""
    names: list[str] = []
    declared = {}
    for stream in streams:
        if stream is None or stream.withdrawn:
            continue
        if stream.kind == AGREEMENT:
            names.extend(stream.holder_names)
        elif stream.kind == HOLDER:
            declared[stream.key] = stream.state.identity
    return Directory.of(names, declared)
