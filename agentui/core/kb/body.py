"""Reading the Markdown body: procedure steps out of `## 步骤`, script placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from agentui.core.kb.model import Problem, Step
from agentui.core.placeholders import PLACEHOLDERS, placeholders_in

STEPS_HEADING = "步骤"
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^(\d{1,3})[.)]\s+(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def parse_steps(
    path: Path, body: str, body_line: int, shared: dict[object, object] | None = None
) -> tuple[tuple[Step, ...], list[Problem]]:
    """Top-level numbered items of the `## 步骤` section; indented lines continue the item above.
    `shared` lets many procedures with the same step hold one copy of its text."""
    lines = body.split("\n")
    start = None
    level = 0
    for index, line in enumerate(lines):
        match = _HEADING.match(line) if line.startswith("#") else None
        if match and match.group(2).strip() in (STEPS_HEADING, "Steps", "steps"):
            start, level = index + 1, len(match.group(1))
            break
    if start is None:
        return (), [Problem(path, body_line, "procedure has no '## 步骤' section with the numbered steps")]
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
                text = shared.setdefault(text, text)  # type: ignore[assignment]
            steps.append(Step(number=len(steps) + 1, text=text, line=current_line))

    for offset, line in enumerate(lines[start:]):
        if fences and _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence or not line.startswith("#") else _HEADING.match(line)
        if heading and len(heading.group(1)) <= level:
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
        return (), [Problem(path, body_line + start - 1, "the '## 步骤' section has no numbered list items (1. …)")]
    return tuple(steps), []


def check_placeholders(path: Path, body: str, body_line: int) -> tuple[tuple[str, ...], list[Problem]]:
    """Placeholders a script uses; unknown names are problems, since no case field would fill them."""
    names = placeholders_in(body)
    problems = []
    known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    for name in names:
        if name not in PLACEHOLDERS:
            offset = body.find("{" + name + "}")
            line = body_line + body[:offset].count("\n")
            problems.append(Problem(path, line, f"placeholder {{{name}}} is not filled by any case field (known: {known})"))
    return tuple(names), problems
