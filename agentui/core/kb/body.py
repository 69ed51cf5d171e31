"""Reading the Markdown body: procedure steps out of `## 步骤`, script placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from agentui.core.kb.limits import MAX_PROBLEMS_PER_FILE, quoted
from agentui.core.kb.model import Problem, Step
from agentui.core.placeholders import PLACEHOLDERS, placeholders_in

STEPS_HEADING = "步骤"
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^(\d{1,3})[.)]\s+(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_STEPS_TITLES = (STEPS_HEADING, "Steps", "steps")


def parse_steps(
    path: Path, body: str, body_line: int, shared: dict[str, str] | None = None
) -> tuple[tuple[Step, ...], list[Problem]]:
    """Top-level numbered items of the `## 步骤` section; indented lines continue the item above.
    `shared` lets many procedures with the same step hold one copy of its text."""
    lines = body.split("\n")
    heading = _steps_heading(lines)
    if heading is None:
        return (), [_no_section(path, body_line)]
    start, level = heading
    steps: list[Step] = []
    current: list[str] = []
    current_line = 0
    in_fence = False
    # Cheap tests before each regex: a heading starts with '#', an item with a digit (`\d` is a
    # subset of str.isdigit), a fence contains ``` or ~~~ somewhere in the body.
    fences = "```" in body or "~~~" in body

    def finish() -> None:
        if current:
            text = "\n".join(current).strip()
            if shared is not None:
                text = shared.setdefault(text, text)
            steps.append(Step(number=len(steps) + 1, text=text, line=current_line))

    for offset, line in enumerate(lines[start:]):
        if fences and _FENCE.match(line):
            in_fence = not in_fence
        ends = None if in_fence or not line.startswith("#") else _HEADING.match(line)
        if ends and len(ends.group(1)) <= level:
            break
        item = None if in_fence or not line[:1].isdigit() else _ITEM.match(line)
        if item:
            finish()
            current = [item.group(2)]
            current_line = body_line + start + offset
        elif current and (line.startswith((" ", "\t")) or not line.strip()):
            current.append(line.strip() if not line.strip() else line[min(len(line) - len(line.lstrip()), 4):])
        elif current and line.strip():
            finish()
            current = []
    finish()
    if not steps:
        return (), [_no_items(path, body_line, start)]
    return tuple(steps), []


def steps_problems(path: Path, body: str, body_line: int) -> list[Problem]:
    """`parse_steps(path, body, body_line)[1]`, without building the steps the loader discards."""
    lines = body.split("\n")
    heading = _steps_heading(lines)
    if heading is None:
        return [_no_section(path, body_line)]
    start, level = heading
    return [] if _has_item(lines, start, level, "```" in body or "~~~" in body) else [_no_items(path, body_line, start)]


def has_steps(body: str) -> bool:
    """Whether `parse_steps` finds at least one step, i.e. reports no problem. Only lines that
    start with '#' or a digit, or a fence, can change the answer: this walks from one to the next
    without splitting the body, and leaves bodies with a fence in the section to `_has_item`."""
    start = 0 if body[:1] == "#" else body.find("\n#") + 1
    while start or body[:1] == "#":
        end = body.find("\n", start)
        line = body[start:] if end < 0 else body[start:end]
        if STEPS_HEADING in line or "Steps" in line or "steps" in line:  # else no match can qualify
            match = _HEADING.match(line)
            if match and match.group(2).strip() in _STEPS_TITLES:
                break
        if end < 0:
            return False
        start = body.find("\n#", end) + 1
        if not start:
            return False
    else:
        return False
    level = len(match.group(1))
    while end >= 0:
        start = end + 1
        end = body.find("\n", start)
        first = body[start:start + 1]
        if first == "#":
            heading = _HEADING.match(body[start:] if end < 0 else body[start:end])
            if heading and len(heading.group(1)) <= level:
                return False
        elif first.isdigit():
            if _ITEM.match(body[start:] if end < 0 else body[start:end]):
                return True
        elif first and (first in "`~" or first.isspace()):
            if _FENCE.match(body[start:] if end < 0 else body[start:end]):
                lines = body.split("\n")
                section = _steps_heading(lines)
                return section is not None and _has_item(lines, *section, True)
    return False


def _steps_heading(lines: list[str]) -> tuple[int, int] | None:
    """(index of the line after the steps heading, the heading's level)."""
    for index, line in enumerate(lines):
        match = _HEADING.match(line) if line.startswith("#") else None
        if match and match.group(2).strip() in _STEPS_TITLES:
            return index + 1, len(match.group(1))
    return None


def _has_item(lines: list[str], start: int, level: int, fences: bool) -> bool:
    """Whether `parse_steps`' loop meets a list item before a heading ends the section."""
    in_fence = False
    for index in range(start, len(lines)):
        line = lines[index]
        if fences and _FENCE.match(line):
            in_fence = not in_fence
        if in_fence:
            continue
        if line.startswith("#"):
            heading = _HEADING.match(line)
            if heading and len(heading.group(1)) <= level:
                return False
        if line[:1].isdigit() and _ITEM.match(line):
            return True
    return False


def _no_section(path: Path, body_line: int) -> Problem:
    return Problem(path, body_line, "procedure has no '## 步骤' section with the numbered steps")


def _no_items(path: Path, body_line: int, start: int) -> Problem:
    return Problem(path, body_line + start - 1, "the '## 步骤' section has no numbered list items (1. …)")


def check_placeholders(path: Path, body: str, body_line: int) -> tuple[tuple[str, ...], list[Problem]]:
    """Placeholders a script uses; unknown names are problems, since no case field would fill them.
    Names come in order of first use, so each is looked for after the one before: one pass over
    the body however many names it holds."""
    names = placeholders_in(body)
    problems = []
    known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    offset, line = 0, body_line  # a place in the body and its file line
    unknown = [name for name in names if name not in PLACEHOLDERS]
    for name in unknown[:MAX_PROBLEMS_PER_FILE]:
        token = "{" + name + "}"
        found = body.find(token, offset)
        if found < 0:  # seen before only inside `{{…}}`: looked for from the start
            offset, line = 0, body_line
            found = body.find(token)
        line += body.count("\n", offset, found)
        offset = found
        message = f"placeholder {{{quoted(name)}}} is not filled by any case field (known: {known})"
        problems.append(Problem(path, line, message))
    if len(unknown) > MAX_PROBLEMS_PER_FILE:
        rest = len(unknown) - MAX_PROBLEMS_PER_FILE
        problems.append(Problem(path, line, f"… and {rest:,} more placeholders no case field fills"))
    return tuple(names), problems
