"""Names of metrics and sources: slugs, match keys, and "did you mean"."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .errors import BadInput


def _unaccent(text: str) -> str:
    if text.isascii():  # its own decomposition, with no accent to drop
        return text
    import unicodedata  # here, not at the top: a C module (0.2 ms) that ASCII names never need

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_key(name: str) -> str:
    """What two names must share to be the same: case, accents and punctuation ignored."""
    return "".join(c for c in _unaccent(name).casefold() if c.isalnum())


def slugify(name: str) -> str:
    """`Political Prisoners` → `political-prisoners`; `Палітвязні` → `палітвязні`: letters of
    any script are kept (lower-cased, accents dropped), everything else becomes a dash."""
    words = re.split(r"[\W_]+", _unaccent(name).casefold())
    slug = "-".join(w for w in words if w)
    if not slug:
        raise BadInput(
            f"cannot make a slug from {name!r}: a metric name needs letters or digits, e.g. political-prisoners"
        )
    return slug


def clean_name(name: str, what: str) -> str:
    """A name as given, trimmed; refused if it has nothing to match on."""
    cleaned = " ".join(name.split())
    if not name_key(cleaned):
        example = "political-prisoners" if what == "metric" else "Viasna"
        raise BadInput(f"the {what} name {name!r} is empty or only punctuation; write e.g. {example}")
    if len(cleaned) > 200:
        raise BadInput(f"the {what} name is {len(cleaned)} characters long; at most 200 are accepted")
    return cleaned


def close_matches(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Existing names that look like `name`, best first."""
    import difflib  # here, not at the top: 1 ms of every command that looks a name up, needed only for a new one

    by_key: dict[str, str] = {}
    for c in candidates:
        by_key.setdefault(name_key(c), c)
    key = name_key(name)
    found = difflib.get_close_matches(key, list(by_key), n=n, cutoff=0.6)
    # A name that contains the other is close too ("viasna" in "viasnahumanrightscenter"),
    # when the shorter has four characters or more: a source "S" is in nearly every name.
    found += [k for k in by_key if k not in found and _contains(key, k)]
    seen: list[str] = []
    for k in found:
        if by_key[k] not in seen:
            seen.append(by_key[k])
    return seen[:n]


def _contains(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return len(short) >= _CONTAINED and short in long


_CONTAINED = 4


def did_you_mean(matches: list[str]) -> str:
    return f" (did you mean {', '.join(matches)}?)" if matches else ""
