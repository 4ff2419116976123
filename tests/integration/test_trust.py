"""Trust under load and at the database: verify is exact while 8 writers record, recorded time is the store's,
and an auditor's connection cannot write."""

import multiprocessing
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

import adapters.ledger
from adapters.entries import TransferEntry
from adapters.queries import Queries
from adapters.registry import Registry
from domain.errors import RegistryError
from support import ADMIN, admin_key, command_line, select_only_role

WRITERS = 8
SOAK_SECONDS = 8


HOLDERS = ("Connecticut General Life Insurance Company", "Life Insurance Company of North America",
           "ACE American Insurance Co.", "ACE Property & Casualty Insurance Company", "Lincoln Investment Management, Inc.")


def move(registry: Registry, giver: str, taker: str, *, new: bool = False):
    return registry.record("barnes-1995", TransferEntry.model_validate(
        {"type": "transfer", "effective_on": "2003-03-03", "evidence": {"document": "soak"}, "from": giver, "to": taker,
         "new_holder": new, "amount": "100,000"}))


def soak_writer(url: str, number: int, until: float, results) -> None:
    """A writer's process: move $100,000 between two holders of the 1995 notes and back, until told (writers
    share holders, so they race for the same holdings)."""
    registry = Registry(url, identity=ADMIN)
    one, other = HOLDERS[number % 5], HOLDERS[(number + 1) % 5]
    recorded, refused, gave_up = 0, 0, 0
    try:
        while time.time() < until:
            for giver, taker in ((one, other), (other, one)):
                try:
                    recorded += len(move(registry, giver, taker).events)
                except RegistryError as error:
                    refused += 1
                    gave_up += "other writers kept changing" in str(error)
                    if refused == 1:
                        print(f"writer {number}, first refusal: {error}")
    finally:
        registry.close()
        results.put((number, recorded, refused, gave_up))


def test_verify_alongside_eight_writers_never_cries_wolf(loaded_store):
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    until = time.time() + SOAK_SECONDS + 5  # the writers' start-up included
    writers = [context.Process(target=soak_writer, args=(loaded_store, n, until, results)) for n in range(WRITERS)]
    checker = Registry(loaded_store, read_only=True)
    initial = checker.verify().events
    for process in writers:
        process.start()
    checks, alarms, sizes = 0, [], []
    try:
        while time.time() < until:
            result = checker.verify()
            checks += 1
            sizes.append(result.events)
            if not result.intact:
                alarms.append(result.problem)
    finally:
        outcomes = [results.get(timeout=120) for _ in writers]
        for process in writers:
            process.join(timeout=60)
    try:
        final = checker.verify()
    finally:
        checker.close()
    recorded = sum(o[1] for o in outcomes)
    refused, gave_up = sum(o[2] for o in outcomes), sum(o[3] for o in outcomes)
    assert alarms == [], f"{len(alarms)} false alarms in {checks} checks: {alarms[:3]}"
    assert recorded >= WRITERS and checks >= 5 and len(set(sizes)) > 1, "verify ran while the log grew"
    assert gave_up == 0, f"{gave_up} valid commands gave up retrying"
    assert final.intact and final.events == initial + recorded
    print(f"\nsoak on {checker.ledger.engine.dialect.name}: {WRITERS} writers recorded {recorded} events;"
          f" {checks} checks alongside, {len(alarms)} alarms; {refused} refused, of which {gave_up} gave up retrying")


class SlowClock:
    """A workstation whose clock is three days slow (the rest of ``datetime`` as it is)."""

    fromisoformat = staticmethod(datetime.fromisoformat)

    @staticmethod
    def now(tz=None):
        return datetime.now(tz) - timedelta(days=3)


def test_a_writer_with_a_slow_clock_records_at_the_stores_time(loaded_store, monkeypatch):
    registry = Registry(loaded_store, identity=ADMIN)
    try:
        before = max(line.recorded_at for line in Queries(registry).history("barnes-1995"))
        monkeypatch.setattr(adapters.ledger, "datetime", SlowClock)
        move(registry, "Connecticut General", "New Holder", new=True)
        monkeypatch.undo()
        recorded = Queries(registry).history("barnes-1995")[-1].recorded_at
        assert recorded > before, "never before what the store recorded already"
        assert abs(recorded - datetime.now(UTC)) < timedelta(minutes=5) or registry.ledger.engine.dialect.name == "sqlite"
        known = Queries(registry).register("barnes-1995", date(2003, 3, 3), known_at=before)
        assert "New Holder" not in {h.holder for h in known.holders}, "a slow clock does not backdate what was known"
        assert registry.verify().intact
    finally:
        registry.close()


def test_a_read_only_sqlite_store_is_viewed_and_verified_and_refuses_a_write(loaded_url):
    reader = Registry(loaded_url, read_only=True)
    try:
        assert Queries(reader).annex1("barnes-1995", date(2003, 2, 5)).totals["7.13%"] == 18_750_000
        assert reader.verify().intact
        with pytest.raises(Exception, match="readonly"), reader.ledger.engine.begin() as connection:
            connection.execute(text("DELETE FROM debtreg_events"))
    finally:
        reader.close()


@pytest.mark.postgres
def test_a_select_only_postgres_role_views_and_verifies_but_cannot_write(loaded_postgres):
    import psycopg

    with select_only_role(loaded_postgres) as auditor_url:
        annex = command_line(auditor_url, "annex1", "barnes-1995", "--as-of", "2003-02-05")
        assert annex.exit_code == 0 and "TOTAL" in annex.stdout, annex.output
        assert command_line(auditor_url, "verify").stdout.startswith("intact: 65 events")
        written = command_line(auditor_url, "transfer", "barnes-1995", "--date", "2003-03-03", "--from", "Lincoln",
                               "--to", "X", "--new-holder", "--amount", "100,000", identity=admin_key())
        assert written.exit_code != 0 and "permission denied" in written.stderr and "Traceback" not in written.output
        with psycopg.connect(auditor_url.replace("postgresql+psycopg://", "postgresql://")) as connection, \
                pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("DELETE FROM debtreg_events")
