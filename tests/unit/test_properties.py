"""Invariants over random histories of issuance, transfers, prepayments and cancellations.

Whatever sequence of commands is given, in whatever order of effective dates,
at every date the holdings sum to the principal issued less what was prepaid,
repaid and cancelled, no note is negative, every payment is allocated exactly,
and a refused command leaves no trace.
"""

from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.agreement import Agreement, NewNote
from domain.errors import RegistryError
from domain.ledger import replay
from domain.values import AgreementTerms, Evidence, Provenance, ScheduledPayment, SeriesTerms

HOLDERS = ["Alpha Life", "Beta Mutual", "Gamma Insurance", "Delta Annuity", "Epsilon Re"]
START, END = date(1995, 12, 5), date(2006, 1, 31)
BY = Provenance("property test", Evidence("treasury entry"))

TERMS = AgreementTerms(
    key="random",
    title="Note Purchase Agreement",
    issuer="Issuer Inc.",
    guarantors=(),
    dated_as_of=START,
    closing_on=START,
    series=(
        SeriesTerms(
            key="A",
            title="Series A",
            label="A Notes",
            principal=D("25000000.00"),
            rate_percent=D("7.13"),
            maturity=date(2005, 12, 5),
            required_prepayments=tuple(ScheduledPayment(date(y, 12, 5), D("6250000.00")) for y in (2002, 2003, 2004)),
            min_denomination=D("100000.00"),
            optional_prepayment_multiple=D("1000000.00"),
        ),
    ),
    reacquired_notes_count_pro_rata=True,
)

days = st.integers(min_value=-5, max_value=(END - START).days).map(lambda n: START + timedelta(days=n))
money = st.one_of(
    st.integers(min_value=1, max_value=40).map(lambda n: D(n * 100_000)),
    st.integers(min_value=1, max_value=500_000_000).map(lambda c: D(c).scaleb(-2)),
)
transfers = st.tuples(st.just("transfer"), days, st.sampled_from(HOLDERS), st.sampled_from(HOLDERS + ["Newco"]), money)
prepayments = st.tuples(
    st.just("prepay"),
    st.one_of(days, st.sampled_from([date(y, 12, 5) for y in (2002, 2003, 2004)])),
    st.sampled_from(["required", "optional"]),
    st.one_of(money, st.just(D("6250000")), st.integers(1, 3).map(lambda n: D(n * 1_000_000))),
)
cancellations = st.tuples(st.just("cancel"), days, st.integers(min_value=1, max_value=8))
maturities = st.tuples(st.just("maturity"), st.one_of(days, st.just(date(2005, 12, 5))))
commands = st.lists(st.one_of(transfers, transfers, transfers, prepayments, prepayments, cancellations, maturities), max_size=30)
initial = st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=5).map(
    lambda parts: [D(p * 100_000) for p in parts]
)


def run(agreement: Agreement, command: tuple) -> None:
    kind, on, *rest = command
    if kind == "transfer":
        giver, taker, amount = rest
        agreement.transfer(on=on, transferor=giver, transferee=taker, amount=amount, provenance=BY)
    elif kind == "prepay":
        how, amount = rest
        agreement.prepay(on=on, amount=amount, kind=how, provenance=BY)
    elif kind == "cancel":
        agreement.cancel(on=on, note=rest[0], provenance=BY)
    else:
        agreement.pay_at_maturity(on=on, provenance=BY)


def trace(agreement: Agreement) -> tuple:
    return (agreement.version, list(agreement.history), list(agreement.pending_events), dict(agreement.entries))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(principals=initial, commands=commands, probes=st.lists(days, min_size=1, max_size=6))
def test_every_history_keeps_the_register_whole_and_refusals_leave_no_trace(principals, commands, probes):
    agreement = Agreement.register(TERMS, effective_on=START, provenance=BY)
    notes = [NewNote("A", HOLDERS[i % len(HOLDERS)], p) for i, p in enumerate(principals)]
    agreement.issue(notes, on=START, provenance=BY)
    for command in commands:
        before = trace(agreement)
        try:
            run(agreement, command)
        except RegistryError:
            assert trace(agreement) == before, f"{command} was refused but left a trace"

    for event in agreement.history:
        for allocations in [getattr(event, "allocations", ())]:
            total = getattr(event, "amount", None)
            if total is not None and allocations:
                assert sum(a.amount for a in allocations) == total

    for day in [*probes, END]:
        ledger = replay(agreement.history, as_of=day)
        if ledger.terms is None:
            continue
        state = ledger.series["A"]
        live = ledger.live("A")
        assert all(note.principal > 0 for note in live)
        assert all(share >= 0 for share in ledger.deemed.values())
        cash_paid = sum(
            (a.amount for e in agreement.history if e.effective_on <= day for a in getattr(e, "allocations", ()) if not a.deemed),
            D(0),
        )
        cancelled = state.total("cancelled")
        assert sum(note.principal for note in live) == state.total("issued") - cash_paid - cancelled
        assert sum(ledger.holdings().values(), D(0)) == ledger.outstanding("A")
