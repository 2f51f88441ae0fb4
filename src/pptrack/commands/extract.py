"""`pptrack extract`: the figures in an article as candidates, to read, review or add as facts."""

# No `from __future__ import annotations`: Typer would compile and evaluate the
# signatures twice a run (see commands/facts.py).
import sys
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from .options import DayFirst, DbOption, Format, FormatOption, MonthFirst, day_order, opened, tell

if TYPE_CHECKING:
    from ..extract import Candidate
    from ..models import Metric


def extract(
    file: Annotated[str, typer.Argument(help="The article as a UTF-8 text file, or - for stdin.")],
    date: Annotated[
        Optional[str],
        typer.Option("--date", help="As-of date where the text gives none; also the year of a dateline without one."),
    ] = None,
    source: Annotated[Optional[str], typer.Option("--source", help="Who counted, where the text does not say.")] = None,
    add: Annotated[
        bool, typer.Option("--add", help="Store the candidates that match a metric as facts, the sentence as quote.")
    ] = False,
    review: Annotated[
        bool,
        typer.Option("--review", help="Ask for each candidate: accept, skip or change metric; store those accepted."),
    ] = False,
    dayfirst: DayFirst = False,
    monthfirst: MonthFirst = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Find the figures in an article: value, qualifier, noun, as-of date and who said it."""
    from .. import extract as ex
    from .. import service
    from ..dates import parse_date
    from ..errors import BadInput
    from ..names import clean_name

    order = day_order(dayfirst, monthfirst)
    fallback_date = parse_date(date, dayfirst=order) if date is not None else None
    if source is not None:
        source = clean_name(source, "source")
    if review and file == "-":
        raise BadInput("--review reads your answers from stdin, so the article must be a file, not -")
    text = ex.decode_article(_read(file), "stdin" if file == "-" else repr(file))
    with opened(db, write=False) as store:
        metrics = service.list_metrics(store)
    found = ex.extract(text, date=fallback_date, source=source, metrics=metrics).candidates
    if review:
        chosen, skipped = _review(found, metrics)
    else:
        chosen, skipped = found, []
    _write_candidates(found, fmt)
    if add or review:
        addable, left = ex.split_addable(chosen)
        stored = ex.Stored()
        if addable:
            with opened(db, write=True) as store:
                stored = ex.add_candidates(store, addable)
        tell(stored.notices)
        tell([_summary(stored, len(left) + len(skipped))])
        tell([f"left {line}" for line in left])
        tell([f"left {ex.describe(c)}: skipped" for c in skipped])


def _read(file: str) -> bytes:
    from ..errors import BadInput

    if file == "-":
        stream = getattr(sys.stdin, "buffer", None)
        return stream.read() if stream is not None else sys.stdin.read().encode("utf-8")
    try:
        with open(file, "rb") as f:
            return f.read()
    except OSError as e:
        raise BadInput(f"cannot read {file!r}: {e.strerror or e}; give a text file or - for stdin") from None


def _write_candidates(found: "list[Candidate]", fmt: Format) -> None:
    from ..extract import CANDIDATE_FIELDS
    from ..render import col, write_records

    if not found and fmt is Format.table:
        tell(["no figures found"])
        return
    columns = [
        col("date"),
        col("value", "display", right=True),
        col("noun", wide=True),
        col("source", wide=True),
        col("metric", fold_last=True),
        col("sentence", wide=True),
    ]
    write_records([c.to_dict() for c in found], fmt.value, columns, fields=CANDIDATE_FIELDS)


def _summary(stored: Any, left: int) -> str:
    added = ", ".join(f"#{f.id}" for f in stored.added)
    text = f"added {len(stored.added)} fact(s)" + (f" ({added})" if added else "")
    if stored.present:
        text += f"; {len(stored.present)} stored already ({', '.join(f'#{f.id}' for f in stored.present)})"
    return text + f"; {left} left"


def _review(found: "list[Candidate]", metrics: "list[Metric]") -> "tuple[list[Candidate], list[Candidate]]":
    """Ask for each candidate: accept (a), skip (s) or change its metric (m) to one that exists
    (an empty answer skips it). Answers come from stdin; when it runs out, the candidates not
    yet answered are skipped."""
    from dataclasses import replace

    from rich.prompt import Prompt
    from rich.text import Text

    from ..names import name_key
    from ..render import console, safe_text

    slugs = {name_key(n): m.slug for m in metrics for n in (m.slug, m.label, *m.aliases)}
    known = ", ".join(m.slug for m in metrics) or "none yet"
    err = console(stderr=True)
    chosen: list[Candidate] = []
    skipped: list[Candidate] = []
    for i, c in enumerate(found):
        where = f"{c.date or 'no date'}, {c.source or 'no source'}, metric {c.metric or '-'}"
        err.print(Text(safe_text(f"[{i + 1}/{len(found)}] {c.display} {c.noun or ''} ({where})")))
        err.print(Text(safe_text(f"    {c.sentence}")))
        try:
            answer = Prompt.ask(
                Text("accept, skip or change metric"),
                choices=["a", "s", "m"],
                default="a" if c.metric else "s",
                console=err,
            )
            while answer == "m":
                name = Prompt.ask(Text("metric (empty to skip)"), console=err)
                if not name.strip():
                    answer = "s"
                elif name_key(name) in slugs:
                    c, answer = replace(c, metric=slugs[name_key(name)]), "a"
                else:
                    hint = "add it first with `pptrack metrics add NAME --kind stock|cumulative|flow`"
                    err.print(Text(safe_text(f"unknown metric {name!r}; known: {known}; {hint}")))
        except EOFError:
            tell(["no more answers on stdin: the remaining candidates are skipped"])
            skipped.extend(found[i:])
            break
        (chosen if answer == "a" else skipped).append(c)
    return chosen, skipped
