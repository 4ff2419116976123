"""Two clerks at once, in two processes: never both, when together they would overdraw.

And a journal load killed part-way leaves whole entries only; running it again completes it.
"""

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.entries import TransferEntry
from adapters.queries import Queries
from adapters.registry import Registry
from conftest import ROOT
from domain.errors import RegistryError
from support import ADMIN, admin_key, writer

DEBTREG = str(Path(sys.executable).parent / "debtreg")


def lincoln_sells_everything_to(taker: str) -> TransferEntry:
    return TransferEntry.model_validate(
        {"type": "transfer", "effective_on": "2003-03-03", "evidence": {"document": "t"},
         "from": "Lincoln", "to": taker, "new_holder": True, "amount": "6,150,000"}
    )


def clerk(url: str, taker: str, barrier, results) -> None:
    """A clerk's process: check the transfer, wait until the other clerk has too, then save."""

    class Racing(Registry):
        name = Registry.name  # eventsourcing names the tables after the application class
        first = True

        def stage(self, *args, **kwargs):
            staged = super().stage(*args, **kwargs)
            if Racing.first:
                Racing.first = False
                barrier.wait(timeout=60)
            return staged

    registry = Racing(url, identity=ADMIN)
    try:
        staged = registry.record("barnes-1995", lincoln_sells_everything_to(taker))
        results.put((taker, "recorded", staged.refs))
    except RegistryError as error:
        results.put((taker, type(error).__name__, str(error)))
    finally:
        registry.close()


def test_two_processes_checking_the_same_holding_cannot_both_transfer_it(loaded_store):
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    clerks = [context.Process(target=clerk, args=(loaded_store, taker, barrier, results)) for taker in ("Buyer A", "Buyer B")]
    for process in clerks:
        process.start()
    outcomes = sorted(results.get(timeout=120) for _ in clerks)
    for process in clerks:
        process.join(timeout=60)
    assert sorted(kind for _, kind, _ in outcomes) == ["UnknownHolder", "recorded"]
    [(loser, _, message)] = [o for o in outcomes if o[1] != "recorded"]
    assert "'Lincoln' is not a holder of 7.13% notes on 2003-03-03" in message
    registry = writer(loaded_store)
    try:
        view = Queries(registry).register("barnes-1995", date(2003, 3, 3))
        holders = {h.holder: h.principal["7.13%"] for h in view.holders}
        winner = "Buyer B" if loser == "Buyer A" else "Buyer A"
        assert holders[winner] == 6150000 and loser not in holders and "Lincoln Investment Management, Inc." not in holders
        assert registry.verify().intact
    finally:
        registry.close()


def test_two_debtreg_commands_at_once_one_records_and_one_is_refused(loaded_store):
    env = {**os.environ, "DEBTREG_IDENTITY": admin_key()}
    commands = [
        subprocess.Popen(
            [DEBTREG, "--db", loaded_store, "transfer", "barnes-1995", "--date", "2003-03-03", "--from", "Lincoln",
             "--to", taker, "--new-holder", "--amount", "6,150,000"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
        )
        for taker in ("Buyer A", "Buyer B")
    ]
    results = [(c.wait(timeout=120), c.stderr.read()) for c in commands]
    assert sorted(code for code, _ in results) == [0, 1], results
    assert any("is not a holder of 7.13% notes" in err or "cannot transfer" in err for _, err in results)


# ----------------------------------------------------------------- crash safety


def synthetic_journal(path: Path, transfers: int) -> None:
    """An agreement of four holders and many transfers, some spanning two notes."""
    holders = ["North Life", "South Life", "East Mutual", "West Annuity"]
    lines = [
        '[journal]\nid = "crash"\nagreement = "crash-test"\ntitle = "crash test"\n',
        '[[entry]]\nid = "agreement"\ntype = "agreement"\neffective_on = 2000-01-03\nevidence = { document = "test" }\n'
        'title = "Note Agreement"\nissuer = "Issuer"\ndated_as_of = 2000-01-03\n'
        '[[entry.series]]\nkey = "A"\ntitle = "A Notes"\nlabel = "A Notes"\nprincipal = "40,000,000"\n'
        'rate = "7%"\nmaturity = 2030-01-03\nmin_denomination = "100,000"\n',
        '[[entry]]\nid = "issue"\ntype = "issue"\neffective_on = 2000-01-03\nevidence = { document = "test" }\nnotes = ['
        + ", ".join(f'{{ holder = "{h}", principal = "10,000,000" }}' for h in holders) + "]\n",
    ]
    day = date(2000, 1, 4)
    for n in range(transfers):
        giver, taker = holders[n % 4], holders[(n + 1) % 4]
        lines.append(
            f'[[entry]]\nid = "t{n}"\ntype = "transfer"\neffective_on = {day + timedelta(days=n)}\n'
            f'evidence = {{ document = "test" }}\nfrom = "{giver}"\nto = "{taker}"\namount = "{100_000 * (1 + n % 7)}"\n'
        )
    path.write_text("\n".join(lines))


def count_events(url: str) -> int:
    registry = writer(url)
    try:
        with registry.factory.datastore.engine.connect() as connection:
            return connection.execute(text("SELECT COUNT(*) FROM debtreg_events")).scalar()
    finally:
        registry.close()


def test_a_load_killed_part_way_leaves_whole_entries_and_a_rerun_completes_it(store_url, tmp_path):
    journal = tmp_path / "crash.toml"
    synthetic_journal(journal, 5000)  # long enough that a kill lands between the load's batches
    count_events(store_url)  # creates the tables before the race starts
    env = {**os.environ, "DEBTREG_IDENTITY": admin_key()}
    process = subprocess.Popen([DEBTREG, "--db", store_url, "load", str(journal)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    deadline = time.monotonic() + 120
    while count_events(store_url) < 300 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the load finished before it could be killed"
    partial = writer(store_url)
    try:
        by_entry: dict[str, int] = {}
        for event in partial.agreement("crash-test").events:
            by_entry[event.provenance.entry] = by_entry.get(event.provenance.entry, 0) + 1
        recorded = len(partial.agreement("crash-test").events)
        assert partial.verify().intact
    finally:
        partial.close()
    subprocess.run([DEBTREG, "--db", store_url, "load", str(journal)], check=True, capture_output=True, cwd=ROOT, env=env)
    complete = writer(store_url)
    try:
        final: dict[str, int] = {}
        for event in complete.agreement("crash-test").events:
            final[event.provenance.entry] = final.get(event.provenance.entry, 0) + 1
        assert set(final) == {"crash/agreement", "crash/issue", *(f"crash/t{n}" for n in range(5000))}
        assert all(by_entry[entry] == final[entry] for entry in by_entry), "an entry was cut in two"
        assert 300 <= recorded < len(complete.agreement("crash-test").events), "the kill left part of the load"
        assert complete.verify().intact
    finally:
        complete.close()
    assert any(count == 2 for count in final.values()), "some entries span two notes"


def test_a_holder_named_by_another_writer_on_another_agreement_is_known_to_the_next_command(loaded_store):
    """Each command resolves names against every holder on the registry, re-reading only the streams recorded in
    since it last looked: a name another process just recorded, on another agreement, is seen."""
    first, second = writer(loaded_store), writer(loaded_store)
    try:
        first.directory()  # reads every agreement once
        entry = {"type": "transfer", "effective_on": "2003-03-01", "evidence": {"document": "test"}, "amount": "1,000,000"}
        second.record("barnes-2000", TransferEntry.model_validate(
            {**entry, "from": "Prudential", "to": "Zephyr Mutual Life Insurance Company", "new_holder": True}))
        with pytest.raises(RegistryError, match="looks like 'Zephyr Mutual Life Insurance Company'"):
            first.record("barnes-1995", TransferEntry.model_validate(
                {**entry, "from": "Lincoln", "to": "Zephyr Mutual Life Insurance Co", "new_holder": True}))
        recorded = first.record("barnes-1995", TransferEntry.model_validate(
            {**entry, "from": "Lincoln", "to": "Zephyr Mutual Life Insurance Company"}))
        assert recorded.events[-1].transferee == "Zephyr Mutual Life Insurance Company"
    finally:
        first.close()
        second.close()


def test_writers_on_different_agreements_do_not_wait_on_one_another(loaded_postgres):
    """A save on one agreement whose transaction is still open holds up no command on another agreement: no lock
    on the whole log, no registry-wide chain head (each stream has its own)."""
    import threading

    held, release = threading.Event(), threading.Event()
    slow, quick = writer(loaded_postgres), writer(loaded_postgres)
    append = slow.ledger.append

    def append_and_wait(*args, **kwargs):  # inside the saving transaction, its events inserted
        tips = append(*args, **kwargs)
        held.set()
        release.wait(timeout=60)
        return tips

    slow.ledger.append = append_and_wait
    entry = {"type": "transfer", "effective_on": "2003-03-01", "evidence": {"document": "test"}, "amount": "1,000,000"}
    outcomes: dict[str, object] = {}

    def record(name, registry, key, giver):
        try:
            outcomes[name] = registry.record(key, TransferEntry.model_validate(
                {**entry, "from": giver, "to": f"{name.title()} Mutual Life", "new_holder": True}))
        except Exception as error:  # noqa: BLE001 - reported by the assertions below
            outcomes[name] = error

    first = threading.Thread(target=record, args=("slow", slow, "barnes-1995", "Lincoln"))
    second = threading.Thread(target=record, args=("quick", quick, "barnes-2000", "Prudential"))
    try:
        first.start()
        assert held.wait(timeout=60), outcomes
        second.start()
        second.join(timeout=20)
        finished_while_held = not second.is_alive()
        release.set()
        first.join(timeout=60)
        second.join(timeout=60)
        assert finished_while_held, "the command on barnes-2000 waited for the open save on barnes-1995"
        assert not isinstance(outcomes["quick"], Exception) and not isinstance(outcomes["slow"], Exception), outcomes
        views = Queries(quick)
        assert views.register("barnes-1995", date(2003, 3, 2)).holders != views.register("barnes-1995", date(2003, 2, 28)).holders
        assert quick.verify().intact
    finally:
        release.set()
        slow.close()
        quick.close()
