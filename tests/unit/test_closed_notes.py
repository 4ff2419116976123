"""Closed notes are shared by the states folded one from another, and each state still sees exactly its own.

A state copied for a checkpoint, a view as of a date or a backdated entry shares the notes already closed
(``ClosedNotes``) instead of copying them; notes it closes afterwards must stay invisible to every other
state, however states fork and extend one another, while the layers stay few and the copies cheap.
"""

import threading
from dataclasses import replace
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.state import CANCELLED, SURRENDERED, ClosedNotes, Note
from support import as_of_2003


def note(number: int) -> Note:
    """A closed note (its basis is not looked at here)."""
    return Note(number, "A", f"Holder {number}", Decimal("100000.00"), None, None, None, "issued", None,
                status=SURRENDERED, closed_on=date(2000, 1, 1))


# Each step: fork a new state from state i (a copy), or close a new note in state i.
steps = st.lists(st.tuples(st.sampled_from(["fork", "close"]), st.integers(min_value=0, max_value=1_000)), max_size=60)


@settings(max_examples=300, deadline=None)
@given(steps=steps)
def test_each_state_sees_the_notes_it_closed_and_inherited_and_no_others(steps):
    states = [(ClosedNotes(), 0)]  # (shared store, how many of it the state sees)
    model: list[dict[int, Note]] = [{}]
    number = 0
    for action, pick in steps:
        i = pick % len(states)
        store, seen = states[i]
        if action == "fork":
            states.append((store, seen))
            model.append(dict(model[i]))
        else:
            number += 1
            states[i] = (store.extended(seen, [note(number)]), seen + 1)
            model[i][number] = note(number)
    for (store, seen), expected in zip(states, model, strict=True):
        assert {n: store.get(n, seen) for n in range(1, number + 1)} == {n: expected.get(n) for n in range(1, number + 1)}


def layers(store: ClosedNotes) -> int:
    return 1 + (layers(store._below) if store._below is not None else 0)


def test_a_long_run_of_backdated_entries_keeps_few_layers_and_copies_few_notes():
    """Each backdated entry forks the state before its date and closes notes after it, as a load of a long
    history with backdated transfers does: the layers stay logarithmic in the notes closed, and so do copies."""
    store, seen, number = ClosedNotes(), 0, 0
    copied = 0
    real_add = ClosedNotes.add

    def counting_add(self, new):
        nonlocal copied
        copied += len(new)
        real_add(self, new)

    with mock.patch.object(ClosedNotes, "add", counting_add):
        for _ in range(2_000):
            store, seen = store.extended(seen - min(seen, 3), []), seen - min(seen, 3)  # back to before its date
            for _ in range(10):  # and every later event again
                number += 1
                store, seen = store.extended(seen, [note(number)]), seen + 1
    assert layers(store) <= 2 * seen.bit_length(), layers(store)
    assert copied <= 2 * seen * seen.bit_length(), copied
    assert store.get(number, seen) is not None and store.get(1, seen) is not None


def test_a_copied_state_shares_the_closed_notes_and_closing_one_in_the_copy_leaves_the_original_unchanged():
    state = as_of_2003().state()
    closed = state.closed_count
    assert closed > 0 and state.note(1).status == SURRENDERED
    twin = state.copy()
    assert twin.closed_notes is state.closed_notes, "a copy shares the closed notes, it does not copy them"
    live = min(twin.live_notes)
    twin.put(replace(twin.live_notes[live], status=CANCELLED, closed_on=date(2003, 2, 5)))
    assert twin.note(live).status == CANCELLED and live not in twin.live_notes
    assert state.note(live).status == "outstanding" and state.closed_count == closed
    assert state.note(10_000) is None


def test_a_note_is_closed_once():
    state = as_of_2003().state().copy()
    with pytest.raises(AssertionError, match="note No. 1 closed but not outstanding"):
        state.put(state.note(1))


def test_a_state_forked_while_another_thread_closes_notes_in_a_layer_it_copies_sees_its_own():
    """The API serves views and records in threads that share a timeline: a fork may copy a layer in which
    another lineage is closing notes at the same time."""
    base = ClosedNotes().extended(0, [note(n) for n in range(1, 4_001)])
    middle = base.extended(3_990, [note(n) for n in range(10_001, 10_201)])  # a backdated entry's lineage
    top = middle.extended(4_100, [note(n) for n in range(30_001, 30_501)])  # and another, forked from it
    assert top is not middle and middle.size() == 4_190
    stop, errors = threading.Event(), []

    def close_more_in_middle():
        number = 20_000
        while not stop.is_set():
            number += 1
            middle.extended(middle.size(), [note(number)])

    closer = threading.Thread(target=close_more_in_middle)
    closer.start()
    try:
        for _ in range(300):
            try:
                fork = top.extended(4_599, [])  # before top's last: takes in the top layer and the middle one
            except RuntimeError as error:  # a dict changed size during iteration
                errors.append(error)
                break
            assert fork.get(10_110, 4_599) is not None and fork.get(10_111, 4_599) is None
            assert fork.get(30_499, 4_599) is not None and fork.get(30_500, 4_599) is None and fork.get(20_001, 4_599) is None
    finally:
        stop.set()
        closer.join()
    assert not errors
