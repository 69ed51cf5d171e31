"""Loading a KB directory into typed entries; every problem reported, one bad file never fatal."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path

from agentui.core.kb import body as body_rules
from agentui.core.kb.fields import convert_fields
from agentui.core.kb.frontmatter import split
from agentui.core.kb.model import R_ID, R_PATH, R_RELATED, EntryType, KnowledgeBase, Problem, Record
from agentui.core.kb.records import knowledge_base
from agentui.core.kb.source import KbFiles, iter_kb_files

# A file with one of these problems is not loaded; other problems load the entry without the bad field.
_FATAL_FIELDS = ("id", "type", "title")
# Fields whose values repeat across entries; titles and bodies are nearly all distinct.
_SHARED_FIELDS = (
    "id", "aliases", "tags", "operators", "channel", "related", "verified", "phones", "apps", "website",
)


def load_kb(root: Path) -> KnowledgeBase:
    """Parses each file as soon as it is read, so the texts of a big KB are never all in memory."""
    files = KbFiles(root=root)
    return _parse_texts(files, iter_kb_files(files))


def parse_kb(files: KbFiles) -> KnowledgeBase:
    return _parse_texts(files, files.texts)


def _parse_texts(files: KbFiles, texts: Iterable[tuple[Path, str]]) -> KnowledgeBase:
    # A big load builds about a million objects and no garbage cycles; with the collector on, its
    # full passes rescan every object built so far, again and again (a quarter of the time at 100k).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse_all(files, texts)
    finally:
        if collecting:
            gc.enable()


def _parse_all(files: KbFiles, texts: Iterable[tuple[Path, str]]) -> KnowledgeBase:
    records: list[Record] = []
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    related_lines: dict[str, int] = {}
    id_lines: dict[str, int] = {}
    pool: dict[object, object] = {}
    seen: dict[str, object] = {}
    for path, text in texts:
        record, entry_problems, lines = _parse_entry(path, text, pool, seen)
        problems.extend(entry_problems)
        if record is None:
            continue
        entry_id = record[R_ID]
        existing = positions.get(entry_id)
        if existing is not None:
            problems.append(Problem(
                path, lines["id"],
                f"duplicate id '{entry_id}': already used by {records[existing][R_PATH]}:{id_lines[entry_id]}; not loaded",
            ))
            continue
        positions[entry_id] = len(records)
        records.append(record)
        id_lines[entry_id] = lines["id"]
        related_lines[entry_id] = lines.get("related", 1)
    # Reading problems come first, as when every file was read before parsing; no path has both
    # kinds, so the stable sort below orders them the same either way.
    all_problems = [*files.problems, *problems]
    _check_related(records, positions, related_lines, all_problems)
    all_problems.sort(key=lambda p: (str(p.path), p.line))
    return knowledge_base(files.root, records, all_problems, files.fingerprint)


def _parse_entry(
    path: Path, text: str, pool: dict[object, object], seen: dict[str, object]
) -> tuple[Record | None, list[Problem], dict[str, int]]:
    document, problems = split(path, text, seen)
    if document is None:
        return None, problems, {}
    values, field_problems = convert_fields(path, document.fields)
    problems += field_problems
    lines = {key: field.line for key, field in document.fields.items()}
    if any(key not in values for key in _FATAL_FIELDS):
        return None, problems, lines
    entry_type: EntryType = values["type"]  # type: ignore[assignment]
    body = document.body
    text_body = body.strip("\n")
    body_line = document.body_line + (len(body) - len(body.lstrip("\n")) if body[:1] == "\n" else 0)
    has_text = bool(text_body) and not text_body.isspace()
    if not has_text:
        problems.append(Problem(path, document.body_line, "the entry has no body text after the front matter"))
    placeholders: tuple[str, ...] = ()
    if entry_type is EntryType.PROCEDURE and has_text:
        # Checked now for the problems; the steps themselves are read again when the entry is shown.
        problems += body_rules.parse_steps(path, text_body, body_line)[1]
    if entry_type is EntryType.SCRIPT:
        placeholders, placeholder_problems = body_rules.check_placeholders(path, text_body, body_line)
        placeholders = _shared(placeholders, pool)  # type: ignore[assignment]
        problems += placeholder_problems
    _share(values, pool)
    verified = values.get("verified")
    record = (
        values["id"], entry_type.value, values["title"], str(path), text_body, body_line,
        values.get("title_en", ""), values.get("aliases", ()), values.get("tags", ()),
        values.get("operators", ()), values.get("channel", ""), values.get("related", ()),
        _shared(", ".join(values.get("source", ())), pool),  # type: ignore[arg-type]
        _shared(verified.isoformat(), pool) if verified else "",  # type: ignore[union-attr]
        values.get("phones", ()), values.get("apps", ()), values.get("website", ""), placeholders,
    )
    return record, problems, lines


def _share(values: dict[str, object], pool: dict[object, object]) -> None:
    """Point equal short values of many entries (ids in `related`, tags, operators, dates) at one
    object each, so 100k entries do not hold 100k copies of `("mts",)`."""
    for key in _SHARED_FIELDS:
        value = values.get(key)
        if value is None:
            continue
        if isinstance(value, tuple):
            value = tuple([pool.setdefault(item, item) for item in value])
        values[key] = pool.setdefault(value, value)


def _shared(value: object, pool: dict[object, object]) -> object:
    return pool.setdefault(value, value)


def _check_related(
    records: list[Record], positions: dict[str, int], related_lines: dict[str, int], problems: list[Problem]
) -> None:
    """Report links to missing entries and drop them, so the UI never offers a dead link."""
    for position, record in enumerate(records):
        entry_id, related = record[R_ID], record[R_RELATED]
        missing = [r for r in related if r not in positions or r == entry_id]
        if not missing:
            continue
        path = Path(record[R_PATH])
        for target in missing:
            reason = "links to itself" if target == entry_id else "does not exist"
            problems.append(Problem(path, related_lines[entry_id], f"related id '{target}' {reason}"))
        kept = tuple(r for r in related if r not in missing)
        records[position] = (*record[:R_RELATED], kept, *record[R_RELATED + 1:])
