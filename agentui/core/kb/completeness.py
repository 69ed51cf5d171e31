"""What this KB requires beyond what the loader needs to load an entry (kb/README.md's rules):
warnings for `kb check`, errors under `kb check --strict`."""

from __future__ import annotations

import re
from pathlib import Path

from agentui.core.kb.model import EntryType, KnowledgeBase, Problem, Record

MIN_STEPS = 3
"""kb/README.md: "Aim for 4–7 steps (at least 3)"."""
TYPE_FOLDERS = {"procedure": "procedures", "faq": "faq", "script": "scripts", "contact": "contacts"}


def completeness_problems(kb: KnowledgeBase, *, strict: bool = False) -> list[Problem]:
    """Always: a missing `title_en`, `source` or `verified`, an id that is not the file's name, a
    procedure of a single step. With `strict`, also: fewer than MIN_STEPS steps, a procedure without
    `channel`, an entry without aliases, a contact not for exactly one operator, an entry outside
    its type's folder. Works on records; builds an `Entry` (for its steps) only for procedures."""
    problems: list[Problem] = []
    for record in kb.records:
        path = Path(record.path)
        for key, value in (("title_en", record.title_en), ("source", record.source), ("verified", record.verified)):
            if not value:
                problems.append(Problem(path, 1, f"'{key}' is missing (this KB requires it: kb/README.md)"))
        if path.stem != record.id:
            problems.append(Problem(path, field_line(path, "id"), f"id '{record.id}' differs from the file name: "
                                                                  f"name the file {record.id}.md"))
        if record.type == EntryType.PROCEDURE.value:
            problems += _procedure_problems(kb, record, path, strict)
        if strict:
            problems += _strict_problems(kb, record, path)
    problems.sort(key=lambda p: (str(p.path), p.line))
    return problems


def _procedure_problems(kb: KnowledgeBase, record: Record, path: Path, strict: bool) -> list[Problem]:
    steps = kb.entries[record.id].steps
    problems = []
    if len(steps) == 1 or (strict and 0 < len(steps) < MIN_STEPS):
        what = "a single step" if len(steps) == 1 else f"only {len(steps)} steps"
        problems.append(Problem(path, steps[0].line, f"procedure has {what}: write each step as its own "
                                                     f"top-level numbered item (at least {MIN_STEPS})"))
    if strict and not record.channel:
        problems.append(Problem(path, 1, "procedure has no 'channel' (online, offline or phone)"))
    return problems


def _strict_problems(kb: KnowledgeBase, record: Record, path: Path) -> list[Problem]:
    problems = []
    if not record.aliases:
        problems.append(Problem(path, 1, "entry has no 'aliases': give 4–12 ways agents type this topic"))
    if record.type == EntryType.CONTACT.value and len(record.operators) != 1:
        problems.append(Problem(path, field_line(path, "operators"),
                                "a contact entry is for exactly one operator: operators: [<that operator>]"))
    folder = TYPE_FOLDERS[record.type]
    try:
        parts = path.relative_to(kb.root).parts
    except ValueError:
        parts = ()
    if parts[:1] != (folder,) or len(parts) != 2:
        problems.append(Problem(path, field_line(path, "type"), f"a {record.type} entry belongs in {folder}/"))
    return problems


def field_line(path: Path, key: str) -> int:
    """The file line of a front-matter key, read again from the file (only for the few entries a
    report names; a load keeps no line numbers); 1 when it is not found."""
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return 1
    pattern = re.compile(rf"{re.escape(key)}\s*:")
    for number, line in enumerate(text.splitlines()[1:], 2):
        if line.rstrip() in ("---", "..."):
            break
        if pattern.match(line):
            return number
    return 1
