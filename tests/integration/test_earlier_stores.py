"""Stores written by an earlier release are read unchanged, and a reader changes nothing.

``data/written-by-debtreg-0.1.sqlite`` was made by debtreg 0.1 (commit 0103074)
loading ``data/small.toml`` and ``data/guaranty.toml`` and then reversing the
schedule of holders (``small-2001:5``). Its events name the aggregate classes
of the time; today they are read as the same events, nothing rewritten.
"""

import shutil
import sqlite3
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from adapters.audit import Digest
from adapters.entries import TransferEntry
from adapters.journal import load
from adapters.queries import Queries
from adapters.registry import Registry
from domain.errors import ConflictingEntry, UnknownAgreement
from support import writer

DATA = Path(__file__).parent / "data"
GAMMA_SELLS = TransferEntry.model_validate({"type": "transfer", "effective_on": "2003-01-02", "evidence": {"document": "t"},
                                            "from": "Gamma", "to": "Delta Life", "new_holder": True, "amount": "500,000"})
DIGEST_BY_0_1 = Digest.parse("debtreg:v1:7:cf2a69cf3c81afd4ebeb9b1820dd61f29c081bee3862afa12eb66578bceac8d0")


@pytest.fixture
def earlier(tmp_path: Path) -> str:
    copy = tmp_path / "earlier.sqlite"
    shutil.copyfile(DATA / "written-by-debtreg-0.1.sqlite", copy)
    return f"sqlite:///{copy}"


def test_a_store_written_by_release_0_1_replays_its_register_history_and_reversal(earlier):
    registry = Registry(earlier, read_only=True)
    try:
        views = Queries(registry)
        assert [key for _, key in registry.listed()] == ["small-2001", "small-guaranty"]
        holders = {h.holder: h.principal["A"] for h in views.register("small-2001", date(2002, 6, 1)).holders}
        assert holders == {"Alpha Life": D(3500000), "Beta Mutual": D(3000000), "Gamma Re": D(2500000), "Wrong Holder": D(1000000)}
        lines = views.history("small-2001")
        assert [line.kind for line in lines] == [
            "Registered", "NotesIssued", "NoteTransferred", "NoteTransferred", "RegisterAttested", "Reversed"]
        assert lines[4].reversed_by == "small-2001:6" and lines[0].recorded_by == "release-0.1"
        assert [g.guaranty for g in views.guaranties("small-2001", date(2002, 1, 1)).guaranties] == ["small-guaranty"]
        assert views.verify(DIGEST_BY_0_1).intact
    finally:
        registry.close()


def test_the_first_writer_lists_the_earlier_streams_and_records_on_top_of_them(earlier):
    registry = writer(earlier)
    try:
        [event] = registry.record("small-2001", GAMMA_SELLS).events
        assert event.originator_version == 7 and [c.number for c in event.issued] == [7, 8]
        assert registry.index.get_last() is not None
        result = registry.verify(DIGEST_BY_0_1)
        assert result.intact and result.events == 7 + 2 + 1  # 0.1's events, the two listings, the transfer
    finally:
        registry.close()


def test_a_reader_of_an_empty_store_says_so_and_creates_nothing(tmp_path):
    path = tmp_path / "empty.sqlite"
    registry = Registry(f"sqlite:///{path}", read_only=True)
    try:
        with pytest.raises(UnknownAgreement, match="no agreement 'barnes-1995' is on the registry; agreements: none yet"):
            Queries(registry).register("barnes-1995", date(2003, 2, 5))
        assert registry.listed() == [] and registry.verify().events == 0
    finally:
        registry.close()
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall() == []


def test_entries_recorded_before_request_ids_were_claimed_are_still_found_once_a_snapshot_is_kept(earlier):
    registry = writer(earlier)
    try:
        registry.record("small-2001", GAMMA_SELLS, request_id="after-0.1")
    finally:
        registry.close()
    with sqlite3.connect(earlier.removeprefix("sqlite:///")) as connection:
        [(size, claimed)] = connection.execute("SELECT size, claimed FROM debtreg_snapshots").fetchall()
    assert (size, claimed) == (7, 0), "0.1 claimed no request ids: a snapshot cannot vouch that every entry did"
    again = writer(earlier)  # a fresh process, resuming from the snapshot: the journal's first entry is found on file
    try:  # (0.1 fingerprinted entries otherwise, so it reads as changed; not found, it would be "already on the registry")
        with pytest.raises(ConflictingEntry, match="'small/agreement' is already recorded for small-2001 with different"):
            load(again, [DATA / "small.toml"])
    finally:
        again.close()
