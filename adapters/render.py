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
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.money import format_amount
from domain.values import NOT_ON_FILE
from projections.history import HistoryLine
from projections.register import Register, SeriesOutstanding

NAME_WIDTH = 49


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, default=_plain, ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if is_dataclass(value):
        return asdict(value)
    raise TypeError(f"cannot render {type(value).__name__} as JSON")


def amount(value: Decimal) -> str:
    return f"{value:.2f}"


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
        }
        for line in lines
    ]
