"""Splitting a KB file into YAML front matter and body, keeping file line numbers for every key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from agentui.core.kb.model import Problem

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_FENCE = "---"


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    node: yaml.Node
    line: int
    """Line in the file (1-based) where the key stands."""


@dataclass(frozen=True, slots=True)
class Document:
    fields: dict[str, Field]
    body: str
    body_line: int
    """File line of the body's first line."""


def split(path: Path, text: str) -> tuple[Document | None, list[Problem]]:
    if not text.strip():
        return None, [Problem(path, 1, "empty file: an entry needs front matter and a body")]
    lines = text.split("\n")
    if lines[0].rstrip() != _FENCE:
        return None, [Problem(path, 1, "no front matter: the file must start with a line '---'")]
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (_FENCE, "...")), None)
    if closing is None:
        return None, [Problem(path, 1, "front matter opened on line 1 is never closed: add a line '---' after it")]
    yaml_text = "\n".join(lines[1:closing])
    body = "\n".join(lines[closing + 1:])
    body_line = closing + 2
    try:
        node = yaml.compose(yaml_text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = 2 + mark.line if mark is not None else 1
        what = error.problem or "syntax error"
        return None, [Problem(path, min(line, closing), f"YAML error in front matter: {what}")]
    except yaml.YAMLError as error:
        return None, [Problem(path, 1, f"YAML error in front matter: {error}")]
    if node is None:
        return None, [Problem(path, 2, "front matter is empty: id, type and title are required")]
    if not isinstance(node, yaml.MappingNode):
        return None, [Problem(path, 2, "front matter must be 'key: value' lines")]
    fields: dict[str, Field] = {}
    problems: list[Problem] = []
    for key_node, value_node in node.value:
        line = 2 + key_node.start_mark.line
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
        if key in fields:
            problems.append(Problem(path, line, f"field '{key}' is given twice (first on line {fields[key].line})"))
            continue
        fields[key] = Field(key, value_node, line)
    return Document(fields, body, body_line), problems


def construct(node: yaml.Node) -> object:
    """The Python value of one front-matter node, by YAML's safe rules."""
    loader = _Loader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()
