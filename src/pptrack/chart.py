"""Timelines drawn: the inline bar of a table row, a terminal line chart (plotext), an image (matplotlib).

plotext and matplotlib are imported inside the functions that draw with them, so that a
table never pays for them; matplotlib is the optional extra `plot`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from .dates import from_stored
from .errors import BadInput, PptrackError
from .models import Fact
from .render import cell_width, file_to_write, fold, safe_text, write_whole
from .values import format_number

EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"
BAR_WIDTH = 20
IMAGE_SUFFIXES = (".png", ".svg")
IMAGE_SIZE_IN = (10.0, 5.0)
IMAGE_DPI = 100  # a PNG is 1000 × 500 pixels
IMAGE_MAX_SERIES = 10  # matplotlib's colour cycle: beyond it lines share colours
TERMINAL_HEIGHT = 20
MAX_TERMINAL_WIDTH = 200
_MARKERS = ("•", "x", "+", "o", "*", "#", "@", "%")
_COLORS = ("blue", "red", "green", "orange", "magenta", "cyan")
PLOT_EXTRA = "pip install 'pptrack[plot]'"


def bar(value: float, low_end: float, high_end: float, width: int = BAR_WIDTH) -> str:
    """`value` as a bar of block characters, in eighths of a cell: `low_end` is empty,
    `high_end` is `width` full cells."""
    span = high_end - low_end
    if span <= 0:
        return ""
    eighths = round(max(0.0, min(1.0, (value - low_end) / span)) * width * 8)
    full, part = divmod(eighths, 8)
    return FULL * full + (EIGHTHS[part] if part else "")


def bar_scale(values: Sequence[float]) -> tuple[float, float]:
    """The ends of the bars for a block: from 0 (or the lowest value, if below 0) to the highest."""
    if not values:
        return 0.0, 0.0
    return min(0.0, min(values)), max(0.0, max(values))


@dataclass
class Series:
    """One source's figures, to draw as one line."""

    source: str
    facts: list[Fact] = field(default_factory=list)


def by_source(facts: Sequence[Fact]) -> list[Series]:
    """Facts split into one series per source (who counted), in order of first appearance,
    each in the order of where it is drawn (`midpoint`): a line never runs back in time, as
    it did in date order, where `2024` (drawn at 2 July) comes before `2024-01-05`."""
    series: dict[str, Series] = {}
    for fact in facts:
        series.setdefault(fact.source, Series(fact.source)).facts.append(fact)
    for one in series.values():
        one.facts.sort(key=midpoint)  # stable: facts drawn at one place stay in date order
    return list(series.values())


def midpoint(fact: Fact) -> date:
    """Where a fact sits on a time axis: the middle of its span (`2021` is 2 July 2021)."""
    d = from_stored(fact.date)
    return d.start + timedelta(days=(d.end - d.start).days // 2)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About `count` round tick values covering [low, high]: 800, 1,000, 1,200, 1,400."""
    if high < low:
        low, high = high, low
    if high - low <= max(abs(low), abs(high), 1e-300) * 1e-9:  # one value, or as good as one
        pad = abs(high) * 0.1 if abs(high) > 1e-300 else 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(1, count - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    digits = max(0, 2 - math.floor(math.log10(step)))  # 0.25 keeps its digits; 1,000 has none to lose
    ticks = [first]
    while ticks[-1] < high:
        ticks.append(first + len(ticks) * step)
    return [round(t, digits) for t in ticks]


# The days an axis may reach: plotext, turning its dates into seconds and back, lands a
# second's fraction before the calendar's first day (year 0) or after its last.
_FIRST_DAY, _LAST_DAY = date(1, 1, 2), date(9999, 12, 30)
_MONTH = timedelta(days=31)


def _add_days(day: date, days: timedelta) -> date:
    """`day` moved by `days`, kept within _FIRST_DAY and _LAST_DAY."""
    if day - _FIRST_DAY <= -days:
        return _FIRST_DAY
    if _LAST_DAY - day <= days:
        return _LAST_DAY
    return day + days


def date_ticks(first: date, last: date, most: int) -> list[tuple[date, str]]:
    """Round dates between `first` and `last` to label an axis, at most `most` of them:
    new years (`2024`) when the range spans two or more, else first days of months
    (`2025-08`); none when even months are too coarse."""
    years = [date(y, 1, 1) for y in range(first.year + (first > date(first.year, 1, 1)), last.year + 1)]
    if len(years) >= 2:
        step = math.ceil(len(years) / most)
        return [(d, str(d.year)) for d in years[::step]]
    months = []
    y, m = first.year, first.month
    while y <= last.year and date(y, m, 1) <= last:
        if date(y, m, 1) >= first:
            months.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    if len(months) < 2:
        return []
    step = next((k for k in (1, 2, 3, 6, 12) if len(months) / k <= most), 12)
    return [(d, f"{d.year:04d}-{d.month:02d}") for d in months[::step]]


def most_reported(series: list[Series], most: int) -> tuple[list[Series], list[Series]]:
    """The `most` series with the most figures (ties: first seen), in their order; and the rest."""
    if len(series) <= most:
        return series, []
    ranked = sorted(range(len(series)), key=lambda i: -len(series[i].facts))
    kept = sorted(ranked[:most])
    return [series[i] for i in kept], [series[i] for i in sorted(ranked[most:])]


def terminal_chart(title: str, facts: Sequence[Fact], *, width: int, color: bool) -> tuple[str, list[str]]:
    """A line chart of one metric, one series per source, on a dated x axis: text of
    `width` columns and TERMINAL_HEIGHT lines (no escape codes unless `color`). Only as
    many sources as there are markers are drawn, those with the most figures; the names
    of the others are returned beside the chart."""
    import plotext as plt

    drawn, left_out = most_reported(by_source(facts), len(_MARKERS))
    facts = [f for series in drawn for f in series.facts]
    columns = max(1, width)  # the terminal's: the title and legend fold to it
    width = max(40, min(width, MAX_TERMINAL_WIDTH))
    colors = [_COLORS[i % len(_COLORS)] if color else None for i in range(len(drawn))]
    legend = _legend([(_MARKERS[i], safe_text(s.source), colors[i]) for i, s in enumerate(drawn)], min(width, columns))
    plt.clear_figure()
    plt.theme("clear")
    plt.date_form("Y-m-d")
    plt.plotsize(width, TERMINAL_HEIGHT - len(legend))
    for i, series in enumerate(drawn):
        plt.plot(
            [midpoint(f).isoformat() for f in series.facts],
            [f.value for f in series.facts],
            marker=_MARKERS[i],
            color=colors[i],
        )
    days = [midpoint(f) for f in facts]
    # The dates drawn, exactly (one date: a month either side, not plotext's half-century),
    # within the calendar, past which plotext's own limits would go.
    pad = _MONTH if min(days) == max(days) else timedelta(0)
    first, last = _add_days(min(days), -pad), _add_days(max(days), pad)
    if first == last:  # days apart, made one at the calendar's end
        first, last = _add_days(first, -_MONTH), _add_days(last, _MONTH)
    xticks = [t for t in date_ticks(min(days), max(days), most=max(2, width // 12)) if first <= t[0] <= last]
    if xticks:
        plt.xticks([d.isoformat() for d, _ in xticks], [label for _, label in xticks])
    plt.xlim(first.isoformat(), last.isoformat())
    ticks = nice_ticks(min(f.value for f in facts), max(f.value for f in facts))
    plt.yticks(ticks, [format_number(t) for t in ticks])
    plt.ylim(ticks[0], ticks[-1])
    plt.title(safe_text(title))
    text = plt.build()
    plt.clear_figure()
    if not color:
        text = plt.uncolorize(text)
    title_line, *chart = text.splitlines()
    # plotext leaves out a title wider than the plot (a long slug): then it is folded here
    titles = fold(safe_text(title), columns) if not plt.uncolorize(title_line).strip() else [title_line]
    lines = [*titles, *legend, *chart]
    return "\n".join(line.rstrip() for line in lines) + "\n", [s.source for s in left_out]


def _legend(entries: Sequence[tuple[str, str, str | None]], width: int) -> list[str]:
    """Each series' marker and source name, on lines of `width` columns under the title:
    plotext's own legend is drawn over the plot and hid the points beneath it (and, too
    narrow, was left out). A marker is in its series' colour where it has one."""
    import plotext as plt

    lines: list[str] = []
    line, used = "", 0
    for marker, name, color in entries:
        for k, part in enumerate(fold(name, max(1, width - 2))):
            shown = (plt.colorize(marker, color) if color else marker) if k == 0 else " "
            size = 2 + cell_width(part)
            if used and used + 3 + size > width:
                lines.append(line)
                line, used = "", 0
            line += ("   " if used else "") + f"{shown} {part}"
            used += (3 if used else 0) + size
    if line:
        lines.append(line)
    return lines


def check_image_path(written: str) -> Path:
    """The image file that `-o` names; refused, before any work, where pptrack cannot write
    an image to it. Read as written: a Path forgets the `/` that makes `q.svg/` a folder."""
    path = file_to_write(written, "a file name ending .png or .svg")
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        raise BadInput(f"cannot tell the image format of {str(path)!r}: give -o a file name ending .png or .svg")
    return path


def load_matplotlib() -> None:
    """Fail with the name of the extra to install when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise PptrackError(f"drawing an image needs matplotlib, the optional extra 'plot': {PLOT_EXTRA}") from None


def _mpl_text(text: str) -> str:
    # matplotlib reads text between dollar signs as TeX math: show it as written instead.
    return safe_text(text).replace("$", r"\$")


def save_image(path: Path, title: str, ylabel: str, facts: Sequence[Fact]) -> list[Series]:
    """The chart as a PNG or SVG file: a line with markers per source, error bars for
    each figure's interval (vertical) and its date's span (horizontal). The file is
    written whole or not at all. As many sources are drawn as there are colours, those
    with the most figures; returns the series drawn."""
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure

    drawn, _ = most_reported(by_source(facts), IMAGE_MAX_SERIES)
    fig = Figure(figsize=IMAGE_SIZE_IN, dpi=IMAGE_DPI, layout="constrained")
    ax = fig.subplots()
    for series in drawn:
        xs, ys, lower, upper, half_spans = [], [], [], [], []
        for f in series.facts:
            span = from_stored(f.date)
            xs.append(mdates.date2num(midpoint(f)))
            ys.append(f.value)
            lower.append(f.value - f.low if f.low is not None else 0.0)
            upper.append(f.high - f.value if f.high is not None else 0.0)
            half_spans.append((span.end - span.start).days / 2)
        ax.errorbar(
            xs,
            ys,
            yerr=[lower, upper],
            xerr=half_spans,
            fmt="-o",
            markersize=5,
            capsize=3,
            elinewidth=1,
            label=_mpl_text(series.source),
        )
    ax.xaxis_date()
    # Matplotlib's dates end with years 1 and 9999: its margins would go past them.
    low, high = ax.get_xlim()
    ax.set_xlim(max(low, mdates.date2num(_FIRST_DAY)), min(high, mdates.date2num(_LAST_DAY)))
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.yaxis.set_major_formatter(lambda y, _pos: format_number(round(y, 10)))
    ax.set_title(_mpl_text(title))
    ax.set_xlabel("date")
    ax.set_ylabel(_mpl_text(ylabel))
    ax.grid(True, alpha=0.3)
    ax.legend(title="source")
    write_whole(path, lambda tmp: fig.savefig(tmp, format=path.suffix.lower().lstrip(".")))
    return drawn
