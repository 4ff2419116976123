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


def panels(view: Outstanding) -> list[Panel]:
    """Each series with movements, its level after each movement held until the next, up to the view's date."""
    found = []
    for s in view.series:
        points, level = [], Decimal(0)
        for m in s.movements:
            level += m.amount if m.kind in ("issued", "opened") else -m.amount
            points.append((m.on, level))
        if not points:
            continue
        points.append((view.as_of, level))
        first, last = points[0][0].toordinal(), max(points[-1][0].toordinal(), points[0][0].toordinal() + 1)
        top = max(p[1] for p in points) or Decimal(1)

        def x(day: date, first: int = first, last: int = last) -> float:
            return round(LEFT + (day.toordinal() - first) / (last - first) * (WIDTH - LEFT - RIGHT), 1)

        def y(amount: Decimal, top: Decimal = top) -> float:
            return round(HEIGHT - BOTTOM - float(amount / top) * (HEIGHT - TOP - BOTTOM), 1)

        line = [(x(points[0][0]), y(Decimal(0)))]
        for (day, amount), previous in zip(points, [Decimal(0), *(p[1] for p in points)], strict=False):
            line += [(x(day), y(previous)), (x(day), y(amount))]
        labels = tuple(Label(x(d), y(a) - 4, format_amount(a), "end" if x(d) > WIDTH / 2 else "start")
                       for d, a in points[:-1])
        found.append(Panel(s.series, s.title, tuple(line), labels, points[0][0], view.as_of))
    return found


def svg(panel: Panel) -> str:
    """One panel as an ``<svg>`` element (the page puts each in a figure with its caption)."""
    path = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in panel.line)
    labels = "".join(f"<text x='{label.x:.1f}' y='{label.y:.1f}' font-size='10' text-anchor='{label.anchor}'>"
                     f"{escape(label.text)}</text>" for label in panel.labels)
    return (f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{HEIGHT}' role='img' "
            f"aria-label='principal outstanding of {escape(panel.series)}'>"
            f"<path d='{path}' fill='none' stroke='{LINE}' stroke-width='2'/>{labels}"
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

    found = panels(view)
    band = HEIGHT + 20
    image = Image.new("RGB", (WIDTH, max(len(found), 1) * band), "white")
    draw = ImageDraw.Draw(image)
    for i, p in enumerate(found):
        top = i * band + 20
        draw.text((LEFT, i * band + 4), f"{p.title}: principal outstanding", fill="black")
        draw.line([(x, top + y) for x, y in p.line], fill=LINE, width=2)
        for label in p.labels:
            draw.text((label.x, top + label.y), label.text, fill="black", anchor="rs" if label.anchor == "end" else "ls")
        draw.text((LEFT, top + HEIGHT - 4), p.first.isoformat(), fill="black", anchor="ls")
        draw.text((WIDTH - 80, top + HEIGHT - 4), p.last.isoformat(), fill="black", anchor="ls")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
