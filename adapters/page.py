"""The auditor's page: server-rendered HTML over the same queries as the CLI and the API, no scripts.

Pick an agreement, a business date and optionally a known-at time; the page shows Annex 1, the register
by note, principal outstanding over time (an SVG chart), the timeline of events with both clocks, evidence
and assumptions, the text as of the date with its marks, a redline between two dates, the amendments'
consent tallies, guaranties, the payment schedule and default watch, and the registry head with how to
verify it. Every amount carries its exact decimal (``data-amount``), the figure the JSON gives, and each figure
the marks of the assumptions it rests on, listed beneath its table, as the CLI prints them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from html import escape
from urllib.parse import urlencode

from adapters import chart, exports
from adapters.moments import utc_text
from adapters.queries import KnownAt, Queries
from adapters.render import (
    DUE_HEADER,
    amendment_why,
    carried_notes,
    due_notes,
    due_table,
    due_title,
    event_fields,
    holders_notes,
    holders_table,
    known_at_said,
    makewhole_text,
    payee_lines,
    payment_status,
    remedy_lines,
    totals_cited,
    with_marks,
)
from domain.consent import more_needed
from domain.money import format_amount
from projections.amendments import AmendmentStatus
from projections.payments import Status

STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:72rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border-bottom:1px solid #ddd;padding:.2rem .6rem;text-align:left;vertical-align:top}
td.long,code{overflow-wrap:anywhere}td.long{min-width:8em}.wide{overflow-x:auto;max-width:100%}
figure svg{max-width:100%;height:auto}
td.amount,th.amount{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.nowrap,span.nowrap{white-space:nowrap}.note{color:#555;font-size:.9em}.refused{color:#a00}nav a{margin-right:.8rem}
ins{background:#dfd}del{background:#fdd}pre{white-space:pre-wrap}
"""


def html_page(title: str, body: str) -> str:
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{STYLE}</style></head><body>{body}</body></html>")


def money(value: Decimal | None, *, blank_zero: bool = False) -> str:
    """An amount's cell, its exact figure in ``data-amount``; ``blank_zero``, nothing shown for none (the principal of
    an interest payment), as the CLI shows it."""
    if value is None:
        return "<td class='amount'>n/a</td>"
    shown = "" if blank_zero and not value else f"${format_amount(value, with_cents=True)}"
    return f"<td class='amount' data-amount='{value:.2f}'>{shown}</td>"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], *, id: str | None = None, numeric: Sequence[int] = ()) -> str:  # noqa: A002
    """Rows of ready cells (``<td>``...) under an escaped header, scrolled on its own where the screen is narrower
    than its words, which break only at spaces (but for the ``LONG``), and its dates and ids, which never break."""
    heads = "".join(f"<th class='{'amount' if i in numeric else ''}'>{escape(h)}</th>" for i, h in enumerate(header))
    body = "".join(f"<tr>{''.join(row)}</tr>" for row in rows)
    return f"<div class='wide'><table{f' id={id!r}' if id else ''}><thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table></div>"


def cell(text: object) -> str:
    """A cell of text; a date (or time) kept on one line, as an amount is; one holding a word too long for a column
    (a document's file name: 003_dd423827a16c28bb.txt) broken within it where it must be, not widening the table."""
    shown = "" if text is None else str(text)
    kind = NOWRAP if isinstance(text, date) else LONG if any(len(word) > 20 for word in shown.split()) else ""
    return f"<td{kind}>{unbroken(shown)}</td>"


def unbroken(text: str) -> str:
    """Text escaped, its dates, event ids and note numbers kept whole on a line (never "2024-" over "10-15")."""
    return WHOLE.sub(lambda m: f"<span{NOWRAP}>{m[0]}</span>", escape(text))


WHOLE = re.compile(r"\b\d{4}-\d\d-\d\d\b|\b[A-Za-z0-9][A-Za-z0-9._-]*:\d+\b|\bNo\. \d+\b")  # a date, an id, a note, in text


NOWRAP = " class='nowrap'"  # a date, a time, an event's id: read whole, never broken at a hyphen
LONG = " class='long'"


def event_cell(ref: str | None) -> str:
    """An event's id, opening to its full record, evidence and assumptions."""
    return f"<td{NOWRAP}><a href='/page/event/{escape(ref)}'>{escape(ref)}</a></td>" if ref else cell(ref)


def agreement_cell(key: str, as_of: date) -> str:
    """An agreement's id, opening its page as of ``as_of``."""
    return f"<td{NOWRAP}><a href='/page?{escape(urlencode({'key': key, 'as_of': as_of.isoformat()}))}'>{escape(key)}</a></td>"


def standing(amendment: AmendmentStatus) -> str:
    """An amendment's status and why, each condition on a line of its own, marked as the CLI marks them."""
    reason, *conditions = amendment_why(amendment)
    return f"<td>{'<br>'.join(escape(line) for line in [f'{amendment.status}: {reason}', *conditions])}</td>"


def marked(header: list[str], rows: list[list[str]], rests_on: Sequence[Sequence[str]]) -> tuple[list[str], list[list[str]]]:
    """The table with an Assumed column of the marks the notes beneath it explain, when any row rests on one."""
    return with_marks(header, rows, rests_on, cell)


def remedies(status: Status) -> str:
    """The Events of Default and accelerations on file by the date, each as status prints it: what, when, continuing or
    waived, what became due and whether it is recorded paid (a count said none of it)."""
    lines = remedy_lines(status)
    if not lines:
        return "<p id='remedies'>None is on file by the date.</p>"
    return "<ul id='remedies'>" + "".join(f"<li>{unbroken(line)}</li>" for line in lines) + "</ul>"


def picker(agreements: Sequence[str], key: str | None, as_of: str, known_at: str) -> str:
    options = "".join(f"<option{' selected' if a == key else ''}>{escape(a)}</option>" for a in agreements)
    event = f"{key or (agreements[0] if agreements else 'KEY')}:1"  # an example of this registry's, not another's
    example = f"2003-04-02T17:00:00Z or {event}"
    return (
        "<form method='get' action='/page'><label>Agreement <select name='key'>" + options + "</select></label> "
        f"<label>As of <input name='as_of' type='date' value='{escape(as_of)}' required></label> "
        f"<label>Known at <input name='known_at' size='{max(34, len(example) - 4)}' value='{escape(known_at)}' placeholder='{escape(example)}'></label> "
        "<button type='submit'>Show</button></form>"
    )


def home_page(queries: Queries, as_of: str, known_at: str, today: date) -> str:
    """The agreements on the registry, each opened as of the last date its record on file covers (today where no end is
    recorded), beside the picker for any other date."""
    summaries = queries.agreements()
    rows = []
    for summary in summaries:
        horizon = queries.horizon(summary.agreement)
        ends = "; ".join(f"{kind} to {until}" for kind, until in (("register", horizon.register), ("payments", horizon.payments))
                         if until) or "no end recorded"
        opened = horizon.register or horizon.payments or today
        rows.append([agreement_cell(summary.agreement, opened), cell(summary.issuer), cell(summary.title), cell(summary.dated_as_of),
                     cell("; ".join(s.title for s in summary.series)), cell(ends)])
    listed = (table(["Agreement", "Issuer", "Title", "Dated as of", "Series", "Record on file"], rows, id="agreements")
              + "<p class='note'>Each agreement opens as of the last date its record on file covers; choose any other"
              " date above.</p>") if rows else "<p>No agreement is on the registry yet: load one's journal (debtreg load FILE).</p>"
    across = ("<h2>Holders across agreements</h2><form method='get' action='/page/holders'><label>As of <input name='as_of'"
              " type='date' required></label> <button type='submit'>Show</button></form>"
              "<h2>Payments due across agreements</h2>" + due_form("", "", "", "")) if rows else ""
    return html_page("debtreg", "<h1>debtreg</h1>" + picker([s.agreement for s in summaries], None, as_of, known_at) + listed
                     + across)


def holders_page(queries: Queries, as_of: date, known_at: KnownAt, given_known_at: str) -> str:
    """Each holder's positions in every agreement on a date, as `debtreg holders` shows them: what a consent across
    agreements (the 2003 amendments of the three Barnes agreements, say) is counted from."""
    view = queries.holders(as_of, known_at)
    rows, cited = holders_table(view, lambda h: cell(h.name + "".join(f" (aka {other})" for other in h.also_known_as)),
                                lambda key: agreement_cell(key, as_of), cell, money)
    form = (f"<form method='get' action='/page/holders'><label>As of <input name='as_of' type='date' value='{as_of}'"
            f" required></label> <label>Known at <input name='known_at' value='{escape(given_known_at)}'></label> "
            "<button type='submit'>Show</button></form>")
    shown = table(*marked(["Holder", "Agreement", "Series", "Principal", "Notes"], rows, cited),
                  id="holders", numeric=[3]) if rows else f"<p>No notes on file are held by anyone as of {as_of}.</p>"
    asked = {"as_of": as_of.isoformat(), **({"known_at": given_known_at} if given_known_at else {})}
    files = file_links(None, ["exports/holders.xlsx", "exports/holders.csv"], asked) if rows else ""
    return html_page(f"holders as of {as_of}", f"<h1>Holders as of {as_of}</h1>{known(queries, known_at)}"
                     "<p><a href='/page'>Agreements</a></p>" + form + shown + files + note_paragraphs(holders_notes(view)))


def due_form(start: str, end: str, as_of: str, known_at: str) -> str:
    return (f"<form method='get' action='/page/due'><label>Due from <input name='from' type='date' value='{escape(start)}'"
            f" required></label> <label>to <input name='to' type='date' value='{escape(end)}' required></label> <label>Status"
            f" as of <input name='as_of' type='date' value='{escape(as_of)}'></label> <label>Known at <input name='known_at'"
            f" value='{escape(known_at)}'></label> <button type='submit'>Show</button></form>")


def due_page(queries: Queries, start: date, end: date, as_of: date, known_at: KnownAt, given_known_at: str) -> str:
    """Every payment due between two dates across the registry, as `debtreg due` shows it: treasury's calendar."""
    view = queries.due(start, end, as_of, known_at)
    rows, cited = due_table(view, cell, lambda key: agreement_cell(key, as_of),
                            lambda value, blank: money(value, blank_zero=blank), lambda p: cell(payment_status(p, marked=False)))
    shown = (table(*marked(DUE_HEADER, rows, cited), id="due", numeric=[4, 5]) if view.payments
             else f"<p>No payment on file is due from {start} to {end}.</p>")
    asked = {"from": start.isoformat(), "to": end.isoformat(), "as_of": as_of.isoformat(),
             **({"known_at": given_known_at} if given_known_at else {})}
    files = file_links(None, ["exports/due.xlsx", "exports/due.csv"], asked, "/due") if view.payments else ""
    title = due_title(view)
    return html_page(title, f"<h1>{title}</h1>{known(queries, known_at)}<p><a href='/page'>Agreements</a></p>"
                     + due_form(start.isoformat(), end.isoformat(), as_of.isoformat(), given_known_at) + shown + files
                     + note_paragraphs(due_notes(view)))


def known(queries: Queries, known_at: KnownAt) -> str:
    """Beneath a page's heading, the moment its views are as known at, as the CLI says it above a view (the form's
    field alone would not print with the page)."""
    said = known_at_said(queries, known_at, line=True)
    return f"<p class='known'>{escape(said)}</p>" if said else ""


def agreement_page(queries: Queries, key: str, as_of: date, known_at: KnownAt, given_known_at: str,
                   start: date | None) -> str:
    """Every view of one agreement as of a date (as known at a time)."""
    agreements = [a.agreement for a in queries.agreements()]
    annex = queries.annex1(key, as_of, known_at)
    register = queries.register(key, as_of, known_at)
    totalled = not register.not_on_file and None not in register.totals.values()
    outstanding = queries.outstanding(key, as_of, known_at)
    status = queries.status(key, as_of, known_at)
    schedule = queries.schedule(key, as_of, known_at=known_at)
    history = queries.history(key, known_at)
    amendments = queries.amendments(key, known_at)
    guaranties = queries.guaranties(key, as_of, known_at)
    text = queries.text(key, as_of, None, known_at)
    verified = queries.verify()
    undated = {"known_at": given_known_at} if given_known_at else {}
    dated = {"as_of": as_of.isoformat(), **undated}
    query = urlencode(dated)  # the view's own

    def files(*names: str, asked: dict = dated) -> str:
        """The views as files, as the CLI's export writes them, of this page's date and known-at time."""
        return file_links(key, [f"exports/{name}" for name in names], asked)

    sections = [
        f"<h1>{escape(key)} as of {as_of}</h1>{known(queries, known_at)}",
        picker(agreements, key, as_of.isoformat(), given_known_at),
        "<nav>" + " ".join(f"<a href='#{a}'>{t}</a>" for a, t in (("annex1", "Annex 1"), ("register", "Register"),
                          ("outstanding", "Outstanding"), ("timeline", "Timeline"), ("schedule", "Schedule"),
                          ("amendments", "Amendments"), ("guaranties", "Guaranties"), ("text", "Text"),
                          ("redline", "Redline"), ("digest", "Digest"))) + "</nav>",
        "<h2 id='annex1-heading'>Annex 1: current noteholders</h2>",
        table(*marked(["Holder", *annex.series],
                      [[cell(h.holder), *(money(h.principal.get(s)) for s in annex.series)] for h in annex.holders]
                      + ([] if annex.not_on_file else  # a total of a register not on file would be read as nil
                         [[cell("TOTALS" if len(annex.series) > 1 else "TOTAL"), *(money(annex.totals[s]) for s in annex.series)]]),
                      [h.rests_on for h in annex.holders] + ([] if annex.not_on_file else [totals_cited(annex)])),
              id="annex1", numeric=range(1, 1 + len(annex.series))),
        notes(annex),
        files("annex1.docx", "annex1.xlsx", "annex1.csv"),
        "<h2 id='register'>Register by note</h2>",
        table(*marked(["No.", "Series", "Registered name", "Holder", "Principal", "Dated", "Origin"],
                      [[cell(n.number), cell(n.series), cell(n.registered_name or "not on file"), cell(n.holder), money(n.principal),
                        cell(n.dated or "not on file"), cell(n.origin)] for n in register.notes]
                      + ([[cell(""), cell(""), cell(""), cell("TOTAL"), money(sum(register.totals.values(), Decimal(0))),
                           cell(""), cell("")]] if totalled else []),  # the total the command line gives (unknown: none)
                      [n.rests_on for n in register.notes] + ([totals_cited(register)] if totalled else [])),
              id="notes", numeric=[4]),
        notes(register),
        files("register.xlsx", "register.csv"),
        "<h2 id='outstanding'>Principal outstanding</h2>",
        table(*marked(["Series", "Outstanding"], [[cell(s.series), money(s.outstanding)] for s in outstanding.series],
                      [s.rests_on for s in outstanding.series]), id="outstanding-table", numeric=[1]),
        notes(outstanding),
        chart.figures(outstanding),
        files("outstanding.xlsx", "outstanding.svg", "outstanding.png"),
        "<h2 id='timeline'>Timeline</h2>",
        table(["Event", "Effective", "Recorded (UTC)", "By", "What", "Evidence", "Assumed"],
              [[event_cell(h.event), cell(h.effective_on),
                f"<td{NOWRAP}>{h.recorded_at:%Y-%m-%d %H:%M:%S}</td>", cell(h.recorded_by),
                cell(h.summary + (f" (REVERSED by {h.reversed_by})" if h.reversed_by else "")),
                cell(evidence(h.evidence)), cell("; ".join(f"{a.fact}: {a.reason}" for a in h.assumptions))] for h in history],
              id="history"),
        files("history.xlsx", "history.csv", asked=undated),
        "<h2 id='schedule'>Payment schedule and default watch</h2>",
        table(*marked(["Series", "Kind", "Due", "Principal", "Interest", "Status"],
                      [[cell(p.series), cell(p.kind), cell(p.due_on), money(p.principal, blank_zero=True),
                        money(p.interest, blank_zero=True), cell(payment_status(p, marked=False))]
                       for p in schedule.payments], [p.rests_on for p in schedule.payments]), id="schedule-table", numeric=[3, 4]),
        notes(schedule),
        files("schedule.xlsx", "schedule.csv"),
        "<h3>Events of Default and accelerations</h3>",
        remedies(status),
        "<h2 id='amendments'>Amendments and consents</h2>",
        table(["Amendment", "Event", "Status", "Consents (threshold: share by class)"],
              [[cell(a.name), event_cell(a.event), standing(a), cell(tally(a.consents))] for a in amendments], id="amendments-table")
        if amendments else "<p>No amendment is on file.</p>",
        *(notes(a) for a in amendments),
        "<h2 id='guaranties'>Guaranties</h2>",
        table(*marked(["Guaranty", "Guarantor", "Delivered", "Covers", "Evidence"],
                      [[cell(g.guaranty), cell(g.guarantor), cell(g.delivered_on), cell("; ".join(g.covers)), cell(g.evidence)]
                       for g in guaranties.guaranties], [g.rests_on for g in guaranties.guaranties]), id="guaranties-table")
        if guaranties.guaranties else "<p>No guaranty on file stands behind the notes on the date.</p>",
        notes(guaranties),
        "<h2 id='text'>Text as of the date</h2>",
        f"<pre id='agreement-text'>{escape(text_lines(text))}</pre>",
        "<h2 id='redline'>Redline</h2>",
        redline_form(key, as_of, start, given_known_at),
        redline(queries, key, start, as_of, known_at) + file_links(key, [f"redline.{kind}" for kind in exports.REDLINE_FILES], {
            "from": start.isoformat(), "to": as_of.isoformat(), **undated}) if start else "",
        "<h2 id='digest'>Registry head</h2>",
        f"<p id='root'>{'intact' if verified.intact else 'NOT intact: ' + escape(verified.problem or '')}; root "
        f"<code>{escape(verified.root or '')}</code></p>",
        "<p class='note'>Keep it: <code>debtreg digest &gt; head.json</code>; later <code>debtreg verify --digest head.json"
        "</code>. One entry alone: <code>debtreg proof AGREEMENT:N &gt; proof.json</code>, then <code>python "
        "offline_verifier.py proof.json --trust KEY</code>.</p>",
        f"<p class='note'>JSON of this view: <a href='/agreements/{escape(key)}/annex1?{query}'>Annex 1</a></p>",
    ]
    return html_page(f"{key} as of {as_of}", "".join(sections))


def evidence(found: object) -> str:
    parts = [getattr(found, "document", None), getattr(found, "section", None)]
    return ", ".join(str(p) for p in parts if p)


def tally(consents: object) -> str:
    if consents is None:
        return "none needed or none on file"
    shares = ", ".join(f"{c.name} {c.share}{more_needed(c.more_needed)}" for c in consents.classes)  # type: ignore[attr-defined]
    return f"{consents.threshold}: {shares} ({'met' if consents.met else 'not met'})"  # type: ignore[attr-defined]


def notes(view: object) -> str:
    """What the CLI prints beneath a view (where the record ends, what is assumed), or in place of its figures (why
    they are not known), as the page's notes."""
    return note_paragraphs(carried_notes(view))


def note_paragraphs(lines: Sequence[str]) -> str:
    return "".join(f"<p class='note'>{escape(line)}</p>" for line in lines)


def text_lines(text: object) -> str:
    from adapters.render import text_text

    return text_text(text)  # type: ignore[arg-type]


def redline_form(key: str, as_of: date, start: date | None, known_at: str) -> str:
    return (f"<form method='get' action='/page'><input type='hidden' name='key' value='{escape(key)}'>"
            f"<input type='hidden' name='known_at' value='{escape(known_at)}'>"
            f"<label>From <input name='since' type='date' value='{start or ''}'></label> "
            f"<label>to <input name='as_of' type='date' value='{as_of}'></label> <button>Redline</button></form>")


def redline(queries: Queries, key: str, start: date, end: date, known_at: KnownAt) -> str:
    from adapters.render import redline_body

    return redline_body(queries.redline(key, start, end, None, known_at))


def file_links(key: str | None, paths: Sequence[str], asked: dict, under: str = "/holders") -> str:
    """Links to files the server gives of an agreement (``paths`` under /agreements/KEY/), or of every one (under
    ``under``, without a ``key``: /holders, /due), each asked ``asked``."""
    query = escape(urlencode(asked))
    under = f"/agreements/{escape(key)}" if key is not None else under
    links = " · ".join(f"<a href='{under}/{path}?{query}' download>{path.rsplit('/', 1)[-1]}</a>" for path in paths)
    return f"<p class='note files'>Files: {links}</p>"


def event_page(queries: Queries, ref: str) -> str:
    """One event as ``debtreg event`` shows it: its clocks, evidence and assumptions, then every field it holds and a
    make-whole calculation recorded with it (the page showed fields as Python wrote them: "Allocation(note=2,
    amount=Decimal('1250000.00'), ...)", and the recording time to the microsecond)."""
    detail = queries.event(ref)
    line = detail.event
    rows = [[cell("Effective"), cell(line.effective_on)], [cell("Recorded"), cell(utc_text(line.recorded_at))],
            [cell("Recorded by"), cell(line.recorded_by)], [cell("What"), cell(line.summary)],
            [cell("Document"), cell(line.evidence.document)], [cell("Section"), cell(line.evidence.section)],
            [cell("Note"), cell(line.evidence.note)]]
    rows += [[cell("Entry"), cell(line.entry + (f" ({line.source})" if line.source else ""))]] if line.entry else []
    rows += [[cell("Assumed"), cell(f"{a.fact}: {a.reason}")] for a in line.assumptions]
    rows += [[cell("Reversed by"), cell(line.reversed_by)]] if line.reversed_by else []
    fields = "\n".join([*event_fields(detail, 0), *(["paid", *payee_lines(detail)] if detail.payees else [])])
    quote = makewhole_text(detail.makewhole) if detail.makewhole is not None else ""
    return html_page(ref, f"<h1>{escape(ref)}</h1>" + table(["", ""], rows, id="evidence")
                     + (f"<h2>Fields</h2><pre id='fields'>{escape(fields)}</pre>" if fields else "")
                     + (f"<h2>Make-whole calculation recorded with it</h2><pre id='makewhole'>{escape(quote)}</pre>" if quote else "")
                     + "<p><a href='javascript:history.back()'>back</a></p>")


def login_page(problem: str | None = None) -> str:
    said = f"<p class='refused' id='problem'>{escape(problem)}</p>" if problem else ""
    return html_page("debtreg: sign in", "<h1>debtreg</h1>" + said + "<form method='post' action='/login'>"
                     "<label>Token <input name='token' type='password' autocomplete='off' required></label> "
                     "<button type='submit'>Sign in</button></form><p class='note'>Your token: "
                     "<code>debtreg --identity YOUR.key identity token</code>.</p>")


def error_page(message: str, status: int) -> str:
    return html_page("refused", f"<h1 class='refused'>Refused ({status})</h1><p id='problem'>{escape(message)}</p>"
                     "<p><a href='/page'>Start again</a></p>")
