"""Tamper evidence on SQLite and PostgreSQL: every edit, deletion, reordering and forged append is caught,
by `verify` and by the views; proofs check alone; only a recording identity's key makes a log that verifies."""

import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.entries import TransferEntry
from adapters.heads import Tampered
from adapters.identity import ADMINISTRATOR, AUDITOR, TREASURY, NotAllowed, Signer
from adapters.journal import load
from adapters.offline_verifier import entry_bytes, head_message, leaf_hash
from adapters.queries import Queries
from adapters.registry import Registry
from conftest import FIXTURES, ROOT
from support import ADMIN, CLERK, command_line, signer, writer
from support import AUDITOR as JANE

MARCH = date(2003, 3, 3)
VERIFIER = ROOT / "adapters" / "offline_verifier.py"
BARNES = "agreement barnes-1995"


@pytest.fixture
def store(store_url):
    registry = writer(store_url)
    load(registry, [FIXTURES])
    yield registry
    registry.close()


def sql(registry: Registry, statement: str, **values) -> None:
    with registry.factory.datastore.engine.begin() as connection:
        connection.execute(text(statement), values)


def barnes_ids(registry: Registry) -> list[int]:
    """The row ids of barnes-1995's events, in the order of its stream."""
    stream = registry.agreement("barnes-1995").id
    with registry.factory.datastore.engine.connect() as connection:
        table = registry.ledger.events_table
        rows = connection.execute(table.select().where(table.c.originator_id == stream).order_by(table.c.originator_version))
        return [r.id for r in rows]


def transfer(registry: Registry, amount: str, to: str = "New Holder") -> None:
    entry = TransferEntry.model_validate(
        {"type": "transfer", "effective_on": "2003-03-03", "evidence": {"document": "t"}, "from": "Lincoln", "to": to,
         "new_holder": True, "amount": amount}
    )
    registry.record("barnes-1995", entry)


def refused_view(store_url: str) -> str:
    """What a fresh reader's view of barnes-1995 says: it must refuse, naming the problem."""
    reader = Registry(store_url, read_only=True)
    try:
        with pytest.raises(Tampered) as refused:
            Queries(reader).register("barnes-1995", None)
        return str(refused.value)
    finally:
        reader.close()


def test_a_log_written_by_debtreg_verifies_with_a_head_per_stream(store):
    result = store.verify()
    assert result.intact and result.events == len(store.recorder.select_notifications(start=None, limit=10_000))
    head = result.head
    assert head["format"] == "debtreg-registry-head-v1" and head["events"] == result.events
    assert {s["signer"] for s in head["streams"]} == {"tests"}


def test_an_edited_event_is_caught_by_verify_and_by_the_views(store, store_url):
    sql(store, "UPDATE debtreg_events SET state = :state WHERE id = :id", state=b'{"tampered":true}', id=barnes_ids(store)[6])
    problem = store.verify().problem
    assert problem.startswith(f"event 7 of {BARNES} does not match the tree head signed by tests")
    assert "event 7 of agreement barnes-1995 does not match" in refused_view(store_url)


def test_an_edited_event_of_the_registrys_list_of_streams_is_named_by_verify_at_the_command_line(store, store_url):
    """The list's events are what names the streams: verify says which of them was edited, in the text and the JSON
    it gives (it said the command had failed, "a bug in debtreg", before)."""
    events, listing = store.ledger.events_table, store.index.originator_id
    with store.ledger.engine.begin() as connection:
        connection.execute(events.update().values(state=b'{"edited": true}').where(
            (events.c.originator_id == listing) & (events.c.originator_version == 1)))
    said = "events 1-7 of registry streams do not match the tree head signed by tests"  # (the load listed 7 at once)
    assert Queries(store).verify().problem.startswith(said)
    text_out = command_line(store_url, "verify")
    assert text_out.exit_code == 1 and text_out.stderr.startswith(f"debtreg: NOT intact: {said}")
    json_out = command_line(store_url, "verify", "--format", "json")
    assert json_out.exit_code == 1 and json.loads(json_out.stdout)["problem"].startswith(said)


def test_snapshots_written_again_refuse_an_edited_event_naming_its_agreement_as_views_do(store, store_url):
    sql(store, "UPDATE debtreg_events SET state = :state WHERE id = :id", state=b'{"tampered":true}', id=barnes_ids(store)[6])
    fresh = writer(store_url)
    try:
        with pytest.raises(Tampered) as refused:
            fresh.rewrite_snapshots()
    finally:
        fresh.close()
    assert str(refused.value).startswith(f"event 7 of {BARNES} does not match the tree head signed by tests")


@pytest.mark.parametrize(("table", "column", "value", "said"), [
    ("heads", "size", "x", "a row of the signed tree heads has 'x' for its size, not a whole number: edited outside debtreg"),
    ("heads", "recorded_at", b"{}", "a row of the signed tree heads has b'{}' for its recorded_at, not text"),
    ("identities", "role", b"{}", "a row of the registered identities has b'{}' for its role, not text"),
    ("identities", "added_at", "x", "is not signed by the key it names: forged?"),
    ("snapshots", "size", "x", "is malformed (a value not of its column's kind): edited outside debtreg?"),
    ("snapshots", "stream", "x\nintact", "the snapshot of stream x\\u000aintact (the read model"),
    ("holder_names", "names", "x", "(the read model that resolves holder names) do not match its events"),
    ("events", "state", -1, "does not match the tree head signed by tests"),
    ("events", "originator_id", b"{}", "a row of the events has a stream id that is not one"),
])
def test_a_row_edited_into_a_value_not_of_its_kind_is_named_by_verify_and_never_met_as_a_bug(
        loaded_url, table, column, value, said):
    """An SQLite file takes any value in any column. verify names the row (escaped: it is the store's text, not
    debtreg's), and no view meets it as a failure of debtreg's own (each said "a bug in debtreg" before)."""
    with sqlite3.connect(loaded_url.removeprefix("sqlite:///")) as connection:
        rows = [row for row, in connection.execute(f"SELECT rowid FROM debtreg_{table} ORDER BY rowid")]
        connection.execute(f"UPDATE debtreg_{table} SET {column} = ? WHERE rowid = ?", (value, rows[len(rows) // 2]))
    for view in (["register", "barnes-1995", "--as-of", "2003-02-05"], ["annex1", "barnes-2000", "--as-of", "2003-02-05"],
                 ["holders", "--as-of", "2003-02-05"], ["history", "novascotia-1999"]):
        seen = command_line(loaded_url, *view)
        assert seen.exit_code in (0, 1) and isinstance(seen.exception, SystemExit | None), (view, seen.exception)
    verify = command_line(loaded_url, "verify")
    assert verify.exit_code == 1 and verify.stdout == "" and verify.stderr.startswith("debtreg: NOT intact: ")
    assert said in verify.stderr and verify.stderr.count("\n") == 1, verify.stderr
    assert "run `debtreg verify`" not in verify.stderr, "verify names the problem, without a view's advice to run it"


def test_a_deleted_event_is_caught(store, store_url):
    sql(store, "DELETE FROM debtreg_events WHERE id = :id", id=barnes_ids(store)[8])
    assert store.verify().problem == f"event 9 of {BARNES} is missing (deleted?)"
    assert "event 9 of agreement barnes-1995 is missing" in refused_view(store_url)


def test_the_last_event_deleted_with_its_head_passes_alone_but_not_against_the_head_kept(store):
    kept = store.verify().head
    last = barnes_ids(store)[-1]
    stream = store.agreement("barnes-1995").id.hex
    sql(store, "DELETE FROM debtreg_events WHERE id = :id", id=last)
    sql(store, "DELETE FROM debtreg_heads WHERE stream = :s AND size = (SELECT MAX(size) FROM debtreg_heads WHERE stream = :s)", s=stream)
    assert "snapshot of agreement barnes-1995 (the read model a command or view starts from) is of 30 events, but" \
        " no tree head of 30 events is signed: events removed?" in store.verify().problem
    sql(store, "DELETE FROM debtreg_snapshots WHERE stream = :s", s=stream)
    assert store.verify().intact, "a truncation that removes its head and snapshot too verifies on its own"
    assert store.verify(kept).problem == f"{BARNES} had 30 events in the head kept; it has 29: events were removed"


def test_reordered_events_are_caught(store):
    first, second = barnes_ids(store)[10:12]
    with store.factory.datastore.engine.begin() as connection:
        states = dict(connection.execute(text("SELECT id, state FROM debtreg_events WHERE id IN (:a, :b)"), {"a": first, "b": second}).all())
        topics = dict(connection.execute(text("SELECT id, topic FROM debtreg_events WHERE id IN (:a, :b)"), {"a": first, "b": second}).all())
        for here, there in ((first, second), (second, first)):
            connection.execute(text("UPDATE debtreg_events SET state = :s, topic = :t WHERE id = :id"),
                               {"s": states[there], "t": topics[there], "id": here})
    assert "event 11 of agreement barnes-1995 does not match" in store.verify().problem


def forge(registry: Registry, identity: Signer) -> None:
    """An append made with table access alone: a copy of the last event as the next, under a new head signed by
    ``identity``'s key and recomputed exactly as debtreg would."""
    stream = registry.agreement("barnes-1995")
    ledger = registry.ledger
    with ledger.engine.begin() as connection:
        table = ledger.events_table
        last = connection.execute(table.select().where(table.c.originator_id == stream.id)
                                  .order_by(table.c.originator_version.desc()).limit(1)).one()
        connection.execute(table.insert().values(originator_id=stream.id, originator_version=last.originator_version + 1,
                                                 topic=last.topic, state=last.state))
        old = connection.execute(ledger.heads.select().where(ledger.heads.c.stream == stream.id.hex)
                                 .order_by(ledger.heads.c.size.desc()).limit(1)).one()
        from adapters.heads import frontier_root, parse_frontier, push

        frontier = parse_frontier(old.frontier)
        push(frontier, leaf_hash(entry_bytes(stream.id.hex, old.size + 1, last.topic, bytes(last.state))))
        head = {"stream": stream.id.hex, "size": old.size + 1, "root": frontier_root(frontier).hex(),
                "recorded_at": old.recorded_at, "signer": identity.name, "public_key": identity.public_key}
        connection.execute(ledger.heads.insert().values(**head, frontier=json.dumps([[s, h.hex()] for s, h in frontier]),
                                                        signature=identity.sign(head_message(head))))


def test_a_forged_append_with_a_recomputed_head_fails_without_a_registered_key(store, store_url):
    forge(store, signer("tests", 99))  # the administrator's name, another key
    problem = store.verify().problem
    assert problem == f"the tree head of {BARNES} at 31 events is not signed by a recording identity an administrator registered: forged?"
    assert "forged?" in refused_view(store_url)


def test_a_forger_who_also_registers_a_key_of_their_own_is_caught(store):
    mallory = signer("Mallory", 98)
    record = {"name": "Mallory", "role": TREASURY, "public_key": mallory.public_key, "added_at": "2003-01-01T00:00:00+00:00",
              "added_by": "tests", "signed_by": mallory.public_key}
    from adapters.offline_verifier import identity_message

    with store.ledger.engine.begin() as connection:
        connection.execute(store.ledger.identities.insert().values(**record, signature=mallory.sign(identity_message(record))))
    forge(store, mallory)
    assert store.verify().problem == "Mallory was registered by tests, who was not then an administrator"


def test_an_auditor_reads_and_verifies_but_cannot_record_and_treasury_can(store, store_url):
    store.ledger.register(JANE.name, AUDITOR, JANE.public_key, ADMIN)
    store.ledger.register(CLERK.name, TREASURY, CLERK.public_key, ADMIN)
    auditor = Registry(store_url, identity=JANE)
    try:
        before = auditor.verify().head
        with pytest.raises(NotAllowed, match="Jane Roe, External Auditor is registered as auditor; to record needs the role treasury or administrator"):
            transfer(auditor, "1,000,000")
        with pytest.raises(NotAllowed, match="load journals needs the role administrator"):
            load(auditor, [FIXTURES])
        assert auditor.verify().head == before, "nothing was recorded"
    finally:
        auditor.close()
    clerk = Registry(store_url, identity=CLERK)
    try:
        transfer(clerk, "1,000,000")
        assert clerk.verify().intact
        assert Queries(clerk).history("barnes-1995")[-1].recorded_by == "Tom Treasurer"
    finally:
        clerk.close()


def test_a_revoked_identity_records_nothing_more_and_what_it_signed_still_verifies(store, store_url):
    store.ledger.register(CLERK.name, TREASURY, CLERK.public_key, ADMIN)
    clerk = Registry(store_url, identity=CLERK)
    try:
        transfer(clerk, "1,000,000")
        store.ledger.register(CLERK.name, "revoked", CLERK.public_key, ADMIN)
        with pytest.raises(NotAllowed, match="registered as revoked"):
            transfer(clerk, "1,000,000", to="Another Holder")
        assert clerk.verify().intact
    finally:
        clerk.close()


def test_the_last_administrator_cannot_revoke_itself_or_leave_the_registry_without_one(store):
    """Revoking the only administrator would leave no one able to add identities or load journals, ever: refused,
    and nothing registered. With another administrator added first, it may go."""
    before = store.ledger.identity_records()
    with pytest.raises(NotAllowed, match="no administrator left"):
        store.ledger.register(ADMIN.name, "revoked", ADMIN.public_key, ADMIN)
    assert store.ledger.identity_records() == before
    store.ledger.register(CLERK.name, ADMINISTRATOR, CLERK.public_key, ADMIN)
    store.ledger.register(ADMIN.name, "revoked", ADMIN.public_key, CLERK)
    assert store.ledger.current(ADMIN.name).role == "revoked"


def offline(bundle: dict, trusted: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """The standalone verifier, run as an auditor would: a copy of the file alone, a bare Python."""
    alone = tmp_path / "alone"
    alone.mkdir(exist_ok=True)
    (alone / "offline_verifier.py").write_bytes(VERIFIER.read_bytes())
    (alone / "bundle.json").write_text(json.dumps(bundle))
    return subprocess.run([sys.executable, "-I", "offline_verifier.py", "bundle.json", "--trust", trusted],
                          capture_output=True, text=True, cwd=alone, timeout=60)


def test_an_entry_is_proved_alone_and_a_later_head_is_consistent_with_the_one_published(store, tmp_path):
    views = Queries(store)
    published = views.head("barnes-1995")["head"]
    proof = views.proof("barnes-1995:21")
    assert proof["entry"]["version"] == 21 and proof["head"]["root"] == published["root"]
    checked = offline(proof, ADMIN.public_key, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    other = {s["stream"] for s in store.verify().head["streams"]} - {proof["entry"]["stream"]}
    assert not any(stream in json.dumps(proof) for stream in other), "the proof shows no other agreement's data"

    transfer(store, "1,000,000")
    later = views.consistency("barnes-1995", published["size"])
    assert (later["old"]["root"], later["new"]["size"]) == (published["root"], published["size"] + 1)
    checked = offline(later, ADMIN.public_key, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    proof["entry"]["state"] = proof["entry"]["state"][:-4] + "AAAA"
    assert offline(proof, ADMIN.public_key, tmp_path).returncode == 1, "an altered entry does not prove"
    assert offline(later, signer("someone else", 97).public_key, tmp_path).returncode == 1, "nor a key not trusted"


def test_the_offline_verifier_says_what_is_wrong_with_the_key_given_to_trust(store, tmp_path):
    """`--trust 00` was read as a file and refused as "No such file or directory: '00'", as if the proof were at fault."""
    proof = Queries(store).proof("barnes-1995:21")
    (tmp_path / "key.txt").write_text(ADMIN.public_key.upper() + "\n")
    assert offline(proof, str(tmp_path / "key.txt"), tmp_path).returncode == 0, "a file holding the key, in either case"
    for given, said in (("00", "'00' is neither a public key (64 hex digits) nor a file holding one"),
                        ("z" * 64, f"'{'z' * 64}' does not give a public key: 64 hex digits")):
        checked = offline(proof, given, tmp_path)
        assert checked.returncode == 2 and checked.stderr.startswith(f"cannot check bundle.json: --trust {said}"), checked.stderr


def test_identities_replaced_wholesale_are_caught_by_the_key_trusted(store):
    trusted = ADMIN.public_key
    assert store.verify(trusted=trusted).intact
    impostor = signer("tests", 96)
    with store.ledger.engine.begin() as connection:
        connection.execute(store.ledger.identities.delete())
    store.ledger.register(impostor.name, "administrator", impostor.public_key, impostor)
    assert store.verify(trusted=trusted).problem.startswith("the registry's first administrator is not the key trusted")


def test_a_long_running_reader_checks_what_is_new_at_once_and_everything_again_in_time(store, store_url, monkeypatch):
    import adapters.ledger

    reader = Registry(store_url, read_only=True)
    try:
        Queries(reader).register("barnes-1995", MARCH)  # verified in full: now a checkpoint
        transfer(store, "1,000,000")
        assert "New Holder" in {h.holder for h in Queries(reader).register("barnes-1995", MARCH).holders}, "new events read"
        sql(store, "UPDATE debtreg_events SET state = :state WHERE id = :id", state=b'{"tampered":true}', id=barnes_ids(store)[6])
        monkeypatch.setattr(adapters.ledger, "RECHECK", 0.0)
        with pytest.raises(Tampered, match="event 7 of agreement barnes-1995 does not match"):
            Queries(reader).register("barnes-1995", MARCH)
    finally:
        reader.close()


def test_a_forged_append_is_caught_by_a_reader_that_verified_the_stream_before(store, store_url):
    reader = Registry(store_url, read_only=True)
    try:
        Queries(reader).register("barnes-1995", MARCH)
        forge(store, signer("tests", 99))
        with pytest.raises(Tampered, match="forged"):
            Queries(reader).register("barnes-1995", MARCH)
    finally:
        reader.close()


def head_sizes(registry: Registry) -> list[int]:
    stream = registry.agreement("barnes-1995").id.hex
    with registry.factory.datastore.engine.connect() as connection:
        return [size for (size,) in connection.execute(
            text("SELECT size FROM debtreg_heads WHERE stream = :s ORDER BY size"), {"s": stream})]


@pytest.mark.parametrize("forged_first", [True, False])
def test_heads_checked_on_every_core_name_the_same_first_problem_as_one_by_one(store, monkeypatch, forged_first):
    """A long log's signatures are checked in threads; the problem named must still be the first one a check
    head by head meets: a forged head before an edited event, or the edited event before a forged head."""
    sizes = head_sizes(store)
    forged, edited = (sizes[2], sizes[6]) if forged_first else (sizes[6], sizes[2])
    stream = store.agreement("barnes-1995").id.hex
    sql(store, "UPDATE debtreg_heads SET signature = :sig WHERE stream = :s AND size = :n", sig="00" * 64, s=stream, n=forged)
    sql(store, "UPDATE debtreg_events SET state = :state WHERE id = :id", state=b'{"edited": true}', id=barnes_ids(store)[edited - 1])
    monkeypatch.setattr("adapters.heads.PARALLEL_FROM", 10**9)
    one_by_one = store.verify().problem
    monkeypatch.setattr("adapters.heads.PARALLEL_FROM", 1)
    in_threads = store.verify().problem
    assert in_threads == one_by_one
    if forged_first:
        assert f"the tree head of {BARNES} at {forged} events is not signed" in in_threads
    else:
        assert f"event {edited} of {BARNES} does not match" in in_threads
