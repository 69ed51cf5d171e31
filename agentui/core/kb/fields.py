"""Typed validation of front-matter fields, catching YAML's silent conversions (`no`, `0123`)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from unicodedata import normalize

from agentui.core.kb import fastpath
from agentui.core.kb.frontmatter import Field, UnreadableValue, implicit_resolvers
from agentui.core.kb.limits import MAX_PROBLEMS_PER_FILE, SHORTEST_LIMIT, quoted, tidy, within_limits
from agentui.core.kb.model import EntryType, Problem
from agentui.core.operators import OPERATORS

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CHANNELS = ("online", "offline", "phone")
REQUIRED = ("id", "type", "title")
CONTACT_ONLY = ("phones", "apps", "website")


class FieldError(Exception):
    pass


def clean_text(value: str) -> str:
    return normalize("NFC", value).strip()


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"number {value}"
    if value is None:
        return "nothing (null)"
    if isinstance(value, datetime):
        return f"date and time {value.isoformat(' ')}"
    if isinstance(value, date):
        return f"date {value.isoformat()}"
    return type(value).__name__


def as_text(field: Field) -> str:
    value = field.python()
    if not isinstance(value, str):
        raw = field.text()
        hint = f'; if you meant the text, quote it: {field.key}: "{quoted(raw)}"' if raw else ""
        raise FieldError(f"'{field.key}' must be text, but YAML read {_describe(value)}{hint}")
    return clean_text(value)


def as_text_list(field: Field) -> tuple[str, ...]:
    if field.node is None and isinstance(field.value, list):
        # The fast path's lists hold only text, so the first problem can only be an empty item.
        items = [normalize("NFC", value).strip() for value in field.value]
        if "" in items:
            raise FieldError(f"'{field.key}' has an empty item")
        return tuple(dict.fromkeys(items))
    if field.is_empty():
        return ()
    if not field.is_list():
        raise FieldError(f"'{field.key}' must be a list, e.g. {field.key}: [a, b]")
    items = []
    for value, raw in field.items():
        if not isinstance(value, str):
            hint = f'; quote it: "{quoted(raw)}"' if raw else ""
            raise FieldError(f"'{field.key}' items must be text, but YAML read {_describe(value)}{hint}")
        text = clean_text(value)
        if not text:
            raise FieldError(f"'{field.key}' has an empty item")
        items.append(text)
    return tuple(dict.fromkeys(items))


def as_date(field: Field) -> date:
    value = field.python()
    if isinstance(value, date) and not isinstance(value, datetime):  # a time of day is not a date
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise FieldError(f"'{field.key}' must be a date like 2025-05-13, but YAML read {_describe(value)}")


def as_sources(field: Field) -> tuple[str, ...]:
    if field.is_list():
        return as_text_list(field)
    return (as_text(field),)


def _identifier(field: Field) -> str:
    value = as_text(field)
    if not ID_PATTERN.match(value):
        raise FieldError(f"id '{quoted(value)}' must be lowercase letters, digits and single hyphens ([a-z0-9-]+)")
    return value


def _entry_type(field: Field) -> EntryType:
    value = as_text(field)
    try:
        return EntryType(value)
    except ValueError:
        allowed = " | ".join(t.value for t in EntryType)
        raise FieldError(f"unknown type '{quoted(value)}': use one of {allowed}") from None


def _channel(field: Field) -> str:
    value = as_text(field)
    if value not in CHANNELS:
        raise FieldError(f"unknown channel '{quoted(value)}': use one of {' | '.join(CHANNELS)}")
    return value


def _operators(field: Field) -> tuple[str, ...]:
    values = tuple([v.casefold() for v in as_text_list(field)])
    for value in values:
        if value not in OPERATORS:
            raise FieldError(f"unknown operator '{quoted(value)}': use ids from {', '.join(OPERATORS)}")
    return values


def _related(field: Field) -> tuple[str, ...]:
    values = as_text_list(field)
    for value in values:
        if not ID_PATTERN.match(value):
            raise FieldError(f"related id '{quoted(value)}' is not a valid id")
    return values


def _non_empty_title(field: Field) -> str:
    value = as_text(field)
    if not value:
        raise FieldError("'title' is empty")
    return value


# Field name -> converter. The keys are the complete set of allowed front-matter fields.
CONVERTERS: dict[str, Callable[[Field], object]] = {
    "id": _identifier,
    "type": _entry_type,
    "title": _non_empty_title,
    "title_en": as_text,
    "aliases": as_text_list,
    "tags": as_text_list,
    "operators": _operators,
    "channel": _channel,
    "related": _related,
    "source": as_sources,
    "verified": as_date,
    "phones": as_text_list,
    "apps": as_text_list,
    "website": as_text,
}


class _NotSimple(Exception):
    """A value `convert_fields` would report a problem about."""


def _simple_text(value: object) -> str:
    if value.__class__ is not str:
        raise _NotSimple
    return normalize("NFC", value).strip()


def _simple_text_list(value: object) -> tuple[str, ...]:
    if value.__class__ is not list:
        raise _NotSimple
    items = [normalize("NFC", item).strip() for item in value]
    if "" in items:
        raise _NotSimple
    return tuple(dict.fromkeys(items))


def _simple_identifier(value: object) -> str:
    text = _simple_text(value)
    if not ID_PATTERN.match(text):
        raise _NotSimple
    return text


def _simple_entry_type(value: object) -> EntryType:
    entry_type = _ENTRY_TYPES.get(_simple_text(value))
    if entry_type is None:
        raise _NotSimple
    return entry_type


def _simple_title(value: object) -> str:
    text = _simple_text(value)
    if not text:
        raise _NotSimple
    return text


def _simple_channel(value: object) -> str:
    text = _simple_text(value)
    if text not in CHANNELS:
        raise _NotSimple
    return text


def _simple_operators(value: object) -> tuple[str, ...]:
    values = tuple([item.casefold() for item in _simple_text_list(value)])
    for item in values:
        if item not in OPERATORS:
            raise _NotSimple
    return values


def _simple_related(value: object) -> tuple[str, ...]:
    values = _simple_text_list(value)
    for item in values:
        if not ID_PATTERN.match(item):
            raise _NotSimple
    return values


def _simple_sources(value: object) -> tuple[str, ...]:
    return _simple_text_list(value) if value.__class__ is list else (_simple_text(value),)


def _simple_date(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if value.__class__ is str:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _NotSimple


_ENTRY_TYPES = {entry_type.value: entry_type for entry_type in EntryType}
# The converters above on the fast path's plain values (see `fastpath.ParsedField`), one per field of
# CONVERTERS, giving its value exactly when it would give no problem.
_SIMPLE_CONVERTERS: dict[str, Callable[[object], object]] = {
    "id": _simple_identifier,
    "type": _simple_entry_type,
    "title": _simple_title,
    "title_en": _simple_text,
    "aliases": _simple_text_list,
    "tags": _simple_text_list,
    "operators": _simple_operators,
    "channel": _simple_channel,
    "related": _simple_related,
    "source": _simple_sources,
    "verified": _simple_date,
    "phones": _simple_text_list,
    "apps": _simple_text_list,
    "website": _simple_text,
}


# Fields whose lines repeat across entries (`type: faq`, `operators: [mts]`): converted once per
# distinct line. Titles, ids, aliases and the like are nearly all distinct, and not remembered.
_REMEMBERED = frozenset({"type", "channel", "operators", "tags", "source", "verified", "apps", "website"})
_REMEMBER_AT_MOST = 1 << 14  # lines, so a KB whose lines are all distinct costs no more
_REMEMBER_LINES_UP_TO = 256  # characters, so 16k remembered lines are at most a few MB


def convert_simple(
    yaml_text: str, first_line: int, seen: dict[str, object], memo: dict[str, tuple[str, object]]
) -> tuple[dict[str, object], dict[str, int]] | None:
    """`convert_fields`' values and each field's file line for front matter of `key: value` lines
    that gives no problem at all (the common case), read without `Field` objects or PyYAML; None
    for any other front matter. `seen` is the fast path's memory, `memo` this function's, both
    kept across the files of one load."""
    values: dict[str, object] = {}
    lines: dict[str, int] = {}
    resolvers = implicit_resolvers()
    for number, line in enumerate(yaml_text.split("\n"), first_line):
        known = memo.get(line)
        if known is None:
            read = fastpath.read_key_line(line, resolvers, seen)
            if read is None:
                return None
            convert = _SIMPLE_CONVERTERS.get(read[0])
            if convert is None:
                return None
            try:
                known = read[0], convert(read[1])
            except _NotSimple:
                return None
            if len(line) > SHORTEST_LIMIT and not within_limits(*known):
                return None  # `convert_fields` cuts the value and says so
            if known[0] in _REMEMBERED and len(memo) < _REMEMBER_AT_MOST and len(line) <= _REMEMBER_LINES_UP_TO:
                memo[line] = known
        key, value = known
        if key in values:  # given twice
            return None
        values[key] = value
        lines[key] = number
    entry_type = values.get("type")
    if entry_type is None or "id" not in values or "title" not in values:
        return None
    if entry_type is EntryType.CONTACT:
        if "phones" not in values or "apps" not in values:
            return None
    elif "phones" in values or "apps" in values or "website" in values:
        return None
    if "channel" in values and entry_type is not EntryType.PROCEDURE:
        return None
    return values, lines


def convert_fields(path: Path, fields: dict[str, Field]) -> tuple[dict[str, object], list[Problem]]:
    """Typed values of every valid field, and a problem for each invalid or unknown one. Values
    are cleaned of control characters and held to `limits` (each change is a problem too)."""
    values: dict[str, object] = {}
    problems: list[Problem] = []
    for key, field in fields.items():
        converter = CONVERTERS.get(key)
        if converter is None:
            hint = ""
            if len(problems) < MAX_PROBLEMS_PER_FILE and len(key) <= 64:  # past the cap nobody reads it
                close = difflib.get_close_matches(key, list(CONVERTERS), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(Problem(path, field.line, f"unknown field '{quoted(key)}'{hint}"))
            continue
        try:
            value = converter(field)
        except FieldError as error:
            problems.append(Problem(path, field.line, str(error)))
            continue
        except UnreadableValue as error:
            problems.append(Problem(path, field.line, f"'{key}' has a value YAML cannot read: {quoted(error, 200)}"))
            continue
        value, messages = tidy(key, value)
        problems.extend(Problem(path, field.line, message) for message in messages)
        if value is not None:
            values[key] = value
    for key in REQUIRED:
        if key not in fields:
            problems.append(Problem(path, 1, f"required field '{key}' is missing"))
    entry_type = values.get("type")
    if entry_type is not None and entry_type is not EntryType.CONTACT:
        for key in CONTACT_ONLY:
            if key in fields:
                problems.append(Problem(path, fields[key].line, f"'{key}' is only for contact entries"))
                values.pop(key, None)
    if entry_type is EntryType.CONTACT:
        for key in ("phones", "apps"):
            if key not in fields:
                problems.append(Problem(path, 1, f"contact entries need '{key}' (an empty list [] if none is known)"))
    if "channel" in fields and entry_type is not None and entry_type is not EntryType.PROCEDURE:
        problems.append(Problem(path, fields["channel"].line, "'channel' is only for procedures"))
        values.pop("channel", None)
    return values, problems
