"""How events are written: eventsourcing-sqlalchemy's, without its registry-wide lock.

To keep one notification log whose order is the commit order, eventsourcing-sqlalchemy takes
``LOCK TABLE ... IN EXCLUSIVE MODE`` on PostgreSQL for every save, so every writer waits for every other,
whatever the stream. debtreg needs no such order: each stream has its own signed tree heads, a stream's
writers are kept apart by its unique (stream, version) key (the second is refused and decides again), and what
a process asks of the others' writes is each stream's size (``Ledger.tips``), never a position in the log. So
writers on different agreements do not wait on one another. The log's ids still grow, but on PostgreSQL two
saves may commit out of their order; nothing in debtreg reads the log as a sequence of positions since.
"""

from __future__ import annotations

from typing import Any

from eventsourcing_sqlalchemy.factory import Factory as SQLAlchemyFactory
from eventsourcing_sqlalchemy.recorders import SQLAlchemyApplicationRecorder


class Recorder(SQLAlchemyApplicationRecorder):
    def _lock_table(self, session: Any) -> None:
        """No lock: see the module's docstring."""


class Factory(SQLAlchemyFactory):
    application_recorder_class = Recorder
