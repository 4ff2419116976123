"""Read models as text, JSON and CSV.

Annex 1 text follows the seeds' layout: holder names as recorded, one amount
column per series with "n/a" where a holder has none, and a TOTAL (or TOTALS)
row. Amounts show cents only when some amount in the table has them. JSON
amounts are strings with two decimals, dates ISO, recording times ISO in UTC.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from html import escape
from typing import Any

from domain.consent import Tally, format_share
from domain.makewhole import MakewholeQuote
from domain.money import cents, format_amount, from_cents
from domain.text import Provision
from domain.values import NOT_ON_FILE
from projections.amendments import AmendmentState
from projections.guaranties import GuarantyLine
from projections.history import HistoryLine
from projections.payments import Accrual, Payment
from projections.register import Register, SeriesOutstanding
from projections.text import Difference, Mark, TextView

NAME_WIDTH = 49


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, default=_plain, ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if is_dataclass(value):
        return asdict(value)
    raise TypeError(f"cannot render {type(value).__name__} as JSON")


def amount(value: Decimal) -> str:
    """An amount of money for machines: exactly two decimals, never rounded."""
    return str(from_cents(cents(value)))


# ------------------------------------------------------------------- Annex 1


def annex1_json(register: Register) -> dict[str, Any]:
    data: dict[str, Any] = {
        "agreement": register.agreement,
        "as_of": register.as_of.isoformat(),
        "series": [s.key for s in register.series],
        "holders": [
            {"holder": line.holder, "principal": {k: amount(v) for k, v in line.principal.items()}}
            for line in register.holders
        ],
        "totals": {k: amount(v) for k, v in register.totals().items()},
    }
    if register.known_at is not None:
        data["known_at"] = register.known_at.isoformat()
    if register.not_on_file:
        data["not_on_file"] = register.not_on_file
    return data


def annex1_csv(register: Register) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["holder", *(s.key for s in register.series)])
    for line in register.holders:
        writer.writerow(
            [line.holder, *(amount(line.principal[s.key]) if s.key in line.principal else "n/a" for s in register.series)]
        )
    total_label = "TOTALS" if len(register.series) > 1 else "TOTAL"
    writer.writerow([total_label, *(amount(v) for v in register.totals().values())])
    return out.getvalue()


def annex1_text(register: Register) -> str:
    """Annex 1 laid out as the amendments print it, under a line naming the notes."""
    notes = " and ".join(s.title for s in register.series)
    title = [
        f"{register.agreement}: {register.issuer} {notes}, as of {register.as_of}",
        "",
        "ANNEX 1".center(83).rstrip(),
        "",
        "CURRENT NOTEHOLDERS AND".center(83).rstrip(),
        "CURRENT OUTSTANDING PRINCIPAL AMOUNT".center(83).rstrip(),
        "",
    ]
    if register.not_on_file:
        return "\n".join([*title, f"{register.agreement} as of {register.as_of}: {register.not_on_file}"])
    totals = register.totals()
    figures = [v for line in register.holders for v in line.principal.values()] + list(totals.values())
    with_cents = any(v != v.to_integral_value() for v in figures)
    several = len(register.series) > 1
    width = max([NAME_WIDTH, *(len(line.holder) + 2 for line in register.holders)])
    money_width = 2 + max(len(format_amount(v, with_cents=with_cents)) for v in figures)
    if several:
        money_width = max(money_width, *(len(s.label) for s in register.series))
    cells = [money_width] + [money_width + 6] * (len(register.series) - 1)

    def row(name: str, texts: Sequence[str]) -> str:
        return (name.ljust(width) + "".join(t.rjust(w) for t, w in zip(texts, cells, strict=True))).rstrip()

    def money(value: Decimal | None) -> str:
        if value is None:
            return "n/a"
        return "$" + format_amount(value, with_cents=with_cents).rjust(money_width - 1)

    lines = [
        *title,
        "Current Noteholders:".ljust(width) + "Outstanding Principal Amount of Notes",
        "--------------------".ljust(width) + "-------------------------------------",
    ]
    if several:
        lines += ["", row("", [s.label for s in register.series]), row("", ["-" * len(s.label) for s in register.series])]
    for line in register.holders:
        lines += ["", row(line.holder, [money(line.principal.get(s.key)) for s in register.series])]
    lines += ["", row("TOTALS" if several else "TOTAL", [money(totals[s.key]) for s in register.series])]
    return "\n".join(lines)


# ------------------------------------------------------------------ register


def register_json(register: Register, by: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "agreement": register.agreement,
        "as_of": register.as_of.isoformat(),
        "by": by,
        "series": [s.key for s in register.series],
        "totals": {k: amount(v) for k, v in register.totals().items()},
    }
    if by == "note":
        data["notes"] = [
            {
                "number": n.number,
                "series": n.series,
                "registered_name": n.registered_name,
                "holder": n.holder,
                "account": n.account,
                "principal": amount(n.principal),
                "dated": n.dated.isoformat() if n.dated else None,
                "origin": n.origin,
            }
            for n in register.notes
        ]
    else:
        data["holders"] = [
            {
                "holder": h.holder,
                "principal": {k: amount(v) for k, v in h.principal.items()},
                "notes": list(h.notes),
            }
            for h in register.holders
        ]
    if register.known_at is not None:
        data["known_at"] = register.known_at.isoformat()
    if register.not_on_file:
        data["not_on_file"] = register.not_on_file
    return data


def register_csv(register: Register, by: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if by == "note":
        writer.writerow(["number", "series", "registered_name", "holder", "account", "principal", "dated", "origin"])
        for n in register.notes:
            writer.writerow(
                [
                    n.number,
                    n.series,
                    n.registered_name or NOT_ON_FILE,
                    n.holder,
                    n.account or "",
                    amount(n.principal),
                    n.dated.isoformat() if n.dated else NOT_ON_FILE,
                    n.origin,
                ]
            )
    else:
        writer.writerow(["holder", *(s.key for s in register.series), "notes"])
        for h in register.holders:
            writer.writerow(
                [h.holder, *(amount(h.principal.get(s.key, Decimal(0))) for s in register.series), " ".join(map(str, h.notes))]
            )
    return out.getvalue()


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
        rows.append(["", "", "", "TOTAL", format_amount(sum(register.totals().values(), Decimal(0))), "", ""])
        return header, rows
    header = ["Holder", *(s.key for s in register.series), "Notes"]
    rows = [
        [
            h.holder,
            *(format_amount(h.principal[s.key]) if s.key in h.principal else "n/a" for s in register.series),
            ", ".join(f"No. {n}" for n in h.notes),
        ]
        for h in register.holders
    ]
    rows.append(["TOTAL", *(format_amount(v) for v in register.totals().values()), ""])
    return header, rows


# --------------------------------------------------------------- outstanding


def outstanding_json(key: str, as_of: date, lines: Sequence[SeriesOutstanding]) -> dict[str, Any]:
    return {
        "agreement": key,
        "as_of": as_of.isoformat(),
        "series": [
            {
                "series": line.series.key,
                "title": line.series.title,
                "outstanding": amount(line.outstanding) if line.outstanding is not None else None,
                "paid_off_on": line.paid_off_on.isoformat() if line.paid_off_on else None,
                "movements": [
                    {"event": f"{key}:{m.ref}", "on": m.on.isoformat(), "kind": m.kind, "amount": amount(m.amount)}
                    for m in line.movements
                ],
                **({"not_on_file": line.not_on_file} if line.not_on_file else {}),
            }
            for line in lines
        ],
    }


# ------------------------------------------------------------------- history


def history_json(lines: Sequence[HistoryLine]) -> list[dict[str, Any]]:
    return [
        {
            "event": line.ref,
            "kind": line.kind,
            "effective_on": line.effective_on.isoformat(),
            "recorded_at": line.recorded_at.isoformat(),
            "recorded_by": line.recorded_by,
            "backdated": line.backdated,
            "summary": line.summary,
            "evidence": line.evidence,
            "assumptions": [{"fact": a.fact, "reason": a.reason} for a in line.assumptions],
            "entry": line.entry,
            "source": line.source,
            "reversed_by": line.reversed_by,
        }
        for line in lines
    ]


# ---------------------------------------------------------------------- text


def _marks_json(marks: Sequence[Mark]) -> list[dict[str, Any]]:
    return [{"amendment": m.amendment, "effective_on": m.effective_on.isoformat(), "change": m.change} for m in marks]


def text_json(view: TextView, provisions: Sequence[Provision]) -> dict[str, Any]:
    return {
        "agreement": view.agreement,
        "as_of": view.as_of.isoformat(),
        "original_on_file": view.on_file,
        "source": view.source,
        "caveats": list(view.caveats),
        "provisions": [
            {
                "ref": p.ref,
                "kind": p.kind,
                "title": p.title,
                "text": p.text,
                "amended_by": _marks_json(view.marks_of(p)),
            }
            for p in provisions
        ],
        "defects_kept_as_printed": [
            {"printed": d.printed, "reading": d.reading, "where": d.where, "note": d.note} for d in view.defects
        ],
    }


def heading(provision: Provision) -> str:
    if provision.kind == "definition":
        return f'{provision.parent} "{provision.title}"'
    if provision.kind in ("section", "article"):
        return f"{provision.ref} {provision.title}".rstrip() + ("." if provision.kind == "section" else "")
    return f"{provision.ref}: {provision.title}" if provision.title and provision.title != provision.ref else provision.ref


def text_text(view: TextView, provisions: Sequence[Provision], width: int = 100) -> str:
    lines = [f"{view.agreement}: text as of {view.as_of}"]
    if view.source:
        lines.append(f"source: {view.source}; scanning errors kept as printed:")
        lines += [f'  "{d.printed}" ({d.where}) for "{d.reading}"' for d in view.defects]
    lines += [f"note: {caveat}" for caveat in view.caveats]
    for provision in provisions:
        lines.append("")
        lines.append(heading(provision))
        for mark in view.marks_of(provision):
            lines.append(f"  [{mark.change} by {mark.amendment}, effective as of {mark.effective_on}]")
        if provision.text:
            lines += textwrap.wrap(provision.text, width=width, break_on_hyphens=False)
    return "\n".join(lines)


def redline_text(key: str, start: date, end: date, differences: Sequence[Difference], width: int = 100) -> str:
    lines = [f"{key}: changes from {start} to {end} ([-deleted-] {{+inserted+}})"]
    if not differences:
        lines.append("no changes")
    for difference in differences:
        lines += ["", f"{difference.ref} {difference.title}".rstrip()]
        lines += [f"  [{m.change} by {m.amendment}, effective as of {m.effective_on}]" for m in difference.marks]
        marked = " ".join(
            text if op == "equal" else f"[-{text}-]" if op == "delete" else f"{{+{text}+}}"
            for op, text in difference.words
        )
        lines += textwrap.wrap(marked, width=width, break_on_hyphens=False) or ["(no text)"]
    return "\n".join(lines)


def redline_html(key: str, start: date, end: date, differences: Sequence[Difference]) -> str:
    """A conformed-copy redline: deletions struck through, insertions underlined."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(key)}: changes from {start} to {end}</title>",
        "<style>body{font-family:Georgia,serif;max-width:48rem;margin:2rem auto;line-height:1.5}"
        "del{text-decoration:line-through;color:#a00}ins{text-decoration:underline;color:#060}"
        ".mark{font-size:.85rem;color:#555}</style></head><body>",
        f"<h1>{escape(key)}</h1><p>Changes from {start} to {end}: deletions struck through, insertions underlined.</p>",
    ]
    if not differences:
        parts.append("<p>No changes.</p>")
    for difference in differences:
        parts.append(f"<h2>{escape(difference.ref)} {escape(difference.title)}</h2>")
        parts += [
            f'<p class="mark">{escape(m.change)} by {escape(m.amendment)}, effective as of {m.effective_on}</p>'
            for m in difference.marks
        ]
        words = " ".join(
            escape(text) if op == "equal" else f"<del>{escape(text)}</del>" if op == "delete" else f"<ins>{escape(text)}</ins>"
            for op, text in difference.words
        )
        parts.append(f"<p>{words}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


# ---------------------------------------------------------------- amendments


def amendments_json(states: Sequence[AmendmentState]) -> list[dict[str, Any]]:
    return [
        {
            "agreement": s.agreement,
            "number": s.number,
            "name": s.name,
            "event": s.ref,
            "as_of": s.as_of.isoformat(),
            "status": s.status,
            "reason": s.reason,
            "consents": tally_json(s.tally) if s.tally else None,
            "conditions": [
                {"section": c.condition.section, "text": c.condition.text, "met": c.met, "how": c.how}
                for c in s.conditions
            ],
            "changes": [c.describe() for c in s.changes],
        }
        for s in states
    ]


def tally_json(tally: Tally) -> dict[str, Any]:
    return {
        "threshold": tally.threshold,
        "met": tally.met,
        "classes": [
            {
                "class": c.name,
                "voting_principal": amount(c.voting),
                "consenting_principal": amount(c.consenting),
                "share": format_share(c.share),
            }
            for c in tally.classes
        ],
        "holders": [
            {
                "holder": v.holder,
                "principal": {k: amount(p) for k, p in v.principal.items()},
                "consented": v.consented,
                "excluded": v.excluded,
            }
            for v in tally.votes
        ],
    }


def guaranties_json(key: str, as_of: date, lines: Sequence[GuarantyLine]) -> dict[str, Any]:
    return {
        "agreement": key,
        "as_of": as_of.isoformat(),
        "guaranties": [
            {
                "guaranty": g.key,
                "event": g.ref,
                "title": g.title,
                "guarantor": g.guarantor,
                "dated_as_of": g.dated_as_of.isoformat(),
                "delivered_on": g.delivered_on.isoformat(),
                "beneficiaries": list(g.beneficiaries),
                "covers": list(g.covers),
                "evidence": g.evidence,
            }
            for g in lines
        ],
    }


# ------------------------------------------------------------------ payments


def payment_rows(lines: Sequence[Payment]) -> tuple[list[str], list[list[str]]]:
    header = ["Due", "Series", "Payment", "Principal", "Interest", "Status"]
    rows = []
    for p in lines:
        state = p.status
        if p.status == "paid":
            state = f"paid {p.paid_on} ({p.event})" + (" late" if p.paid_on and p.paid_on > p.due_on else "")
        elif p.default_on and p.status != "scheduled":
            state += f" (Section {p.section}; default from {p.default_on})" if p.section == "9.1(b)" else f" (Section {p.section})"
        principal = format_amount(p.principal) if p.principal else ""
        interest = format_amount(p.interest) if p.interest else ""
        rows.append([p.due_on.isoformat(), p.series, p.kind, principal, interest, state])
    return header, rows


def _payment_json(p: Payment) -> dict[str, Any]:
    return {
        "series": p.series,
        "kind": p.kind,
        "due_on": p.due_on.isoformat(),
        "principal": amount(p.principal),
        "interest": amount(p.interest),
        "status": p.status,
        "paid_on": p.paid_on.isoformat() if p.paid_on else None,
        "event": p.event,
        "default_on": p.default_on.isoformat() if p.default_on and p.status != "scheduled" else None,
        "section": p.section if p.status != "scheduled" else None,
    }


def payments_json(key: str, as_of: date, lines: Sequence[Payment], gaps: Sequence[str]) -> dict[str, Any]:
    return {"agreement": key, "as_of": as_of.isoformat(), "not_on_file": list(gaps), "payments": [_payment_json(p) for p in lines]}


def status_json(
    key: str,
    as_of: date,
    owed: Sequence[SeriesOutstanding],
    upcoming: Sequence[Payment],
    late: Sequence[Payment],
    gaps: Sequence[str],
) -> dict[str, Any]:
    return {
        "agreement": key,
        "as_of": as_of.isoformat(),
        "outstanding": {o.series.key: amount(o.outstanding) if o.outstanding is not None else None for o in owed},
        "overdue": [_payment_json(p) for p in late],
        "next": [_payment_json(p) for p in upcoming],
        "not_on_file": list(gaps),
    }


def accrued_rows(lines: Sequence[Accrual], by: str) -> tuple[list[str], list[list[str]]]:
    if by == "note":
        header = ["No.", "Series", "Holder", "Principal", "Since", "Days", "Accrued"]
        rows = [
            [str(a.number), a.series, a.holder, format_amount(a.principal), a.since.isoformat(), str(a.days), format_amount(a.accrued)]
            for a in lines
        ]
    else:
        header = ["Holder", "Principal", "Days", "Accrued"]
        rows = [
            [holder, format_amount(principal), days, format_amount(total)]
            for holder, principal, days, total in _by_holder(lines)
        ]
    rows.append(["TOTAL", *[""] * (len(header) - 2), format_amount(sum((a.accrued for a in lines), Decimal(0)))])
    return header, rows


def _by_holder(lines: Sequence[Accrual]) -> list[tuple[str, Decimal, str, Decimal]]:
    holders: dict[str, list[Accrual]] = {}
    for line in lines:
        holders.setdefault(line.holder, []).append(line)
    return [
        (
            holder,
            sum((a.principal for a in held), Decimal(0)),
            ", ".join(sorted({str(a.days) for a in held})),
            sum((a.accrued for a in held), Decimal(0)),
        )
        for holder, held in holders.items()
    ]


def accrued_json(key: str, as_of: date, lines: Sequence[Accrual], by: str) -> dict[str, Any]:
    data: dict[str, Any] = {"agreement": key, "as_of": as_of.isoformat(), "by": by,
                            "total": amount(sum((a.accrued for a in lines), Decimal(0)))}
    if by == "note":
        data["notes"] = [
            {"number": a.number, "series": a.series, "holder": a.holder, "principal": amount(a.principal),
             "since": a.since.isoformat(), "days": a.days, "accrued": amount(a.accrued)}
            for a in lines
        ]
    else:
        data["holders"] = [
            {"holder": holder, "principal": amount(principal), "accrued": amount(total)}
            for holder, principal, _, total in _by_holder(lines)
        ]
    return data


def makewhole_text(key: str, quote: MakewholeQuote) -> str:
    """The calculation as Section 5.3's notice must set it out, step by step."""
    q = quote
    lines = [
        f"{key}: optional prepayment of ${format_amount(q.amount)} on {q.prepay_on} (Section 5.2)",
        f"principal outstanding ${format_amount(q.outstanding)}; prepaid portion allocated pro rata to the remaining scheduled payments (5.1(b))",
        "",
        "1. Remaining scheduled payments of the portion prepaid (10.1, Makewhole Price):",
        f"   {'due':<10}  {'principal':>14}  {'interest':>12}  {'months':>6}  {'half-years':>10}  {'discount factor':>16}  {'present value':>14}",
    ]
    for line in q.lines:
        lines.append(
            f"   {line.due_on.isoformat():<10}  {format_amount(line.principal):>14}  {format_amount(line.interest):>12}"
            f"  {line.months:>6}  {line.periods.quantize(Decimal('0.000001')):>10}  {line.discount_factor.quantize(Decimal('0.000000001')):>16}"
            f"  {format_amount(line.present_value):>14}"
        )
    lines += [
        "",
        "2. Weighted Average Life to Maturity = Remaining Dollar-years / principal, years to the nearest twelfth:",
        "   " + " + ".join(f"{format_amount(l.principal)} x {l.months}/12" for l in q.lines if l.principal) + f" over {format_amount(q.amount)}",
        f"   = {q.weighted_average_life.quantize(Decimal('0.000001'))} years",
        "",
        "3. Treasury Constant Yield (10.1): "
        + (
            f"the {q.treasury_points[0].years}-year yield, {q.treasury_points[0].yield_percent}%"
            if len(q.treasury_points) == 1
            else "interpolated between the "
            + " and the ".join(f"{p.years}-year yield {p.yield_percent}%" for p in q.treasury_points)
        ),
        f"   = {q.treasury_yield.quantize(Decimal('0.000001'))}%; curve given: "
        + ", ".join(f"{p.years}y={p.yield_percent}%" for p in q.curve),
        f"4. Discount rate = {q.treasury_yield.quantize(Decimal('0.000001'))}% + spread = {q.discount_rate.quantize(Decimal('0.000001'))}%,"
        " compounded semi-annually; factor = (1 + rate/2) ^ -(30/360 days / 180)",
        f"5. Makewhole Price (sum of present values)        ${format_amount(q.makewhole_price)}",
        f"6. Principal ${format_amount(q.amount)} + accrued interest ${format_amount(q.accrued_interest)} = ${format_amount(q.par_plus_accrued)}",
        f"7. Price, the greater of 5 and 6                    ${format_amount(q.price)}",
        f"   make-whole premium                               ${format_amount(q.premium)}",
    ]
    return "\n".join(lines)


def makewhole_json(key: str, quote: MakewholeQuote) -> dict[str, Any]:
    q = quote
    return {
        "agreement": key,
        "prepay_on": q.prepay_on.isoformat(),
        "amount": amount(q.amount),
        "outstanding": amount(q.outstanding),
        "payments": [
            {"due_on": l.due_on.isoformat(), "principal": amount(l.principal), "interest": amount(l.interest),
             "months": l.months, "half_years": str(l.periods), "discount_factor": str(l.discount_factor),
             "present_value": amount(l.present_value)}
            for l in q.lines
        ],
        "weighted_average_life_years": str(q.weighted_average_life),
        "treasury_curve": [{"years": str(p.years), "yield_percent": str(p.yield_percent)} for p in q.curve],
        "treasury_points_used": [{"years": str(p.years), "yield_percent": str(p.yield_percent)} for p in q.treasury_points],
        "treasury_constant_yield_percent": str(q.treasury_yield),
        "discount_rate_percent": str(q.discount_rate),
        "makewhole_price": amount(q.makewhole_price),
        "accrued_interest": amount(q.accrued_interest),
        "par_plus_accrued": amount(q.par_plus_accrued),
        "price": amount(q.price),
        "premium": amount(q.premium),
    }
