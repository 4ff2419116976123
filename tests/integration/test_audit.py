"""Tamper evidence on SQLite and PostgreSQL: edits, deletions and reorderings are caught."""

from uuid import UUID

import pytest
from sqlalchemy import text

from adapters.audit import Digest, chained, entry_hash
from adapters.entries import TransferEntry
from adapters.journal import load
from adapters.registry import Registry
from conftest import FIXTURES


@pytest.fixture
def store(store_url):
    registry = Registry(store_url)
    load(registry, [FIXTURES], "tests")
    yield registry
    registry.close()


def sql(registry: Registry, statement: str, **values) -> None:
    with registry.factory.datastore.engine.begin() as connection:
        connection.execute(text(statement), values)


def reopened(store_url: str) -> Registry:
    return Registry(store_url)


def transfer(registry: Registry, amount: str) -> None:
    entry = TransferEntry.model_validate(
        {"type": "transfer", "effective_on": "2003-03-03", "evidence": {"document": "t"}, "from": "Lincoln", "to": "New Holder", "new_holder": True, "amount": amount}
    )
    registry.record("barnes-1995", entry, recorded_by="tests")


def test_a_log_written_by_debtreg_verifies(store):
    result = store.verify()
    assert result.intact and result.events == len(store.recorder.select_notifications(start=None, limit=10_000))
    assert str(result.digest).startswith(f"debtreg:v1:{result.events}:")


def test_an_edited_event_is_caught_at_its_position(store):
    sql(store, "UPDATE debtreg_events SET state = :state WHERE id = 7", state=b'{"tampered":true}')
    result = store.verify()
    assert not result.intact and result.events == 6
    assert "the event at position 7" in result.problem and "changed after it was recorded" in result.problem


def test_a_deleted_event_is_caught(store):
    sql(store, "DELETE FROM debtreg_events WHERE id = 9")
    assert store.verify().problem == "the event at position 9 is missing (deleted?)"


def test_an_event_deleted_with_its_chain_entry_breaks_the_chain_at_the_next(store):
    sql(store, "DELETE FROM debtreg_events WHERE id = 9")
    sql(store, "DELETE FROM debtreg_chain WHERE position = 9")
    assert store.verify().problem.startswith("the chain breaks at position 10")


def test_reordered_events_are_caught(store):
    sql(store, "UPDATE debtreg_events SET id = 1000 WHERE id = 11")
    sql(store, "UPDATE debtreg_events SET id = 11 WHERE id = 12")
    sql(store, "UPDATE debtreg_events SET id = 12 WHERE id = 1000")
    result = store.verify()
    assert not result.intact and "position 11" in result.problem


def test_a_truncated_log_passes_alone_but_not_against_the_digest_kept(store):
    kept = store.verify().digest
    last = kept.position
    sql(store, "DELETE FROM debtreg_events WHERE id = :id", id=last)
    sql(store, "DELETE FROM debtreg_chain WHERE position = :id", id=last)
    assert store.verify().intact
    assert store.verify(kept).problem == f"the log ends before position {last} of the digest kept: events were removed"


def test_a_later_log_extends_the_digest_kept(store, store_url):
    kept = store.verify().digest
    transfer(store, "1,000,000")
    later = reopened(store_url)
    try:
        result = later.verify(Digest.parse(str(kept)))
        assert result.intact and result.digest.position > kept.position
    finally:
        later.close()


def test_a_chain_rewritten_to_cover_an_edit_still_fails_the_digest_kept(store):
    kept = store.verify().digest
    sql(store, "UPDATE debtreg_events SET state = :state WHERE id = 5", state=b'{"rewritten":true}')
    with store.factory.datastore.engine.begin() as connection:
        rows = connection.execute(text("SELECT id, originator_id, originator_version, topic, state FROM debtreg_events ORDER BY id")).all()
        previous = "0" * 64
        for row in rows:
            stream = UUID(bytes=row.originator_id) if isinstance(row.originator_id, bytes) else UUID(str(row.originator_id))
            entry = entry_hash(row.id, stream, row.originator_version, row.topic, row.state)
            previous = chained(previous, entry)
            connection.execute(
                text("UPDATE debtreg_chain SET entry_hash = :e, chain_hash = :c WHERE position = :p"),
                {"e": entry, "c": previous, "p": row.id},
            )
    assert store.verify().intact, "a full rewrite verifies on its own"
    assert "has been rewritten" in store.verify(kept).problem
