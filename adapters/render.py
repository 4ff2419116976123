"""Read models as text for people (JSON is ``adapters.encoding``, files ``adapters.exports``).

Annex 1 text follows the seeds' layout: holder names as recorded, one amount
column per series with "n/a" where a holder has none, and a TOTAL (or TOTALS)
row. Amounts show cents only when some amount in the table has them.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Any

from adapters.encoding import plain
from adapters.moments import utc_text
from domain.money import ZERO, cents, format_amount, from_cents
from domain.names import printable, unprintable  # noqa: F401 - printable: rendering escapes names
from domain.values import NEXT_BUSINESS_DAY, NOT_ON_FILE, AgreementTerms, GraceTerms
from projections.record import AssumedFact, RecordEnds, union

if TYPE_CHECKING:  # a command renders one view: the others' projections are not imported for it
    from adapters.queries import EventDetail, EventLine, KnownAt, MakewholeNotice, Queries
    from projections.amendments import AmendmentStatus
    from projections.holders import HolderPositions, Holders
    from projections.payments import Accrued, Due, OverdueRate, Payment, Status
    from projections.register import Annex1, IssuedLater, Register, TermsOnFile
    from projections.text import ProvisionLine, Redline, Text

NAME_WIDTH = 49


def amount(value: Decimal) -> str:
    """An amount of money for machines: exactly two decimals, never rounded."""
    return str(from_cents(cents(value)))


# ----------------------------------------------------- what the record does not say


def marks(rests_on: Sequence[str]) -> str:
    """A figure's assumption numbers, as printed beside it."""
    return " ".join(rests_on)


def record_notes(record_ends: RecordEnds | None, assumptions: Sequence[AssumedFact],
                 issued_later: Sequence[IssuedLater] = ()) -> list[str]:
    """What goes beneath a view: the series not issued yet, where the record ends, and each assumption its figures
    rest on."""
    lines = [f"note: {later.describe()}" for later in issued_later]
    lines += [f"note: {record_ends.describe()}"] if record_ends else []
    if assumptions:
        lines.append("figures marked A1, A2, ... rest on facts the documents do not give:")
        lines += assumption_lines(assumptions)
    return lines


def assumption_lines(assumptions: Sequence[AssumedFact]) -> list[str]:
    """Each assumption a line, its marks and events first; those of the same fact for the same reason (each coupon
    "paid on its due date") on one line, where the first of them is."""
    return [f"  {_numbers([a.id for a in alike])} ({_events([a.event for a in alike])}) assumed {fact}: {reason}"
            for (fact, reason), alike in _alike(assumptions).items()]


def _alike(assumptions: Sequence[AssumedFact]) -> dict[tuple[str, str], list[AssumedFact]]:
    """Assumptions grouped by fact and reason, in the order of each group's first."""
    found: dict[tuple[str, str], list[AssumedFact]] = {}
    for assumption in assumptions:
        found.setdefault((assumption.fact, assumption.reason), []).append(assumption)
    return found


def _numbers(ids: Sequence[str]) -> str:
    """Marks as a reader finds them: "A1", "A1-A14", "A1-A3, A7"."""
    return _runs(sorted(int(i.removeprefix("A")) for i in ids), "A")


def _events(refs: Sequence[str]) -> str:
    """Events as history numbers them, a stream named once: "barnes-1995:4-7, 9; kar-2003:1"."""
    by_stream: dict[str, list[int]] = {}
    for ref in refs:
        stream, _, number = ref.rpartition(":")
        by_stream.setdefault(stream, []).append(int(number))
    return "; ".join(f"{stream}:{_runs(sorted(numbers))}" for stream, numbers in by_stream.items())


def _runs(numbers: Sequence[int], prefix: str = "") -> str:
    """Ascending numbers, each run of consecutive ones as its first and last: "4-7, 9"."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"{prefix}{run[0]}" if len(run) == 1 else f"{prefix}{run[0]}-{prefix}{run[-1]}" for run in runs)


def note_list(numbers: Sequence[int]) -> str:
    """Notes as a reader names them: "No. 2, No. 6"."""
    return ", ".join(f"No. {n}" for n in numbers)


def holders_table(view: Holders, name: Callable[[HolderPositions], Any], agreement: Callable[[str], Any],
                  text: Callable[[str], Any], amount: Callable[[Decimal], Any]) -> tuple[list[list[Any]], list[tuple[str, ...]]]:
    """The holders across agreements as rows, with what each rests on: each position (the holder named on its first),
    each holder's total under several, and the total of all under several holders ("TOTAL on file" where a register
    is not on file then), each cell made by the CLI's or the page's functions."""
    rows: list[list[Any]] = []
    cited: list[tuple[str, ...]] = []
    for h in view.holders:
        rows += [[name(h) if i == 0 else text(""), agreement(p.agreement), text(p.series), amount(p.principal),
                  text(note_list(p.notes))] for i, p in enumerate(h.positions)]
        cited += [p.rests_on for p in h.positions]
        if len(h.positions) > 1:
            rows.append([text(""), text("total"), text(""), amount(h.total), text("")])
            cited.append(())
    if len(view.holders) > 1:
        rows.append([text(holders_total(view)), text(""), text(""), amount(view.total), text("")])
        cited.append(())
    return rows, cited


def holders_total(view: Holders) -> str:
    """The label of the total of every holder's positions: of the registers on file, where one is not."""
    return "TOTAL on file" if view.not_on_file else "TOTAL"


def holders_notes(view: Holders) -> list[str]:
    """What goes beneath the holders across agreements: whose register is not on file then, where each record ends,
    and the assumptions its figures rest on (the CLI prints them, the page carries them)."""
    return [*(f"not on file: {agreement}: {gap}" for agreement, gap in view.not_on_file.items()),
            *(f"note: {caveat}" for caveat in view.caveats),
            *(f"note: {agreement}: {ends.describe()}" for agreement, ends in view.record_ends.items()),
            *record_notes(None, view.assumptions)]


def known_at_text(given: datetime | str, at: datetime) -> str:
    """The second clock as a view says it: the moment, and the event it was named by (``--known-at barnes-1995:29``)."""
    return f"as known at {utc_text(at)}" + (f" (when {given} was recorded)" if isinstance(given, str) else "")


def known_at_line(given: datetime | str, at: datetime, now: datetime) -> str:
    """The line above a view as known at a moment (its heading would read the same without it); a moment still to come
    is what is recorded so far, which what is recorded until then would change."""
    if at > now:
        return (f"{known_at_text(given, at)}, a time still to come: this is what is recorded so far, and what is recorded"
                " until then would change it")
    return f"{known_at_text(given, at)}: what was recorded after it is left out"


def known_at_said(queries: Queries, known_at: KnownAt, *, line: bool = False) -> str:
    """How a view as known at a moment says so, wherever it is shown: the ``line`` above it (the command's, the page's,
    a text file's), or the phrase a file's title ends with; empty for a view of what is known now."""
    if known_at is None:
        return ""
    at = queries.moment(known_at)
    assert at is not None
    return known_at_line(known_at, at, datetime.now(UTC)) if line else known_at_text(known_at, at)


def view_notes(view: object) -> list[str]:
    """``record_notes`` of a view of one agreement, from what it has of them (and how its figures depend on what is
    not recorded): the CLI prints them beneath it, the page and the exports carry them."""
    notes = record_notes(getattr(view, "record_ends", None), getattr(view, "assumptions", ()), getattr(view, "issued_later", ()))
    return [*(f"note: {caveat}" for caveat in getattr(view, "caveats", ())), *notes]


def carried_notes(view: object) -> list[str]:
    """What a view written out (the page, an export) carries beside its figures: why they are not known, where they are
    not, then ``view_notes``."""
    return [*_gaps(view), *view_notes(view)]


def _gaps(view: object) -> list[str]:
    """Why a view's figures are not known, where they are not, as the CLI prints it: a register's gap (in place of its
    figures), each of a schedule's ("not on file: ..."), or each series' of principal outstanding (its amount empty)."""
    found = getattr(view, "not_on_file", None) or ()
    series = [f"{s.series}: {s.not_on_file}" for s in getattr(view, "series", ()) if getattr(s, "not_on_file", None)]
    return [found] if isinstance(found, str) else [*(f"not on file: {gap}" for gap in found), *series]


def with_marks(header: Sequence[str], rows: Sequence[Sequence[Any]], rests_on: Sequence[Sequence[str]],
               shown: Callable[[str], Any] = str, column: str = "Assumed") -> tuple[list[str], list[list[Any]]]:
    """A table with an "Assumed" column, when any of its rows rests on an assumption (each mark ``shown``: as text,
    or as the page's cell; the column named as the table names its columns)."""
    if not any(rests_on):
        return list(header), [list(row) for row in rows]
    return [*header, column], [[*row, shown(marks(cited))] for row, cited in zip(rows, rests_on, strict=True)]


# ------------------------------------------------------------------- Annex 1


def annex1_text(register: Annex1, width: int | None = None) -> str:
    """Annex 1 laid out as the amendments print it, under a line naming the notes; that line and the notes beneath
    it fitted to ``width`` (the terminal's), as beneath any view, or each on one line."""
    notes = " and ".join(s.title for s in register.series_terms)
    heading = f"{register.agreement}: {register.issuer} {notes}, as of {register.as_of}"
    title = [
        hung(heading, width) if width else heading,
        "",
        "ANNEX 1".center(83).rstrip(),
        "",
        "CURRENT NOTEHOLDERS AND".center(83).rstrip(),
        "CURRENT OUTSTANDING PRINCIPAL AMOUNT".center(83).rstrip(),
        "",
    ]
    if register.not_on_file:
        return "\n".join([*title, f"{register.agreement} as of {register.as_of}: {register.not_on_file}"])
    notes = [hung(note, width) if width else note for note in view_notes(register)]
    return "\n".join([*title, *_annex1_table(register, width), *([""] if notes else []), *notes])


def _annex1_table(register: Annex1, fitted_to: int | None = None) -> list[str]:
    """The table; its heading over the figures, drawn in to end over the last column (or at the terminal's edge,
    ``fitted_to``) where it would run past the terminal."""
    totals = register.totals
    figures = [v for line in register.holders for v in line.principal.values()] + list(totals.values())
    with_cents = any(v != v.to_integral_value() for v in figures)
    several = len(register.series) > 1
    width = max([NAME_WIDTH, *(len(printable(line.holder)) + 2 for line in register.holders)])
    money_width = 2 + max(len(format_amount(v, with_cents=with_cents)) for v in figures)
    if several:
        money_width = max(money_width, *(len(s.label) for s in register.series_terms))
    cells = [money_width] + [money_width + 6] * (len(register.series) - 1)

    def row(name: str, texts: Sequence[str], cited: Sequence[str] = ()) -> str:
        line = name.ljust(width) + "".join(t.rjust(w) for t, w in zip(texts, cells, strict=True))
        return (line + (f"  [{marks(cited)}]" if cited else "")).rstrip()

    def money(value: Decimal | None) -> str:
        if value is None:
            return "n/a"
        return "$" + format_amount(value, with_cents=with_cents).rjust(money_width - 1)

    heading, start = "Outstanding Principal Amount of Notes", width
    if fitted_to and start + len(heading) > fitted_to:
        start = max(len("Current Noteholders:") + 2, max(width + sum(cells), fitted_to) - len(heading))
    lines = [
        "Current Noteholders:".ljust(start) + heading,
        "--------------------".ljust(start) + "-" * len(heading),
    ]
    if several:
        labels = [s.label for s in register.series_terms]
        lines += ["", row("", labels), row("", ["-" * len(label) for label in labels])]
    for line in register.holders:
        lines += ["", row(printable(line.holder), [money(line.principal.get(k)) for k in register.series], line.rests_on)]
    lines += ["", row("TOTALS" if several else "TOTAL", [money(totals[k]) for k in register.series], totals_cited(register))]
    return lines


# ------------------------------------------------------------------ register


def register_rows(register: Register, by: str) -> tuple[list[str], list[list[str]]]:
    if by == "note":
        header = ["No.", "Series", "Registered name", "Holder", "Principal", "Dated", "Origin"]
        rows = [
            [
                str(n.number),
                n.series,
                n.registered_name or NOT_ON_FILE,
                n.holder + (f" ({n.account})" if n.account else ""),
                format_amount(n.principal),
                n.dated.isoformat() if n.dated else NOT_ON_FILE,
                n.origin,
            ]
            for n in register.notes
        ]
        rows.append(["", "", "", "TOTAL", format_amount(sum(register.totals.values(), Decimal(0))), "", ""])
        return with_marks(header, rows, [*(n.rests_on for n in register.notes), totals_cited(register)])
    header = ["Holder", *register.series, "Notes"]
    rows = [
        [
            h.holder,
            *(format_amount(h.principal[k]) if k in h.principal else "n/a" for k in register.series),
            note_list(h.notes),
        ]
        for h in register.holders
    ]
    rows.append(["TOTAL", *(format_amount(v) for v in register.totals.values()), ""])
    return with_marks(header, rows, [*(h.rests_on for h in register.holders), totals_cited(register)])


def totals_cited(view: Register | Annex1) -> tuple[str, ...]:
    """The assumptions a view's total row rests on: every series' total's together."""
    return union(*view.totals_rest_on.values())


# ---------------------------------------------------------------------- text


def heading(provision: ProvisionLine) -> str:
    if provision.kind == "definition":
        return f'{provision.parent} "{provision.title}"'
    if provision.kind in ("section", "article"):
        return f"{provision.ref} {provision.title}".rstrip() + ("." if provision.kind == "section" else "")
    return f"{provision.ref}: {provision.title}" if provision.title and provision.title != provision.ref else provision.ref


PAGE = 100  # columns: the text and the redline are set at most this wide, notes and marks too, as a page would be


def text_text(view: Text, width: int = PAGE) -> str:
    lines = [f"{view.agreement}: text as of {view.as_of}"]
    if view.source:
        defects = view.defects_kept_as_printed
        lines.append(f"source: {view.source}" + ("; scanning errors kept as printed:" if defects else ""))
        lines += [f'  "{d.printed}" ({d.where}) for "{d.reading}"' + (f" ({d.note})" if d.note else "") for d in defects]
    lines += [f"note: {caveat}" for caveat in view.caveats]
    for provision in view.provisions:
        lines.append("")
        lines.append(heading(provision))
        for mark in provision.amended_by:
            lines.append(f"  [{mark.describe()}]")
        if provision.text:
            lines += textwrap.wrap(provision.text, width=width, break_on_hyphens=False)
    return hung("\n".join(lines), width)


def redline_text(view: Redline, width: int = PAGE) -> str:
    lines = [f"{view.agreement}: changes from {view.start} to {view.end} ([-deleted-] {{+inserted+}})"]
    lines += [f"note: {caveat}" for caveat in view.caveats]
    if not view.differences:
        lines.append("no changes")
    for difference in view.differences:
        lines += ["", f"{difference.ref} {difference.title}".rstrip()]
        lines += [f"  [{m.describe()}]" for m in difference.marks]
        lines += [f"  [note: {difference.caveat}]"] if difference.caveat else []
        marked = " ".join(
            text if op == "equal" else f"[-{text}-]" if op == "delete" else f"{{+{text}+}}"
            for op, text in difference.words
        )
        lines += textwrap.wrap(marked, width=width, break_on_hyphens=False) or ["(no text)"]
    if view.scanning_corrections:
        lines += ["", "scanning errors of the original read as meant (corrections, not changes by any amendment):"]
        lines += [f'  {c.ref}: "{c.printed}" read as "{c.reading}"' for c in view.scanning_corrections]
    return hung("\n".join(lines), width)


def redline_html(view: Redline, known: str = "") -> str:
    """A conformed-copy redline: deletions struck through, insertions underlined; as ``known`` at a moment, if so."""
    key, start, end = view.agreement, view.start, view.end
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(key)}: changes from {start} to {end}{escape(f', {known}') if known else ''}</title>",
        "<style>body{font-family:Georgia,serif;max-width:48rem;margin:2rem auto;line-height:1.5}"
        "del{text-decoration:line-through;color:#a00}ins{text-decoration:underline;color:#060}"
        ".mark,.note{font-size:.85rem;color:#555}</style></head><body>",
        f"<h1>{escape(key)}</h1>",
        *([f'<p class="note">{escape(known[:1].upper() + known[1:])}.</p>'] if known else []),
        redline_body(view),
        "</body></html>",
    ]
    return "\n".join(parts)


def redline_body(view: Redline) -> str:
    """The redline itself, for a page of its own or the auditor's page."""
    parts = [f"<p>Changes from {view.start} to {view.end}: deletions struck through, insertions underlined.</p>"]
    parts += [f'<p class="note">Note: {escape(caveat)}</p>' for caveat in view.caveats]
    if not view.differences:
        parts.append("<p>No changes.</p>")
    for difference in view.differences:
        parts.append(f"<h2>{escape(difference.ref)} {escape(difference.title)}</h2>")
        parts += [f'<p class="mark">{escape(m.describe())}</p>' for m in difference.marks]
        if difference.caveat:
            parts.append(f'<p class="note">Note: {escape(difference.caveat)}</p>')
        words = " ".join(
            escape(text) if op == "equal" else f"<del>{escape(text)}</del>" if op == "delete" else f"<ins>{escape(text)}</ins>"
            for op, text in difference.words
        )
        parts.append(f"<p>{words}</p>")
    if view.scanning_corrections:
        parts.append("<h2>Scanning errors read as meant</h2><p class=\"note\">Corrections, not changes by any amendment.</p><ul>")
        parts += [f"<li>{escape(c.ref)}: &ldquo;{escape(c.printed)}&rdquo; read as &ldquo;{escape(c.reading)}&rdquo;</li>"
                  for c in view.scanning_corrections]
        parts.append("</ul>")
    return "\n".join(parts)


# ------------------------------------------------------------------ payments


def payment_rows(lines: Sequence[Payment]) -> tuple[list[str], list[list[str]]]:
    header = ["Due", "Series", "Payment", "Principal", "Interest", "Status"]
    rows = []
    for p in lines:
        principal = format_amount(p.principal) if p.principal else ""
        interest = format_amount(p.interest) if p.interest else ""
        rows.append([p.due_on.isoformat(), p.series, p.kind, principal, interest, payment_status(p, marked=True)])
    return header, rows


def payee_lines(line: EventLine | EventDetail) -> list[str]:
    """Beneath a payment recorded (or to be), what it pays each holder, the notes' shares together: the wires to send."""
    lines = [f"  to {p.holder} ({note_list(p.notes)}): ${format_amount(p.amount)}" for p in line.payees]
    if line.paid_beside:
        lines.append(f"  and ${format_amount(line.paid_beside)} interest and premium beside the principal, to the same"
                     " holders pro rata to the principal prepaid (the record does not allocate it by note)")
    return lines


DUE_HEADER = ["Due", "Agreement", "Series", "Payment", "Principal", "Interest", "Status"]


def due_table(view: Due, text: Callable[[object], Any], agreement: Callable[[str], Any],
              amount: Callable[[Decimal, bool], Any], status: Callable[[Payment], Any]) -> tuple[list[list[Any]], list[tuple[str, ...]]]:
    """The registry's calendar as rows under ``DUE_HEADER``, with what each rests on: each payment with its agreement
    (``amount``'s flag: nothing shown for none), then their total (of those on file, where an agreement's schedule lacks
    something: ``due_notes`` says what), each cell made by the CLI's or the page's functions."""
    rows = [[text(p.due_on), agreement(d.agreement), text(p.series), text(p.kind), amount(p.principal, True),
             amount(p.interest, True), status(p)] for d in view.payments for p in [d.payment]]
    rows.append([text(""), text(due_total(view)), text(""), text(""), amount(view.principal, False),
                 amount(view.interest, False), text("")])
    return rows, [*(d.payment.rests_on for d in view.payments), ()]


def due_title(view: Due) -> str:
    return f"Payments due {view.start} to {view.end}, status as of {view.as_of}"


def due_total(view: Due) -> str:
    """The label of the calendar's total: of the payments on file, where an agreement's schedule lacks some."""
    return "TOTAL on file" if any(g.not_on_file for g in view.gaps) else "TOTAL"


def due_notes(view: Due) -> list[str]:
    """What goes beneath the calendar: what each agreement's schedule lacks (a payment not on file is in no row), where
    its record ends, and the assumptions the figures rest on, numbered across agreements."""
    lines = []
    for gaps in view.gaps:
        lines += [f"not on file: {gaps.agreement}: {gap}" for gap in gaps.not_on_file]
        lines += [f"note: {gaps.agreement}: {caveat}" for caveat in gaps.caveats]
        lines += [f"note: {gaps.agreement}: {gaps.record_ends.describe()}"] if gaps.record_ends else []
        lines += [f"note: {gaps.agreement}: {later.describe()}" for later in gaps.issued_later]
        if gaps.overdue_before:
            dates = ", ".join(map(str, gaps.overdue_before))
            lines.append(f"note: {gaps.agreement}: overdue as of {view.as_of}, due before {view.start}: the payments due"
                         f" {dates} (`debtreg status {gaps.agreement} --as-of {view.as_of}` says what each is)")
    return lines + record_notes(None, view.assumptions)


def _until_default(p: Payment) -> str:
    """When an unpaid payment is or would be in default: the last day of its grace while it runs, else the first
    day in default (the day after the grace, or after the due date where there is none)."""
    from projections.payments import IN_DEFAULT  # loaded already: ``p`` is one of its payments

    last = p.default_on - timedelta(days=1)
    return f"grace ends {last}" if p.status != IN_DEFAULT and last > (p.payable_on or p.due_on) else f"default from {p.default_on}"


def payment_status(p: Payment, *, marked: bool) -> str:
    """A payment's status as a person reads it: when it was paid and by which event, late, under which section it
    is overdue; ``marked``, with the assumptions it rests on (where no Assumed column gives them)."""
    state = p.status
    if p.status == "paid":
        state = f"paid {p.paid_on} ({p.event})" + (" late" if p.paid_on and p.paid_on > (p.payable_on or p.due_on) else "")
        state += f", assumed: {marks(p.rests_on)}" if marked and p.rests_on else ""
    elif p.status == "scheduled":
        state += f", payable {p.payable_on}" if p.payable_on else ""
    else:
        notes = [f"payable {p.payable_on}"] if p.payable_on else []
        notes += [f"Section {p.section}"] if p.section else []
        notes += [_until_default(p)] if p.default_on else []
        notes += [f"waived {p.waived_on} by {p.waived_by}"] if p.waived_by else []
        state += f" ({'; '.join(notes)})" if notes else ""
    if p.makewhole_premium is not None:
        state += f"; make-whole premium {format_amount(p.makewhole_premium)}"
    return state


def overdue_rate_lines(rates: dict[str, OverdueRate]) -> list[str]:
    """The rate on overdue amounts: the statement applied, or every statement where the documents disagree."""
    lines = []
    for key, rate in rates.items():
        if rate.applied is not None:
            lines.append(f"overdue amounts ({key}): {rate.applied}")
            continue
        lines.append(f"overdue amounts ({key}): {rate.why}:")
        lines += [f"  - {statement}" for statement in rate.statements]
    return lines


def remedy_lines(view: Status) -> list[str]:
    """The Events of Default and accelerations on file, a line each."""
    lines = []
    for d in view.events_of_default:
        state = f"waived {d.waived_on} ({d.waived_by})" if d.waived_by else "continuing"
        owed = d.unpaid_past_grace
        if owed:  # a payment default: whether what it concerns is still unpaid, said
            state += (f"; the payment{'s' if len(owed) > 1 else ''} due {', '.join(map(str, owed))}"
                      f" {'are' if len(owed) > 1 else 'is'} unpaid past its grace on {view.as_of}")
        elif owed is not None:
            state += f" (not waived); on {view.as_of} no payment it concerns is unpaid past its grace"
        title = f" ({d.title})" if d.title else ""
        lines.append(f"Event of Default {d.event} under {d.clause}{title} on {d.on}: {d.description}; {state}")
    for a in view.accelerations:
        how = "automatically" if a.automatic else f"declared by {'; '.join(a.declared_by)}"
        premium = f" + make-whole premium ${format_amount(a.makewhole_premium)}" if a.makewhole_premium is not None else ""
        state = f"; annulled {a.annulled_on} ({a.annulled_by})" if a.annulled_by else ""
        if a.unpaid:
            state += "; not recorded paid" + ("" if a.unpaid == a.notes else f" (No. {', '.join(map(str, a.unpaid))})")
        if a.paid_by:
            state += (f"; {'interest and premium' if a.premium_paid else 'interest'} paid {a.paid_on} ({a.paid_by}):"
                      f" ${format_amount(a.interest_paid or ZERO)} interest"
                      + (f" (${format_amount(a.interest_since)} of it since {a.on})" if a.interest_since else "")
                      + (f", ${format_amount(a.premium_paid)} premium" if a.premium_paid else ""))
        lines.append(
            f"acceleration {a.event} on {a.on} ({how}, on {a.default}): notes No. {', '.join(map(str, a.notes))} due,"
            f" ${format_amount(a.principal)} principal + ${format_amount(a.interest)} interest{premium}"
            f" = ${format_amount(a.due)}{state}"
        )
    return lines


def accrued_rows(view: Accrued, by: str) -> tuple[list[str], list[list[str]]]:
    if by == "note":
        header = ["No.", "Series", "Holder", "Principal", "Since", "Days", "Accrued"]
        rows = [
            [str(a.number), a.series, a.holder, format_amount(a.principal), a.since.isoformat(), str(a.days), format_amount(a.accrued)]
            for a in view.notes
        ]
        cited = [a.rests_on for a in view.notes]
    else:
        header = ["Holder", "Principal", "Days", "Accrued"]
        rows = [[h.holder, format_amount(h.principal), h.days, format_amount(h.accrued)] for h in view.holders]
        cited = [h.rests_on for h in view.holders]
    lines = view.notes if by == "note" else view.holders
    total = ["TOTAL", *[""] * (len(header) - 2), format_amount(view.total)]
    total[header.index("Principal")] = format_amount(sum((line.principal for line in lines), Decimal(0)))
    rows.append(total)
    return with_marks(header, rows, [*cited, union(*cited)])


def makewhole_text(notice: MakewholeNotice, width: int | None = None) -> str:
    """The calculation as an optional prepayment's notice sets it out, step by step, in the agreement's terms; fitted
    to ``width`` (the terminal's) where given: each line as ``hung`` fits prose, and the remaining payments, if their
    columns are wider, one payment a line, each figure named."""
    q, key, definition = notice.quote, notice.agreement, notice.quote.definition

    def cite(rule: str, text: str = "") -> str:
        section = notice.sections.get(rule)
        return f" ({text}{', ' if text and section else ''}{'Section ' + section if section else ''})" if text or section else ""

    per_year = {"annual": "yearly", "semi-annual": "semi-annually", "quarterly": "quarterly", "monthly": "monthly"}
    years = "years to the nearest twelfth" if definition.average_life == "nearest twelfth" else "exact years"
    lines = [
        f"{key}: optional prepayment of ${format_amount(q.prepaid)} on {q.prepay_on}{cite('optional_prepayment')}",
        *([f"of which ${format_amount(q.reacquired_share)} is the share of notes the Company reacquired, paid to no one"
           f"{cite('pro_rata')}: what follows is on the ${format_amount(q.amount)} paid to holders"]
          if q.reacquired_share else []),
        f"principal outstanding ${format_amount(q.outstanding)}{', with the notes the Company reacquired' if q.reacquired_share else ''};"
        " prepaid portion allocated pro rata to the remaining"
        f" scheduled payments{cite('schedule_after_optional')}",
        "",
        f"1. Remaining scheduled payments of the portion prepaid{cite('makewhole', 'make-whole')}:",
    ]
    columns = [f"   {'due':<10}  {'principal':>14}  {'interest':>12}  {'months':>6}  {'periods':>10}  {'discount factor':>16}  {'present value':>14}"]
    named = []
    for line in q.lines:
        figures = (format_amount(line.principal), format_amount(line.interest), line.months,
                   line.periods.quantize(Decimal("0.000001")), line.discount_factor.quantize(Decimal("0.000000001")),
                   format_amount(line.present_value))
        columns.append(f"   {line.due_on.isoformat():<10}  {figures[0]:>14}  {figures[1]:>12}  {figures[2]:>6}  {figures[3]:>10}"
                       f"  {figures[4]:>16}  {figures[5]:>14}")
        named.append(f"   {line.due_on}: principal {figures[0]}, interest {figures[1]}, {figures[2]} months, {figures[3]}"
                     f" periods, discount factor {figures[4]}, present value {figures[5]}")
    lines += named if width is not None and len(columns[0]) > width else columns
    lines += [
        "",
        f"2. Weighted Average Life to Maturity = Remaining Dollar-years / principal, {years}:",
        "   " + " + ".join(f"{format_amount(line.principal)} x {line.months}/12" for line in q.lines if line.principal)
        + f" over {format_amount(q.amount)}",
        f"   = {q.weighted_average_life.quantize(Decimal('0.000001'))} years",
        "",
        f"3. Treasury Constant Yield{cite('makewhole')}: "
        + (
            f"the {q.treasury_points[0].life(words=True)} yield, {q.treasury_points[0].yield_percent}%"
            if len(q.treasury_points) == 1
            else "interpolated between the "
            + " and the ".join(f"{p.life(words=True)} yield {p.yield_percent}%" for p in q.treasury_points)
        ),
        f"   = {q.treasury_yield.quantize(Decimal('0.000001'))}%; curve given: "
        + ", ".join(f"{p.life()}={p.yield_percent}%" for p in q.curve),
        f"4. Discount rate = {q.treasury_yield.quantize(Decimal('0.000001'))}% + spread = {q.discount_rate.quantize(Decimal('0.000001'))}%,"
        f" compounded {per_year[definition.compounding]}; factor = (1 + rate/{definition.per_year}) ^ -periods,"
        f" periods counted {definition.day_count}",
        f"5. Makewhole Price (sum of present values)        ${format_amount(q.makewhole_price)}",
        f"6. Principal ${format_amount(q.amount)} + accrued interest ${format_amount(q.accrued_interest)} = ${format_amount(q.par_plus_accrued)}",
        f"7. Price, the greater of 5 and 6                    ${format_amount(q.price)}",
        f"   make-whole premium                               ${format_amount(q.premium)}",
        *(f"note: {caveat}" for caveat in notice.caveats),
    ]
    return "\n".join(lines) if width is None else hung("\n".join(lines), width)


def event_text(detail: EventDetail, width: int | None = None) -> str:
    """An event as recorded: both clocks, who, the evidence and assumptions, then every field it holds; fitted to
    ``width`` where given (``hung``), as is the make-whole calculation recorded with it."""
    line = detail.event
    evidence = line.evidence
    lines = [
        f"{line.event} {line.kind}: {line.summary}",
        f"  effective        {line.effective_on}" + (" (backdated)" if line.backdated else ""),
        f"  recorded         {line.recorded_at.strftime('%Y-%m-%d %H:%M:%S UTC')} by {line.recorded_by}"
        + (f", entry {line.entry}" if line.entry else "") + (f" ({line.source})" if line.source else ""),
        f"  evidence         {evidence.document}" + (f", section {evidence.section}" if evidence.section else ""),
        *([f"  evidence note    {evidence.note}"] if evidence.note else []),
        *[f"  assumed          {a.fact}: {a.reason}" for a in line.assumptions],
        *([f"  REVERSED by      {line.reversed_by}"] if line.reversed_by else []),
        *(["  fields"] if line.fields else []),
        *event_fields(detail, 2),
    ]
    if detail.payees:
        lines += ["  paid", *(f"  {wire}" for wire in payee_lines(detail))]
    text = "\n".join(lines) if width is None else hung("\n".join(lines), width)
    if detail.makewhole is not None:
        text += "\n\nmake-whole calculation recorded with it:\n" + makewhole_text(detail.makewhole, width)
    return text


def event_fields(detail: EventDetail, depth: int) -> list[str]:
    """Every field an event holds, for a person (``fields_text``), amounts with thousands separators; a make-whole
    calculation recorded with it is given apart ("(below)")."""
    fields = {k: "(below)" if k == "makewhole" and detail.makewhole else v for k, v in (detail.event.fields or {}).items()}
    return fields_text(plain(fields, lambda d: f"{d:,}"), depth)


def fields_text(value: dict[str, Any], depth: int) -> list[str]:
    """Fields (as ``plain`` gives them) for a person: one a line under its JSON name, nested ones indented, the items
    of a list one a line (a short record, or a short list, on one line). Text of several lines is quoted and
    escaped, as JSON writes it, so that no value passes for a line of the view."""
    shown = [(_one_line(k), v) for k, v in value.items()]
    pad, width = "  " * depth, min(max((len(key) for key, _ in shown), default=0), 28)
    lines: list[str] = []
    for key, item in shown:
        if isinstance(item, dict) and item:
            lines += [f"{pad}{key}", *fields_text(item, depth + 1)]
        elif isinstance(item, list) and item and (len(_value_text(item)) > _SHORT or any(isinstance(x, (dict, list)) for x in item)):
            lines.append(f"{pad}{key}")
            flat = [", ".join(f"{_one_line(k)} {_value_text(v)}" for k, v in x.items()) if isinstance(x, dict) else _value_text(x)
                    for x in item]
            blocks = any(isinstance(x, dict) and (len(one) > _SHORT or any(isinstance(v, (dict, list)) and v for v in x.values()))
                         for x, one in zip(item, flat, strict=True))  # then every record of the list is a block, alike
            for x, one in zip(item, flat, strict=True):
                if blocks and isinstance(x, dict) and x:
                    nested = fields_text(x, depth + 2)
                    lines += [f"{pad}  - {nested[0].lstrip()}", *nested[1:]]
                else:
                    lines.append(f"{pad}  - {one}")
        else:
            lines.append(f"{pad}{key:<{width}}  {_value_text(item)}")
    return lines


_SHORT = 100  # characters: a record or a list no longer than this is shown on one line


def _value_text(value: Any) -> str:
    if value is None:
        return "(not given)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, dict)):
        return "; ".join(map(_value_text, value)) if value else "none"
    return _one_line(str(value)) if value != "" else '""'


def _one_line(text: str) -> str:
    """Text as it is, or, if it runs over lines, quoted and escaped as JSON writes it."""
    return json.dumps(text, ensure_ascii=False) if "\n" in text or "\r" in text else text


def hung(text: str, width: int) -> str:
    """Lines fitted to ``width``: a line too long runs on under its value's column (a key-value line, as ``terms`` and
    ``event`` print them) or, indented, under itself (a note); words are never broken, nor at a hyphen (an amount, an id
    stays whole), nor a note's number from its "No." ("No." over "5")."""
    fitted = []
    for line in text.split("\n"):
        if len(line) <= width:
            fitted.append(line)
            continue
        found = _KEYED.match(line)
        first, rest = (found["key"], found["value"]) if found else ("", line)
        indent = " " * (len(first) if found else len(line) - len(line.lstrip()) + 4)  # a line of no key: four in
        held = "\0" not in rest  # (a NUL given is shown escaped, never taken for a space held)
        wrapped = textwrap.wrap(_NOTE_NUMBER.sub("No.\0", rest) if held else rest, max(width, len(indent) + 20),
                                initial_indent=first, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)
        fitted += [part.replace("\0", " ") if held else part for part in wrapped] or [line]
    return "\n".join(fitted)


_NOTE_NUMBER = re.compile(r"\bNo\. (?=\d)")  # its space held (as a NUL, which no output holds) while lines are fitted


_KEYED = re.compile(r"(?P<key>( +- +| +)\S+(?: \S+)*? {2,})(?P<value>\S.*)")  # "  key   value", "  - key   value"


def amendment_why(state: AmendmentStatus) -> list[str]:
    """Why an amendment stands as it does: its status's reason, marked with the assumptions its consents rest on,
    then each condition, met or not, and how, marked with the assumptions that meet it (one the reason names as not
    met is not said again)."""
    votes = list(dict.fromkeys(m for v in (state.consents.holders if state.consents else ()) for m in v.rests_on))
    return [state.reason + (f" [consents assumed: {marks(votes)}]" if votes else ""),
            *(f"{c.section} {'met' if c.met else 'NOT met'}: {c.how}" + (f" [assumed: {marks(c.rests_on)}]" if c.rests_on else "")
              for c in state.conditions if c.met or c.shortfall() not in state.reason)]


def _remedy_lines(t: AgreementTerms) -> list[str]:
    """The Events of Default and remedies, as the terms on file give them."""
    d = t.defaults
    events = "; ".join(f"{c.clause} {c.title}" for c in d.clauses) if d and d.clauses else NOT_ON_FILE
    lines = [f"  Events of Default    {events}"]
    if d is not None and (d.automatic or d.each_holder or d.acceleration_threshold):
        lines.append("  acceleration         " + "; ".join(filter(None, [
            f"automatic on {', '.join(d.automatic)}" if d.automatic else "",
            f"each holder its own notes on {', '.join(d.each_holder)}" if d.each_holder else "",
            f"holders of {d.acceleration_threshold} on any other" if d.acceleration_threshold else "",
            "make-whole due" if d.makewhole_on_acceleration else "",
        ])))
    if d is not None and d.rescission_threshold:
        lines.append(f"  annulment            holders of {d.rescission_threshold}"
                     + (" (the Company's notes not counting)" if d.rescission_excludes_company else " of all notes"))
    if t.each_holder_for:
        lines.append(f"  as to each holder    amendments and waivers of {', '.join(t.each_holder_for)} bind only those who consent")
    return lines


def _payment_days(t: AgreementTerms) -> str:
    """What the agreement does with a payment due on a day that is not a Business Day."""
    rule = t.business_days.payments if t.business_days else None
    if rule is None:
        return NOT_ON_FILE
    section = t.section("non_business_day")
    return ("a payment due then is made the next Business Day, its grace counted from then" if rule == NEXT_BUSINESS_DAY
            else "a payment due then is due that day") + (f" (Section {section})" if section else "")


def terms_text(view: TermsOnFile) -> str:
    """An agreement's terms, one line each, and what is not on file."""
    t = view.terms

    def grace(g: GraceTerms | None) -> str:
        if g is None:
            return NOT_ON_FILE
        unit = "Business Days" if g.business_days else "days"
        return f"{g.days} {unit} of grace" + (f" (Section {g.section})" if g.section else "")

    voting = "all series together" if t.voting == "together" else "each series on its own"
    lines = [
        f"{view.agreement}: {t.title} dated as of {t.dated_as_of} (from {', '.join(view.events)})",
        f"  issuer               {t.issuer}",
        f"  guarantors           {'; '.join(t.guarantors) or 'none'}",
        f"  closing              {t.closing_on or NOT_ON_FILE}",
        f"  amendments           {t.amendment_threshold or NOT_ON_FILE} of the holders, {voting}"
        + (f"; every holder for {', '.join(t.all_holders_for)}" if t.all_holders_for else ""),
        f"  not voting           {'; '.join(t.affiliates) or 'none named'} (besides the issuer and guarantors)",
        f"  unpaid principal     {grace(t.defaults.principal if t.defaults else None)}",
        f"  unpaid interest      {grace(t.defaults.interest if t.defaults else None)}",
        *_remedy_lines(t),
        "  Business Days        " + (f"not weekends nor holidays of {', '.join(t.business_days.calendars)}"
                                     + (f" (Section {t.business_days.section})" if t.business_days.section else "")
                                     if t.business_days else NOT_ON_FILE),
        "  other days           " + _payment_days(t),
        "  reacquired notes     " + {True: "count pro rata", False: "do not count pro rata", None: NOT_ON_FILE}[
            t.reacquired_notes_count_pro_rata],
        "  sections             " + ("; ".join(f"{rule} {section}" for rule, section in sorted(t.sections.items())) or NOT_ON_FILE),
    ]
    for s in t.series:
        schedule = s.required_prepayments
        lines += [
            "",
            f"  series {s.key}: {s.title} ({s.label})",
            f"    principal          ${format_amount(s.principal)}" + (f", closing {s.closing_on}" if s.closing_on else ""),
            f"    rate               {s.rate_percent}% a year"
            + "".join(f"; {r.rate_percent}% from {r.starts_on}" for r in s.rate_steps),
            f"    maturity           {s.maturity}",
            f"    interest dates     {', '.join(s.interest_dates) if s.interest_dates else NOT_ON_FILE}"
            + (" (end of month)" if s.end_of_month else ""),
            f"    day count          {s.day_count or NOT_ON_FILE}",
            "    before maturity    " + (NOT_ON_FILE if schedule is None else "nothing (a bullet note)" if not schedule
                                        else "; ".join(f"${format_amount(p.amount)} on {p.due_on}" for p in schedule)),
            f"    denominations      {'$' + format_amount(s.min_denomination) + ' at least' if s.min_denomination else NOT_ON_FILE}",
            "    optional multiple  " + (f"${format_amount(s.optional_prepayment_multiple)}" if s.optional_prepayment_multiple else NOT_ON_FILE),
            "    notice             " + (
                f"at least {s.prepayment_notice.min_business_days} Business Days, at most {s.prepayment_notice.max_days} days ahead"
                if s.prepayment_notice else NOT_ON_FILE),
            "    make-whole         " + (
                f"Treasury + {s.makewhole.spread_percent}%, compounded {s.makewhole.compounding}, {s.makewhole.day_count},"
                f" life to the {s.makewhole.average_life}, outside the curve: {s.makewhole.outside_curve}"
                if s.makewhole else NOT_ON_FILE),
        ]
        lines += [f"    overdue rate       {reading}" for reading in s.overdue_rate]
    lines += ["", "not on file: " + ("; ".join(view.not_on_file) or "nothing")]
    return "\n".join(lines)
