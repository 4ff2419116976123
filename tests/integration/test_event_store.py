"""The event store on SQLite and PostgreSQL: what is saved is what is read back."""

import json
from datetime import date
from decimal import Decimal as D

import pytest
from eventsourcing.persistence import IntegrityError

from adapters.entries import TransferEntry
from adapters.journal import load
from adapters.queries import Queries
from adapters.registry import Registry, Request, Workspace, provenance_of
from conftest import FIXTURES
from domain.errors import OverTransfer, UnknownHolder
from support import writer


def transfer_entry(amount: str) -> TransferEntry:
    return TransferEntry.model_validate(
        {
            "type": "transfer",
            "effective_on": "2003-03-01",
            "evidence": {"document": "treasury entry"},
            "from": "Lincoln",
            "to": "New Holder",
            "new_holder": True,
            "amount": amount,
        }
    )


def everything(registry: Registry):
    return registry.recorder.select_notifications(start=None, limit=100_000)


@pytest.fixture
def store(store_url):
    registry = writer(store_url)
    load(registry, [FIXTURES])
    yield registry
    registry.close()


def test_a_reopened_store_replays_to_the_seed_registers(store, store_url):
    reopened = writer(store_url)
    try:
        for key, total in [("barnes-1995", "18750000"), ("novascotia-1999", "70000000"), ("barnes-2000", "60000000")]:
            view = Queries(reopened).register(key, date(2003, 2, 5))
            assert sum(view.totals.values()) == D(total)
            assert reopened.agreement(key).events == store.agreement(key).events
        assert [key for kind, key in reopened.listed() if kind == "agreement"] == ["barnes-1995", "barnes-2000", "novascotia-1999"]
    finally:
        reopened.close()


def test_amounts_are_stored_as_decimal_strings_and_dates_as_iso_text(store):
    prepayment = next(n for n in everything(store) if n.topic.endswith("PrepaymentMade"))
    state = json.loads(prepayment.state)
    assert state["amount"] == {"_type_": "decimal_str", "_data_": "6250000.00"}
    assert state["effective_on"] == {"_type_": "date_iso", "_data_": "2002-12-05"}
    assert b"e+" not in prepayment.state and b"6250000.0," not in prepayment.state


def test_a_refused_command_leaves_the_store_exactly_as_it_was(store):
    before = everything(store)
    with pytest.raises(OverTransfer):
        store.record("barnes-1995", transfer_entry("7,000,000"))
    assert everything(store) == before


def test_a_recorded_transfer_is_read_back_by_another_connection(store, store_url):
    staged = store.record("barnes-1995", transfer_entry("1,000,000"))
    other = writer(store_url)
    try:
        view = Queries(other).register("barnes-1995", date(2003, 3, 1))
        assert {h.holder: h.principal["7.13%"] for h in view.holders}["New Holder"] == D(1000000)
        assert [f"barnes-1995:{e.originator_version}" for e in other.agreement("barnes-1995").events][-1] == staged.refs[-1]
    finally:
        other.close()


def test_two_writers_on_stale_state_cannot_both_save(store, store_url):
    other = writer(store_url)
    try:
        command = transfer_entry("6,150,000").command("barnes-1995")
        stale = other.stage(command, provenance_of(command, "clerk two", Request()), Workspace())
        store.record("barnes-1995", transfer_entry("6,150,000"))
        with pytest.raises(IntegrityError):
            other.save(*stale.events)
        with pytest.raises(UnknownHolder, match="'Lincoln' is not a holder of 7.13% notes on 2003-03-01"):
            other.record("barnes-1995", transfer_entry("6,150,000"))
    finally:
        other.close()
