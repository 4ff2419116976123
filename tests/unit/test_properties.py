"""Invariants over random histories of issuance, transfers, prepayments, cancellations and maturity.

Commands are drawn from the register as it stands (holders who hold, notes
that are live, amounts in legal multiples), mostly appended and sometimes
backdated, with a share of deliberately invalid ones. Whatever happens, at
every date the holdings sum to the principal issued less what was paid and
cancelled, no note is negative, every payment is allocated exactly, a refused
command leaves no trace, and most valid commands are accepted: a registry that
refused everything would fail here: every valid command appended at the end
of business time must be accepted.
"""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.commands import NewNote
from domain.errors import RegistryError
from domain.state import AgreementState
from domain.values import AgreementTerms, ScheduledPayment, SeriesTerms
from support import Book

HOLDERS = ["Alpha Life", "Beta Mutual", "Gamma Insurance", "Delta Annuity", "Epsilon Re"]
START, MATURITY = date(1995, 12, 5), date(2005, 12, 5)
INSTALMENTS = tuple(ScheduledPayment(date(y, 12, 5), D("6250000.00")) for y in (2002, 2003, 2004))

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
            maturity=MATURITY,
            required_prepayments=INSTALMENTS,
            min_denomination=D("100000.00"),
            optional_prepayment_multiple=D("1000000.00"),
        ),
    ),
    reacquired_notes_count_pro_rata=True,
)


def valid_command(data, book: Book) -> tuple | None:
    """A command the register as of its date allows, or ``None`` if nothing is left to do.

    Appended commands (dated on or after everything recorded) must be accepted;
    a quarter are backdated, and may rightly be refused for what follows them.
    """
    latest = max(e.effective_on for e in book.events)
    backdated = data.draw(st.integers(0, 3)) == 0  # a quarter of them: they may conflict with what follows
    on = latest + timedelta(days=data.draw(st.integers(-400, -1) if backdated else st.integers(0, 200)))
    on = min(max(on, START), MATURITY)
    state = book.state(on)
    live = state.live("A")
    if not live:
        return None
    due = [p for p in state.series["A"].schedule or () if p.due_on != MATURITY]
    choices = ["transfer", "transfer", "transfer", "optional", "cancel"]
    if due and on >= due[0].due_on:
        choices += ["required"] * 3
    if on == MATURITY:
        choices = ["maturity"]
    kind = data.draw(st.sampled_from(choices))
    if kind == "transfer":
        note = data.draw(st.sampled_from(live))
        hundreds = int(note.principal // 100_000)
        amount = note.principal if hundreds == 0 else D(data.draw(st.integers(1, hundreds)) * 100_000)
        taker = data.draw(st.sampled_from([h for h in HOLDERS + ["Newco"] if h != note.holder]))
        return ("transfer", on, note.holder, taker, amount, {"note": note.number})
    if kind == "required":
        return ("prepay", due[0].due_on if on < due[0].due_on else on, "required", due[0].amount)
    if kind == "optional":
        millions = int((state.outstanding("A") + state.deemed_total("A")) // 1_000_000)
        if millions == 0:
            return None
        return ("prepay", on, "optional", D(data.draw(st.integers(1, millions)) * 1_000_000))
    if kind == "cancel":
        return ("cancel", on, data.draw(st.sampled_from(live)).number)
    return ("maturity", MATURITY)


def invalid_command(data, book: Book) -> tuple:
    """A command the agreement forbids: too much, too small, nobody's, too early, off-schedule."""
    state = book.state()
    live = state.live("A") or [None]
    note = data.draw(st.sampled_from(live))
    # not a multiple of $1,000,000, nor every note in whole (which need not be one, Section 5.2)
    then = book.state(date(2003, 6, 1))
    odd = D(2_500_000) if then.outstanding("A") + then.deemed_total("A") == D(1_500_000) else D(1_500_000)
    return data.draw(st.sampled_from([
        ("transfer", date(2003, 1, 1), "Nobody Ltd", "Newco", D(100_000), {}),
        ("transfer", START - timedelta(days=1), HOLDERS[0], "Newco", D(100_000), {}),
        ("transfer", date(2003, 1, 1), note.holder if note else HOLDERS[0], "Newco", D(99_000_000), {}),
        ("transfer", date(2003, 1, 1), note.holder if note else HOLDERS[0], "Newco", D("12345.67"),
         {"note": note.number} if note else {}),
        ("prepay", date(2003, 6, 1), "optional", odd),
        ("prepay", date(2001, 6, 1), "required", D(100_000)),
        ("cancel", date(2003, 1, 1), 999),
    ]))


def run(book: Book, command: tuple) -> tuple:
    kind, on, *rest = command
    if kind == "transfer":
        giver, taker, amount, options = rest
        return book.transfer(on, giver, taker, amount, **options)
    if kind == "prepay":
        how, amount = rest
        return book.prepay(on, amount, how)
    if kind == "cancel":
        return book.cancel(on, rest[0])
    return book.pay_at_maturity(on)


def check_whole(book: Book, day: date) -> None:
    state = book.state(day)
    if not isinstance(state, AgreementState):
        return
    live = state.live("A")
    assert all(note.principal > 0 for note in live)
    assert all(amount >= 0 for _, amount in state.deemed.values())
    cash_paid = sum(
        (a.amount for e in book.events if e.effective_on <= day and type(e).__name__ != "InterestPaid"
         for a in getattr(e, "allocations", ()) if not a.deemed),
        D(0),
    )
    series = state.series["A"]
    assert sum(note.principal for note in live) == series.total("issued") - cash_paid - series.total("cancelled")
    assert sum(state.holdings().values(), D(0)) == state.outstanding("A")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), principals=st.lists(st.integers(1, 50), min_size=2, max_size=5))
def test_every_history_keeps_the_register_whole_refusals_leave_no_trace_and_valid_commands_go_through(data, principals):
    principal = D(sum(principals) * 100_000)
    [series] = TERMS.series
    schedule = tuple(replace(p, amount=principal / 4) for p in INSTALMENTS)
    book = Book(replace(TERMS, series=(replace(series, principal=principal, required_prepayments=schedule),)), START)
    book.issue(START, *(NewNote(HOLDERS[i % len(HOLDERS)], D(p * 100_000), "A") for i, p in enumerate(principals)))
    valid = accepted = 0
    for _ in range(data.draw(st.integers(10, 30))):
        meant_valid = data.draw(st.integers(0, 3)) > 0
        latest = max(e.effective_on for e in book.events)
        command = valid_command(data, book) if meant_valid else invalid_command(data, book)
        if command is None:
            break
        before = book.stream
        try:
            events = run(book, command)
        except RegistryError as refusal:
            assert book.stream is before, f"{command} was refused but left a trace"
            assert not meant_valid or command[1] < latest, f"{command} is appended and valid, but refused: {refusal}"
            valid += meant_valid and command[1] >= latest
            continue
        assert meant_valid, f"{command} should have been refused"
        valid += command[1] >= latest
        accepted += command[1] >= latest
        for event in events:
            amount = getattr(event, "amount", None)
            if amount is not None and getattr(event, "allocations", ()):
                assert sum(a.amount for a in event.allocations) == amount
    for day in [date(1999, 1, 1), date(2002, 12, 5), date(2003, 6, 1), MATURITY, date(2006, 1, 1)]:
        check_whole(book, day)
    assert accepted * 2 >= valid, f"only {accepted} of {valid} valid appended commands were accepted"
    assert len(book.events) > 2 or valid == 0, "the invariants must run on histories, not on an empty register"
