"""A state machine drives the application with random commands, valid and not.

Amounts (odd, too large, malformed), dates (before issuance, backdated, far
ahead), holders (unknown, misspelt), denominations, reversals of anything:
after every step the register is whole, and every refused command left no
trace in the store. On SQLite and on PostgreSQL.
"""

from datetime import date, timedelta
from decimal import Decimal as D
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from pydantic import ValidationError

from adapters.entries import (
    AgreementEntry,
    CancellationEntry,
    InterestEntry,
    IssueEntry,
    PrepaymentEntry,
    ReversalEntry,
    TransferEntry,
)
from adapters.registry import Registry
from domain.agreement import agreement_id
from domain.errors import RegistryError
from domain.ledger import replay

HOLDERS = ["Alpha Life", "Beta Mutual", "Gamma Insurance"]
START = date(2000, 1, 5)
days = st.one_of(
    st.integers(min_value=-30, max_value=3700).map(lambda n: START + timedelta(days=n)),
    st.sampled_from([date(y, m, 5) for y in range(2000, 2010) for m in (1, 7)]),
)
amounts = st.one_of(
    st.integers(min_value=1, max_value=30).map(lambda n: f"{n * 100_000:,}"),
    st.integers(min_value=1, max_value=5).map(lambda n: f"{n * 1_000_000:,}"),
    st.integers(min_value=1, max_value=10**9).map(lambda c: f"{c // 100}.{c % 100:02d}"),
    st.sampled_from(["0", "-100,000", "1,00,000", "1e6", "25,OOO,OOO", "100000.001", ""]),
)


def agreement(key: str) -> list:
    common = {"effective_on": START.isoformat(), "evidence": {"document": "machine"}}
    return [
        AgreementEntry.model_validate({
            **common, "type": "agreement", "title": "Note Agreement", "issuer": "Issuer Inc.", "dated_as_of": START.isoformat(),
            "sections": {"transfer": "6.2", "pro_rata": "5.4"}, "reacquired_notes_count_pro_rata": True,
            "series": [{
                "key": "A", "title": "7% Notes", "label": "A Notes", "principal": "15,000,000", "rate": "7%",
                "maturity": "2009-01-05", "interest_dates": ["01-05", "07-05"], "day_count": "30/360",
                "min_denomination": "100,000", "optional_prepayment_multiple": "1,000,000",
                "required_prepayments": [{"due_on": f"{y}-01-05", "amount": "3,000,000"} for y in (2005, 2006, 2007, 2008)],
            }],
        }),
        IssueEntry.model_validate({
            **common, "type": "issue", "notes": [{"holder": h, "principal": "5,000,000"} for h in HOLDERS],
        }),
    ]


class Adversary(RuleBasedStateMachine):
    url = "sqlite:///:memory:"

    def __init__(self) -> None:
        super().__init__()
        self.registry = Registry(self.url)
        self.key = f"machine-{uuid4().hex[:10]}"
        for entry in agreement(self.key):
            self.registry.execute(self.key, entry, recorded_by="machine")

    def teardown(self) -> None:
        self.registry.close()

    def stored(self) -> list:
        return list(self.registry.events.get(agreement_id(self.key)))

    def attempt(self, model, fields: dict) -> None:
        before = self.stored()
        try:
            entry = model.model_validate({"evidence": {"document": "machine"}, **fields})
            self.registry.execute(self.key, entry, recorded_by="machine")
        except (RegistryError, ValidationError):
            assert self.stored() == before, f"a refused {model.__name__} left a trace: {fields}"

    @rule(giver=st.sampled_from(HOLDERS + ["Nobody Ltd"]), taker=st.sampled_from(HOLDERS + ["Newco", "alpha life"]),
          amount=amounts, on=days, note=st.one_of(st.none(), st.integers(1, 12)))
    def transfer(self, giver, taker, amount, on, note):
        self.attempt(TransferEntry, {"type": "transfer", "effective_on": on.isoformat(), "from": giver, "to": taker,
                                     "amount": amount, **({"note": note} if note else {})})

    @rule(kind=st.sampled_from(["required", "optional"]), amount=st.one_of(st.none(), amounts), on=days)
    def prepay(self, kind, amount, on):
        fields = {"type": "prepayment", "kind": kind, "effective_on": on.isoformat()}
        if amount is not None:
            fields["amount"] = amount
        self.attempt(PrepaymentEntry, fields)

    @rule(on=days)
    def pay_interest(self, on):
        self.attempt(InterestEntry, {"type": "interest", "effective_on": on.isoformat()})

    @rule(note=st.integers(1, 12), on=days)
    def cancel(self, note, on):
        self.attempt(CancellationEntry, {"type": "cancellation", "note": note, "effective_on": on.isoformat()})

    @rule(back=st.integers(0, 12))
    def reverse(self, back):
        position = max(1, len(self.stored()) - back)
        self.attempt(ReversalEntry, {"type": "reversal", "target": position, "reason": "machine"})

    @invariant()
    def the_register_is_whole_on_every_date(self):
        events = self.stored()
        for on in (START, date(2003, 6, 1), date(2005, 1, 5), date(2008, 12, 31), date(2012, 1, 1)):
            ledger = replay(events, as_of=on)
            live = ledger.live("A")
            assert all(note.principal > 0 for note in live)
            assert sum(ledger.holdings().values(), D(0)) == ledger.outstanding("A")
            issued = ledger.series["A"].total("issued")
            paid = sum(
                (a.amount for e in events if e.effective_on <= on and e.originator_version in _in_force(events)
                 for a in getattr(e, "allocations", ()) if not a.deemed and type(e).__name__ != "InterestPaid"),
                D(0),
            )
            assert ledger.outstanding("A") == issued - paid - ledger.series["A"].total("cancelled")


def _in_force(events) -> set[int]:
    reversed_positions = {p for e in events for p in e.reverses()}
    return {e.originator_version for e in events if e.originator_version not in reversed_positions}


def run(url: str, examples: int) -> None:
    Adversary.url = url
    Adversary.TestCase.settings = settings(
        max_examples=examples, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    try:
        Adversary.TestCase().runTest()
    finally:
        registry = Registry(url)
        try:
            assert registry.verify().intact, "the log must verify after every run"
        finally:
            registry.close()


def test_random_commands_on_sqlite_keep_the_register_whole_and_refusals_leave_no_trace(tmp_path):
    run(f"sqlite:///{tmp_path / 'machine.sqlite'}", examples=40)


@pytest.mark.postgres
def test_random_commands_on_postgresql_keep_the_register_whole_and_refusals_leave_no_trace(postgres_url):
    run(postgres_url, examples=10)
