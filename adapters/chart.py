"""Principal outstanding over time: one step line per series, drawn once as geometry, then as SVG (the auditor's
page and ``debtreg export outstanding -o FILE.svg``) or as PNG (``-o FILE.png``, through Pillow).

The geometry is the one place the chart is computed, so the page, the SVG file and the PNG file show the same
steps and the same labels, each label the exact amount of the view's JSON.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape

from domain.money import format_amount
from projections.register import Outstanding

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 20, 20, 20
LINE = "#1f5fa8"
DASH, GAP = 4, 3  # the line past the record on file


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str  # "start" or "end", as SVG's text-anchor


@dataclass(frozen=True)
class Panel:
    """One series' step line in a WIDTH x HEIGHT box: its corners, its amounts' labels, its first and last dates."""

    series: str
    title: str
    line: tuple[tuple[float, float], ...]
    labels: tuple[Label, ...]
    first: date
    last: date
    beyond: tuple[tuple[float, float], ...] = ()  # past the record on file: the principal recorded, drawn dashed


def panels(view: Outstanding) -> list[Panel]:
    """Each series with movements, its level after each movement held until the next, up to the view's date; past
    the record on file (``Outstanding.record_ends``) the level recorded is drawn dashed and the record's end said,
    as the view's notes say it, for a chart on a slide carries no notes."""
    ends = view.record_ends and min(d for d in (view.record_ends.register, view.record_ends.payments) if d)
    found = []
    for s in view.series:
        points, level = [], Decimal(0)
        for m in s.movements:
            level += m.amount if m.kind in ("issued", "opened") else -m.amount
            points.append((m.on, level))
        if not points:
            continue
        known = max(ends, points[-1][0]) if ends else view.as_of  # the last date the level drawn is on file
        points.append((view.as_of, level))
        first, last = points[0][0].toordinal(), max(points[-1][0].toordinal(), points[0][0].toordinal() + 1)
        top = max(p[1] for p in points) or Decimal(1)

        def x(day: date, first: int = first, last: int = last) -> float:
            return round(LEFT + (day.toordinal() - first) / (last - first) * (WIDTH - LEFT - RIGHT), 1)

        def y(amount: Decimal, top: Decimal = top) -> float:
            return round(HEIGHT - BOTTOM - float(amount / top) * (HEIGHT - TOP - BOTTOM), 1)

        line = [(x(points[0][0]), y(Decimal(0)))]
        for (day, amount), previous in zip([*points[:-1], (known, level)], [Decimal(0), *(p[1] for p in points)], strict=False):
            line += [(x(day), y(previous)), (x(day), y(amount))]
        labels = [Label(x(d), y(a) - 4, format_amount(a), "end" if x(d) > WIDTH / 2 else "start") for d, a in points[:-1]]
        beyond = ((x(known), y(level)), (x(view.as_of), y(level))) if known < view.as_of else ()
        if beyond:
            labels.append(Label(x(known), y(level) + 12, f"record ends {ends}", "end" if x(known) > WIDTH / 2 else "start"))
        found.append(Panel(s.series, s.title, tuple(line), tuple(labels), points[0][0], view.as_of, beyond))
    return found


def svg(panel: Panel) -> str:
    """One panel as an ``<svg>`` element (the page puts each in a figure with its caption)."""
    path = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in panel.line)
    dashed = ""
    if panel.beyond:
        (a, b), (c, d) = panel.beyond
        dashed = f"<path d='M{a:.1f},{b:.1f} L{c:.1f},{d:.1f}' fill='none' stroke='{LINE}' stroke-width='2' stroke-dasharray='{DASH} {GAP}'/>"
    labels = "".join(f"<text x='{label.x:.1f}' y='{label.y:.1f}' font-size='10' text-anchor='{label.anchor}'>"
                     f"{escape(label.text)}</text>" for label in panel.labels)
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{HEIGHT}' viewBox='0 0 {WIDTH} {HEIGHT}' role='img' "
            f"aria-label='principal outstanding of {escape(panel.series)}'>"
            f"<path d='{path}' fill='none' stroke='{LINE}' stroke-width='2'/>{dashed}{labels}"
            f"<text x='{LEFT}' y='{HEIGHT - 4}' font-size='10'>{panel.first}</text>"
            f"<text x='{WIDTH - 80}' y='{HEIGHT - 4}' font-size='10'>{panel.last}</text></svg>")


def figures(view: Outstanding) -> str:
    """The page's chart: a captioned figure per series."""
    return "".join(f"<figure><figcaption>{escape(p.title)}: principal outstanding</figcaption>{svg(p)}</figure>"
                   for p in panels(view))


def to_svg(view: Outstanding) -> bytes:
    """A standalone SVG file: each series' panel under its title, one below another."""
    found = panels(view)
    band = HEIGHT + 20
    body = "".join(f"<g transform='translate(0,{i * band})'><text x='{LEFT}' y='14' font-size='12'>"
                   f"{escape(p.title)}: principal outstanding</text><g transform='translate(0,20)'>{svg(p)}</g></g>"
                   for i, p in enumerate(found))
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{max(len(found), 1) * band}'>"
            f"{body}</svg>").encode()


def to_png(view: Outstanding) -> bytes:
    """The same panels as a PNG image (for a slide or a PDF), drawn by Pillow with its own font."""
    from PIL import Image, ImageDraw

    font = png_font()
    found = panels(view)
    band = HEIGHT + 20
    image = Image.new("RGB", (WIDTH, max(len(found), 1) * band), "white")
    draw = ImageDraw.Draw(image)
    for i, p in enumerate(found):
        top = i * band + 20
        draw.text((LEFT, i * band + 4), f"{p.title}: principal outstanding", fill="black", font=font)
        draw.line([(x, top + y) for x, y in p.line], fill=LINE, width=2)
        if p.beyond:  # dashed as the SVG's stroke-dasharray, which Pillow does not draw
            (start, level), (end, _) = p.beyond
            for dash in range(int(start), int(end), DASH + GAP):
                draw.line([(dash, top + level), (min(dash + DASH, end), top + level)], fill=LINE, width=2)
        for label in p.labels:
            draw.text((label.x, top + label.y), label.text, fill="black", anchor="rs" if label.anchor == "end" else "ls",
                      font=font)
        draw.text((LEFT, top + HEIGHT - 4), p.first.isoformat(), fill="black", anchor="ls", font=font)
        draw.text((WIDTH - 80, top + HEIGHT - 4), p.last.isoformat(), fill="black", anchor="ls", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def png_font():  # noqa: ANN201 - Pillow's font, imported only to draw
    """Pillow's own font at 12 px: at its default 10 px a space is 2 px, the gap between letters, and a title read
    "Senior Notesdue December 5, 2005: principaloutstanding"."""
    from PIL import ImageFont

    return ImageFont.load_default(size=12)
