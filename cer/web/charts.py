"""Charts drawn on the server as SVG: a plan's timeline (Gantt) and the portfolio's progress bars.

Plain SVG text, every label escaped; no script, no external fonts. A chart is a picture (`role="img"`, named
by its <title>) and holds no link or other control: a picture's insides are one image to assistive technology,
so a link inside it could be neither announced nor reached (axe-core's `nested-interactive`). The page beside
it links each task or country in a list or table, which is also how a phone or a screen reader reads the same
facts. Each bar keeps a <title> as a tooltip; the critical path is drawn in a distinct colour and outline,
dependencies as lines from the end of one task to the start of the next. Every colour keeps 3:1 against white
(WCAG 1.4.11) and the status is never told by colour alone (the legend, the tooltips, the list).

Words, months and numbers are written in the page's language (`lang`: cer.views.formats, the catalogues).
Time runs left to right in every language, Arabic too: the drawing is `direction="ltr"` (its labels anchored
where they are drawn); each Arabic label is still written right to left within its own run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from cer.views.formats import format_date, format_month, format_number, format_percent
from cer.views.i18n import N_, translations

STATUS_COLOURS = {  # the stylesheet's --status-* colours, each 3:1 or more against white
    "not_started": "#8a96a3",
    "in_progress": "#3d78b8",
    "blocked": "#c27400",
    "completed": "#3b8a4b",
    "dropped": "#d9d9d9",
}
STATUS_WORDS = {  # the same messages as a report's (cer/views/report_words.py)
    "not_started": N_("not started"),
    "in_progress": N_("in progress"),
    "blocked": N_("blocked"),
    "completed": N_("completed"),
    "dropped": N_("dropped"),
}
LEGEND = ("completed", "in_progress", "blocked", "not_started")  # the order of a progress bar's parts
CRITICAL = "#b3261e"
ROW, BAR, LABEL_W, DAY_W = 18, 12, 260, 3.0


@dataclass(frozen=True)
class Bar:
    ref: str
    label: str
    start: dt.date
    due: dt.date
    status: str
    critical: bool
    depends_on: tuple[str, ...]  # refs
    href: str  # the task's page, which the list beside the chart links to


def _x(day: dt.date, first: dt.date, day_w: float = DAY_W) -> float:
    return LABEL_W + (day - first).days * day_w


ZOOMS = {"month": (DAY_W, 1), "quarter": (DAY_W / 3, 3)}  # pixels per day, months per tick


def _status_in(lang: str) -> Callable[[str], str]:
    """A task's status in words, in `lang`."""
    gettext = translations(lang).gettext
    return lambda status: gettext(STATUS_WORDS.get(status, status.replace("_", " ")))


def timeline_svg(
    bars: Sequence[Bar], today: dt.date, title: str, zoom: str = "month", lang: str = "en"
) -> str:
    """A Gantt chart: one row per task in the given order, months (or quarters: `zoom`) along the top, today
    as a line."""
    gettext, status_of = translations(lang).gettext, _status_in(lang)
    if not bars:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="400" '
            f'height="40"><title>{escape(title)}</title><text x="8" y="24">—</text></svg>'
        )
    day_w, months = ZOOMS.get(zoom, ZOOMS["month"])
    first = min(b.start for b in bars).replace(day=1)
    first = first.replace(month=first.month - (first.month - 1) % months)  # a quarter starts the axis
    last = max(b.due for b in bars) + dt.timedelta(days=15)
    width = int(_x(last, first, day_w)) + 10
    height = 30 + ROW * len(bars) + 10
    rows = {b.ref: i for i, b in enumerate(bars)}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="gantt-title" class="gantt" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="system-ui, sans-serif" direction="ltr" '
        f'font-size="11">',
        f'<title id="gantt-title">{escape(title)}</title>',
        '<defs><marker id="arrow" markerWidth="6" markerHeight="6" refX="5" refY="3" orient="auto">'
        '<path d="M0,0 L6,3 L0,6 z" fill="#555"/></marker></defs>',
    ]
    month = first
    while month <= last:
        x = _x(month, first, day_w)
        out.append(f'<line x1="{x:.0f}" y1="20" x2="{x:.0f}" y2="{height}" stroke="#e3e3e3"/>')
        quarter = (month.month - 1) // 3 + 1
        label = (
            gettext("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": month.year}
            if months == 3
            else format_month(month, lang)
        )
        out.append(f'<text x="{x + 2:.0f}" y="14" fill="#333">{escape(label)}</text>')
        for _ in range(months):
            month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    for b in bars:
        y = 30 + ROW * rows[b.ref]
        for dep in b.depends_on:
            if dep in rows:
                before = bars[rows[dep]]
                y0 = 30 + ROW * rows[dep] + BAR / 2
                x0, x1 = _x(before.due, first, day_w), _x(b.start, first, day_w)
                colour = CRITICAL if before.critical and b.critical else "#777"
                out.append(
                    f'<path d="M{x0:.0f},{y0:.0f} H{max(x0, x1 - 4):.0f} V{y + BAR / 2:.0f} H{x1:.0f}" '
                    f'fill="none" stroke="{colour}" stroke-width="1" marker-end="url(#arrow)"/>'
                )
    for b in bars:
        y = 30 + ROW * rows[b.ref]
        x0, x1 = _x(b.start, first, day_w), _x(b.due + dt.timedelta(days=1), first, day_w)
        fill = STATUS_COLOURS.get(b.status, "#ccc")
        stroke = (
            f' stroke="{CRITICAL}" stroke-width="2"' if b.critical else ' stroke="#667" stroke-width="0.5"'
        )
        tip = gettext("%(task)s — %(start)s to %(due)s, %(status)s") % {
            "task": f"{b.ref} {b.label}",
            "start": format_date(b.start, lang),
            "due": format_date(b.due, lang),
            "status": status_of(b.status),
        }
        if b.critical:
            tip += " · " + gettext("critical path")
        out.append(
            f'<g class="bar{" critical" if b.critical else ""}">'
            f"<title>{escape(tip)}</title>"
            f'<text x="4" y="{y + BAR - 2}" fill="#1b1b1b">{escape(_clip(b.ref + " " + b.label, 42))}</text>'
            f'<rect x="{x0:.0f}" y="{y}" width="{max(x1 - x0, 3):.0f}" height="{BAR}" rx="2" '
            f'fill="{fill}"{stroke}/>'
            f"</g>"
        )
    tx = _x(today, first, day_w)
    if LABEL_W <= tx <= width:
        out.append(
            f'<line x1="{tx:.0f}" y1="20" x2="{tx:.0f}" y2="{height}" stroke="#0b4f8a" '
            f'stroke-dasharray="4 3"/>'
        )
        out.append(f'<text x="{tx + 3:.0f}" y="26" fill="#0b4f8a">{escape(gettext("today"))}</text>')
    out.append("</svg>")
    return "".join(out)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


@dataclass(frozen=True)
class ProgressBar:
    label: str
    href: str  # the country's page, which the table beside the chart links to
    by_status: dict[str, int]
    overdue: int


CHAR_W = 7.5  # a generous average width of a 12 px system-ui character, to leave room for a label


def _done_and_late(row: ProgressBar, lang: str) -> str:
    """ "65% · 5 overdue": the share completed, and the overdue tasks when there are any."""
    total = sum(n for s, n in row.by_status.items() if s != "dropped") or 1
    done = format_percent(round(100 * row.by_status.get("completed", 0) / total) / 100, lang)
    if not row.overdue:
        return done
    gettext = translations(lang).gettext
    return f"{done} · " + gettext("%(num)s overdue") % {"num": format_number(row.overdue, lang)}


def progress_svg(rows: Sequence[ProgressBar], title: str, lang: str = "en") -> str:
    """Horizontal stacked bars, one per row: the share of tasks in each status, the share completed and the
    overdue count after it (the drawing as wide as its longest such text, never cut)."""
    status_of = _status_in(lang)
    bar_w, label_w = 400, 150
    after = [_done_and_late(row, lang) for row in rows]
    legend_w = sum(max(100, 24 + CHAR_W * len(status_of(s))) for s in LEGEND)
    width = int(max(label_w + bar_w + 6 + CHAR_W * max(map(len, after), default=0), label_w + legend_w)) + 8
    height = 20 + 24 * len(rows) + 30
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="progress-title" class="chart" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="system-ui, sans-serif" direction="ltr" '
        f'font-size="12"><title id="progress-title">{escape(title)}</title>'
    ]
    for i, row in enumerate(rows):
        y = 10 + 24 * i
        total = sum(n for s, n in row.by_status.items() if s != "dropped") or 1
        x = float(label_w)
        out.append(f'<text x="0" y="{y + 13}" fill="#1b1b1b">{escape(_clip(row.label, 22))}</text>')
        parts = []
        for status in LEGEND:
            n = row.by_status.get(status, 0)
            if n:
                w = bar_w * n / total
                out.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="16" fill="{STATUS_COLOURS[status]}"/>'
                )
                x += w
                parts.append(f"{format_number(n, lang)} {status_of(status)}")
        out.append(f'<text x="{label_w + bar_w + 6}" y="{y + 13}" fill="#1b1b1b">{escape(after[i])}</text>')
        out.append(
            f'<rect x="{label_w}" y="{y}" width="{bar_w}" height="16" fill="none" '
            f'stroke="#999"><title>{escape(row.label + ": " + ", ".join(parts))}</title></rect>'
        )
    y = 20 + 24 * len(rows)
    x = float(label_w)
    for status in LEGEND:
        out.append(f'<rect x="{x:.0f}" y="{y}" width="10" height="10" fill="{STATUS_COLOURS[status]}"/>')
        out.append(f'<text x="{x + 14:.0f}" y="{y + 9}" fill="#1b1b1b">{escape(status_of(status))}</text>')
        x += max(100, 24 + CHAR_W * len(status_of(status)))
    out.append("</svg>")
    return "".join(out)
