"""Loading a KB directory into typed entries; every problem reported, one bad file never fatal."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from agentui.core.kb import body as body_rules
from agentui.core.kb.fields import convert_fields
from agentui.core.kb.frontmatter import split
from agentui.core.kb.model import Entry, EntryType, KnowledgeBase, Problem
from agentui.core.kb.source import KbFiles, read_kb_files

# A file with one of these problems is not loaded; other problems load the entry without the bad field.
_FATAL_FIELDS = ("id", "type", "title")


def load_kb(root: Path) -> KnowledgeBase:
    return parse_kb(read_kb_files(root))


def parse_kb(files: KbFiles) -> KnowledgeBase:
    kb = KnowledgeBase(root=files.root, problems=list(files.problems), fingerprint=files.fingerprint)
    related_lines: dict[str, int] = {}
    id_lines: dict[str, int] = {}
    for path, text in files.texts:
        entry, problems, lines = _parse_entry(path, text)
        kb.problems.extend(problems)
        if entry is None:
            continue
        existing = kb.entries.get(entry.id)
        if existing is not None:
            kb.problems.append(Problem(
                path, lines["id"],
                f"duplicate id '{entry.id}': already used by {existing.path}:{id_lines[entry.id]}; not loaded",
            ))
            continue
        kb.entries[entry.id] = entry
        id_lines[entry.id] = lines["id"]
        related_lines[entry.id] = lines.get("related", 1)
    _check_related(kb, related_lines)
    kb.problems.sort(key=lambda p: (str(p.path), p.line))
    return kb


def _parse_entry(path: Path, text: str) -> tuple[Entry | None, list[Problem], dict[str, int]]:
    document, problems = split(path, text)
    if document is None:
        return None, problems, {}
    values, field_problems = convert_fields(path, document.fields)
    problems += field_problems
    lines = {key: field.line for key, field in document.fields.items()}
    if any(key not in values for key in _FATAL_FIELDS):
        return None, problems, lines
    entry_type: EntryType = values["type"]  # type: ignore[assignment]
    text_body = document.body.strip("\n")
    body_line = document.body_line + (len(document.body) - len(document.body.lstrip("\n")))
    if not text_body.strip():
        problems.append(Problem(path, document.body_line, "the entry has no body text after the front matter"))
    extra: dict[str, object] = {}
    if entry_type is EntryType.PROCEDURE and text_body.strip():
        steps, step_problems = body_rules.parse_steps(path, text_body, body_line)
        extra["steps"] = steps
        problems += step_problems
    if entry_type is EntryType.SCRIPT:
        placeholders, placeholder_problems = body_rules.check_placeholders(path, text_body, body_line)
        extra["placeholders"] = placeholders
        problems += placeholder_problems
    sources = values.pop("source", ())
    entry = Entry(
        path=path,
        body=text_body,
        body_line=body_line,
        source=", ".join(sources),  # type: ignore[arg-type]
        **values,  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )
    return entry, problems, lines


def _check_related(kb: KnowledgeBase, related_lines: dict[str, int]) -> None:
    """Report links to missing entries and drop them, so the UI never offers a dead link."""
    for entry_id, entry in list(kb.entries.items()):
        missing = [r for r in entry.related if r not in kb.entries or r == entry_id]
        if not missing:
            continue
        for target in missing:
            reason = "links to itself" if target == entry_id else "does not exist"
            kb.problems.append(Problem(entry.path, related_lines[entry_id], f"related id '{target}' {reason}"))
        kept = tuple(r for r in entry.related if r not in missing)
        kb.entries[entry_id] = replace(entry, related=kept)
