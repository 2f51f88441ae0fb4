"""The value grammar of the SPEC, row by row, and properties of the parser."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pptrack.errors import BadInput
from pptrack.values import format_number, parse_value

# written -> (qualifier, value, low, high)
TABLE = [
    ("888", "exact", 888, 888, 888),
    ("1,189", "exact", 1189, 1189, 1189),
    ("3 940", "exact", 3940, 3940, 3940),
    ("3\u00a0940", "exact", 3940, 3940, 3940),
    ("3\u2009940", "exact", 3940, 3940, 3940),
    ("7400", "exact", 7400, 7400, 7400),
    ("0", "exact", 0, 0, 0),
    ("2.5", "exact", 2.5, 2.5, 2.5),
    ("~1,400", "approx", 1400, 1350, 1450),
    ("about 1,400", "approx", 1400, 1350, 1450),
    ("around 40", "approx", 40, 35, 45),
    ("approximately 1,189", "approx", 1189, 1188.5, 1189.5),
    ("some 7,000", "approx", 7000, 6500, 7500),
    ("roughly 2.5", "approx", 2.5, 2.45, 2.55),
    ("c. 300", "approx", 300, 250, 350),
    ("nearly 1,400", "nearly", 1400, 1300, 1400),
    ("almost 40", "nearly", 40, 30, 40),
    ("just under 1,200", "nearly", 1200, 1100, 1200),
    ("over 1,000", "over", 1000, 1000, 2000),
    ("more than 7,000", "over", 7000, 7000, 8000),
    ("above 200", "over", 200, 200, 300),
    (">1000", "over", 1000, 1000, 2000),
    ("at least 8", "at_least", 8, 8, None),
    ("no fewer than 8", "at_least", 8, 8, None),
    (">=8", "at_least", 8, 8, None),
    ("under 50", "under", 50, 40, 50),
    ("less than 50", "under", 50, 40, 50),
    ("fewer than 50", "under", 50, 40, 50),
    ("<50", "under", 50, 40, 50),
    ("at most 50", "at_most", 50, None, 50),
    ("up to 50", "at_most", 50, None, 50),
    ("<=50", "at_most", 50, None, 50),
    ("1,200-1,400", "range", 1300, 1200, 1400),
    ("1,200 to 1,400", "range", 1300, 1200, 1400),
    ("between 1,200 and 1,400", "range", 1300, 1200, 1400),
    ("1,200–1,400", "range", 1300, 1200, 1400),
    ("five", "exact", 5, 5, 5),
    ("fifty-two", "exact", 52, 52, 52),
    ("at least eight", "at_least", 8, 8, None),
    ("two hundred and fifty", "exact", 250, 250, 250),
    ("1.2k", "exact", 1200, 1200, 1200),
    ("about 1.2k", "approx", 1200, 1150, 1250),
    ("3.9 thousand", "exact", 3900, 3900, 3900),
    ("  Nearly   1,400 ", "nearly", 1400, 1300, 1400),
]


@pytest.mark.parametrize(("written", "qualifier", "value", "low", "high"), TABLE)
def test_value_table(written: str, qualifier: str, value: float, low: float | None, high: float | None) -> None:
    iv = parse_value(written)
    assert (iv.qualifier, iv.value, iv.low, iv.high) == (qualifier, value, low, high)


REFUSED = [
    "",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "infinity",
    "1e5",
    "1,5",
    "1,4000",
    "12,34",
    "1,2,3",
    "nearly",
    "over",
    "at least",
    "abc",
    "7H2UWUUU",
    "1A2B",
    "five five",
    "twenty thirty",
    "1400-1200",
    "1" * 400,
    "1.5.5",
    "-",
    "between 5 and x",
    "a",
]


@pytest.mark.parametrize("written", REFUSED)
def test_refused_values(written: str) -> None:
    with pytest.raises(BadInput) as e:
        parse_value(written)
    assert "e.g." in e.value.message  # says what would be accepted


@given(st.integers(min_value=0, max_value=10**14))
def test_any_integer_with_separators_reads_back(n: int) -> None:
    for written in (str(n), f"{n:,}", f"{n:,}".replace(",", " "), f"{n:,}".replace(",", "\u00a0")):
        iv = parse_value(written)
        assert (iv.value, iv.low, iv.high, iv.qualifier) == (n, n, n, "exact")


@given(st.integers(min_value=1, max_value=10**12), st.sampled_from(["nearly", "over", "about", "under"]))
def test_qualified_interval_holds_value_at_an_end_or_middle(n: int, word: str) -> None:
    iv = parse_value(f"{word} {n:,}")
    assert iv.low is not None and iv.high is not None
    assert iv.low <= iv.value <= iv.high and iv.low < iv.high


@given(st.text(max_size=40))
def test_garbage_never_crashes(text: str) -> None:
    try:
        iv = parse_value(text)
    except BadInput:
        return
    assert iv.qualifier in ("exact", "approx", "nearly", "over", "at_least", "under", "at_most", "range")
    assert iv.value == iv.value  # never NaN


@pytest.mark.parametrize(("n", "text"), [(1400, "1,400"), (1400.0, "1,400"), (2.5, "2.5"), (-211, "-211"), (0, "0")])
def test_format_number(n: float, text: str) -> None:
    assert format_number(n) == text


# --- a point before three digits: 1,400 in the European sources users read, 1.4 in English ones

POINTS = [
    # written, read as (None: refused)
    ("1.400", None),
    ("12.500", None),
    ("1.189", None),
    ("999.999", None),
    ("1.000", None),
    ("-1.400", None),
    ("\u22121.400", None),
    ("nearly 1.400", None),
    ("~1.400", None),
    ("1.400+", None),
    ("1.400-1.500", None),
    ("1.400 to 1.500", None),
    ("between 1.400 and 2,000", None),
    ("1.400.000", None),  # points grouping thousands, never a decimal
    ("0.125", 0.125),  # a thousands group never starts with 0
    ("0.400", 0.4),
    ("2.5", 2.5),
    ("1.25", 1.25),
    ("1.4", 1.4),
    ("1.4000", 1.4),  # four digits after the point: only a decimal
    ("1234.567", 1234.567),  # four before it: European writing would be 1.234.567
    ("1,400.500", 1400.5),  # a comma groups thousands: the point is a decimal
    ("1.400k", 1400),  # with a multiplier the point is a decimal (1.125 million)
    ("1.125 million", 1125000),
    ("3.900 thousand", 3900),
]


@pytest.mark.parametrize(("written", "value"), POINTS)
def test_a_point_before_three_digits(written: str, value: float | None) -> None:
    if value is None:
        with pytest.raises(BadInput) as e:
            parse_value(written)
        assert "thousands" in e.value.message and "e.g." in e.value.message
    else:
        assert parse_value(written).value == value


@given(st.integers(1, 999), st.integers(0, 999), st.sampled_from(["", "-", "nearly ", "about ", "over "]))
def test_one_to_three_digits_a_point_and_three_more_are_refused_saying_both_ways(
    head: int, tail: int, before: str
) -> None:
    written = f"{before}{head}.{tail:03d}"
    with pytest.raises(BadInput) as e:
        parse_value(written)
    sign = "-" if before == "-" else ""
    assert f"write {sign}{head}{tail:03d} or {sign}{head * 1000 + tail:,}" in e.value.message
    decimal = e.value.message.split(" for thousands, ")[1].split(" for a decimal")[0]
    assert parse_value(decimal).value == float(f"{sign}{head}.{tail:03d}")  # the decimal it offers reads


@given(st.integers(0, 999), st.integers(0, 999), st.integers(0, 9))
def test_other_points_are_decimals(head: int, tail: int, more: int) -> None:
    assert parse_value(f"0.{tail:03d}").value == float(f"0.{tail:03d}")
    assert parse_value(f"{head}.{tail:03d}{more}").value == float(f"{head}.{tail:03d}{more}")
    assert parse_value(f"{head + 1000}.{tail:03d}").value == float(f"{head + 1000}.{tail:03d}")
    assert parse_value(f"{head}.{tail // 10:02d}").value == float(f"{head}.{tail // 10:02d}")


# --- number words: a minus sign, hyphens and 'and' where a person writes them ---------------

WORDS = [
    # written, read as, or the reason it is refused
    ("five", 5),
    ("fifty-two", 52),
    ("fifty two", 52),
    ("a hundred", 100),
    ("one hundred and five", 105),
    ("two thousand and five", 2005),
    ("one thousand five hundred and two", 1502),
    ("fifty-two thousand", 52000),
    ("nine hundred ninety-nine thousand nine hundred and ninety-nine", 999999),
    ("nearly fifty", 50),
    ("about fifty-two", 52),
    ("at least eight", 8),
    ("fifty-two or more", 52),
    ("between fifty and sixty", 55),
    ("zero", 0),
    ("-fifty", "a minus sign goes with digits: write -50"),
    ("\u2212fifty", "a minus sign goes with digits: write -50"),
    ("- fifty", "a minus sign goes with digits: write -50"),
    ("over -fifty", "a minus sign goes with digits: write -50"),
    ("-fifty-two thousand", "a minus sign goes with digits: write -52,000"),
    ("-a hundred", "a minus sign goes with digits: write -100"),
    ("between -fifty and 5", "a minus sign goes with digits: write -50"),
    ("five-", "a hyphen only joins tens and units"),
    ("twenty-", "a hyphen only joins tens and units"),
    ("fifty-two-", "a hyphen only joins tens and units"),
    ("fifty--two", "a hyphen only joins tens and units"),
    ("fifty - two", "a hyphen only joins tens and units"),
    ("five-hundred", "a hyphen only joins tens and units"),
    ("twenty-zero", "a hyphen only joins tens and units"),
    ("forty-fifty", "a hyphen only joins tens and units"),
    ("about -five", "a minus sign goes with digits: write -5"),
    ("one hundred and", "'and' only comes after hundred or thousand"),
    ("and five", "'and' only comes after hundred or thousand"),
    ("five and", "'and' only comes after hundred or thousand"),
    ("fifty and two", "'and' only comes after hundred or thousand"),
    ("five hundred and and two", "'and' only comes after hundred or thousand"),
    ("one hundred and thousand", "'and' only comes after hundred or thousand"),
    ("fifty zero", "zero stands alone"),
    ("zero five", "zero stands alone"),
]


@pytest.mark.parametrize(("written", "read"), WORDS)
def test_number_words(written: str, read: int | str) -> None:
    if isinstance(read, int):
        assert parse_value(written).value == read
    else:
        with pytest.raises(BadInput) as e:
            parse_value(written)
        assert f"({read}" in e.value.message and "e.g." in e.value.message


ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def in_words(n: int, hyphen: bool = True, and_: bool = True) -> list[str]:
    """0 <= n < 10**6 in words, one word (or hyphened tens and units) an item."""

    def under_100(x: int) -> list[str]:
        if x < 10:
            return [ONES[x]]
        if x < 20:
            return [TEENS[x - 10]]
        if x % 10 == 0:
            return [TENS[x // 10]]
        return [f"{TENS[x // 10]}-{ONES[x % 10]}"] if hyphen else [TENS[x // 10], ONES[x % 10]]

    def under_1000(x: int) -> list[str]:
        hundreds, rest = divmod(x, 100)
        out = [ONES[hundreds], "hundred"] if hundreds else []
        if rest:
            out += (["and"] if hundreds and and_ else []) + under_100(rest)
        return out

    if n == 0:
        return ["zero"]
    thousands, rest = divmod(n, 1000)
    out = [*under_1000(thousands), "thousand"] if thousands else []
    if rest:
        out += (["and"] if thousands and rest < 100 and and_ else []) + under_1000(rest)
    return out


NUMBER = st.integers(0, 999_999)


@given(NUMBER, st.booleans(), st.booleans(), st.sampled_from(["", "nearly ", "over ", "about ", "at least "]))
def test_numbers_in_words_read_back(n: int, hyphen: bool, and_: bool, qualifier: str) -> None:
    assert parse_value(qualifier + " ".join(in_words(n, hyphen, and_))).value == n


@given(st.integers(1, 999_999), st.sampled_from(["-", "\u2212", "- "]), st.sampled_from(["", "over ", "about "]))
def test_a_minus_before_number_words_is_refused_saying_what_to_write(n: int, minus: str, qualifier: str) -> None:
    with pytest.raises(BadInput) as e:
        parse_value(qualifier + minus + " ".join(in_words(n)))
    assert f"(a minus sign goes with digits: write -{n:,})" in e.value.message
    assert parse_value(qualifier + f"-{n:,}").value == -n  # what it says to write reads


@given(NUMBER, st.data())
def test_a_stray_hyphen_or_and_is_refused(n: int, data: st.DataObject) -> None:
    words = in_words(n, hyphen=data.draw(st.booleans()))
    i = data.draw(st.integers(0, len(words) - 1))
    joined = [w for w in words if "-" in w]
    breaks = [
        words[:i] + [words[i] + "-"] + words[i + 1 :],  # a hyphen joining nothing after it
        words[:i] + ["-"] + words[i:],  # one standing alone (before all: a minus sign)
        [*words, "and"],  # 'and' before nothing
        ["and", *words],  # 'and' after nothing
        *(  # 'and' after a word that is not hundred or thousand, or after another 'and'
            [words[: i + 1] + ["and"] + words[i + 1 :]]
            if words[i] not in ("hundred", "thousand") or words[i + 1 : i + 2] == ["and"]
            else []
        ),
        *([[w.replace("-", "--") if w == joined[0] else w for w in words]] if joined else []),  # fifty--two
    ]
    written = " ".join(data.draw(st.sampled_from(breaks)))
    with pytest.raises(BadInput) as e:
        parse_value(written)
    assert any(why in e.value.message for why in ("(a hyphen", "('and'", "(zero", "(a minus sign")), written
