"""Each agreement's holder names are kept beside its events (a read model written in the same transaction), so
resolving a holder's name does not read every agreement on the registry; the streams stay the reference.
bench/registry.py measures what this saves on a registry of 1,000 agreements."""

import sqlite3
from datetime import date

import pytest

import adapters.ledger
from adapters import queries
from adapters.encoding import to_json
from adapters.entries import ReversalEntry, TransferEntry
from adapters.ledger import Tampered
from adapters.queries import Queries
from adapters.reader import FileReader
from adapters.reading import Reading
from adapters.registry import Registry
from domain.events import AGREEMENT, HOLDER, stream_id
from support import opened, path_of, writer

AGREEMENTS = ("barnes-1995", "novascotia-1999", "barnes-2000")


def shown(directory) -> list:  # noqa: ANN001 - a Directory
    return sorted((i.key, tuple(i.names), tuple(i.aliases)) for i in directory.identities.values())


def kept_rows(url: str) -> dict[str, tuple[int, str]]:
    with sqlite3.connect(path_of(url)) as connection:
        return {s: (v, n) for s, v, n in connection.execute("SELECT stream, version, names FROM debtreg_holder_names")}


def transfer_to_a_new_holder(url: str) -> None:
    recording = writer(url)
    entry = TransferEntry.model_validate({"type": "transfer", "effective_on": "2004-01-02", "evidence": {"document": "t"},
                                          "from": "Lincoln Investment Management, Inc.", "to": "Quince Mutual Life",
                                          "new_holder": True, "amount": "1,000,000"})
    recording.record("barnes-1995", entry)
    recording.close()


def test_every_agreements_holder_names_are_kept_as_its_stream_has_them(loaded: Registry):
    kept = {stream: k.names for stream, k in loaded.ledger.kept_names().items()}
    assert kept == {loaded.agreement(key).id.hex: loaded.agreement(key).holder_names for key in AGREEMENTS}
    assert "Lincoln Investment Management, Inc." in kept[stream_id(AGREEMENT, "barnes-1995").hex]


@pytest.mark.parametrize("reading", ["registry", "reader"])
def test_the_directory_from_kept_names_is_the_directory_from_the_streams(loaded_url, reading, monkeypatch):
    read = opened(loaded_url, reading)
    try:
        with_kept = shown(read.directory())
        monkeypatch.setattr(type(read.ledger) if reading == "registry" else FileReader, "kept_names", lambda self: {})
        read.close()
        read = opened(loaded_url, reading)
        assert shown(read.directory()) == with_kept
        assert len(with_kept) > 10
    finally:
        read.close()


def test_annex_1_reads_its_own_agreement_and_the_holders_streams_not_every_agreement(loaded_url, monkeypatch):
    read: list[tuple[str, str]] = []
    original = FileReader.stream
    monkeypatch.setattr(FileReader, "stream", lambda self, kind, key, **options: read.append((kind, key)) or original(self, kind, key, **options))
    reader = FileReader.open(path_of(loaded_url))
    annex = Queries(reader).annex1("barnes-1995", date(2003, 2, 5))
    reader.close()
    assert annex.totals == {"7.13%": 18750000}
    assert {key for kind, key in read if kind == AGREEMENT} == {"barnes-1995"}
    assert {kind for kind, _ in read} <= {AGREEMENT, HOLDER}


def test_a_transfer_decides_on_its_own_agreement_and_the_holders_streams_alone(loaded_url, monkeypatch):
    read: list[tuple[str, str]] = []
    original = Registry.stream
    monkeypatch.setattr(Registry, "stream", lambda self, kind, key, **options: read.append((kind, key)) or original(self, kind, key, **options))
    transfer_to_a_new_holder(loaded_url)
    assert {key for kind, key in read if kind == AGREEMENT} == {"barnes-1995"}


def test_an_entry_rewrites_its_agreements_names_and_no_other(loaded_url):
    before = kept_rows(loaded_url)
    transfer_to_a_new_holder(loaded_url)
    after = kept_rows(loaded_url)
    barnes = stream_id(AGREEMENT, "barnes-1995").hex
    assert after[barnes][0] == before[barnes][0] + 1 and "Quince Mutual Life" in after[barnes][1]
    assert {s: r for s, r in after.items() if s != barnes} == {s: r for s, r in before.items() if s != barnes}
    reader = FileReader.open(path_of(loaded_url))
    assert reader.directory().find("Quince Mutual Life") is not None
    reader.close()


def test_names_kept_before_the_stream_moved_on_are_not_used(loaded_url):
    barnes = stream_id(AGREEMENT, "barnes-1995").hex
    with sqlite3.connect(path_of(loaded_url)) as connection:
        connection.execute("UPDATE debtreg_holder_names SET version = version - 1, names = '[\"Stale Name\"]' WHERE stream = ?", (barnes,))
    reader = FileReader.open(path_of(loaded_url))
    assert barnes not in reader.kept_names()
    assert reader.directory().find("Stale Name") is None and reader.directory().find("Lincoln Investment Management, Inc.")
    reader.close()


def test_a_name_edited_in_the_kept_names_is_reported_by_verify(loaded_url):
    with sqlite3.connect(path_of(loaded_url)) as connection:
        connection.execute("UPDATE debtreg_holder_names SET names = replace(names, 'Lincoln', 'Lincoin') WHERE stream = ?",
                           (stream_id(AGREEMENT, "barnes-1995").hex,))
    registry = Registry(loaded_url, read_only=True)
    problem = Queries(registry).verify().problem
    registry.close()
    assert problem is not None and problem.startswith("the holder names kept for agreement barnes-1995")


def test_a_store_from_before_names_were_kept_reads_the_streams_and_keeps_them_from_its_next_entry(loaded_url):
    reader = FileReader.open(path_of(loaded_url))
    annex = Queries(reader).annex1("barnes-1995", date(2003, 2, 5))
    reader.close()
    with sqlite3.connect(path_of(loaded_url)) as connection:
        connection.execute("DROP TABLE debtreg_holder_names")
    reader = FileReader.open(path_of(loaded_url))
    assert reader.kept_names() == {}
    assert Queries(reader).annex1("barnes-1995", date(2003, 2, 5)) == annex
    reader.close()
    transfer_to_a_new_holder(loaded_url)
    assert list(kept_rows(loaded_url)) == [stream_id(AGREEMENT, "barnes-1995").hex]


@pytest.mark.parametrize("reading", ["registry", "reader"])
def test_a_process_keeps_the_streams_it_read_last_not_the_whole_registry(loaded_url, reading, monkeypatch):
    """A stream holds its events and state; a process that read every agreement keeps a few of them (here one),
    reads one it let go again when asked, and shows and records exactly what it would keeping them all."""
    def views(read: Reading) -> list:
        queries = Queries(read)
        return [queries.holders(date(2003, 2, 5)), queries.holders(date(2030, 1, 1)),
                *(queries.annex1(key, date(2003, 2, 5)) for key in AGREEMENTS), queries.holders(date(2003, 2, 5))]

    whole = opened(loaded_url, reading)
    expected = views(whole)
    whole.close()
    monkeypatch.setattr("adapters.reading.KEPT_STREAMS", 1)
    few = opened(loaded_url, reading)
    assert views(few) == expected
    assert len(getattr(few, "_cache" if reading == "registry" else "_streams")._kept) == 1
    few.close()


def test_a_registry_keeping_one_stream_records_on_agreements_in_turn(loaded_url, monkeypatch):
    monkeypatch.setattr("adapters.reading.KEPT_STREAMS", 1)
    recording = writer(loaded_url)
    for key, holder in [("barnes-1995", "Lincoln Investment Management, Inc."), ("barnes-2000", None), ("barnes-1995", None)]:
        holder = holder or recording.agreement(key).holder_names[0]
        before = recording.agreement(key).version
        entry = TransferEntry.model_validate({"type": "transfer", "effective_on": "2004-01-02", "evidence": {"document": "t"},
                                              "from": holder, "to": "Quince Mutual Life", "new_holder": True,
                                              "amount": "100,000"})
        recording.record(key, entry)
        assert recording.agreement(key).version > before
    assert recording.verify().problem is None
    recording.close()


@pytest.mark.parametrize("reading", ["registry", "reader"])
def test_holders_across_the_registry_tells_its_progress_after_each_agreement(loaded_url, reading):
    read = opened(loaded_url, reading)
    steps: list = []
    try:
        told = Queries(read).holders(date(2003, 2, 5), progress=lambda total: steps.append(total) or steps.append)
        assert told == Queries(read).holders(date(2003, 2, 5))
    finally:
        read.close()
    assert steps == [3, "barnes-1995", "barnes-2000", "novascotia-1999"]  # in the order they were put on the registry


def test_verify_tells_its_progress_through_the_log_then_the_read_models(loaded: Registry):
    steps: list = []
    result = loaded.verify(progress=lambda total, part: steps.append((part, total)) or steps.append)
    assert result.problem is None
    log, models = steps.index(("the log", len(loaded.stream_names()))), steps.index(("the read models", len(AGREEMENTS)))
    assert log == 0 and models == len(loaded.stream_names()) + 1 and len(steps) == models + 1 + len(AGREEMENTS)


def test_a_command_that_names_no_holder_is_decided_without_a_directory_of_them(loaded_url, monkeypatch):
    """Resolving names needs every holder on the registry; a coupon, a prepayment or a reversal names none, and
    making a directory for each was a seventh of loading a registry of short agreements."""
    import adapters.registry

    given: list = []
    original = adapters.registry.decide
    monkeypatch.setattr(adapters.registry, "decide", lambda *args, **options: given.append(options["directory"]) or original(*args, **options))
    transfer_to_a_new_holder(loaded_url)
    recording = writer(loaded_url)
    transferred = recording.agreement("barnes-1995").version
    recording.record("barnes-1995", ReversalEntry.model_validate({"type": "reversal", "evidence": {"document": "t"},
                                                                  "target": transferred, "reason": "recorded in error"}))
    recording.close()
    assert len(given) == 2 and len(given[0].identities) > 10 and given[1] is None  # (Draft makes none: test_agreement)


def test_holders_asked_again_by_a_server_work_out_only_the_agreements_recorded_on_since(loaded_url, monkeypatch):
    """A long-running reader keeps each agreement's register for the last views of holders asked, by the agreement's
    size: asked again, it still checks every agreement's rows, but works out only those recorded on since (and those
    citing assumptions, numbered across the registers). What it shows is what a reader opened afresh shows."""
    worked_out, among = [], queries._register_among
    monkeypatch.setattr(queries, "_register_among", lambda stream, key, *rest: worked_out.append(key) or among(stream, key, *rest))
    day, reader = date(2004, 2, 1), Registry(loaded_url, read_only=True)
    try:
        first = to_json(Queries(reader).holders(day))
        assert sorted(worked_out) == sorted(AGREEMENTS)
        worked_out.clear()
        assert to_json(Queries(reader).holders(day)) == first
        citing = set(worked_out)
        assert citing < set(AGREEMENTS), "an agreement citing no assumption is not worked out again"
        transfer_to_a_new_holder(loaded_url)
        worked_out.clear()
        after = to_json(Queries(reader).holders(day))
        assert set(worked_out) == citing | {"barnes-1995"} and "Quince Mutual Life" in after
        fresh = Registry(loaded_url, read_only=True)
        try:
            assert to_json(Queries(fresh).holders(day)) == after
        finally:
            fresh.close()
        kept = next(key for key in AGREEMENTS if key not in citing)
        edit_an_event_of(loaded_url, kept)
        monkeypatch.setattr(adapters.ledger, "RECHECK", 0.0)
        with pytest.raises(Tampered, match=f"agreement {kept} does not match"):
            Queries(reader).holders(day)
    finally:
        reader.close()


def edit_an_event_of(url: str, key: str) -> None:
    with sqlite3.connect(path_of(url)) as connection:
        connection.execute("UPDATE debtreg_events SET state = ? WHERE originator_id = ? AND originator_version = 2",
                           (b"{\"edited\":true}", stream_id(AGREEMENT, key).bytes))
