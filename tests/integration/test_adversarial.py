"""A state machine drives the application with commands drawn from the register as it stands.

Valid commands (holders who hold, live notes, amounts in legal multiples,
scheduled payments when due) are mixed with malformed and forbidden ones
(odd amounts, unknown holders, dates before issuance, reversals of anything).
After every step the register is whole on every date, every refused command
left the store exactly as it was, and every valid command appended at the end
of business time was recorded. On SQLite and on PostgreSQL.
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
    AccelerationEntry,
    AgreementEntry,
    CancellationEntry,
    EventOfDefaultEntry,
    InterestEntry,
    IssueEntry,
    PrepaymentEntry,
    RescissionEntry,
    ReversalEntry,
    TransferEntry,
    WaiverEntry,
)
from domain import rules
from domain.errors import RegistryError
from domain.events import AGREEMENT
from domain.state import AgreementState
from domain.timeline import Timeline
from support import writer

HOLDERS = ["Alpha Life", "Beta Mutual", "Gamma Insurance"]
START, MATURITY = date(2000, 1, 5), date(2009, 1, 5)
MALFORMED = ["0", "-100,000", "1,00,000", "1e6", "25,OOO,OOO", "100000.001", ""]


def agreement(key: str) -> list:
    common = {"effective_on": START.isoformat(), "evidence": {"document": "machine"}}
    return [
        AgreementEntry.model_validate({
            **common, "type": "agreement", "title": "Note Agreement", "issuer": "Issuer Inc.", "dated_as_of": START.isoformat(),
            "sections": {"transfer": "6.2", "pro_rata": "5.4"}, "reacquired_notes_count_pro_rata": True,
            "amendment_threshold": "66-2/3%",
            "defaults": {"acceleration_threshold": "51%", "rescission_threshold": "51%", "automatic": [], "each_holder": []},
            "series": [{
                "key": "A", "title": "7% Notes", "label": "A Notes", "principal": "15,000,000", "rate": "7%",
                "maturity": MATURITY.isoformat(), "interest_dates": ["01-05", "07-05"], "day_count": "30/360",
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
        self.registry = writer(self.url)
        self.key = f"machine-{uuid4().hex[:10]}"
        for entry in agreement(self.key):
            self.registry.record(self.key, entry)
        self.valid = self.accepted = 0

    def teardown(self) -> None:
        self.registry.close()
        assert self.accepted == self.valid, f"only {self.accepted} of {self.valid} valid appended commands were recorded"

    def stored(self) -> list:
        return self.registry.recorder.select_notifications(start=None, limit=1_000_000)

    def stream(self):
        """The agreement's stream as recorded, even once its registration was reversed."""
        return self.registry.stream(AGREEMENT, self.key)

    def latest(self) -> date:
        return max(e.effective_on for e in self.stream().events)

    def state(self, on: date) -> AgreementState:
        """The register as of ``on`` (empty once the registration itself was reversed)."""
        stream = self.stream()
        state = stream.timeline.state_as_of(on)
        return state if isinstance(state, AgreementState) else AgreementState(stream.events[0].terms, on)

    def attempt(self, model, fields: dict, *, valid: bool = False) -> None:
        """Record an entry; a refusal must leave no trace, and a valid appended entry must be recorded."""
        before = self.stored()
        try:
            entry = model.model_validate({"evidence": {"document": "machine"}, **fields})
            self.registry.record(self.key, entry)
        except (RegistryError, ValidationError) as refusal:
            assert self.stored() == before, f"a refused {model.__name__} left a trace: {fields}"
            assert not valid, f"a valid {model.__name__} was refused: {fields}: {refusal}"
            return
        self.valid += valid
        self.accepted += valid

    @rule(data=st.data(), later=st.integers(0, 120))
    def transfer_a_note_one_holds(self, data, later):
        on = min(self.latest() + timedelta(days=later), MATURITY - timedelta(days=1))
        live = self.state(on).live("A")
        if not live or on < self.latest():
            return
        note = data.draw(st.sampled_from(live))
        hundreds = int(note.principal // 100_000)
        amount = note.principal if hundreds == 0 else D(data.draw(st.integers(1, hundreds)) * 100_000)
        taker = data.draw(st.sampled_from([h for h in HOLDERS + ["Newco"] if h != note.holder]))
        self.attempt(TransferEntry, {"type": "transfer", "effective_on": on.isoformat(), "from": note.holder, "to": taker,
                                     "amount": str(amount), "note": note.number, "new_holder": True}, valid=True)

    @rule(data=st.data())
    def pay_what_is_due(self, data):
        on = self.latest()
        state = self.state(on)
        unpaid = [d for d, c in sorted(state.series["A"].coupons.items())  # none falls due once every note was declared due
                  if c.paid_ref is None and not rules.declared_due_before(state, "A", d)]
        due = [p for p in state.series["A"].schedule or () if p.due_on <= on and p.due_on != MATURITY]
        if unpaid and state.live("A"):
            self.attempt(InterestEntry, {"type": "interest", "effective_on": on.isoformat()}, valid=True)
        elif due and state.live("A") and not rules.declared_due_before(state, "A", on):
            self.attempt(PrepaymentEntry, {"type": "prepayment", "kind": "required", "effective_on": on.isoformat()},
                         valid=True)

    @rule(giver=st.sampled_from(HOLDERS + ["Nobody Ltd"]), taker=st.sampled_from(HOLDERS + ["Newco", "alpha life"]),
          amount=st.one_of(st.integers(1, 10**9).map(lambda c: f"{c // 100}.{c % 100:02d}"), st.sampled_from(MALFORMED)),
          back=st.integers(-40, 3700), note=st.one_of(st.none(), st.integers(1, 40)), new=st.booleans())
    def transfer_anything(self, giver, taker, amount, back, note, new):
        on = START + timedelta(days=back)
        self.attempt(TransferEntry, {"type": "transfer", "effective_on": on.isoformat(), "from": giver, "to": taker,
                                     "amount": amount, "new_holder": new, **({"note": note} if note else {})})

    @rule(kind=st.sampled_from(["required", "optional"]), amount=st.one_of(st.none(), st.sampled_from(MALFORMED),
          st.integers(1, 30).map(lambda n: f"{n * 500_000:,}")), back=st.integers(-40, 3700))
    def prepay_anything(self, kind, amount, back):
        fields = {"type": "prepayment", "kind": kind, "effective_on": (START + timedelta(days=back)).isoformat()}
        if amount is not None:
            fields["amount"] = amount
        self.attempt(PrepaymentEntry, fields)

    @rule(note=st.integers(1, 40), back=st.integers(-40, 3700))
    def cancel_anything(self, note, back):
        on = START + timedelta(days=back)
        self.attempt(CancellationEntry, {"type": "cancellation", "note": note, "effective_on": on.isoformat()})

    @rule(back=st.integers(-40, 3700))
    def default_anything(self, back):
        on = START + timedelta(days=back)
        self.attempt(EventOfDefaultEntry, {"type": "event-of-default", "effective_on": on.isoformat(), "clause": "7.7",
                                           "description": "machine"})

    @rule(by=st.lists(st.sampled_from(HOLDERS + ["Nobody Ltd"]), min_size=1, max_size=3, unique=True),
          back=st.integers(-40, 3700), what=st.sampled_from(["acceleration", "rescission", "waiver"]))
    def remedy_anything(self, by, back, what):
        on = (START + timedelta(days=back)).isoformat()
        if what == "waiver":
            self.attempt(WaiverEntry, {"type": "waiver", "effective_on": on, "provisions": ["7.7"], "given_by": by})
        else:
            self.attempt(AccelerationEntry if what == "acceleration" else RescissionEntry,
                         {"type": what, "effective_on": on, "declared_by": by})

    @rule(back=st.integers(0, 12))
    def reverse_anything(self, back):
        position = max(1, self.stream().version - back)
        self.attempt(ReversalEntry, {"type": "reversal", "target": position, "reason": "machine"})

    @invariant()
    def the_register_is_whole_on_every_date(self):
        events = self.stream().events
        timeline = Timeline(events)
        reversed_positions = {p for e in events for p in e.reverses()}
        if timeline.final is None:  # the registration was reversed, with nothing resting on it
            assert all(e.originator_version in reversed_positions or e.reverses() for e in events)
            return
        for on in (START, date(2003, 6, 1), date(2005, 1, 5), date(2008, 12, 31), date(2012, 1, 1)):
            state = timeline.state_as_of(on)
            assert isinstance(state, AgreementState)
            live = state.live("A")
            assert all(note.principal > 0 for note in live)
            assert sum(state.holdings().values(), D(0)) == state.outstanding("A")
            paid = sum(
                (a.amount for e in events if e.effective_on <= on and e.originator_version not in reversed_positions
                 and type(e).__name__ != "InterestPaid" for a in getattr(e, "allocations", ()) if not a.deemed),
                D(0),
            )
            assert state.outstanding("A") == state.series["A"].total("issued") - paid - state.series["A"].total("cancelled")


def run(url: str, examples: int) -> None:
    Adversary.url = url
    Adversary.TestCase.settings = settings(
        max_examples=examples, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    try:
        Adversary.TestCase().runTest()
    finally:
        registry = writer(url)
        try:
            assert registry.verify().intact, "the log must verify after every run"
        finally:
            registry.close()


def test_random_commands_on_sqlite_keep_the_register_whole_and_refusals_leave_no_trace(tmp_path):
    run(f"sqlite:///{tmp_path / 'machine.sqlite'}", examples=40)


@pytest.mark.postgres
def test_random_commands_on_postgresql_keep_the_register_whole_and_refusals_leave_no_trace(postgres_url):
    run(postgres_url, examples=10)
