"""Written dates read at the precision they were written: `August 2025` is `2025-08`."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import cache

from .errors import BadInput
from .models import PRECISIONS, FactDate

ACCEPTED = (
    "write e.g. 2024-05-21, 2025-08, 2021, May 21, 2024, 21 May 2024, August 2025, 21.05.2025, today or yesterday"
)
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# Compiled on first use (re caches them): most dates are ISO.
_NUMERIC = r"(\d{1,2})([./-])(\d{1,2})\2(\d+)"
_YEAR_FIRST = r"(\d{4})([./-])(\d{1,2})\2(\d{1,2})"
# A year and one number: only a month makes them a date (2025-8, 2025/08, 08/2025, 08.2025)
_MONTH_YEAR = r"(\d{4})[./-](\d{1,2})|(\d{1,2})[./-](\d{4})"
_TOKEN = r"[a-z]+\.?|\d+(?:st|nd|rd|th)?|[,/-]"
_FILLERS = {"of", "the", ",", "-", "/"}


def parse_date(text: str, *, dayfirst: bool | None = None, today: date | None = None) -> FactDate:
    """Read a written date; raise BadInput for anything not read one sure way.

    `dayfirst` settles numeric dates that are real both ways (03/04/2025):
    True reads day first, False month first, None refuses them.
    """
    if not isinstance(text, str) or len(text) > 60:
        raise BadInput(f"cannot read date: too long; {ACCEPTED}")
    s = " ".join(text.split()).lower()
    if not s:
        raise BadInput(f"the date is empty; {ACCEPTED}")
    try:
        return _parse(s, dayfirst, today or date.today())
    except _Unreadable as e:
        reason = f" ({e})" if str(e) else ""
        raise BadInput(f"cannot read date {text!r}{reason}; {ACCEPTED}") from None


class _Unreadable(Exception):
    pass


def _parse(s: str, dayfirst: bool | None, today: date) -> FactDate:
    if s in ("today", "yesterday"):
        d = today if s == "today" else today - timedelta(days=1)
        return make_date(d.year, d.month, d.day)
    m = _ISO.fullmatch(s)
    if m:
        y, mo, d = (int(g) if g else None for g in m.groups())
        if mo is not None and not 1 <= mo <= 12:
            raise _Unreadable(f"{mo} is not a month: the year comes first, then the month, e.g. {y:04d}-08-21")
        return make_date(y, mo, d)  # type: ignore[arg-type]
    m = re.fullmatch(_YEAR_FIRST, s)
    if m:
        return make_date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
    m = re.fullmatch(_NUMERIC, s)
    if m:
        return _numeric(int(m.group(1)), int(m.group(3)), m.group(4), dayfirst)
    m = re.fullmatch(_MONTH_YEAR, s)
    if m:
        year, month = (int(m.group(1)), int(m.group(2))) if m.group(1) else (int(m.group(4)), int(m.group(3)))
        if not 1 <= month <= 12:
            raise _Unreadable(f"{month} is not a month; a month with its year is written e.g. {year:04d}-08")
        return make_date(year, month)
    if re.fullmatch(r"\d{1,2}[./-]\d{1,2}", s):  # 08/25: a day and month, or a month and a two-digit year
        raise _Unreadable("a date in numbers needs its year in four digits, e.g. 08/2025 or 25.08.2025")
    return _words(s)


def _numeric(a: int, b: int, year_text: str, dayfirst: bool | None) -> FactDate:
    if len(year_text) != 4:
        raise _Unreadable("two-digit years are refused: write the year in full, e.g. 2025")
    year = int(year_text)
    day_first = _real(year, b, a)
    month_first = _real(year, a, b)
    if dayfirst is True or (dayfirst is None and day_first and not month_first):
        if not day_first:
            raise _Unreadable("not a real date when read day first")
        return make_date(year, b, a)
    if dayfirst is False or (dayfirst is None and month_first and not day_first):
        if not month_first:
            raise _Unreadable("not a real date when read month first")
        return make_date(year, a, b)
    if day_first and month_first:
        if a == b:
            return make_date(year, a, b)
        raise _Unreadable("it is a real date both day first and month first: give --dayfirst or --monthfirst")
    raise _Unreadable("not a real date")


def _real(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


@cache
def _months() -> dict[str, int]:
    """Month names and abbreviations by number; made on first use: only dates written in
    words need them, and calendar costs every command that reads a date to import."""
    import calendar

    return {
        name: i for i in range(1, 13) for name in {calendar.month_name[i].lower(), calendar.month_abbr[i].lower()}
    } | {"sept": 9}


def _words(s: str) -> FactDate:
    # Check every token before dateutil sees the text: dateutil reads
    # "7H2UWUUU" as today, and a date tracker must never guess.
    tokens = re.findall(_TOKEN, s)
    if "".join(tokens) != s.replace(" ", ""):
        raise _Unreadable("")
    years: list[str] = []
    days: list[str] = []
    months: list[str] = []
    month_names = _months()
    for t in tokens:
        if t in _FILLERS:
            continue
        word = t.rstrip(".")
        if word in month_names:
            months.append(word)
        elif t[0].isdigit():
            digits = re.match(r"\d+", t).group()  # type: ignore[union-attr]
            if len(digits) == 4:
                years.append(digits)
            elif len(digits) <= 2 and not (t[len(digits) :] and len(digits) == 0):
                days.append(digits)
            else:
                raise _Unreadable("")
        else:
            raise _Unreadable("")
    if len(months) > 1 or len(years) > 1 or len(days) > 1:
        raise _Unreadable("")
    if not years:
        if days and months:
            raise _Unreadable("the year is missing, or written with two digits: write it in full")
        raise _Unreadable("the year is missing")
    if days and not months:
        if days[0] in tokens and 1 <= int(days[0]) <= 12:  # "2025 8": a bare number, not "8th"
            raise _Unreadable(f"a month with its year is written e.g. {years[0]}-{int(days[0]):02d}")
        raise _Unreadable("a day needs its month")
    if not months:
        raise _Unreadable("")
    from dateutil.parser import ParserError, parse

    # Two parses with different defaults: a field that differs was not written.
    cleaned = " ".join(t for t in tokens if t not in ("of", "the", "/"))
    try:
        first = parse(cleaned, default=datetime(2000, 1, 1))
        second = parse(cleaned, default=datetime(2004, 2, 2))
    except (ParserError, ValueError, OverflowError):
        raise _Unreadable("not a real date") from None
    if first.year != second.year or first.month != second.month:
        raise _Unreadable("")
    if first.day == second.day:
        return make_date(first.year, first.month, first.day)
    return make_date(first.year, first.month, None)


def make_date(year: int, month: int | None = None, day: int | None = None) -> FactDate:
    """A FactDate at the precision given by which fields are present."""
    try:
        if month is None:
            start, end, iso, precision = date(year, 1, 1), date(year, 12, 31), f"{year:04d}", "year"
        elif day is None:
            start = date(year, month, 1)
            end = date(year, 12, 31) if month == 12 else date(year, month + 1, 1) - timedelta(days=1)
            iso, precision = f"{year:04d}-{month:02d}", "month"
        else:
            start = end = date(year, month, day)
            iso, precision = start.isoformat(), "day"
    except ValueError:
        raise _Unreadable("not a real date") from None
    return FactDate(iso, precision, start, end)


def from_stored(iso: str) -> FactDate:
    """A FactDate back from its ISO text at precision (`2025`, `2025-08`, `2025-08-01`)."""
    m = _ISO.fullmatch(iso)
    if not m:
        raise BadInput(f"cannot read stored date {iso!r}; {ACCEPTED}")
    y, mo, d = (int(g) if g else None for g in m.groups())
    try:
        return make_date(y, mo, d)  # type: ignore[arg-type]
    except _Unreadable:
        raise BadInput(f"not a real date {iso!r}; {ACCEPTED}") from None


def precision_rank(precision: str) -> int:
    """Coarser first on a tie: year 0, month 1, day 2."""
    return PRECISIONS.index(precision)
