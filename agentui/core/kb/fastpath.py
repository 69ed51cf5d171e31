"""Front matter in the few simple shapes most files use, read without PyYAML's costly node graph."""

from __future__ import annotations

import re
from datetime import date

# Every rule here is deliberately narrower than YAML: a line this module does not fully understand
# makes `parse` return None, and the caller hands the whole file to PyYAML, so YAML's own rules,
# values and error messages stay the only ones that count. tests/core/test_kb_fastpath.py checks
# both paths against each other.

_STR_TAG = "tag:yaml.org,2002:str"
_DATE_TAG = "tag:yaml.org,2002:timestamp"

# Characters outside this set (tabs, controls, NEL, the Unicode line and paragraph separators, a
# BOM, non-characters) either mean something to YAML or make it fail, and bidirectional controls
# are a problem the slow path reports: such files go to PyYAML.
_USUAL_ABOVE_ASCII = (
    "\xa0-\u2027\u202f-\u2065\u206a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
)
_UNUSUAL = re.compile(f"[^\n\x20-\x7e{_USUAL_ABOVE_ASCII}]")
# `key: value`, with a double-quoted value without escapes (the common case) read straight away.
# (Greedy runs that end on a non-space, rather than lazy ones, keep the regexes linear and fast.)
_KEY_LINE = re.compile(r'([A-Za-z_][A-Za-z0-9_]{0,63}):(?: +(?:"([^"\\]*)"|(.*[^ ])))? *')
# _KEY_LINE for a line with no _UNUSUAL character, failing on any other: one match for both checks.
_USUAL_KEY_LINE = re.compile(
    r'([A-Za-z_][A-Za-z0-9_]{0,63}):(?: +(?:"([\x20\x21\x23-\x5b\x5d-\x7e%s]*)"|([\x20-\x7e%s]*[\x21-\x7e%s])))? *'
    % ((_USUAL_ABOVE_ASCII,) * 3)
)
# The same for every line at once, for front matter of key lines only (the common case).
_KEY_LINES = re.compile(r'^([A-Za-z_][A-Za-z0-9_]{0,63}):(?: +(?:("[^"\\\n]*")|(.*[^ \n])))? *$', re.MULTILINE)
_ITEM_LINE = re.compile(r"( *)- +([^ ](?:.*[^ ])?) *")
_DOUBLE = re.compile(r'"((?:[^"\\]|\\["\\])*)"')
_SINGLE = re.compile(r"'((?:[^']|'')*)'")
_ESCAPE = re.compile(r'\\(["\\])')
# A flow list of double-quoted items without escapes (the common case), and such items.
_DOUBLE_LIST = re.compile(r'\[ *"[^"\\]*"(?: *, *"[^"\\]*")* *\]')
_DOUBLE_ITEM = re.compile(r'"([^"\\]*)"')
# One item of any other one-line flow list and the ',' or ']' after it. Plain items exclude every
# character that is special anywhere in a flow collection, and quotes, to leave no doubt.
_FLOW_ITEM = re.compile(
    r""" *(?:"((?:[^"\\]|\\["\\])*)"|'((?:[^']|'')*)'"""
    r"""|([^ ,\[\]{}#:?'"&*!|>%@`\-](?:[^,\[\]{}#:?'"]*[^ ,\[\]{}#:?'"])?)) *([,\]])"""
)
_EMPTY_FLOW = re.compile(r"\[ *\]")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Resolvers = dict[str | None, list[tuple[str, re.Pattern[str]]]]
"""PyYAML's implicit-resolver table: first character (None: any) -> (tag, regex) in order."""
ParsedField = tuple[str, int, object, "str | None"]
"""(key, file line, value, the scalar as written); the value is a str, a date, None for an empty
value, or a list of str."""

_OTHER = object()
"""What `_plain` remembers for a plain scalar YAML reads as neither text nor a plain date."""


class _Declined(Exception):
    """Something outside the simple shapes: the file goes to PyYAML."""


def parse(yaml_text: str, first_line: int, resolvers: Resolvers, seen: dict[str, object]) -> list[ParsedField] | None:
    """The fields of simple front matter starting on file line `first_line`, or None to let PyYAML
    read it. `resolvers` is the loader's implicit-resolver table, so a plain scalar is typed by
    YAML's own regexes; `seen` remembers typed plain scalars across a load, which also gives every
    file one shared `date` per day and one shared str per such value."""
    if _UNUSUAL.search(yaml_text) is not None:
        return None
    try:
        found = _KEY_LINES.findall(yaml_text)
        if len(found) == yaml_text.count("\n") + 1:
            return _key_lines(found, first_line, resolvers, seen)
        return _parse(yaml_text.split("\n"), first_line, resolvers, seen)
    except _Declined:
        return None


def read_key_line(line: str, resolvers: Resolvers, seen: dict[str, object]) -> tuple[str, object] | None:
    """(key, value) of one `key: value` line as `parse` reads it in front matter of such lines
    only; None for any other line, or a value `parse` would leave to PyYAML."""
    match = _USUAL_KEY_LINE.fullmatch(line)
    if match is None:
        return None
    key, double, text = match.groups()
    if double is not None:
        return key, double
    if not text:
        return key, None
    try:
        return key, (_flow_list(text, resolvers, seen) if text[0] == "[" else _scalar(text, resolvers, seen))
    except _Declined:
        return None


def _key_lines(found: list[tuple[str, str, str]], first_line: int, resolvers: Resolvers,
               seen: dict[str, object]) -> list[ParsedField]:
    """`_parse` for front matter whose every line matched _KEY_LINES (so no lists below a key)."""
    fields: list[ParsedField] = []
    for line_number, (key, double, text) in enumerate(found, first_line):
        if double:
            double = double[1:-1]
            fields.append((key, line_number, double, double))
        elif not text:
            fields.append((key, line_number, None, ""))
        elif text[0] == "[":
            fields.append((key, line_number, _flow_list(text, resolvers, seen), None))
        else:
            value = _scalar(text, resolvers, seen)
            fields.append((key, line_number, value, value if isinstance(value, str) else text))
    return fields


def _parse(
    lines: list[str], first_line: int, resolvers: Resolvers, seen: dict[str, object]
) -> list[ParsedField] | None:
    fields: list[ParsedField] = []
    open_key = ""  # a `key:` with nothing after it yet
    open_line = 0
    items: list[str] | None = None  # the block list under open_key, once it has items
    indent = 0
    for line_number, line in enumerate(lines, first_line):
        if line.startswith((" ", "-")):
            match = _ITEM_LINE.fullmatch(line)
            if match is None or not open_key or (items is not None and len(match.group(1)) != indent):
                return None
            if items is None:
                items, indent = [], len(match.group(1))
            value = _scalar(match.group(2), resolvers, seen)
            if not isinstance(value, str):
                return None
            items.append(value)
            continue
        if open_key:
            fields.append((open_key, open_line, items, None) if items is not None else (open_key, open_line, None, ""))
            open_key, items = "", None
        if not line:
            continue
        match = _KEY_LINE.fullmatch(line)
        if match is None:
            return None
        key, double, text = match.groups()
        if double is not None:
            fields.append((key, line_number, double, double))
        elif not text:
            open_key, open_line = key, line_number
        elif text[0] == "[":
            fields.append((key, line_number, _flow_list(text, resolvers, seen), None))
        else:
            value = _scalar(text, resolvers, seen)
            fields.append((key, line_number, value, value if isinstance(value, str) else text))
    if open_key:
        fields.append((open_key, open_line, items, None) if items is not None else (open_key, open_line, None, ""))
    return fields or None


def _scalar(text: str, resolvers: Resolvers, seen: dict[str, object]) -> object:
    """A one-line scalar in block context, if it is text or a plain date."""
    first = text[0]
    if first == '"':
        match = _DOUBLE.fullmatch(text)
        if match is None:
            raise _Declined
        value = match.group(1)
        return _ESCAPE.sub(r"\1", value) if "\\" in value else value
    if first == "'":
        match = _SINGLE.fullmatch(text)
        if match is None:
            raise _Declined
        return match.group(1).replace("''", "'")
    if first in _INDICATORS or ": " in text or " #" in text or text.endswith(":"):
        raise _Declined
    return _plain(text, resolvers, seen)


def _flow_list(text: str, resolvers: Resolvers, seen: dict[str, object]) -> list[str]:
    """The text items of a one-line `[a, "b", 'c']`."""
    if _DOUBLE_LIST.fullmatch(text):
        return _DOUBLE_ITEM.findall(text)
    if _EMPTY_FLOW.fullmatch(text):
        return []
    values: list[str] = []
    position = 1
    end = len(text)
    while True:
        match = _FLOW_ITEM.match(text, position)
        if match is None:
            raise _Declined
        double, single, plain, separator = match.groups()
        if double is not None:
            values.append(_ESCAPE.sub(r"\1", double) if "\\" in double else double)
        elif single is not None:
            values.append(single.replace("''", "'"))
        else:
            value = _plain(plain, resolvers, seen)
            if not isinstance(value, str):
                raise _Declined
            values.append(value)
        position = match.end()
        if separator == "]":
            if position != end:
                raise _Declined
            return values


def _plain(text: str, resolvers: Resolvers, seen: dict[str, object]) -> object:
    """A plain scalar's value if YAML reads it as text or as a date; other types are declined."""
    if text[0] not in resolvers and None not in resolvers:
        return text  # no implicit type starts with this character
    value = seen.get(text)
    if value is None:
        value = seen[text] = _resolve(text, resolvers)
    if value is _OTHER:
        raise _Declined
    return value


def _resolve(text: str, resolvers: Resolvers) -> object:
    """The text itself, a date, or _OTHER, as BaseResolver.resolve and the safe constructor give."""
    for tag, regexp in [*resolvers.get(text[0], ()), *resolvers.get(None, ())]:  # noqa: B007 - read after the loop
        if regexp.match(text):
            break
    else:
        return text
    if tag == _STR_TAG:
        return text
    if tag == _DATE_TAG and _DATE.fullmatch(text):
        try:
            return date(int(text[:4]), int(text[5:7]), int(text[8:]))
        except ValueError:  # PyYAML's own failure on such a date stays PyYAML's
            pass
    return _OTHER
