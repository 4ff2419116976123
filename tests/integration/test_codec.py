"""Stored events decode to the events that were recorded: every value object in them as its constructor makes it,
though the decoder sets a value's fields without calling it (``adapters.codec.ValueAsDict``)."""

import sqlite3
from dataclasses import fields
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from adapters.codec import ValueAsDict, event_mapper
from domain.values import Evidence, Value


def rebuilt(value: object) -> object:
    """``value`` made again through its constructor, and every value in it, sequences as tuples."""
    if isinstance(value, tuple | list):
        return tuple(rebuilt(v) for v in value)
    if isinstance(value, Value):
        return type(value)(**{f.name: rebuilt(getattr(value, f.name)) for f in fields(value)})  # type: ignore[arg-type]
    return value


def test_every_stored_event_decodes_to_values_as_their_constructors_make_them(loaded_file: Path):
    mapper = event_mapper()
    with sqlite3.connect(loaded_file) as connection:
        rows = connection.execute("SELECT originator_id, originator_version, topic, state FROM debtreg_events").fetchall()
    values = 0
    for originator_id, version, topic, state in rows:
        event = mapper.to_domain_event(StoredEvent(UUID(bytes=originator_id), version, topic, state))
        for name, value in vars(event).items():
            assert repr(rebuilt(value)) == repr(value), (topic, name)  # the same values, of the same types
            values += isinstance(value, Value) or (isinstance(value, tuple) and any(isinstance(v, Value) for v in value))
    assert len(rows) > 60 and values > 90, values


def test_a_value_stored_before_a_field_was_added_takes_its_default():
    decode = ValueAsDict(Evidence).decode
    assert decode({"document": "Note Purchase Agreement"}) == Evidence("Note Purchase Agreement", None, None)
    assert decode({"document": "d", "section": "5.4", "note": "n"}).note == "n"
    assert vars(decode({"document": "d"})) == vars(Evidence("d")) == {"document": "d", "section": None, "note": None}


def test_every_stored_event_encodes_again_to_the_bytes_stored(loaded_file: Path):
    """Decoding loses nothing: the bytes are what the log's hashes and signed heads cover."""
    mapper = event_mapper()
    with sqlite3.connect(loaded_file) as connection:
        rows = connection.execute("SELECT originator_id, originator_version, topic, state FROM debtreg_events").fetchall()
    for originator_id, version, topic, state in rows:
        event = mapper.to_domain_event(StoredEvent(UUID(bytes=originator_id), version, topic, state))
        assert mapper.to_stored_event(event).state == state, topic


def test_a_value_is_stored_with_its_fields_in_the_order_its_class_declares_them():
    """As every release before stored them: the same event written again is the same bytes."""
    for kind in Value.kinds.values():
        names = [f.name for f in fields(kind)]
        value = object.__new__(kind)
        value.__dict__.update({name: None for name in reversed(names)})
        assert list(ValueAsDict(kind).encode(value)) == names, kind.__name__
    assert list(ValueAsDict(Evidence).encode(Evidence("d", "s", "n"))) == ["document", "section", "note"]


def test_a_make_whole_quote_stored_by_0_1_is_read_with_the_one_definition_0_1_computed():
    """debtreg 0.1 kept no definition with a quote: it is read as the 1995 terms 0.1 wrote into its code. A new
    quote has no default definition to fall back on: it names the agreement's."""
    from domain.makewhole import QUOTED_BY_0_1, MakewholeQuote, MakewholeTerms

    stored = {f.name: None for f in fields(MakewholeQuote) if f.name not in ("definition", "series")}
    assert ValueAsDict(MakewholeQuote).decode(dict(stored)).definition == QUOTED_BY_0_1
    assert QUOTED_BY_0_1 == MakewholeTerms(Decimal("0.50"), "semi-annual", "30/360")
    with pytest.raises(TypeError, match="definition"):
        MakewholeQuote(**stored)
