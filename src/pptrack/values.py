"""Written values ("nearly 1,400", "1,200-1,400", "fifty-two") read as intervals."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .errors import BadInput
from .models import Interval

if TYPE_CHECKING:
    from decimal import Decimal

# decimal is imported by the functions that need it: the common shapes (`_common`) and
# whole numbers (`format_number`) are read and written without it, and `add` does not load it.

ACCEPTED = (
    'write a number with an optional qualifier, e.g. 888, 1,189, "nearly 1,400", '
    '"over 1,000", "at least 8", "~1,400", "1,200-1,400", "1.2k", "fifty-two"'
)

# Longest phrases first so that "no fewer than" wins over "fewer than".
_PREFIXES: list[tuple[str, str]] = sorted(
    [
        ("~", "approx"),
        ("≈", "approx"),
        ("about", "approx"),
        ("around", "approx"),
        ("approximately", "approx"),
        ("approx.", "approx"),
        ("approx", "approx"),
        ("some", "approx"),
        ("roughly", "approx"),
        ("c.", "approx"),
        ("ca.", "approx"),
        ("circa", "approx"),
        ("an estimated", "approx"),
        ("estimated", "approx"),
        ("nearly", "nearly"),
        ("almost", "nearly"),
        ("just under", "nearly"),
        ("close to", "nearly"),
        ("just shy of", "nearly"),
        ("over", "over"),
        ("more than", "over"),
        ("above", "over"),
        ("just over", "over"),
        ("upwards of", "over"),
        ("in excess of", "over"),
        (">", "over"),
        ("at least", "at_least"),
        ("no fewer than", "at_least"),
        ("no less than", "at_least"),
        ("not less than", "at_least"),
        ("a minimum of", "at_least"),
        (">=", "at_least"),
        ("≥", "at_least"),
        ("under", "under"),
        ("less than", "under"),
        ("fewer than", "under"),
        ("below", "under"),
        ("<", "under"),
        ("at most", "at_most"),
        ("up to", "at_most"),
        ("no more than", "at_most"),
        ("not more than", "at_most"),
        ("a maximum of", "at_most"),
        ("<=", "at_most"),
        ("≤", "at_most"),
    ],
    key=lambda p: -len(p[0]),
)
_SUFFIXES: list[tuple[str, str]] = [
    ("or more", "at_least"),
    ("+", "at_least"),
    ("or fewer", "at_most"),
    ("or less", "at_most"),
    ("or so", "approx"),
]

# Patterns of the full grammar, compiled on first use (re caches them): the common shapes
# (`_common`) are all `add` usually reads, and compiling costs start-up.
_SPACES = r"[\s\u00a0\u2009\u202f\u2007]+"
_NUMERAL = (
    r"(?P<sign>-)?(?P<int>\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)(?P<frac>\.\d+)?"
    r"(?:\s*(?P<mult>k|thousand|mn|million|bn|billion))?"
)
_MULTIPLIERS = {
    "k": 1000,
    "thousand": 1000,
    "mn": 10**6,
    "million": 10**6,
    "bn": 10**9,
    "billion": 10**9,
}
_ONES = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
_TEENS = {
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_BELOW_100 = frozenset(_ONES) | frozenset(_TEENS) | frozenset(_TENS)
NUMBER_WORDS = frozenset(_ONES) | frozenset(_TEENS) | frozenset(_TENS) | {"hundred", "thousand"}
# The same phrase tables, for finding written values inside running text (pptrack.extract).
QUALIFIER_PREFIXES: tuple[tuple[str, str], ...] = tuple(_PREFIXES)
QUALIFIER_SUFFIXES: tuple[tuple[str, str], ...] = tuple(_SUFFIXES)
MULTIPLIER_WORDS: tuple[str, ...] = tuple(_MULTIPLIERS)
_MAX = 10**15  # beyond this a float no longer holds every integer
_TOO_LARGE = "the number is too large: figures are kept exactly up to 999,999,999,999,999"


# A written value in the common shapes ("1,400", "nearly 1,400", "~250", "1,200-1,400") is
# read without the full grammar (a big import reads hundreds of thousands): a qualifier from
# _PREFIXES, then a space (optional after a symbol), then a whole number in ASCII digits, plain
# or grouped by commas; or two such numbers joined by a hyphen. Anything else goes to
# `parse_written`. Same results, types included (tests/test_values_fast.py).
_QUALIFIER_OF = dict(_PREFIXES)
_WHOLE_NUMERAL = re.compile("[1-9][0-9]{0,2}(?:,[0-9]{3}){1,4}|[1-9][0-9]{0,14}|0")  # a whole number < 10**15
_interval_of = tuple.__new__  # Interval(...) without the call of its generated __new__


def _common(text: str) -> Interval | None:
    """`text` read when it has one of the common shapes, else None."""
    head, space, number = text.rpartition(" ")
    if space:
        qualifier = _QUALIFIER_OF.get(head.lower())
        if qualifier is None:
            return None
    elif "0" <= text[:1] <= "9":
        if "-" in text:
            return _common_range(text)
        qualifier = "exact"
    else:  # a symbol written against the number: "~250", ">=8"
        symbol = text[:2] if text[1:2] == "=" else text[:1]
        qualifier = _QUALIFIER_OF.get(symbol)  # no qualifier word is one letter (or two, the last '=')
        if qualifier is None:
            return None
        number = text[len(symbol) :]
    if _WHOLE_NUMERAL.fullmatch(number) is None:
        return None
    digits = number.replace(",", "") if "," in number else number
    n = int(digits)
    # The interval values._interval gives, in whole arithmetic: n < 10**15, so n ± 0.5 is
    # exact as a float.
    if qualifier == "exact":
        return _interval_of(Interval, (n, n, n, "exact"))
    if qualifier == "at_least":
        return _interval_of(Interval, (n, n, None, "at_least"))
    if qualifier == "at_most":
        return _interval_of(Interval, (n, None, n, "at_most"))
    u = 10 ** (len(digits) - len(digits.rstrip("0"))) if n else 1  # rounding_unit
    if qualifier == "approx":
        return _interval_of(
            Interval, (n, n - u // 2, n + u // 2, "approx") if u > 1 else (n, n - 0.5, n + 0.5, "approx")
        )
    if qualifier == "over":
        return _interval_of(Interval, (n, n, n + u, "over"))
    return _interval_of(Interval, (n, n - u, n, qualifier))  # nearly, under


def _common_range(text: str) -> Interval | None:
    low, _, high = text.partition("-")
    if _WHOLE_NUMERAL.fullmatch(low) is None or _WHOLE_NUMERAL.fullmatch(high) is None:
        return None
    a, b = int(low.replace(",", "")), int(high.replace(",", ""))
    if a > b:
        return None  # the grammar says what is wrong
    both = a + b  # the midpoint as values._parse_range gives it: whole, or exact to .5
    return _interval_of(Interval, (both // 2 if both % 2 == 0 else both / 2, a, b, "range"))


def parse_value(text: str) -> Interval:
    """Read a value as a person writes it; raise BadInput for anything unreadable."""
    common = _common(text) if isinstance(text, str) else None
    return common if common is not None else parse_written(text)


def parse_written(text: str, *, decimal_points: bool = False) -> Interval:
    """`parse_value` through the whole grammar, common shapes included. `decimal_points` reads
    `1.400` as 1.4, as pptrack did before it refused it (io: an older export's display)."""
    if not isinstance(text, str) or len(text) > 200:
        raise BadInput(f"cannot read value: too long; {ACCEPTED}")
    s = re.sub(_SPACES, " ", text).strip().lower().replace("\u2212", "-")
    if not s:
        raise BadInput(f"the value is empty; {ACCEPTED}")
    try:
        return _parse(s, decimal_points)
    except _Unreadable as e:
        shown = text if len(text) <= 60 else text[:57] + "..."
        reason = f" ({e})" if str(e) else ""
        raise BadInput(f"cannot read value {shown!r}{reason}; {ACCEPTED}") from None


class _Unreadable(Exception):
    pass


def _parse(s: str, decimal_points: bool = False) -> Interval:
    rng = _parse_range(s, decimal_points)
    if rng is not None:
        return rng
    qualifier = "exact"
    for phrase, q in _PREFIXES:
        if s.startswith(phrase) and (not phrase[-1].isalpha() or s[len(phrase) :][:1] in (" ", "")):
            qualifier, s = q, s[len(phrase) :].strip()
            break
    for phrase, q in _SUFFIXES:
        if s.endswith(phrase) and qualifier == "exact":
            head = s[: -len(phrase)].strip()
            if head and (not phrase[0].isalpha() or s[: -len(phrase)].endswith(" ")):
                qualifier, s = q, head
                break
    if not s:
        raise _Unreadable("a qualifier needs a number")
    n, unit = parse_number(s, decimal_points)
    return _interval(n, unit, qualifier)


def _parse_range(s: str, decimal_points: bool = False) -> Interval | None:
    between = re.fullmatch(r"between (.+?) (?:and|to|-|–|—) (.+)", s)
    m = (
        between
        or re.fullmatch(r"(?:from )?(.+?) to (.+)", s)
        # a dash joins numerals only: "fifty-two" is one number
        or re.fullmatch(r"(\d[\d,. ]*(?: ?(?:k|thousand|mn|million|bn|billion))?) ?[-–—] ?(\d.*)", s)
    )
    if m is None:
        return None
    try:
        a, _ = parse_number(m.group(1).strip(), decimal_points)
        b, _ = parse_number(m.group(2).strip(), decimal_points)
    except _Unreadable as e:
        if between or str(e):  # a number written wrong ("1.400 to 1.500"): say how
            raise
        return None  # "up to 50", "-5": not a range
    if a > b:
        raise _Unreadable("a range goes from the smaller number to the larger")
    mid = (a + b) / 2
    return Interval(_out(mid), _out(a), _out(b), "range")


def _interval(n: Decimal, u: Decimal, qualifier: str) -> Interval:
    low: Decimal | None
    high: Decimal | None
    if qualifier == "exact":
        low, high = n, n
    elif qualifier == "approx":
        low, high = n - u / 2, n + u / 2
    elif qualifier in ("nearly", "under"):
        low, high = n - u, n
    elif qualifier == "over":
        low, high = n, n + u
    elif qualifier == "at_least":
        low, high = n, None
    elif qualifier == "at_most":
        low, high = None, n
    else:  # pragma: no cover - the tables above hold every qualifier
        raise AssertionError(qualifier)
    return Interval(_out(n), _out(low), _out(high), qualifier)


# A point with three digits after it and one to three before (not starting with 0): a thousands
# separator in the European sources pptrack's users read (1.400 is 1400 in Polish, German,
# Belarusian), a decimal point in English ones. With a multiplier (1.125 million) it is a decimal.
_POINT_GROUPS = r"(-?)([1-9]\d{0,2})((?:\.\d{3})+)"


def parse_number(s: str, decimal_points: bool = False) -> tuple[Decimal, Decimal]:
    """A bare number (numerals or words) and its rounding unit."""
    from decimal import Decimal

    if "." in s and not decimal_points:
        _refuse_point_groups(s)
    m = re.fullmatch(_NUMERAL, s)
    if m is not None:
        digits = m.group("int").replace(",", "").replace(" ", "")
        if len(digits) > 16:
            raise _Unreadable(_TOO_LARGE)
        n = Decimal(digits + (m.group("frac") or ""))
        if m.group("mult"):
            n *= _MULTIPLIERS[m.group("mult")]
        if m.group("sign"):
            n = -n
    elif re.fullmatch(r"-?\d{1,3},\d{1,2}|-?\d+,\d{4,}|.*\d,\d{1,2}(\D.*)?", s):
        raise _Unreadable("a comma separates thousands, as in 1,400; write decimals with a point")
    else:
        n = _parse_words(s)
    if abs(n) >= _MAX:
        raise _Unreadable(_TOO_LARGE)
    return n, rounding_unit(n)


def _refuse_point_groups(s: str) -> None:
    """Refuse `1.400` (1400 or 1.4?) and `1.400.000`, saying how to write either reading."""
    m = re.fullmatch(_POINT_GROUPS, s)
    if m is None:
        return
    sign, head, groups = m.groups()
    thousands = sign + head + groups.replace(".", "")
    grouped = f"{sign}{int(head + groups.replace('.', '')):,}"
    if groups.count(".") > 1:
        raise _Unreadable(f"a point does not separate thousands: write {thousands} or {grouped}")
    decimals = groups[1:].rstrip("0")
    decimal = f"{sign}{head}.{decimals}" if decimals and len(decimals) < 3 else f"{sign}{head}{groups}0"
    if not decimals:
        decimal = sign + head
    raise _Unreadable(
        f"a point before three digits may separate thousands or decimals: write {thousands} or {grouped}"
        f" for thousands, {decimal} for a decimal"
    )


def rounding_unit(n: Decimal) -> Decimal:
    """The place of the last non-zero digit: 1,400 → 100; 1,189 → 1; 2.5 → 0.1; 0 → 1."""
    from decimal import Decimal

    if n == 0:
        return Decimal(1)
    exponent = n.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return Decimal(1).scaleb(exponent)


_HYPHEN = "a hyphen only joins tens and units, as in fifty-two"
_AND = "'and' only comes after hundred or thousand, before what follows, as in one hundred and five"


def _parse_words(s: str) -> Decimal:
    """Number words: `five`, `fifty-two`, `a hundred`, `two thousand three hundred and five`."""
    from decimal import Decimal

    pieces = [w for w in re.split(r"[\s-]+", s) if w]
    if not pieces or any(w not in NUMBER_WORDS and w not in ("a", "and") for w in pieces):
        raise _Unreadable("")  # not number words at all
    if s[0] == "-":  # "-fifty": a minus sign goes with digits, where it cannot be a stray dash
        n = _parse_words(s[1:].strip())
        raise _Unreadable(f"a minus sign goes with digits: write {-n:,}")
    words: list[str] = []
    for token in s.split(" "):
        if "-" in token:
            tens, _, units = token.partition("-")
            if tens not in _TENS or units not in _ONES or units == "zero":
                raise _Unreadable(_HYPHEN)
            words += (tens, units)
        else:
            words.append(token)
    if "zero" in words and len(words) > 1:
        raise _Unreadable("zero stands alone")
    total = 0
    current = 0
    last = ""  # the class of the previous word, to refuse "five five" or "twenty thirty"
    for i, w in enumerate(words):
        if w == "and":
            if last not in ("hundred", "thousand") or i + 1 == len(words) or words[i + 1] not in _BELOW_100:
                raise _Unreadable(_AND)
            last = "and"
        elif w == "a":
            if i + 1 >= len(words) or words[i + 1] not in ("hundred", "thousand") or last:
                raise _Unreadable("")
            current, last = 1, "ones"
        elif w in _ONES:
            if last in ("ones", "teens") or (last == "tens" and current % 10):
                raise _Unreadable("")
            current += _ONES[w]
            last = "ones"
        elif w in _TEENS:
            if last in ("ones", "teens", "tens"):
                raise _Unreadable("")
            current += _TEENS[w]
            last = "teens"
        elif w in _TENS:
            if last in ("ones", "teens", "tens"):
                raise _Unreadable("")
            current += _TENS[w]
            last = "tens"
        elif w == "hundred":
            if last not in ("ones", "teens") or current >= 100 or current == 0:
                raise _Unreadable("")
            current *= 100
            last = "hundred"
        else:  # thousand
            if last in ("", "thousand") or total:
                raise _Unreadable("")
            total, current, last = current * 1000, 0, "thousand"
    return Decimal(total + current)


def _out(x: Decimal | None) -> float | None:
    if x is None:
        return None
    return int(x) if x == x.to_integral_value() else float(x)


def format_number(x: float | int | None) -> str:
    """A number as a person writes it: 1,400; 2.5; -211."""
    if x is None:
        return ""
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    if isinstance(x, int):  # as Decimal writes it, without importing decimal
        return format(x, ",")
    if isinstance(x, float):
        written = repr(x)
        if "e" not in written and "n" not in written:  # no exponent, not inf or nan
            # The digits repr gives, grouped by format: as Decimal(repr(x)) writes them, at a
            # twentieth of the cost (diff-sources writes 1,225 means a run).
            return format(x, f",.{len(written) - written.index('.') - 1}f")
    from decimal import Decimal, InvalidOperation

    try:
        return format(Decimal(repr(x)) if isinstance(x, float) else Decimal(x), ",f")
    except InvalidOperation:  # pragma: no cover - only finite numbers are stored
        return str(x)
