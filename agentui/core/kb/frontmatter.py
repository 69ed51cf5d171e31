"""Splitting a KB file into YAML front matter and body, keeping file line numbers for every key."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import starmap
from pathlib import Path
from typing import Any, cast

from agentui.core.kb import fastpath
from agentui.core.kb.fastpath import Resolvers
from agentui.core.kb.model import Problem

_FENCE = "---"
MAX_FRONT_MATTER_LINES = 1000
"""Fourteen keys and seven lists of at most 64 items fit in well under this; more is no entry."""
# The closing fence: the first later line that is `---` or `...` once trailing whitespace is
# stripped (`\s` and `str.rstrip` agree on what whitespace is).
_CLOSING = re.compile(r"^(?:---|\.\.\.)[^\S\n]*$", re.MULTILINE)


@cache
def _yaml() -> tuple[Any, Any]:
    """PyYAML and its fastest safe loader, imported on first use: a warm start never parses."""
    import yaml

    try:
        return yaml, yaml.CSafeLoader
    except AttributeError:  # PyYAML built without libyaml
        return yaml, yaml.SafeLoader


@dataclass(slots=True)
class Field:
    """One front-matter value, from the fast path (`value`, `raw`) or from PyYAML (`node`). A node
    is constructed only when a rule reads it, as PyYAML would, so an unread node never fails."""

    key: str
    line: int
    """Line in the file (1-based) where the key stands."""
    value: object = None
    """Fast path: a str, a date, None for an empty value, or a list of str."""
    raw: str | None = None
    """Fast path: the scalar as written; None for a list."""
    node: Any = None
    """PyYAML's node when the fast path declined the file."""

    def python(self) -> object:
        """The Python value by YAML's safe rules."""
        return self.value if self.node is None else construct(self.node)

    def text(self) -> str | None:
        """The scalar as written, e.g. `0123` for the number 83; None for a list or mapping."""
        if self.node is None:
            return self.raw
        return self.node.value if isinstance(self.node, _yaml()[0].ScalarNode) else None

    def is_list(self) -> bool:
        if self.node is None:
            return isinstance(self.value, list)
        return isinstance(self.node, _yaml()[0].SequenceNode)

    def is_empty(self) -> bool:
        """`key:` with nothing after it, which YAML reads as null."""
        if self.node is None:
            return self.value is None and self.raw == ""
        node = self.node
        return isinstance(node, _yaml()[0].ScalarNode) and node.value == "" and node.tag.endswith(":null")

    def items(self) -> Iterator[tuple[object, str | None]]:
        """(value, text as written) of each item of a list field, constructed one at a time."""
        if self.node is None:
            for text in cast("list[str]", self.value):
                yield text, text
            return
        scalar = _yaml()[0].ScalarNode
        for item in self.node.value:
            yield construct(item), (item.value if isinstance(item, scalar) else None)


@dataclass(frozen=True, slots=True)
class Document:
    fields: dict[str, Field]
    body: str
    body_line: int
    """File line of the body's first line."""


def split(path: Path, text: str, seen: dict[str, object] | None = None) -> tuple[Document | None, list[Problem]]:
    """`seen` carries the fast path's memory of typed plain scalars from file to file of a load."""
    if not text or text.isspace():
        return None, [Problem(path, 1, "empty file: an entry needs front matter and a body")]
    end = text.find("\n")
    if (text if end < 0 else text[:end]).rstrip() != _FENCE:
        return None, [Problem(path, 1, "no front matter: the file must start with a line '---'")]
    closing = _CLOSING.search(text, end + 1) if end >= 0 else None
    if closing is None:
        return None, [Problem(path, 1, "front matter opened on line 1 is never closed: add a line '---' after it")]
    start, stop = end + 1, closing.start()
    yaml_text = text[start:stop - 1] if stop > start else ""
    body = text[closing.end() + 1:]
    closing_line = 2 + text.count("\n", start, stop)
    if closing_line - 2 > MAX_FRONT_MATTER_LINES:
        message = (f"front matter has {closing_line - 2:,} lines, over the limit of {MAX_FRONT_MATTER_LINES:,}: "
                   "not loaded")
        return None, [Problem(path, 1, message)]
    yaml, loader = _yaml()
    parsed = fastpath.parse(yaml_text, 2, loader.yaml_implicit_resolvers, {} if seen is None else seen)
    if parsed is not None:
        return _document(path, starmap(Field, parsed), body, closing_line + 1)
    try:
        node = yaml.compose(yaml_text, Loader=loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = 2 + mark.line if mark is not None else 1
        what = error.problem or "syntax error"
        return None, [Problem(path, min(line, closing_line - 1), f"YAML error in front matter: {what}")]
    except yaml.YAMLError as error:
        return None, [Problem(path, 1, f"YAML error in front matter: {error}")]
    except RecursionError:  # PyYAML without libyaml, which caps the nesting itself
        return None, [Problem(path, 2, "YAML error in front matter: values nested too deeply")]
    if node is None:
        return None, [Problem(path, 2, "front matter is empty: id, type and title are required")]
    if not isinstance(node, yaml.MappingNode):
        return None, [Problem(path, 2, "front matter must be 'key: value' lines")]
    if "*" in yaml_text or "<<" in yaml_text:  # an alias or a merge key may repeat what it names
        problem = _alias_problem(path, node.value)
        if problem is not None:
            return None, [problem]
    fields: list[Field] = []
    problems: list[Problem] = []
    for key_node, value_node in node.value:
        line = 2 + key_node.start_mark.line
        if isinstance(key_node, yaml.ScalarNode):
            fields.append(Field(key_node.value, line, node=value_node))
        else:
            problems.append(Problem(path, line, "front-matter keys must be plain text, not a list or mapping"))
    document, field_problems = _document(path, fields, body, closing_line + 1)
    return document, problems + field_problems


def split_bytes(data: bytes | bytearray, size: int) -> tuple[int, int, int, int] | None:
    """Where `split` would cut a file `data[:size]` in the common shape, found in its bytes so its
    whole text need not be built: (end of the front matter, which starts at byte 4; start and end
    of the body without the blank lines around it; the body's first file line). The shape: no BOM,
    CR or NUL, `---` alone on the first line and on the closing one, no `...` line before it, some
    front matter. None for any other file, which `split` reads as text."""
    if not data.startswith(b"---\n", 0, size) or data.find(b"\r", 0, size) >= 0 or data.find(b"\0", 0, size) >= 0:
        return None
    close = data.find(b"\n---", 3, size)  # the newline ending the last front-matter line
    if close <= 3 or data.find(b"\n...", 3, close) >= 0:
        return None
    begin = close + 5  # the body, after "\n---\n"
    if begin <= size and data[begin - 1] != 10:
        return None  # "--- " or "---x": the first `---` line is not a bare fence
    end = size
    while begin < end and data[begin] == 10:
        begin += 1
    while end > begin and data[end - 1] == 10:
        end -= 1
    # Line 1 is the opening fence, the front matter's lines follow, then the closing fence.
    return close, begin, end, data.count(b"\n", 4, close) + 4 + begin - (close + 5)


def implicit_resolvers() -> Resolvers:
    """The YAML loader's implicit-resolver table, which the fast path types plain scalars by."""
    resolvers: Resolvers = _yaml()[1].yaml_implicit_resolvers
    return resolvers


def _document(path: Path, parsed: Iterable[Field], body: str, body_line: int) -> tuple[Document, list[Problem]]:
    fields: dict[str, Field] = {}
    problems: list[Problem] = []
    for field in parsed:
        first = fields.get(field.key)
        if first is not None:
            message = f"field '{field.key}' is given twice (first on line {first.line})"
            problems.append(Problem(path, field.line, message))
            continue
        fields[field.key] = field
    return Document(fields, body, body_line), problems


ALIAS_BUDGET = 10_000
"""How many values YAML aliases (`*name`) and merge keys may add to front matter, written out."""


def _alias_problem(path: Path, pairs: list[tuple[Any, Any]]) -> Problem | None:
    """A problem when aliases would expand the front matter by more than ALIAS_BUDGET values, or
    refer to themselves, blamed on the first key at which that happens; None when they are fine.

    Why: an alias is one node in PyYAML's graph, but building, printing or even comparing the value
    writes it out; nine levels of nine aliases (a "billion laughs") are 387 million values. Sizes
    are counted once per distinct node, so this costs time linear in the front matter."""
    sizes: dict[int, int] = {}
    expanded = 0
    for key_node, value_node in pairs:
        for node in (key_node, value_node):
            size = _expanded_size(node, sizes)
            if size is None:
                message = "front matter has a YAML alias inside the value it names (a recursive alias): not loaded"
                return Problem(path, 2 + key_node.start_mark.line, message)
            expanded += size
        if expanded - len(sizes) > ALIAS_BUDGET:
            return Problem(path, 2 + key_node.start_mark.line,
                           f"front matter uses YAML aliases (*name) that repeat more than {ALIAS_BUDGET:,} values: "
                           "not loaded; write the values out")
    return None


def _expanded_size(root: Any, sizes: dict[int, int]) -> int | None:
    """Values under `root` (itself included) with every alias written out; None for a cycle.
    Iterative, so deep nesting cannot exhaust the stack; `sizes` memoises by node across calls."""
    stack: list[tuple[Any, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            continue
        if key in sizes:
            continue
        if key in open_nodes:  # reached again inside itself
            return None
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    return sizes[id(root)]


def _children(node: Any) -> list[Any]:
    yaml = _yaml()[0]
    if isinstance(node, yaml.MappingNode):  # (key, value) pairs
        return [part for pair in node.value for part in pair]
    return node.value if isinstance(node, yaml.SequenceNode) else []


class UnreadableValue(Exception):
    """A value YAML parses but cannot build (`2025-13-01`, a broken `!!binary`)."""


def construct(node: Any) -> object:
    """The Python value of one front-matter node, by YAML's safe rules."""
    yaml, loader_class = _yaml()
    loader = loader_class("")
    try:
        return loader.construct_document(node)
    except (ValueError, OverflowError, yaml.YAMLError) as error:
        raise UnreadableValue(str(getattr(error, "problem", None) or error)) from error
    except RecursionError as error:
        raise UnreadableValue("values nested too deeply") from error
    finally:
        loader.dispose()
