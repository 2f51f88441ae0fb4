"""The use cases of pptrack: add, list, edit and keep history of facts; metrics and sources.

Functions here take a Store, return models and notices, and never print.

No `from __future__ import annotations`: the fields of a NamedTuple written as text are each
compiled when the class is made (typing's ForwardRef), 35 of them here, 0.8 ms of every
command's start. Only Fact, which is made on first use (see models), is named as text.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import BadInput, NotFound
from .models import KINDS, FactDate, Interval, Metric, Source
from .names import clean_name, close_matches, did_you_mean, name_key, slugify
from .store import FactFilter, Store

if TYPE_CHECKING:
    from .models import Fact

# Start-up: the records here are NamedTuples (see models), and parsing (dates, values) is
# imported by the use cases that read what the user wrote: a listing never loads it.


def now() -> str:
    return utc_stamp(datetime.now(UTC))


def utc_stamp(moment: datetime) -> str:
    """A time as pptrack stores it: UTC to the microsecond, 2025-09-12T10:00:00.000000Z, so
    that stored times sort as text in the order they happened. A time without offset is
    taken as UTC."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def stored_time(text: str) -> str | None:
    """An ISO time (or date: its midnight) as pptrack stores times (utc_stamp), None if it is
    not one: 2025-09-12T13:00:00+03:00 is stored as 2025-09-12T10:00:00.000000Z."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if len(text) == 27 and text[10] == "T" and text[19] == "." and text[26] == "Z":
        return text  # as pptrack writes it (an export's): kept, without writing it again
    try:
        return utc_stamp(moment)
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the calendar in UTC
        return None


def time_order_problems(created: str | None, updated: str | None, removed: str | None) -> list[tuple[str, str]]:
    """The problems with a row's times (each as stored, or None when not given): a fact is
    changed and removed after it was recorded, and those times need the first."""
    if created is None:
        given = [c for c, t in (("updated_at", updated), ("removed_at", removed)) if t is not None]
        if given:
            return [("created_at", f"empty, but {' and '.join(given)} given; give the time the fact was recorded too")]
        return []
    return [
        (column, f"{at} is before created_at {created}; a fact is changed or removed only after it is recorded")
        for column, at in (("updated_at", updated), ("removed_at", removed))
        if at is not None and at < created
    ]


class Outcome(NamedTuple):
    """What a use case did: the facts it touched and what the user should be told."""

    facts: list["Fact"]
    notices: list[str]
    created: bool = True


# --- names -------------------------------------------------------------------


def _resolve(
    store: Store,
    name: str,
    *,
    table: str,
    create: bool,
    strict: bool = False,
    notices: list[str] | None = None,
    suggest: bool = True,
) -> int:
    """The id of the metric or source (`table`) that `name` answers to; create it (with a
    notice) if allowed. The notice names close matches if `suggest` (an import shows the
    first 20 notices and counts the rest)."""
    key = name_key(name)
    if not key:
        clean_name(name, table)  # refused as bad input: no name answers to it
    row = store.find_name(table, key)
    if row is not None:
        return int(row["id"])
    # A reading command on a database that does not exist yet: no facts, of any name. (A dry
    # run of an import into one creates, and says what it would create, as the import would.)
    if store.absent and not create:
        create, notices = True, None
    matches = close_matches(name, store.all_names(table)) if suggest or not create or strict else []
    if not create or strict:
        add = f"pptrack metrics add {slugify(name)}" if table == "metric" else f"pptrack sources add {name!r}"
        hint = f"; add it first with `{add}`" if strict else ""
        error = BadInput if strict else NotFound
        raise error(f"unknown {table} {name!r}{did_you_mean(matches)}{hint}")
    if table == "metric":
        shown = slugify(clean_name(name, "metric"))
        owner = _create_metric(store, shown, label=clean_name(name, "metric"), unit=None, kind="stock")
    else:
        shown = clean_name(name, "source")
        owner = _create_source(store, shown, url=None)
    if notices is not None:
        notices.append(f"new {table} {shown!r} created{did_you_mean(matches)}")
    return owner


resolve_metric = partial(_resolve, table="metric")
resolve_source = partial(_resolve, table="source")


def _create_metric(
    store: Store, slug: str, *, label: str, unit: str | None, kind: str, aliases: Sequence[str] = ()
) -> int:
    if kind not in KINDS:
        raise BadInput(f"unknown kind {kind!r}; accepted: {', '.join(KINDS)}")
    metric_id = store.insert_metric(slug, label, unit, kind, now())
    for name, is_alias in [(slug, False), (label, False), *((a, True) for a in aliases)]:
        _claim_name(store, "metric", name, metric_id, is_alias)
    return metric_id


def _create_source(store: Store, name: str, *, url: str | None, aliases: Sequence[str] = ()) -> int:
    source_id = store.insert_source(name, url, now())
    for alias, is_alias in [(name, False), *((a, True) for a in aliases)]:
        _claim_name(store, "source", alias, source_id, is_alias)
    return source_id


def _claim_name(store: Store, table: str, name: str, owner_id: int, is_alias: bool) -> None:
    cleaned = clean_name(name, table)
    key = name_key(cleaned)
    owner = store.name_owner(table, key)
    if owner is None:
        store.add_name(table, key, owner_id, cleaned, is_alias)
    elif owner != owner_id:
        raise BadInput(f"the name {cleaned!r} already belongs to another {table}; choose another name")


def list_metrics(store: Store) -> list[Metric]:
    return [
        Metric(r["slug"], r["label"], r["unit"], r["kind"], tuple(aliases), count)
        for r, aliases, count in store.metrics()
    ]


def list_sources(store: Store) -> list[Source]:
    return [Source(r["name"], tuple(aliases), r["url"], count) for r, aliases, count in store.sources()]


def _metric(store: Store, slug: str) -> Metric:
    return next(m for m in list_metrics(store) if m.slug == slug)


def _source(store: Store, name: str) -> Source:
    return next(s for s in list_sources(store) if s.name == name)


class NewNames(NamedTuple):
    """The names of a metric or source to add, checked before the database is opened (a
    name refused there creates no file): its slug or canonical name, label (metrics) and aliases."""

    name: str
    label: str
    aliases: list[str]


def read_names(table: str, name: str, *, label: str | None = None, aliases: Sequence[str] = ()) -> NewNames:
    """The names of a new metric (`table` "metric": its slug from `name`) or source, or BadInput."""
    cleaned = clean_name(name, table)
    first = slugify(cleaned) if table == "metric" else cleaned
    return NewNames(first, clean_name(label or name, table), [clean_name(a, table) for a in aliases])


def add_metric(store: Store, names: NewNames, *, unit: str | None, kind: str) -> Metric:
    slug = names.name
    with store.transaction():
        if store.find_name("metric", name_key(slug)) is not None:
            raise BadInput(f"a metric named {slug!r} exists already; `pptrack metrics list` shows it")
        _create_metric(store, slug, label=names.label, unit=unit, kind=kind, aliases=names.aliases)
    return _metric(store, slug)


def alias_metric(store: Store, name: str, alias: str) -> Metric:
    with store.transaction():
        metric_id = resolve_metric(store, name, create=False)
        _claim_name(store, "metric", alias, metric_id, True)
        slug = store.metric_slug(metric_id)
    return _metric(store, slug)


def rename_metric(store: Store, old: str, new: str) -> tuple[Metric, list[str]]:
    """Give a metric a new slug; the old slug stays as an alias so scripts keep working.
    Each of its facts gets an 'edited' version naming the new slug (as a merge of sources
    records each fact it moves): its history reads the name it had at each time. A rename
    to the slug it has changes nothing (and says so)."""
    new_slug = slugify(clean_name(new, "metric"))
    with store.transaction():
        metric_id = resolve_metric(store, old, create=False)
        owner = store.name_owner("metric", name_key(new_slug))
        if owner is not None and owner != metric_id:
            raise BadInput(f"the name {new_slug!r} already belongs to another metric")
        old_slug = store.metric_slug(metric_id)
        if new_slug == old_slug:
            return _metric(store, old_slug), [f"metric {old_slug!r} is named so already; nothing changed"]
        store.update_metric(metric_id, slug=new_slug)
        store.make_alias("metric", metric_id, old_slug)
        if owner is None:
            store.add_name("metric", name_key(new_slug), metric_id, new_slug, False)
        else:  # an alias of its own (a slug it had), or its slug: its slug now, no longer an alias
            store.make_own_name("metric", name_key(new_slug), new_slug)
        store.add_versions_now(now(), metric_id=metric_id)
    return _metric(store, new_slug), []


def add_source(store: Store, names: NewNames, *, url: str | None) -> Source:
    cleaned = names.name
    with store.transaction():
        if store.find_name("source", name_key(cleaned)) is not None:
            raise BadInput(f"a source named {cleaned!r} exists already; `pptrack sources list` shows it")
        _create_source(store, cleaned, url=url, aliases=names.aliases)
    return _source(store, cleaned)


def alias_source(store: Store, name: str, alias: str) -> Source:
    with store.transaction():
        source_id = resolve_source(store, name, create=False)
        _claim_name(store, "source", alias, source_id, True)
        canonical = store.source_name(source_id)
    return _source(store, canonical)


def merge_sources(store: Store, keep: str, other: str) -> tuple[Source, int, list[str]]:
    """Move OTHER's facts to KEEP; OTHER's names become KEEP's aliases, and its web address
    KEEP's where KEEP has none. Each moved fact gets an 'edited' version, so the merge can be
    read back in its history. The notices say what of OTHER was not kept (a second address)."""
    with store.transaction():
        keep_id = resolve_source(store, keep, create=False)
        other_id = resolve_source(store, other, create=False)
        if keep_id == other_id:
            raise BadInput(f"{keep!r} and {other!r} are the same source already")
        notices: list[str] = []
        other_name = store.source_name(other_id)
        if name_key(other) != name_key(other_name):  # "Vjasna", an alias: all of Viasna moves
            notices.append(f"{other!r} is an alias of {other_name!r}: all of {other_name!r} was merged")
        kept_url, other_url = store.source_url(keep_id), store.source_url(other_id)
        if kept_url and other_url and kept_url != other_url:
            notices.append(f"{other_name!r} had the url {other_url}; the merged source keeps {kept_url}")
        moved, unvia = store.move_source(other_id, keep_id)
        store.add_versions_now(now(), ids=moved)
        canonical = store.source_name(keep_id)
        if unvia:
            ids = ", ".join(f"#{i}" for i in unvia)
            notices.append(f"fact(s) {ids}: {canonical!r} is now source and via at once; stored without via")
        notices += _twin_notices(store, moved)
    return _source(store, canonical), len(moved), notices


# --- facts -------------------------------------------------------------------


def read_tags(tags: Sequence[str]) -> list[str]:
    out: list[str] = []
    for tag in tags:
        tag = tag.strip()
        if ";" in tag:
            raise BadInput(f"the tag {tag!r} has a ';', which separates tags in CSV; write one tag per --tag")
        if tag and tag not in out:
            out.append(tag)
    return out


def _value_fields(interval: Interval, written: str) -> dict[str, Any]:
    return {
        "value": interval.value,
        "low": interval.low,
        "high": interval.high,
        "qualifier": interval.qualifier,
        "display": " ".join(written.split()),
    }


def _date_fields(d: FactDate) -> dict[str, Any]:
    from .dates import precision_rank

    return {
        "date": d.iso,
        "date_precision": d.precision,
        "date_start": d.start.isoformat(),
        "date_end": d.end.isoformat(),
        "date_rank": precision_rank(d.precision),
    }


def _optional_text(value: str | None) -> str | None:
    return value if value else None


class NewFact(NamedTuple):
    """A fact as the user wrote it, checked but not yet stored."""

    metric: str
    interval: Interval
    display: str
    date: FactDate
    source: str
    via: str | None = None
    url: str | None = None
    quote: str | None = None
    note: str | None = None
    tags: Sequence[str] = ()
    published: str | None = None
    uid: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


def read_fact(
    metric: str,
    value: str,
    date: str,
    source: str,
    *,
    via: str | None = None,
    url: str | None = None,
    quote: str | None = None,
    note: str | None = None,
    tags: Sequence[str] = (),
    published: str | None = None,
    dayfirst: bool | None = None,
) -> NewFact:
    """Parse everything the user wrote; raise BadInput before anything is written."""
    from .dates import parse_date
    from .values import parse_value

    clean_name(metric, "metric")
    clean_name(source, "source")
    if via:
        clean_name(via, "source")
    return NewFact(
        metric=metric,
        interval=parse_value(value),
        display=value,
        date=parse_date(date, dayfirst=dayfirst),
        source=source,
        via=via or None,
        url=_optional_text(url),
        quote=_optional_text(quote),
        note=_optional_text(note),
        tags=read_tags(tags),
        published=_published(published, dayfirst) if published else None,
    )


def _via_is_source(via: str, source: str) -> str:
    who = "which names who published another's figure"
    return f"via {via!r} is the source itself ({source!r}): stored without via, {who}"


def store_fact(store: Store, new: NewFact, *, strict: bool, notices: list[str]) -> tuple["Fact", bool]:
    """Insert a checked fact inside the caller's transaction; an identical live fact
    is returned instead of a second copy. Returns (fact, created)."""
    import uuid  # here, not at the top: 2 ms of the start of every command that reads through the service

    metric_id = resolve_metric(store, new.metric, create=True, strict=strict, notices=notices)
    source_id = resolve_source(store, new.source, create=True, strict=strict, notices=notices)
    via_id = resolve_source(store, new.via, create=True, strict=strict, notices=notices) if new.via else None
    if via_id == source_id:
        via_id = None
        notices.append(_via_is_source(new.via, store.source_name(source_id)))
    stamp = now()
    row: dict[str, Any] = {
        "uid": new.uid or str(uuid.uuid4()),
        "metric_id": metric_id,
        **_value_fields(new.interval, new.display),
        **_date_fields(new.date),
        "published": new.published,
        "source_id": source_id,
        "via_id": via_id,
        "url": new.url,
        "quote": new.quote,
        "note": new.note,
        "tags": _tags_json(new.tags),
        "created_at": new.created_at or stamp,
        "updated_at": new.updated_at or stamp,
    }
    existing = store.find_identical(row)
    if existing is not None:
        return store.get_fact(existing), False
    fact_id = store.insert_fact(row)  # its history, until it changes, is the fact itself: see store
    return store.get_fact(fact_id), True


def _tags_json(tags: Sequence[str]) -> str:
    import json

    return json.dumps(list(tags), ensure_ascii=False)


def add_fact(store: Store, new: NewFact, *, strict: bool = False) -> Outcome:
    notices: list[str] = []
    with store.transaction():
        fact, created = store_fact(store, new, strict=strict, notices=notices)
    if created:
        notices += _published_before(fact)
    else:
        notices.append(f"an identical fact is stored already as #{fact.id}; nothing added")
    return Outcome([fact], notices, created)


def _published_before(fact: "Fact") -> list[str]:
    """A notice where the report came out before the date its figure was true: stored as
    given (a forecast is one), but more often a --date and --published swapped."""
    from .dates import parse_date

    if fact.published is None or parse_date(fact.published).end >= parse_date(fact.date).start:
        return []
    return [
        f"fact #{fact.id} was published {fact.published}, before its date {fact.date}:"
        " --published is when the report came out, --date when the figure was true"
    ]


def parse_fact_id(text: str) -> int:
    try:
        fact_id = int(text)
    except ValueError:
        raise BadInput(f"{text!r} is not a fact id; give the number `pptrack list` shows, e.g. 12") from None
    if not 1 <= fact_id <= _MOST:
        raise BadInput(f"{text!r} is not a fact id; ids are whole numbers from 1 to {_MOST}")
    return fact_id


def get_fact(store: Store, fact_id: int) -> "Fact":
    return store.get_fact(fact_id)


class ListQuery(NamedTuple):
    metric: str | None = None
    sources: Sequence[str] = ()
    via: str | None = None
    since: str | None = None
    until: str | None = None
    tag: str | None = None
    limit: int | None = None
    dayfirst: bool | None = None  # how to read --since/--until like 03/04/2025


_MOST = 2**63 - 1  # the largest integer SQLite holds (a larger --limit was an internal error)


def fact_filter(store: Store, q: ListQuery, *, newest_first: bool) -> FactFilter:
    """Turn what the user wrote into a filter; unknown names fail with close matches."""
    if q.limit is not None and not 0 <= q.limit <= _MOST:
        raise BadInput(f"--limit must be a whole number from 0 to {_MOST}, not {q.limit}")
    # An option given empty (--metric=, --since '') is refused as a name or date, not taken as absent.
    metric_id = resolve_metric(store, q.metric, create=False) if q.metric is not None else None
    source_ids = [resolve_source(store, s, create=False) for s in q.sources]
    via_id = resolve_source(store, q.via, create=False) if q.via is not None else None
    since = until = None
    if q.since is not None or q.until is not None:  # dates are parsed (and their module imported) only when given
        from .dates import parse_date

        since = parse_date(q.since, dayfirst=q.dayfirst).start.isoformat() if q.since is not None else None
        until = parse_date(q.until, dayfirst=q.dayfirst).end.isoformat() if q.until is not None else None
    return FactFilter(
        metric_id=metric_id,
        source_ids=source_ids,
        via_id=via_id,
        since=since,
        until=until,
        tag=q.tag,
        limit=q.limit,
        newest_first=newest_first,
    )


def list_fact_table(store: Store, q: ListQuery) -> list[list[Any]]:
    """The table of a listing, column by column (see Store.fact_table): a listing builds no Fact."""
    return store.fact_table(fact_filter(store, q, newest_first=True))


def list_fact_lines(store: Store, q: ListQuery, fmt: str) -> list[tuple[str | None, int]]:
    """The facts of a listing as (line, id), each line as `fmt` (json, jsonl, csv, tsv)
    gives the fact, made by SQLite (see Store.fact_lines): a listing builds no Fact."""
    return store.fact_lines(fact_filter(store, q, newest_first=True), fmt)


def list_fact_block(store: Store, q: ListQuery, fmt: str) -> tuple[bytes, int] | None:
    """The lines of `list_fact_lines` joined into one UTF-8 text by SQLite, and how many; None
    if Python must write a line (see Store.fact_block)."""
    return store.fact_block(fact_filter(store, q, newest_first=True), fmt)


def facts_by_id(store: Store, ids: Sequence[int]) -> dict[int, "Fact"]:
    return store.facts_by_id(ids)


class Changes(NamedTuple):
    """An edit: None leaves a field alone; "" clears a text field."""

    value: str | None = None
    metric: str | None = None
    date: str | None = None
    source: str | None = None
    via: str | None = None
    url: str | None = None
    quote: str | None = None
    note: str | None = None
    tags: list[str] | None = None
    published: str | None = None

    def empty(self) -> bool:
        return all(v is None for v in self)


def _published(written: str, dayfirst: bool | None) -> str:
    """--published as stored; an error names the option (beside --date, "cannot read date"
    alone did not say which)."""
    from .dates import parse_date

    try:
        return parse_date(written, dayfirst=dayfirst).iso
    except BadInput as e:
        raise BadInput(f"--published: {e.message}") from None


def edit_fact(
    store: Store, fact_id: int, ch: Changes, *, strict: bool = False, dayfirst: bool | None = None
) -> Outcome:
    if ch.empty():
        raise BadInput(
            "nothing to change: give at least one of --value, --metric, --date, --source, "
            "--via, --url, --quote, --note, --tag, --published"
        )
    from .dates import parse_date
    from .values import parse_value

    fields: dict[str, Any] = {}
    if ch.value is not None:
        fields.update(_value_fields(parse_value(ch.value), ch.value))
    if ch.date is not None:
        fields.update(_date_fields(parse_date(ch.date, dayfirst=dayfirst)))
    if ch.published is not None:
        fields["published"] = _published(ch.published, dayfirst) if ch.published else None
    for name in ("url", "quote", "note"):
        if getattr(ch, name) is not None:
            fields[name] = _optional_text(getattr(ch, name))
    if ch.tags is not None:
        fields["tags"] = _tags_json(read_tags(ch.tags))
    notices: list[str] = []
    with store.transaction():
        before = store.get_fact(fact_id)
        if before.removed:
            notices.append(f"fact #{fact_id} is removed; `pptrack restore {fact_id}` brings it back")
        if ch.metric is not None:
            fields["metric_id"] = resolve_metric(store, ch.metric, create=True, strict=strict, notices=notices)
        if ch.source is not None:
            fields["source_id"] = resolve_source(store, ch.source, create=True, strict=strict, notices=notices)
        if ch.via is not None:
            fields["via_id"] = (
                resolve_source(store, ch.via, create=True, strict=strict, notices=notices) if ch.via else None
            )
        current = store.fact_row(fact_id)
        via_id = fields.get("via_id", current["via_id"])
        source_id = fields.get("source_id", current["source_id"])
        if via_id == source_id:
            fields["via_id"] = None
            source = store.source_name(source_id)
            notices.append(_via_is_source(ch.via or source, source))  # as written, where --via was
        if all(current[k] == v for k, v in fields.items()):
            notices.append(f"fact #{fact_id} already reads so; nothing changed")
            return Outcome([before], notices, created=False)
        fields["updated_at"] = now()
        store.update_fact(fact_id, fields)
        after = store.get_fact(fact_id)
        store.add_version(fact_id, "edited", fields["updated_at"], after.to_dict())
        notices += _twin_notices(store, [fact_id])
        if "published" in fields or "date" in fields:
            notices += _published_before(after)
    return Outcome([after], notices, created=False)


def _twin_notices(store: Store, ids: Sequence[int]) -> list[str]:
    """A notice for each fact of `ids` now the same fact as another live one (as `add` would
    refuse it): a merge of a misspelled source often finds the same report entered twice."""
    return [
        f"fact #{later} is now the same fact as #{earlier} (metric, source, via, date and value);"
        f" `pptrack rm {later}` takes it out if they are one report"
        for earlier, later in store.twins(ids)
    ]


def remove_fact(store: Store, fact_id: int) -> Outcome:
    return _set_removed(store, fact_id, removed=True)


def restore_fact(store: Store, fact_id: int) -> Outcome:
    return _set_removed(store, fact_id, removed=False)


def _set_removed(store: Store, fact_id: int, *, removed: bool) -> Outcome:
    with store.transaction():
        fact = store.get_fact(fact_id)
        if fact.removed == removed:
            state = "removed already" if removed else "not removed"
            raise NotFound(f"fact #{fact_id} is {state}; nothing changed")
        stamp = now()
        store.update_fact(fact_id, {"removed_at": stamp if removed else None, "updated_at": stamp})
        after = store.get_fact(fact_id)
        store.add_version(fact_id, "removed" if removed else "restored", stamp, after.to_dict())
        twins = [] if removed else _twin_notices(store, [fact_id])
    verb = "removed" if removed else "restored"
    hint = f"; `pptrack restore {fact_id}` brings it back" if removed else ""
    return Outcome(facts=[after], notices=[f"fact #{fact_id} {verb}{hint}", *twins], created=False)


def history(store: Store, fact_id: int) -> list[dict[str, Any]]:
    """Every version of a fact, oldest first: the fact as it was, with version, time and change."""
    import json

    store.fact_row(fact_id)  # NotFound for an unknown id
    return [
        {**json.loads(r["data"]), "version": r["version"], "changed_at": r["changed_at"], "change": r["change"]}
        for r in store.versions(fact_id)
    ]
