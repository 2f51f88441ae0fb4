"""values._common, the fast path of parse_value for the common shapes, against the full grammar
(parse_written): whatever the fast path reads, it reads as the grammar does, types included."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import Run
from pptrack.errors import BadInput
from pptrack.values import QUALIFIER_PREFIXES, _common, parse_value, parse_written

PHRASES = [p for p, _ in QUALIFIER_PREFIXES]


def same_as_the_grammar(text: str) -> bool:
    """The fast reading of `text` is the grammar's; False when the fast path leaves it alone."""
    fast = _common(text)
    if fast is None:
        return False
    full = parse_written(text)
    assert fast == full, text
    assert [type(x) for x in fast] == [type(x) for x in full], text
    return True


# Numerals as people write them, and as they should not: commas in the right and the wrong
# places, leading zeros, signs, decimals, multipliers, other digits and other spaces.
DIGITS = st.text(st.sampled_from("0123456789"), min_size=1, max_size=18)
NUMERAL = st.one_of(
    st.integers(0, 10**16).map(str),
    st.integers(0, 10**16).map(lambda n: f"{n:,}"),
    st.builds(lambda a, k: str(a * 10**k), st.integers(1, 999), st.integers(0, 14)),
    DIGITS,
    st.lists(DIGITS, min_size=1, max_size=6).map(",".join),
    st.sampled_from(["1,40", "1,4000", "01,400", "0,400", ",400", "1,400,", "1,,400", "00", "007", "1 400", "1.5"]),
    st.sampled_from(["-5", "+5", "−5", "1.2k", "2 million", "5k", "١٤٠٠", "1٤00", "1٠", "²", "１２", "1\u00a0400"]),
)
GAP = st.sampled_from(["", " ", "  ", "\u00a0", "\t", "\u2009"])
PHRASE = st.one_of(
    st.just(""),
    st.sampled_from(PHRASES),
    st.sampled_from(PHRASES).map(str.upper),
    st.sampled_from(PHRASES).map(str.title),
    st.sampled_from(["ſome", "abou", "aboutt", "-", "=", "~=", "c", "ca", "approx.", "K", "or more", "from"]),
)


@given(PHRASE, GAP, NUMERAL)
@example("about ", "", "1٠")  # an Arabic-Indic zero: a round ten for the grammar
@example("nearly ", "", "1 400")
@example("~", "", "250")
@example(">=", " ", "8")
def test_a_qualifier_and_a_number(phrase: str, gap: str, numeral: str) -> None:
    same_as_the_grammar(phrase + gap + numeral)


@given(NUMERAL, st.sampled_from(["-", " - ", "–", " to "]), NUMERAL)
def test_ranges(a: str, dash: str, b: str) -> None:
    same_as_the_grammar(a + dash + b)


@given(st.text(st.sampled_from("0123456789, -~<>=≈≥≤.aeilmnorstuvx\u00a0٠"), max_size=16))
def test_any_text_of_those_characters(text: str) -> None:
    same_as_the_grammar(text)


@pytest.mark.parametrize(
    "text",
    ["1,400", "nearly 1,400", "Nearly 1,400", "~250", "~ 250", "≈250", ">=8", "<= 8", "at least 8", "c. 300",
     "0", "999,999,999,999,999", "1,200-1,400", "5-5", "0-7", "upwards of 10"],
)  # fmt: skip
def test_the_common_shapes_take_the_fast_path(text: str) -> None:
    assert same_as_the_grammar(text)


@pytest.mark.parametrize(
    "text",
    ["1٤00", "about 1٠", "nearly 1 400", "nearly\u00a01,400", "1,40", "1,4000", "0400", "-5", "2.5", "1.2k",
     "1,000,000,000,000,000", "1,400-1,200", "1,200 - 1,400", " 5", "5 ", "ſome 5", "c.300", ""],
)  # fmt: skip
def test_other_shapes_go_to_the_grammar(text: str) -> None:
    assert _common(text) is None


def test_a_look_alike_letter_is_refused_as_the_grammar_refuses_it(run: Run) -> None:
    # 'ſ' (long s) matched 's' case-blind in the old fast path, which then failed on it
    with pytest.raises(BadInput):
        parse_value("ſome 5")
    result = run("add", "pp", "ſome 5", "--date", "2021", "--source", "X")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot read value 'ſome 5'") and len(result.stderr.splitlines()) == 1
