"""The extractor: expected candidates for the seed articles and our own, each noise class, dates,
attribution, kinds and metric mapping; properties over generated figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pptrack.dates import parse_date
from pptrack.errors import BadInput
from pptrack.extract import (
    Candidate,
    article_date,
    decode_article,
    extract,
    kind_of,
    mask_noise,
    match_metric,
    paragraphs,
)
from pptrack.models import Metric
from pptrack.values import QUALIFIER_PREFIXES, parse_value

ARTICLES = Path(__file__).parent / "data" / "articles"
EXPECTED = json.loads((ARTICLES / "expected.json").read_text(encoding="utf-8"))["articles"]
# Read exactly as a careful reader would: every figure, nothing else. The others (written
# later, or held out) are scored by benchmarks/extract_accuracy.py.
EXACT = [a for a in EXPECTED if a["file"].startswith("seeds/") or Path(a["file"]).stem in (
    "wire_iran", "ngo_azerbaijan", "official_kazakhstan", "web_myanmar"
)]  # fmt: skip


def run(text: str, date: str | None = None, source: str | None = None, metrics: Any = ()) -> list[Candidate]:
    return extract(text, date=parse_date(date) if date else None, source=source, metrics=metrics).candidates


def rows(found: list[Candidate]) -> list[tuple[Any, ...]]:
    return [(c.display, c.qualifier, c.noun, c.date, c.source) for c in found]


def values(text: str, **kw: Any) -> list[str]:
    return [c.display for c in run(text, **kw)]


@pytest.mark.parametrize("article", EXACT, ids=lambda a: Path(a["file"]).stem)
def test_articles_read_as_a_careful_reader_would(article: dict[str, Any]) -> None:
    text = decode_article((ARTICLES / article["file"]).read_bytes(), article["file"])
    found = run(text, article["date"], article["source"])
    expected = [(e["display"], e["qualifier"], e["noun"], e["date"], e["source"]) for e in article["expected"]]
    assert rows(found) == expected


def test_values_and_bounds_come_from_the_add_parser() -> None:
    text = (ARTICLES / "seeds" / "002_191b3a307bdb738a.txt").read_text(encoding="utf-8")
    for c in run(text):
        interval = parse_value(c.display)
        assert (c.value, c.low, c.high) == (interval.value, interval.low, interval.high)
        assert c.qualifier == interval.qualifier


def test_seed_dates_and_sources_without_fallbacks() -> None:
    seed = (ARTICLES / "seeds" / "000_972374a62f2da709.txt").read_text(encoding="utf-8")
    # "May 21, Pozirk." has no year: undated without --date, never this year
    assert {c.date for c in run(seed)} == {None}
    assert {c.date for c in run(seed, date="2025-08")} == {"2025-05-21"}
    undated = (ARTICLES / "seeds" / "003_313d5f385bbe37f4.txt").read_text(encoding="utf-8")
    assert rows(run(undated)) == [("over 1,400", "over", "people", None, "Vjasna")]
    assert rows(run(undated, date="2025-09")) == [("over 1,400", "over", "people", "2025-09", "Vjasna")]


# --- noise ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "In 2021, the authorities closed the office. Since 2020 the count has grown.",  # years
        "The rally on May 21, 2024 was banned. It was held on 21 May and again on 3.04.2025.",  # dates
        "The plan covers 2020-2024 and 2024/25.",  # year ranges
        "The activist, aged 54, was detained. A 19-year-old was hurt. He is 60 years old.",  # ages
        "Hundreds are over the age of 60. Ramiz Aliyev, 61, spoke.",  # ages
        "A court sentenced him to 15 years in prison. He got an 18-year sentence.",  # sentence lengths
        "Seven were jailed for between 8 and 12 years. She was held for six months.",  # durations
        "It took 3 minutes. Reading time: 3 minutes.",  # read times
        "Call +375 17 123-45-67 or (202) 555-0143, tel. 8 800 080 7777. Text HELP to 7950.",  # phone numbers
        "Call 101 or reach the line on 0800 555 111.",  # short and local phone numbers
        "He died in Penal Colony No. 17. Article 19 says so. See #5 and note [3].",  # identifiers
        "See https://example.org/report-2024 or write to press@example.org.",  # links
        "COVID-19 and the G7 met for the 3rd time at 10:30 am.",  # glued numbers, ordinals, times
    ],
)
def test_noise_is_left_out(text: str) -> None:
    assert values(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "5 min read\nShare on Facebook  Comments (12)\nHome | News | 24 hours\n",
        "Menu\n- Politics5 new political prisoners declared\n- Economy\n",
        "Headline with 1,200 Civilians Affected Since 2022\n",
    ],
)
def test_article_furniture_is_left_out(text: str) -> None:
    assert values(text) == []


def test_links_to_other_articles_end_the_article() -> None:
    text = "Police detained 40 people, the ministry said.\n\nRelated articles\nOver 300 workers flown home.\n"
    assert values(text) == ["40"]


def test_masking_keeps_every_other_character_in_place() -> None:
    sentence = "On May 21, 2024, at least 8 people aged 54 got 15 years; call +44 20 7250 1122."
    masked = mask_noise(sentence)
    assert len(masked) == len(sentence)
    assert "at least 8 people" in masked


def test_a_number_after_a_name_is_an_identifier_unless_it_counts_something() -> None:
    assert values("Channel 4 said it would air the film. Flight MH17 crashed.") == []
    assert [(c.display, c.noun) for c in run("In Minsk 300 people were detained, police said.")] == [("300", "people")]


def test_money_and_spaces_in_numbers() -> None:
    found = run("The court imposed $5 million and €20,000 in fines. Nearly 1\u00a0189 people are held.")
    assert [(c.display, c.value, c.noun) for c in found] == [
        ("5 million", 5_000_000, "USD"),
        ("20,000", 20_000, "EUR"),
        ("nearly 1 189", 1189, "people"),
    ]


def test_number_words_need_a_qualifier_or_a_counted_noun() -> None:
    assert values("Including eight being held incommunicado.") == []
    assert values("One man refused exile.") == []
    assert values("A woman and her two grandsons died.") == []
    assert values("At least eight political prisoners died.") == ["at least eight"]
    assert values("Seven activists were jailed.") == ["seven"]
    assert values("More than a hundred persons were added.") == ["more than a hundred"]
    assert values("Fifty-two prisoners were freed.") == ["fifty-two"]


def test_ranges_and_changes() -> None:
    assert values("Between 1,200 and 1,400 people are held.") == ["between 1,200 and 1,400"]
    assert values("Some 1,200-1,400 people are held.") == ["1,200-1,400"]
    assert values("The count rose from 1,100 to 1,200 prisoners.") == ["1,100", "1,200"]


def test_values_as_written() -> None:
    found = run("Roughly 3 940 people, ~1,400 detainees and 1.2k voters, the monitor said.")
    assert [(c.display, c.value, c.qualifier) for c in found] == [
        ("roughly 3 940", 3940, "approx"),
        ("~1,400", 1400, "approx"),
        ("1.2k", 1200, "exact"),
    ]
    assert [c.noun for c in run("It reached 45% and 1,000 or more people joined.")] == ["percent", "people"]
    assert [c.display for c in run("It reached 45% and 1,000 or more people joined.")] == ["45", "1,000 or more"]


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("top", "date", "expected"),
    [
        ("Published: Sep 12, 2025 Reading time: 3 minutes", None, "2025-09-12"),
        ("Published 4:15 PM UTC, November 17, 2024", None, "2024-11-17"),
        ("May 21, 2024", None, "2024-05-21"),
        ("MINSK, May 21 (Reuters) - Police said 5 people were held.", "2025", "2025-05-21"),
        ("MINSK, May 21 (Reuters) - Police said 5 people were held.", None, None),
        ("GENEVA (21 March 2025) – The office said 5 people were held.", None, "2025-03-21"),
        ("Warsaw, 3 March 2025 – The group said 5 people were held.", None, "2025-03-03"),
        ("Saturday 10 August 2024", None, "2024-08-10"),
        ("Press release | Kyiv | 3 March 2025", None, "2025-03-03"),
        ("Protests since March 2020 go on", None, None),  # a month in a headline is not the article's date
        ("» Updated:\n» Published:", None, None),
    ],
)
def test_the_article_date(top: str, date: str | None, expected: str | None) -> None:
    found = article_date(paragraphs(top + "\n\nBody text.\n"), parse_date(date) if date else None)
    assert (found.iso if found else None) == expected


def test_an_as_of_in_the_sentence_wins_over_the_article_date() -> None:
    text = "Published: Sep 12, 2025\n\nAs of August 2025, nearly 1,200 political prisoners remained, Viasna said."
    assert rows(run(text)) == [("nearly 1,200", "nearly", "political prisoners", "2025-08", "Viasna")]
    text = "Published: Sep 12, 2025\n\nThe list grew to 375 people, up from 254 in January 2024, the group said."
    assert [(c.display, c.date) for c in run(text)] == [("375", "2025-09-12"), ("254", "2024-01")]


@pytest.mark.parametrize(
    ("sentence", "date"),
    [
        ("Viasna said 1,150 political prisoners were held in January 2024.", "2024-01"),
        ("Viasna said 1,150 political prisoners are still held in 2024.", "2024"),
        ("On 1 September 2025 there were 1,153 political prisoners, according to Viasna.", "2025-09-01"),
        ("In August 2025 the count stood at 1,153 political prisoners, Viasna said.", "2025-08"),
        # not dated so: a later clause's date, a year opening without a comma, a stock's other verb
        ("Viasna counts 1,150 political prisoners, most of them detained in 2020.", "2025-09-12"),
        ("In 2020 protests 1,150 political prisoners were counted, Viasna said.", "2025-09-12"),
        ("Viasna said 1,150 political prisoners had been counted in January 2024 talks.", "2025-09-12"),
    ],
)
def test_a_date_the_sentence_gives_its_count(sentence: str, date: str) -> None:
    """A bug: a date after a stock's own verb ("were held in January 2024"), or opening the
    sentence without a comma ("On 1 September 2025 there were"), gave way to the article's."""
    [found] = run("Published: Sep 12, 2025\n\n" + sentence)
    assert (found.display, found.date) == ("1,150" if "1,150" in sentence else "1,153", date)


def test_a_period_at_the_start_of_the_sentence_dates_it() -> None:
    text = "Published: 2 June 2025\n\nBetween January and October 2024, the group recorded 1,580 new cases."
    assert [c.date for c in run(text)] == ["2024"]
    text = "Published: 2 June 2025\n\nIn March 2025, prosecutors opened 1,146 investigations."
    assert [c.date for c in run(text)] == ["2025-03"]
    text = "Published: 2 June 2025\n\n222 prisoners were expelled to the United States in February 2023."
    assert [c.date for c in run(text)] == ["2023-02"]


@pytest.mark.parametrize(
    ("sentence", "date"),
    [
        ("In August, Viasna recorded 130 detentions.", "2025-08"),
        ("In August Viasna recorded 130 detentions.", "2025-08"),
        ("In October, Viasna recorded 130 detentions.", "2024-10"),  # after the article: the year before
        ("Viasna recorded 130 detentions in August.", "2025-08"),
        ("Last month Viasna recorded 130 detentions.", "2025-08"),
        ("Last month, Viasna recorded 130 detentions.", "2025-08"),
        ("This month Viasna recorded 130 detentions.", "2025-09"),
        ("Last year Viasna recorded 130 detentions.", "2024"),
        ("Earlier this year Viasna recorded 130 detentions.", "2025"),
        # not a month: "May" as a verb, a month's name inside another word
        ("Viasna said 130 detentions may follow.", "2025-09-02"),
        ("Viasna recorded 130 detentions in Augustow.", "2025-09-02"),
    ],
)
def test_a_month_without_its_year_is_read_by_the_articles_date(sentence: str, date: str) -> None:
    """ "In August," and "Last month" gave the article's own date (found by an audit)."""
    [found] = run("Published: 2 September 2025\n\n" + sentence)
    assert (found.display, found.date) == ("130", date)


@pytest.mark.parametrize(
    ("sentence", "dates"),
    [
        (
            "Viasna counted 1,177 political prisoners as of 1 July 2025, compared to 1,420 a year earlier.",
            ["2025-07-01", "2024-07-01"],
        ),
        (
            "Viasna counted 1,177 political prisoners in July 2025, up from 1,150 two months before.",
            ["2025-07", "2025-05"],
        ),
        ("In 2024, Viasna counted 1,177 political prisoners, against 1,420 a year before.", ["2024", "2023"]),
        ("In 2024, Viasna counted 1,177 political prisoners, against 1,420 a month earlier.", ["2024", None]),
        ("Viasna counted 1,177 political prisoners, up from 1,099 in January.", ["2025-09-02", "2025-01"]),
    ],
)
def test_a_figure_from_earlier_is_dated_so(sentence: str, dates: list[str | None]) -> None:
    """ "compared to 1,420 a year earlier" took the sentence's own date (found by an audit): it
    is dated back from the figure before it."""
    found = run("Published: 2 September 2025\n\n" + sentence)
    assert [c.date for c in found] == dates
    assert found[1].noun is None  # "two months" counts nothing


@pytest.mark.parametrize(
    "sentence",
    [
        "More than 900 executions were recorded in Iran in 2024, Amnesty said.",
        "Amnesty said 853 executions took place in Iran in 2024.",
    ],
)
def test_an_event_counted_is_dated_by_the_year_later_in_its_clause(sentence: str) -> None:
    """The noun is the event ("executions"): its date came from the article (found by an audit)."""
    assert [c.date for c in run("Published: 2 September 2025\n\n" + sentence)] == ["2024"]


def test_a_month_without_its_year_needs_a_date_to_read_it_by() -> None:
    assert [c.date for c in run("In August, Viasna recorded 130 detentions.")] == [None]
    assert [c.date for c in run("Last month Viasna recorded 130 detentions.", date="2025-01")] == ["2024-12"]


def test_the_fallback_date_is_used_only_where_the_text_gives_none() -> None:
    assert [c.date for c in run("Police detained 40 people.", date="2024-05")] == ["2024-05"]
    assert [c.date for c in run("Published: 2 June 2024\n\nPolice detained 40 people.", date="2021")] == ["2024-06-02"]


# --- attribution -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "source"),
    [
        ("According to Viasna, 1,189 people are held.", "Viasna"),
        ("According to the Viasna Human Rights Center, 1,189 people are held.", "Viasna Human Rights Center"),
        ("1,189 people are held, Viasna said.", "Viasna"),
        ("1,189 people are held, said Viasna.", "Viasna"),
        ("The human rights organization Vjasna currently counts over 1,400 people.", "Vjasna"),
        (
            "To date, 888 political prisoners have been recognised by human rights organisations.",
            "human rights organisations",
        ),
        ("Amnesty International, which counted 853 executions, said more were likely.", "Amnesty International"),
        ("The Union (UFPP) said 375 people are held.", "Union"),
        ("Viasna's latest count shows 1,189 people held.", "Viasna"),
        ("The latest figures from Viasna show 1,189 people held.", "Viasna"),
        ("1,189 people are held, he said.", "Fallback"),
        ("Nobody says 5 people are held.", "Fallback"),
        ("Rights groups estimate that about 150 opponents remain behind bars.", "Rights groups"),
        # names with lower-case words, cut there before (found by an audit)
        (
            "According to the Committee to Protect Journalists, 25 journalists are jailed.",
            "Committee to Protect Journalists",
        ),
        ("The Committee to Protect Journalists said 25 journalists are jailed.", "Committee to Protect Journalists"),
        (
            "The Mechanism for the Recognition of Political Prisoners said it counted 151 political prisoners.",
            "Mechanism for the Recognition of Political Prisoners",
        ),
        (
            "According to the Office of the UN High Commissioner for Human Rights, 300 people are held.",
            "Office of the UN High Commissioner for Human Rights",
        ),
    ],
)
def test_who_said_it(sentence: str, source: str) -> None:
    assert [c.source for c in run(sentence, source="Fallback")] == [source]


def test_attribution_carries_over_within_a_paragraph_only() -> None:
    text = "Viasna said 3,940 were recognised.\nOf them, 1,189 are held.\n\nOver 200 are ill."
    assert [c.source for c in run(text)] == ["Viasna", "Viasna", None]


def test_the_group_and_he_refer_to_the_last_name() -> None:
    text = "Iran Human Rights said 975 people were executed.\n\nThe group said 31 were women."
    assert [c.source for c in run(text)] == ["Iran Human Rights", "Iran Human Rights"]


def test_the_nearest_speaker_in_a_sentence() -> None:
    found = run("Police said 200 people were detained, while organisers said 5,000 people took part.")
    assert [(c.display, c.source) for c in found] == [("200", "Police"), ("5,000", "organisers")]


# --- kinds and metrics ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Groups documented 3,940 political prisoners since 2020", "cumulative"),
        ("In all, more than 7,000 people faced charges", "cumulative"),
        ("Belarus has released 52 political prisoners", "flow"),
        ("At least eight political prisoners died in custody", "flow"),
        ("1,189 people are still serving their sentences", "stock"),
        ("nearly 1,200 political prisoners remained in detention", "stock"),
        ("To date, 888 political prisoners have been recognised", None),
    ],
)
def test_kind_clues(text: str, kind: str | None) -> None:
    assert kind_of(text) == kind


METRICS = [
    Metric("political-prisoners", "Political prisoners", "people", "stock", ("politzek",)),
    Metric("recognised-since-2020", "Recognised since 2020", "people", "cumulative", ("recognised prisoners",)),
    Metric("released", "Released", "people", "flow", ("freed prisoners",)),
]


def test_metric_mapping_by_slug_label_alias_and_kind() -> None:
    assert match_metric("political prisoners", "stock", METRICS) == ("political-prisoners", None)
    assert match_metric("Belarusian political prisoners", None, METRICS) == ("political-prisoners", None)
    assert match_metric("politzeks", None, METRICS) == ("political-prisoners", None)
    assert match_metric("recognised prisoners", "cumulative", METRICS) == ("recognised-since-2020", None)
    slug, why = match_metric("political prisoners", "cumulative", METRICS)
    assert slug is None and why == "the wording says cumulative, but political-prisoners is a stock metric"
    assert match_metric("journalists", None, METRICS) == (None, "no metric matches its noun")
    assert match_metric(None, None, METRICS) == (None, "no noun to match a metric")


def test_candidates_map_to_metrics_unless_their_wording_contradicts_the_kind() -> None:
    text = (ARTICLES / "seeds" / "000_972374a62f2da709.txt").read_text(encoding="utf-8")
    found = run(text, date="2025", metrics=METRICS)
    mapped = {(c.display, c.metric) for c in found}
    assert ("3,940", None) in mapped  # "since 2020": not the stock metric
    assert ("at least eight", None) in mapped  # "died": not a stock
    assert ("166", None) in mapped  # "transferred"
    text = "As of August 2025, nearly 1,200 political prisoners remained in detention, Viasna said."
    assert [c.metric for c in run(text, metrics=METRICS)] == ["political-prisoners"]


# --- reading files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"  \n\t\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Caf\u00e9 \u2013 1,189 people".encode("cp1252"), "not UTF-8"),
    ],
)
def test_unreadable_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        decode_article(data, "a.txt")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_named(encoding: str) -> None:
    with pytest.raises(BadInput, match="UTF-16 without a byte-order mark"):
        decode_article("1,189 people remain, Viasna said.".encode(encoding), "a.txt")


def test_one_nul_in_utf8_text_is_not_utf16() -> None:
    """Taken for UTF-16 without a byte-order mark: a NUL byte is binary."""
    with pytest.raises(BadInput, match="is a binary file, not text"):
        decode_article(b"Viasna said 1,200 political prisoners\x00 remain.\n", "a.txt")


def test_an_html_page_is_read_as_its_text() -> None:
    page = (
        b"<!DOCTYPE html><html><head><title>Belarus frees 52 prisoners</title><style>.a{width:300px}</style>"
        b"<script>var n = 1200;</script></head><body><nav><a>Top 10 stories</a></nav><article>"
        b"<h1>Belarus frees 52 political prisoners</h1><time>Sep 12, 2025</time>"
        b"<p>According to Viasna, nearly 1,200 political prisoners remained in detention as of August 2025.</p>"
        b"<p>More than 1,000 people remain imprisoned&nbsp;for political reasons, the group said.</p></article>"
        b"<footer>Call +1 202 555 0143 &copy; 2025</footer></body></html>"
    )
    found = run(decode_article(page, "a.html"))
    assert rows(found) == [
        ("nearly 1,200", "nearly", "political prisoners", "2025-08", "Viasna"),
        ("more than 1,000", "over", "people", "2025-09-12", "Viasna"),
    ]


def test_utf16_with_a_byte_order_mark_and_a_utf8_bom_are_read() -> None:
    assert decode_article("1,189 people".encode("utf-16"), "a") == "1,189 people"
    assert decode_article(b"\xef\xbb\xbf1,189 people", "a") == "1,189 people"


def test_text_from_a_pdf_is_joined_into_sentences() -> None:
    text = "During the protests, more than 40,000 peaceful \n\nassembly participants were detained. \n\n \n\nNext."
    assert [c.noun for c in run(text)] == ["peaceful assembly participants"]


# --- properties ------------------------------------------------------------------------------------

WORD_PREFIXES = sorted({p for p, _ in QUALIFIER_PREFIXES if p[0].isalpha() and p not in ("c.", "ca.")})


@given(
    n=st.integers(min_value=2, max_value=10**7),
    prefix=st.sampled_from(["", *WORD_PREFIXES]),
    capital=st.booleans(),
)
def test_any_written_figure_is_found_with_its_qualifier(n: int, prefix: str, capital: bool) -> None:
    written = f"{prefix} {n:,}".strip()
    sentence = f"{written} people are held, the monitor said."
    if capital:
        sentence = sentence[0].upper() + sentence[1:]
    found = run(sentence)
    expected = parse_value(written)
    assert [(c.value, c.qualifier, c.noun, c.source) for c in found] == [
        (expected.value, expected.qualifier, "people", "monitor")
    ]


@given(st.text(max_size=400))
def test_any_text_gives_candidates_or_none_without_failing(text: str) -> None:
    for c in run(text):
        assert c.sentence and c.display
        assert parse_value(c.display).value == c.value


@given(st.text(max_size=200))
def test_masking_never_moves_text(text: str) -> None:
    assert len(mask_noise(text)) == len(text)


def test_a_sentence_of_many_figures_is_read_in_linear_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each figure read the whole sentence again, its kind and the words after it: a
    sentence of 1,000 figures took 5.7 s, of 20,000 did not end. Counted in characters
    read, not timed: a few times the sentence's length, and the words near each figure."""
    import pptrack.extract as ex

    read = {"chars": 0}

    def counting(f):
        def wrapped(text: str, *args: Any) -> Any:
            read["chars"] += len(text)
            return f(text, *args)

        return wrapped

    for name in ("kind_of", "counted_noun"):
        monkeypatch.setattr(ex, name, counting(getattr(ex, name)))
    text = "Figures: " + ", ".join(f"{5000 + i} political prisoners" for i in range(400)) + "."
    got = extract(text, date=parse_date("2025"))
    assert len(got.candidates) == 400
    assert read["chars"] < 5 * len(text) + 400 * 600  # was 6 million


def test_last_year_in_an_article_of_the_first_year_is_no_date() -> None:
    """ "Last year" in an article dated 0001 asked the date reader for year 0, which refused
    the whole article as bad input: it now gives no date, and the fallback stands."""
    assert [c.date for c in run("Last year Viasna recorded 130 detentions.", date="0001-03")] == ["0001-03"]
