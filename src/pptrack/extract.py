"""Figures found in an article: value and qualifier, the noun counted, the as-of date and who said it.

The text is cut into paragraphs and sentences; noise (dates, years, ages, sentence
lengths, phone numbers, identifiers, article furniture) is masked out; every number
left is read with its qualifier by `values.parse_value`, the same parser as `add`.
"""

from __future__ import annotations

import calendar
import codecs
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .dates import parse_date
from .errors import BadInput
from .models import Fact, FactDate, Interval, Metric
from .names import name_key
from .values import MULTIPLIER_WORDS, NUMBER_WORDS, QUALIFIER_PREFIXES, QUALIFIER_SUFFIXES, parse_value

if TYPE_CHECKING:
    from .store import Store

MAX_BYTES = 5_000_000
CANDIDATE_FIELDS = (
    "value",
    "low",
    "high",
    "qualifier",
    "display",
    "noun",
    "sentence",
    "date",
    "date_precision",
    "source",
    "metric",
)


@dataclass(frozen=True)
class Candidate:
    """One figure found in the text, as the SPEC's candidate shape plus the kind its wording suggests."""

    value: float
    low: float | None
    high: float | None
    qualifier: str
    display: str
    noun: str | None
    sentence: str
    date: str | None
    date_precision: str | None
    source: str | None
    metric: str | None = None
    kind: str | None = None  # stock / cumulative / flow as the wording says, None when it says nothing
    unmapped: str | None = None  # why no metric matches, when none does

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in CANDIDATE_FIELDS}


# --- reading the file ----------------------------------------------------------


def decode_article(data: bytes, name: str) -> str:
    """The article's text; binary, empty and non-UTF text is refused as bad input."""
    if len(data) > MAX_BYTES:
        raise BadInput(f"{name} is {len(data):,} bytes; an article of at most {MAX_BYTES:,} bytes is accepted")
    encoding = "utf-8-sig"
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        encoding = "utf-32"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif _looks_utf16(data):
        raise BadInput(f"{name} looks like UTF-16 without a byte-order mark; save it as UTF-8 and try again")
    elif b"\x00" in data or _control_share(data) > 0.1:
        raise BadInput(f"{name} is a binary file, not text; give the article as UTF-8 text")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise BadInput(
            f"{name} is not UTF-8 text (nor UTF-16 with a byte-order mark); save it as UTF-8 and try again"
        ) from None
    if _HTML.match(text):
        text = html_text(text)
    if not text.strip():
        raise BadInput(f"{name} is empty; give an article as UTF-8 text")
    return text


def _looks_utf16(data: bytes) -> bool:
    """Whether `data` reads as UTF-16 text without its byte-order mark: NUL bytes (the high
    halves of Latin letters) in a good share of one half, the even or the odd bytes, and none
    in the other. (One NUL alone in UTF-8 text was taken for it.)"""
    even, odd = data[::2].count(0), data[1::2].count(0)
    return (even == 0 or odd == 0) and max(even, odd) > len(data) // 8


_HTML = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_BLOCKS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table article section header main blockquote figcaption dt dd pre hr "
    "title time".split()
)
_SKIPPED = frozenset("script style noscript svg nav footer aside form template iframe button select".split())


def html_text(page: str) -> str:
    """The text of an HTML page, a block element a paragraph; scripts, menus and footers left out."""
    from html.parser import HTMLParser

    parts: list[str] = []

    class Reader(HTMLParser):
        skipping = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in _SKIPPED:
                self.skipping += 1
            elif tag in _BLOCKS:
                parts.append("\n\n")

        def handle_endtag(self, tag: str) -> None:
            if tag in _SKIPPED:
                self.skipping = max(0, self.skipping - 1)
            elif tag in _BLOCKS:
                parts.append("\n\n")

        def handle_data(self, data: str) -> None:
            if not self.skipping:
                parts.append(data)

    reader = Reader(convert_charrefs=True)
    reader.feed(page)
    reader.close()
    return "".join(parts)


def _control_share(data: bytes) -> float:
    controls = sum(1 for b in data if b < 32 and b not in (9, 10, 12, 13))
    return controls / max(len(data), 1)


# --- paragraphs and sentences ----------------------------------------------------

# A line that ends like this closes its sentence; a line that does not is a headline,
# a menu entry or a caption, unless the next line carries on the same sentence.
_CLOSED = re.compile(r"[.!?…;][\"'”’»)\]]*$")
_BULLET = re.compile(r"^[-–—•*·▪►»]\s+")
_CARRY_ON_WORDS = frozenset(
    "of the and or to in on at for with by from a an as that which who than including its their his her "
    "is are was were have has had be been not but into over under about against between during after "
    "before since while whose this these those such more less nearly almost some".split()
)
# A line that opens the page's links to other articles: nothing after it is the article.
_END_MARKERS = frozenset(
    [
        "related",
        "related articles",
        "related news",
        "related stories",
        "related posts",
        "more news",
        "more stories",
        "more from",
        "read more",
        "read also",
        "also read",
        "see also",
        "most read",
        "most popular",
        "latest news",
        "latest",
        "you may also like",
        "you might also like",
        "recommended",
        "recommended for you",
        "tags",
        "comments",
        "find out more",
        "further reading",
    ]
)
_ABBREVIATIONS = frozenset(
    "no nr mr mrs ms dr st prof gen col lt sgt capt rev jan feb mar apr jun jul aug sep sept oct nov dec "
    "vs etc approx ca c e.g i.e inc tel fax ltd co corp jr sr u.s u.k u.n art para vol fig p pp".split()
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«(\[]?[A-Z0-9])|(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int
    prose: bool  # a sentence of running text, not a headline, caption or menu entry


def paragraphs(text: str) -> list[list[str]]:
    """The article's paragraphs, each a list of lines; a sentence broken over lines (or over
    blank lines, as in text taken from a PDF) is joined again. Stops at "Related articles"."""
    out: list[list[str]] = []
    current: list[str] = []
    blank = False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n"):
        line = " ".join(raw.split())
        if not line:
            blank = bool(current)
            continue
        if _BULLET.sub("", line).rstrip(":").strip().lower() in _END_MARKERS:
            break
        if current and _carries_on(current[-1], line):
            current[-1] += " " + line
        elif blank:
            out.append(current)
            current = [line]
        else:
            current.append(line)
        blank = False
    if current:
        out.append(current)
    return out


def _carries_on(previous: str, line: str) -> bool:
    if _CLOSED.search(previous) or _BULLET.match(line):
        return False
    last = previous.rsplit(" ", 1)[-1].lower()
    return line[0].islower() or previous.endswith(",") or last in _CARRY_ON_WORDS


def sentences(paras: Sequence[Sequence[str]]) -> list[Sentence]:
    out: list[Sentence] = []
    for n, lines in enumerate(paras):
        for line in lines:
            bullet = _BULLET.match(line) is not None
            body = _BULLET.sub("", line)
            parts = list(_split(body))
            for i, part in enumerate(parts):
                closed = i < len(parts) - 1 or _CLOSED.search(part) is not None
                # A bullet of key figures ("• 1,189 still held") is prose; a menu entry is not.
                figure_bullet = bullet and re.match(rf"(?:{_PREFIX_RE})?\s*\d", part, re.I) is not None
                out.append(Sentence(part, n, closed or figure_bullet))
    return out


def _split(line: str) -> Iterator[str]:
    start = 0
    for m in _SENTENCE_END.finditer(line):
        word = re.search(r"(\S+)$", line[start : m.start()] if m.start() > start else "")
        token = word.group(1).lower().lstrip("(\"'“") if word else ""
        if m.group(0) and m.group(0)[0] == "." and (token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token)):
            continue
        yield line[start : m.end()].strip()
        start = m.end()
    rest = line[start:].strip()
    if rest:
        yield rest


# --- dates ---------------------------------------------------------------------------

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec|JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|"
    r"AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?(?!\d)"
_YEAR = r"(?:1[89]|20)\d{2}(?!\d)"
_DATE_FORMS = [
    rf"{_DAY}\s*(?:-|–|and|to)\s*{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?",
    rf"{_MONTH}\s+{_DAY}\s*(?:-|–|and|to)\s*{_DAY}(?:,?\s+{_YEAR})?",
    r"\d{4}-\d{2}-\d{2}(?!\d)",
    r"\d{1,2}[./]\d{1,2}[./]\d{4}(?!\d)",
    rf"{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?",
    rf"{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?",
    rf"{_MONTH},?\s+{_YEAR}",
    r"\d{4}-\d{2}(?![\d-])",
]
_DATE = "(?:" + "|".join(_DATE_FORMS) + ")"
_DATE_OR_YEAR = f"(?:{_DATE}|{_YEAR})"
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\.?),?\s+"
_CLOCK = r"(?:\d{1,2}[:.]\d{2}(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s+[A-Z]{2,5})?,?\s+)?"  # "4:15 PM UTC, "
_LABELLED = re.compile(
    rf"\b(?P<label>First published|Published|Posted|Dated|Date|Last updated|Updated|Last modified)\b"
    rf"(?:\s+on)?\s*:?\s*(?:{_WEEKDAY})?{_CLOCK}(?P<d>{_DATE})"
)
# "May 21, Pozirk." / "MINSK, May 21 (Reuters) -" / "Warsaw, 3 March 2025 –" / a line that is only a date
_DATELINE = re.compile(
    rf"^(?:[A-ZÀ-Ý][\w'’.-]*(?:\s+[A-ZÀ-Ý][\w'’.-]*){{0,3}}(?:,\s+|\s+\()){{0,2}}(?:{_WEEKDAY})?(?P<d>{_DATE})"
    rf"(?=\s*(?:[,.()|–—-]|$|\d{{1,2}}:\d{{2}}))"
)
_AS_OF = re.compile(
    rf"\b(?i:as\s+(?:of|at|on)(?:\s+the\s+end\s+of)?|(?:by|at)\s+the\s+end\s+of|at\s+end-|end\s+of)\s+"
    rf"(?P<d>{_DATE_OR_YEAR})"
    rf"|^(?:In|On|By|During)\s+(?P<i>{_DATE_OR_YEAR})\s*,"
    # "On 1 September 2025 there were ...": a month or a day opening the sentence, no comma
    rf"|^(?:In|On|By)\s+(?P<o>{_DATE})(?=\s+[a-z])"
    # "Between January and October 2024, ...": the period's year
    rf"|^(?:Between|From)\s+{_MONTH}(?:\s+{_YEAR})?\s+(?:and|to|-|–)\s+{_MONTH}\s+(?P<y>{_YEAR})\s*,"
    # "In August, ...", "In August Viasna recorded ...": the last August by the article's date
    rf"|^(?:In|During)\s+(?P<m>{_MONTH})(?=\s*,|\s+[a-zA-Z])"
    # "Last month, ...", "This year ...": by the article's date
    r"|^(?P<r>(?:Last|This|Earlier\s+this|Earlier\s+last|Late\s+last)\s+(?:month|year))\b"
)
_DATED_AFTER = re.compile(
    rf"\s*,?\s*(?i:in|during|as\s+of|as\s+at|on|at\s+the\s+end\s+of|by\s+the\s+end\s+of)\s+(?:the\s+)?"
    rf"(?P<d>{_DATE_OR_YEAR}|{_MONTH}(?![\w-]))"
)
# A count's own verb before its date: "1,150 political prisoners were held in January 2024".
_HELD = re.compile(
    r"\s+(?:were|are|was|remained|remain)\s+(?:still\s+)?(?:held|imprisoned|jailed|detained|behind\s+bars)\b", re.I
)
_DATED_LATER = re.compile(rf"(?:\s+[\w'’-]+){{1,6}}?\s+(?i:in|during|on)\s+(?:the\s+)?(?P<d>{_DATE_OR_YEAR})")
_DAY_DATE = re.compile(
    rf"\d{{4}}-\d{{2}}-\d{{2}}(?!\d)|\d{{1,2}}[./]\d{{1,2}}[./]\d{{4}}(?!\d)"
    rf"|{_MONTH}\s+{_DAY},?\s+{_YEAR}|{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}"
)
_TOP_LINES = 12


def read_date(text: str, year: int | None, before: FactDate | None = None) -> FactDate | None:
    """A date written in the article; one without its year takes `year`, or is None, and
    the year before when that would put it after `before` (the article's date: "In
    October", in an article of September 2025, is October 2024)."""
    if before is not None and not re.search(r"\d{4}", text):
        got = read_date(text, before.start.year)
        return read_date(text, before.start.year - 1) if got is not None and got.start > before.end else got
    cleaned = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", " ".join(text.split())).replace(".", " ").strip()
    if re.search(r"\d{1,2} \d{1,2} \d{4}", cleaned):  # 21.05.2025 was split above
        cleaned = " ".join(text.split()).replace(" ", "")
    if not re.search(r"\d{4}", cleaned):
        if year is None:
            return None
        cleaned = f"{cleaned} {year}"
    try:
        return parse_date(cleaned)
    except BadInput:
        return None


def article_date(paras: Sequence[Sequence[str]], fallback: FactDate | None) -> FactDate | None:
    """The article's own date: a "Published:" label near the top, else a dateline or a line
    that is only a date, else an "Updated:" label. A date without a year takes the year of
    `fallback` (--date) or leaves the article undated: never today's year. Failing those, a
    full date (day, month and year) in a header or byline line near the top."""
    top = [line for lines in paras for line in lines][:_TOP_LINES]
    year = fallback.start.year if fallback else None
    found: list[tuple[int, str]] = []
    for line in top:
        for m in _LABELLED.finditer(line):
            updated = "updated" in m.group("label").lower() or "modified" in m.group("label")
            found.append((3 if updated else 0, m["d"]))
        m2 = _DATELINE.match(_BULLET.sub("", line))
        if m2:
            found.append((1, m2["d"]))
        elif not _CLOSED.search(line):
            # a header or byline line: "Managua (AFP) – Sept 6, 2024", "Press release | 3 March 2025"
            found.extend((2, d.group(0)) for d in _DAY_DATE.finditer(line))
    for _, written in sorted(found, key=lambda f: f[0]):
        read = read_date(written, year)
        if read is not None:
            return read
    return None


def as_of(sentence: str, year: int | None, written: FactDate | None = None) -> FactDate | None:
    """An as-of date written in the sentence ("As of August 2025" → 2025-08); a month
    without its year ("In August,") or a month or year named from the article's own date
    (`written`: "Last month", "This year") is read by that date, and is None without it."""
    m = _AS_OF.search(sentence)
    if m is None:
        return None
    if m["r"]:
        return _relative(m["r"], written) if written is not None else None
    if m["m"]:
        return read_date(m["m"], None, written) if written is not None else None
    return read_date(m["d"] or m["i"] or m["o"] or m["y"], year)


def _relative(words: str, written: FactDate) -> FactDate | None:
    """ "last month", "this year" (and "earlier this", "late last") by the date `written`:
    its month or year, or the one before (_earlier)."""
    unit = "year" if words.lower().endswith("year") else "month"
    day = written.start
    this = parse_date(f"{day.year:04d}" if unit == "year" else f"{day.year:04d}-{day.month:02d}")
    return _earlier(this, 1, unit) if "last" in words.lower() else this


# --- noise ---------------------------------------------------------------------------

_WORD_NUMBER = r"(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_WORD_NUMBERS = rf"(?:a\s+(?:hundred|thousand)|{_WORD_NUMBER})(?:(?:\s+and\s+|[\s-]+)(?:{_WORD_NUMBER}))*"
_ANY_NUMBER = rf"(?:\d[\d,.]*|{_WORD_NUMBERS})"
_TIME_UNIT = r"(?:years?|yrs?|months?|weeks?|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?|decades?|centur(?:y|ies))"
_NOISE = [
    r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.]+",  # links and e-mail addresses
    # phone numbers: international, with an area code in brackets, dotted or dashed groups, or after "tel"
    r"\+\d[\d\s().-]{6,}\d",
    r"\(\d{2,5}\)\s*\d[\d\s.-]{4,}\d",
    r"(?<![\d,])\d{2,4}(?:[-.]\d{2,4}){2,}(?![\d,])",
    r"(?i:\b(?:text|sms)\s+\w+\s+to\s+\d+)",  # "text HELP to 7950"
    r"(?i:\b(?:tel|phone|telephone|call|calling|fax|hotline|mobile|whatsapp|sms|text)\b\.?:?\s*(?:us\s+)?(?:on|at)?\s*)"
    r"[+(]?\d[\d\s().-]*\d",
    r"(?<![\d,.])0\d+(?:[ -]\d+)*",  # a leading zero is a phone or a code, never a count: 0800 555 111
    _DATE,
    r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?i:[ap]\.?m\.?))?",  # times
    r"\b\d{1,2}\s*(?i:[ap]\.m\.|[ap]m\b)",
    rf"\b{_YEAR}\s*[-–/]\s*(?:{_YEAR}|\d{{2}}(?!\d))",  # 2020-2024, 2024/25
    rf"\b{_YEAR}s\b",  # the 2020s
    # ages
    rf"(?i:\bag(?:ed|e|es)\s+(?:of\s+)?(?:between\s+)?{_ANY_NUMBER}(?:\s*(?:-|–|to|and)\s*{_ANY_NUMBER})?)",
    rf"(?i:{_ANY_NUMBER}(?:\s+|-)years?(?:\s+|-)old)",
    r"\b[A-Z][\w'’-]+,\s+\d{1,3}(?=,\s)",  # "Ramiz Aliyev, 61, chair of ..."
    r"(?i:\bin\s+(?:his|her|their)\s+(?:early\s+|mid-?|late\s+)?\d0s)",
    # sentence lengths, durations, read times
    rf"(?i:(?:between\s+)?{_ANY_NUMBER}(?:\s*(?:-|–|to|and|or)\s*{_ANY_NUMBER})?(?:\s+|-){_TIME_UNIT}\b)",
    rf"(?i:{_ANY_NUMBER}\s*(?:min|mins|h|hr|hrs)\b)",
    # identifiers: Colony No. 17, Article 19, #5, footnotes
    r"(?i:\b(?:no|nr|number)\.?\s*\d+)|#\d+|\[\d+\]|\(\d{1,3}\)",
    r"\b(?:Article|Art|Section|Chapter|Paragraph|Part|Resolution|Colony|Decree|Protocol|Clause|Item|Page|Vol|"
    r"Volume|Flight|Route|Channel|Level|Phase|Block|Building|Unit|Ward|Cell|Room|Gate|Platform|Case|Law|Act|"
    r"Camp|Prison|Stage|Round|Grade|District|Zone|Highway|Bill|Agenda|Goal)\.?\s+\d[\w.-]*",
    r"(?i:\barticles?\s+\d[\w.-]*)",
    # numbers glued to letters: COVID-19, G7, MH17, 3rd, 10km (but not 1.2k, 5bn)
    r"\b[A-Za-z]+-?\d+[A-Za-z]*\b",
    r"\b\d+(?:st|nd|rd|th)\b",
    r"\b\d+(?!k\b|mn\b|bn\b|m\b)[A-Za-z]{1,}\w*",
]
_NOISE_RE = re.compile("|".join(f"(?:{n})" for n in _NOISE))


def mask_noise(sentence: str) -> str:
    """The sentence with every noise span (dates, years ranges, ages, durations, phone
    numbers, identifiers, links) blanked out, keeping every other character in place."""
    return _NOISE_RE.sub(lambda m: re.sub(r"\S", "_", m.group(0)), sentence)


# --- finding figures -------------------------------------------------------------------

_PREFIX_RE = (
    r"(?<![\w.])(?:"
    + "|".join(
        re.escape(p) + (r"\b" if p[-1].isalpha() else "")
        for p, _ in sorted(QUALIFIER_PREFIXES, key=lambda p: -len(p[0]))
    )
    + ")"
)
_SUFFIX_RE = "|".join(
    (r"\s+" if s[0].isalpha() else r"\s*") + re.escape(s) + (r"\b" if s[-1].isalpha() else "")
    for s, _ in QUALIFIER_SUFFIXES
)
_MULTIPLIER = "|".join(sorted(MULTIPLIER_WORDS, key=len, reverse=True))
_NUMERAL_BODY = (
    r"(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[\u00a0\u202f\u2009 ]\d{3})+(?![\d,])|\d+)(?![,]\d)"
    rf"(?:\.\d+)?(?:\s*(?:{_MULTIPLIER})\b)?(?![\w.]\w)"
)
_NUMERAL = rf"(?<![\w.,/-]){_NUMERAL_BODY}"
_WORDS_RE = rf"(?<![\w-])(?i:{_WORD_NUMBERS})(?:\s+(?:{_MULTIPLIER})\b)?(?![\w-])"
_ONE_NUMBER = rf"(?:{_NUMERAL}|{_WORDS_RE})"
_FIGURE = re.compile(
    rf"(?P<pre>(?i:{_PREFIX_RE})\s*)?"
    rf"(?:(?i:between)\s+(?P<a>{_ONE_NUMBER})\s+(?i:and)\s+(?P<b>{_ONE_NUMBER})"
    rf"|(?P<n>{_ONE_NUMBER})(?:\s*(?P<dash>[-–—]|\bto\b)\s*(?P<m>{_NUMERAL_BODY}|{_WORDS_RE}))?)"
    rf"(?P<suf>(?i:{_SUFFIX_RE}))?"
)

_STOP_WORDS = frozenset(
    "the a an of in on at for from to by with without since until during after before into over under "
    "about against between among across through per than as and or but nor so yet that which who whom whose "
    "where when while because if is are was were be been being am has have had do does did will would can could "
    "may might shall should must remain remains remained remaining still currently now already also only just "
    "reportedly allegedly unjustly illegally were there here them they it its their his her he she we our you "
    "your this these those such each every all both either neither including include includes included "
    "face faced faces received receive receives got get gets like year years".split()
)
_LEADING_SKIP = frozenset("more other additional further".split())
_PLURAL_MODIFIERS = frozenset("rights arms news sports customs goods sales affairs humanities".split())
_IRREGULAR_PLURALS = frozenset("people children men women folk".split())
_CURRENCIES = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₽": "RUB", "₴": "UAH"}


def _plural(word: str) -> bool:
    w = word.lower().strip("'’")
    if w in _IRREGULAR_PLURALS:
        return True
    return len(w) > 2 and w.endswith("s") and not w.endswith(("ss", "us", "is")) and w not in _PLURAL_MODIFIERS


def counted_noun(tail: str) -> str | None:
    """The noun phrase a figure counts, read from the words after it: "political prisoners"."""
    if re.match(r"\s*(?:%|per\s?cent\b|percent\b)", tail, re.I):
        return "percent"
    words: list[str] = []
    pos = 0
    while len(words) < 5:
        m = re.match(r"[ \t\u00a0]+([A-Za-zÀ-ÿ][\w'’-]*)", tail[pos:])
        if m is None:
            break
        word = m.group(1)
        if word.lower() in _STOP_WORDS or word.endswith(("'s", "’s")):
            break
        pos += m.end()
        if not words and word.lower() in _LEADING_SKIP:
            continue
        words.append(word)
        if _plural(word):
            break
    while words and re.fullmatch(r"\w+ed", words[-1]):
        words.pop()  # "51 prisoners transferred": the participle is not part of the noun
    return " ".join(words) or None


@dataclass(frozen=True)
class Figure:
    start: int
    end: int
    display: str
    noun: str | None
    interval: Interval
    when: str | None = None  # "975 people in 2024", "254 in January 2024": a date written right after
    earlier: tuple[int, str] | None = None  # "1,420 a year earlier": (1, "year") before the figure before it


def figures(sentence: str) -> list[Figure]:
    """The figures in one sentence, noise left out."""
    masked = mask_noise(sentence)
    out: list[Figure] = []
    for m in _FIGURE.finditer(masked):
        parts = [m]
        if m["dash"] and m["dash"] not in "-–—" and re.search(r"\bfrom\s*$", _before(masked, m.start()), re.I):
            # "rose from 1,100 to 1,200" gives two figures, not a range
            first = _FIGURE.match(masked, m.start(), m.end("n"))
            second = _FIGURE.match(masked, m.start("m"), m.end())
            parts = [p for p in (first, second) if p is not None]
        for part in parts:
            fig = _figure(sentence, masked, part)
            if fig is not None:
                out.append(fig)
    return out


# How far around a figure its words are read (the noun it counts, a qualifier's "from", the
# clause after it): a sentence of a thousand figures is read in time linear in its length.
_NEAR = 300


def _before(text: str, start: int) -> str:
    """The _NEAR characters of `text` before `start`."""
    return text[max(0, start - _NEAR) : start]


def _figure(sentence: str, masked: str, m: re.Match[str]) -> Figure | None:
    start, end = m.start(), m.end()
    numbers = [g for g in (m["a"], m["b"], m["n"], m["m"]) if g]
    words_only = all(not re.search(r"\d", g) for g in numbers)
    qualified = bool(m["pre"] or m["suf"] or m["a"] or m["m"])
    noun = counted_noun(sentence[end : end + _NEAR])
    display = " ".join(sentence[start:end].split())
    if m["pre"] and (m["m"] or m["a"]):
        display = " ".join(sentence[m.end("pre") : end].split())  # a range bounds itself: "some 1,200-1,400"
    elif m["pre"]:
        display = " ".join(m["pre"].lower().split()) + " " + " ".join(sentence[m.end("pre") : end].split())
    elif m["a"]:
        display = "between" + display[len("between") :]
    if words_only:
        display = display.lower()  # "Seven activists": the value is "seven"
    if _is_year(numbers, qualified, noun) or (noun is None and _is_identifier(sentence, start, m)):
        return None
    if words_only and not qualified:
        determiner = re.search(
            r"\b(?:his|her|their|its|our|my|your|the|these|those)\s+$", _before(sentence, start), re.I
        )
        if numbers[0].lower() in ("one", "a", "zero") or noun is None or not _plural(noun.split()[-1]) or determiner:
            return None  # "one man", "eight being held": a number word counts only with a qualifier or a noun
    before = _before(masked, start).rstrip()
    if before[-1:] in _CURRENCIES:
        noun = _CURRENCIES[before[-1]]
    try:
        interval = parse_value(display.replace("—", "-").replace("–", "-"))
    except BadInput:
        return None
    if m["pre"] and not m["pre"][0].isalnum():
        display = display.replace(" ", "", 1)  # "~ 1,400" reads as "~1,400"
    after = sentence[end : end + _NEAR]
    back = _EARLIER.match(after)
    if back:
        noun = None  # "1,150 two months earlier": no noun counted
    if noun and after.lstrip().startswith(noun):
        after = after.lstrip()[len(noun) :]
    dated = _DATED_AFTER.match(after)
    clause = after.split(",")[0]
    flow = kind_of(clause) == "flow" or (noun is not None and kind_of(noun) == "flow")
    if dated is None and (flow or _HELD.match(clause)):
        # "20,000 people were detained during the 2022 protests", "... were held in January 2024",
        # "900 executions were recorded in Iran in 2024"
        dated = _DATED_LATER.match(clause)
    earlier = (_count(back["n"]), back["u"].lower()) if back else None
    return Figure(start, end, display, noun, interval, dated["d"] if dated else None, earlier)


# "compared to 1,420 a year earlier", "up from 900 two months before"
_EARLIER = re.compile(
    r"\s*,?\s*(?P<n>a|an|one|two|three|four|five|six|\d{1,2})\s+(?P<u>year|month)s?\s+(?:earlier|before|previously)\b",
    re.I,
)


def _count(word: str) -> int:
    """ "a", "two", "12": read as `add` reads a value."""
    return 1 if word.lower() in ("a", "an") else int(parse_value(word).value)


def _earlier(day: FactDate, n: int, unit: str) -> FactDate | None:
    """`day` moved `n` years or months back, at its precision (2025-07-01 a year earlier is
    2024-07-01; 2025 a month earlier is none: a year has no month before it)."""
    if unit == "month" and day.precision == "year":
        return None
    months = day.start.year * 12 + day.start.month - 1 - (12 * n if unit == "year" else n)
    year, month = divmod(months, 12)
    if year < 1:
        return None
    if day.precision == "year":
        return parse_date(f"{year:04d}")
    if day.precision == "month":
        return parse_date(f"{year:04d}-{month + 1:02d}")
    last = calendar.monthrange(year, month + 1)[1]
    return parse_date(f"{year:04d}-{month + 1:02d}-{min(day.start.day, last):02d}")


def _is_year(numbers: list[str], qualified: bool, noun: str | None) -> bool:
    if len(numbers) != 1 or not re.fullmatch(rf"{_YEAR}", numbers[0]):
        return False
    # "more than 2000 people" counts; "in 2021", "since 2020", "the 2020 election" are years
    return not (qualified and noun is not None and _plural(noun.split()[-1]))


def _is_identifier(sentence: str, start: int, m: re.Match[str]) -> bool:
    """A number right after a capitalised word mid-sentence, counting nothing, names something:
    "Channel 4 said" (but "In Minsk 300 people" counts people)."""
    if m["pre"]:
        return False
    before = sentence[:start]
    word = re.search(r"(?:^|\s)([A-Z][\w’'-]*) $", before)
    if word is None:
        return False
    return bool(before[: word.start(1)].strip())  # not the sentence's first word


# --- kinds ------------------------------------------------------------------------------

_CUMULATIVE = re.compile(
    r"\b(?:since|in total|in all|a total of|altogether|all told|so far|cumulative(?:ly)?|overall)\b", re.I
)
_FLOW = re.compile(
    r"\b(?:executions?|releas(?:e|es|ed|ing)|freed|frees|freeing|pardon(?:s|ed|ing)?|died|dies|death|deaths|killed|executed|"
    r"arrest(?:ed|s)?|sentenced|convicted|transferred|deported|expelled|exiled|added|newly|injured|"
    r"detained\s+(?:on|during|in|after|last|this)|were\s+(?:detained|imprisoned|jailed)|jailed)\b",
    re.I,
)
_STOCK = re.compile(
    r"\b(?:remain(?:s|ed|ing)?|still|currently|now|behind bars|are\s+(?:being\s+)?held|held|in\s+custody|"
    r"in\s+detention|in\s+prison|imprisoned|serving)\b",
    re.I,
)


def kind_of(text: str) -> str | None:
    """What the wording says about a figure's kind: cumulative ("since 2020", "in all"),
    flow ("released", "died"), stock ("still held"), or None."""
    if _CUMULATIVE.search(text):
        return "cumulative"
    if _FLOW.search(text):
        return "flow"
    if _STOCK.search(text):
        return "stock"
    return None


# --- attribution -------------------------------------------------------------------------

_SAY = r"said|says|say|stated|states|told|tells|reported|reports|announced|announces|wrote|writes|noted|notes|claimed|claims|estimated|estimates|estimate|warned|added"  # noqa: E501
_COUNT = r"counts|counted|count|collected|documented|recorded|registered|listed|recognised|recognized|recognises|recognizes|tallied|verified|confirmed|identified|compiled"  # noqa: E501
_BY_VERBS = rf"{_COUNT}|reported|estimated|collected|cited|published|gathered"
_AUXILIARIES = frozenset("has have had also currently now previously recently still again further later today".split())
_PASSIVE = frozenset("been be is are was were being".split())
_PRONOUNS = frozenset(
    "he she they it we i you who which that this these those his her their its our one "
    "nobody someone somebody everyone everybody anyone anybody none".split()
)
_CONNECTORS = frozenset("of for de the and on".split())
_DATA_WORDS = r"figures|figure|data|count|counts|tally|list|lists|estimate|estimates|statistics|numbers|records|report|reports|database|monitoring"  # noqa: E501
_NAME_STOP = frozenset(
    "on in at during after before since citing referring who which that there this as is are was were has have had "
    "said says when while with to from by but because if than so although however".split()
)


@dataclass(frozen=True)
class Attribution:
    start: int
    end: int
    name: str
    strong: bool  # said / according to, rather than counted / documented


def attributions(sentence: str) -> list[Attribution]:
    """Who the sentence says gave a figure: "according to X", "X said", "said X", "X counts",
    "recognised by X", "X's data"."""
    out: list[Attribution] = []
    for m in re.finditer(r"\baccording to\s+", sentence, re.I):
        _add(out, m.start(), m.end(), _name_after(sentence[m.end() :]), strong=True)
    for m in re.finditer(rf"(?:^|[,;:”\"’]\s*|—\s*|–\s*)(?:{_SAY})\s+(?!that\b)", sentence):
        name = _name_after(sentence[m.end() :])
        # "..., said Viasna." names; "..., said the true number was higher" does not
        if name and re.match(
            rf"\s*(?:the\s+)?{re.escape(name)}\s*(?:[.,;:!?]|$|on\b|in\b|at\b|during\b)", sentence[m.end() :]
        ):
            _add(out, m.start(), m.end(), name, strong=True)
    for verbs, strong in ((_SAY, True), (_COUNT, False)):
        for m in re.finditer(rf"\b(?:{verbs})\b", sentence):
            _add(out, m.start(), m.end(), _name_before(sentence[: m.start()]), strong=strong)
    for m in re.finditer(rf"\b(?:{_BY_VERBS})\s+by\s+", sentence):
        _add(out, m.start(), m.end(), _name_after(sentence[m.end() :]), strong=False)
    for m in re.finditer(rf"\b(?:{_DATA_WORDS})\s+(?:from|by|compiled by|collected by)\s+", sentence):
        _add(out, m.start(), m.end(), _name_after(sentence[m.end() :]), strong=False)
    for m in re.finditer(rf"['’]s\s+(?:(?:latest|own|new|updated|official|recent)\s+)?(?:{_DATA_WORDS})\b", sentence):
        _add(out, m.start(), m.end(), _name_before(sentence[: m.start()], proper_only=True), strong=False)
    return sorted(out, key=lambda a: a.start)


def _add(out: list[Attribution], start: int, end: int, name: str | None, *, strong: bool) -> None:
    if name and not any(a.start <= start < a.end or (a.name == name and abs(a.start - start) < 3) for a in out):
        out.append(Attribution(start, end, name, strong))


def _tokens(text: str) -> list[str]:
    return re.findall(r"[\w][\w'’.&-]*|[^\w\s]", text)


def _name_before(text: str, *, proper_only: bool = False) -> str | None:
    text = text[-_NAME_REACH:]
    # "Amnesty International, which counted 853 executions, said": the subject before the clause
    text = re.sub(r"\([^()]*\)", " ", text)
    aux = "|".join(_AUXILIARIES)
    text = re.sub(rf"(?:\s+(?:{aux}))+\s*$", " ", text, flags=re.I)
    text = re.sub(r",\s*(?:which|who|including|[a-z])[^,]*,\s*$", " ", text)
    tokens = _tokens(text)
    while tokens and tokens[-1].lower() in _AUXILIARIES:
        tokens.pop()
    if not tokens or tokens[-1].lower() in _PASSIVE:
        return None  # "888 ... have been recognised": passive, the name follows "by"
    if tokens[-1].lower() in _PRONOUNS:
        return ANAPHOR if tokens[-1].lower() in ("he", "she", "it", "they", "we") else None  # "he said"
    taken: list[str] = []
    proper = False
    for i in range(len(tokens) - 1, -1, -1):
        token = tokens[i]
        if not token[0].isalnum():
            break
        if token[0].isupper():
            taken.append(token)
            proper = True
        elif proper and token.lower() in ("of", "for", "de", "and") and taken:
            taken.append(token)
        elif proper and taken and i and _inside_name(token, tokens[i - 1]):
            taken.append(token)  # "the Mechanism for the Recognition of ...", "Committee to Protect ..."
        elif not proper and token.lower() == "and" and taken:
            taken.append(token)  # "Belarusian and international human rights organisations"
        elif proper or proper_only or token.lower() in _STOP_WORDS or token.lower() in _PRONOUNS:
            break
        elif token[0].isdigit():
            break
        else:
            taken.append(token)
        if len(taken) >= _NAME_WORDS:
            break
    return _clean_name(list(reversed(taken)))


_NAME_WORDS = 12  # "the Office of the UN High Commissioner for Human Rights"


def _inside_name(word: str, before: str) -> bool:
    """Whether lower-case `word`, after `before`, joins the words of a name: "to" after a
    capitalised word ("Committee to Protect Journalists"), "the" after "of" or "for"
    ("Mechanism for the Recognition of Political Prisoners")."""
    low = word.lower()
    return (low == "to" and before[0].isupper()) or (low == "the" and before.lower() in ("of", "for"))


def _name_after(text: str) -> str | None:
    tokens = _tokens(text[:_NAME_REACH])
    taken: list[str] = []
    for i, token in enumerate(tokens):
        low = token.lower()
        if not token[0].isalnum() or token[0].isdigit():
            break
        if not taken and low in ("the", "a", "an"):
            continue
        if not taken and low in _PRONOUNS:
            return None
        if low in ("from", "by") and taken and re.fullmatch(_DATA_WORDS, taken[-1].lower()):
            taken = []  # "the latest figures from Viasna": Viasna
            continue
        # "Viasna, the Committee to Protect Journalists": "to" between capitalised words joins
        joins = bool(taken) and taken[-1][0].isupper()
        joins = joins and (
            low in ("of", "for", "and")
            or (_inside_name(token, taken[-1]) and i + 1 < len(tokens) and tokens[i + 1][0].isupper())
        )
        if joins:
            taken.append(token)
            continue
        if low in _NAME_STOP:
            break
        if low in _STOP_WORDS and low not in _CONNECTORS:
            break
        if taken and taken[-1][0].isupper() and token[0].islower() and low not in _CONNECTORS:
            break  # "Viasna show ...": the name has ended
        taken.append(token)
        if len(taken) >= _NAME_WORDS:
            break
    data = [i for i, t in enumerate(taken) if re.fullmatch(_DATA_WORDS, t.lower())]
    if data and data[0] + 1 < len(taken) and taken[data[0] + 1].lower() in ("from", "by"):
        taken = taken[data[0] + 2 :]  # "the latest figures from Viasna"
    # "the independent Nasja Niva": the proper name, not the words before it
    first_upper = next((i for i, t in enumerate(taken) if t[0].isupper()), None)
    if first_upper:
        taken = taken[first_upper:]
    return _clean_name(taken)


_NAME_REACH = 300  # characters looked at around a verb for the name: enough for any name, bounded for speed
ANAPHOR = "\x00"  # "he said", "the group said": whoever was named last (the marker, then the words)
_GENERIC = frozenset(
    "group organisation organization ngo agency centre center monitor body office watchdog charity committee "
    "commission report organisations organizations groups".split()
)


def _clean_name(words: list[str]) -> str | None:
    while words and (words[-1].lower() in _CONNECTORS or words[-1].lower() in ("the", "a", "an")):
        words = words[:-1]
    while words and words[0].lower() in _CONNECTORS | {"a", "an"}:
        words = words[1:]
    if not words:
        return None
    words[-1] = re.sub(r"['’]s$|[.]$", "", words[-1])
    name = " ".join(words).strip()
    if not re.search(r"[A-Za-zÀ-ÿ]", name) or len(name) > 100:
        return None
    if name.lower() in _GENERIC:
        return ANAPHOR + name
    return name


# --- metrics ----------------------------------------------------------------------------


def _words_key(text: str) -> tuple[str, ...]:
    words = re.split(r"[^0-9a-z]+", name_key_words(text))
    return tuple(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words if w)


def name_key_words(text: str) -> str:
    """Like names.name_key, but keeping the gaps between words."""
    return " ".join(name_key(w) for w in text.split())


def match_metric(noun: str | None, kind: str | None, metrics: Sequence[Metric]) -> tuple[str | None, str | None]:
    """The slug of the metric the noun names (by slug, label or alias; the longest name
    wins) whose kind the wording does not contradict; else None and the reason why."""
    if not noun:
        return None, "no noun to match a metric"
    words = _words_key(noun)
    best: list[tuple[int, Metric]] = []
    for metric in metrics:
        for name in (metric.slug.replace("-", " "), metric.label, *metric.aliases):
            key = _words_key(name)
            if key and words[-len(key) :] == key:
                best.append((len(key), metric))
    for _, metric in sorted(best, key=lambda b: -b[0]):
        if kind is None or metric.kind == kind:
            return metric.slug, None
    if best:
        metric = max(best, key=lambda b: b[0])[1]
        return None, f"the wording says {kind}, but {metric.slug} is a {metric.kind} metric"
    return None, "no metric matches its noun"


# --- the whole article --------------------------------------------------------------------


@dataclass
class Extraction:
    candidates: list[Candidate] = field(default_factory=list)
    article_date: FactDate | None = None


def extract(
    text: str,
    *,
    date: FactDate | None = None,
    source: str | None = None,
    metrics: Sequence[Metric] = (),
) -> Extraction:
    """Every figure in the article with its as-of date and attribution. `date` and `source`
    are the fallbacks where the text gives none; `metrics` are mapped by noun and kind."""
    paras = paragraphs(text)
    published = article_date(paras, date)
    year = (published or date).start.year if (published or date) else None
    out = Extraction(article_date=published)
    last_source: dict[int, str] = {}
    last_named: str | None = None
    seen: set[tuple[Any, ...]] = set()
    for sentence in sentences(paras):
        found = figures(sentence.text) if sentence.prose else []
        named = [
            a if not a.name.startswith(ANAPHOR) else Attribution(a.start, a.end, last_named or a.name[1:], a.strong)
            for a in attributions(sentence.text)
        ]
        named = [a for a in named if a.name]
        sentence_date = as_of(sentence.text, year, published or date)
        sentence_kind: list[str | None] = []  # kind_of(sentence.text), read once if needed
        previous: FactDate | None = None  # the date of the sentence's figure before
        for i, fig in enumerate(found):
            window = sentence.text[found[i - 1].end if i else 0 : found[i + 1].start if i + 1 < len(found) else None]
            kind = kind_of(window)
            if kind is None:
                sentence_kind = sentence_kind or [kind_of(sentence.text)]
                kind = sentence_kind[0]
            who = _nearest(named, fig) or last_source.get(sentence.paragraph) or source
            when = (read_date(fig.when, year, published or date) if fig.when else None) or sentence_date
            when = when or published or date
            if fig.earlier is not None:  # "1,420 a year earlier": before the figure it is compared with
                base = previous if previous is not None else when
                when = _earlier(base, *fig.earlier) if base is not None else None
            previous = when
            candidate = Candidate(
                value=fig.interval.value,
                low=fig.interval.low,
                high=fig.interval.high,
                qualifier=fig.interval.qualifier,
                display=fig.display,
                noun=fig.noun,
                sentence=sentence.text,
                date=when.iso if when else None,
                date_precision=when.precision if when else None,
                source=who,
                metric=None,
                kind=kind,
            )
            slug, why = match_metric(fig.noun, kind, metrics)
            candidate = replace(candidate, metric=slug, unmapped=why)
            key = (candidate.value, candidate.qualifier, candidate.noun, candidate.date, candidate.source)
            if key not in seen:  # a figure repeated (headline, summary, bullet) is listed once
                seen.add(key)
                out.candidates.append(candidate)
        if named:
            last_source[sentence.paragraph] = last_named = max(named, key=lambda a: (a.strong, a.start)).name
    return out


def _nearest(named: Sequence[Attribution], fig: Figure) -> str | None:
    """Who gave this figure: the nearest "said"/"according to" in the sentence, else the
    nearest "counted"/"documented"."""
    for strong in (True, False):
        pool = [a for a in named if a.strong is strong]
        if pool:
            return min(pool, key=lambda a: min(abs(a.start - fig.end), abs(fig.start - a.end))).name
    return None


# --- storing -------------------------------------------------------------------------------


@dataclass
class Stored:
    added: list[Fact] = field(default_factory=list)
    present: list[Fact] = field(default_factory=list)  # identical facts stored before
    notices: list[str] = field(default_factory=list)


def why_not_addable(c: Candidate) -> str | None:
    if c.metric is None:
        return c.unmapped or "no metric matches its noun"
    if c.date is None:
        return "no date (give --date)"
    if c.source is None:
        return "no source (give --source)"
    return None


def split_addable(candidates: Sequence[Candidate]) -> tuple[list[Candidate], list[str]]:
    """The candidates that can be stored, and for each other one what it lacks."""
    addable: list[Candidate] = []
    left: list[str] = []
    for c in candidates:
        reason = why_not_addable(c)
        if reason is None:
            addable.append(c)
        else:
            left.append(f"{describe(c)}: {reason}")
    return addable, left


def add_candidates(store: Store, candidates: Sequence[Candidate]) -> Stored:
    """Store candidates (each with a metric, a date and a source) as facts, the sentence as
    quote, in one transaction; a fact identical to one stored already is not added again."""
    from . import service

    result = Stored()
    news = [
        service.read_fact(c.metric or "", c.display, c.date or "", c.source or "", quote=c.sentence) for c in candidates
    ]
    with store.transaction():
        for new in news:
            fact, created = service.store_fact(store, new, strict=False, notices=result.notices)
            (result.added if created else result.present).append(fact)
    return result


def describe(c: Candidate) -> str:
    return " ".join(p for p in (c.display, c.noun or "") if p)
