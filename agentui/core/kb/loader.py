"""Loading a KB directory into typed entries; every problem reported, one bad file never fatal."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, cast

from agentui.core.kb import body as body_rules
from agentui.core.kb.facts import MARKER_START, strip_markers
from agentui.core.kb.fields import convert_fields, convert_simple
from agentui.core.kb.frontmatter import split, split_bytes
from agentui.core.kb.limits import MAX_PROBLEMS_PER_FILE
from agentui.core.kb.model import EntryType, FactSpan, KnowledgeBase, Problem, Record, new_record
from agentui.core.kb.records import knowledge_base
from agentui.core.kb.source import KbFiles, decode_bytes, iter_kb_bytes
from agentui.core.placeholders import PLACEHOLDERS, placeholders_in

_MARKER_START = MARKER_START.encode()
# A file with one of these problems is not loaded; other problems load the entry without the bad field.
_FATAL_FIELDS = ("id", "type", "title")

_Parsed = tuple[str, "Record | None", list[Problem], dict[str, int]]
"""(path, record or None when the file is not loaded, the file's problems, file line of each field)."""


def load_kb(root: Path) -> KnowledgeBase:
    """Parses each file as soon as it is read, so the texts of a big KB are never all in memory."""
    files = KbFiles(root=root)
    return _load(files, _Parser().parse_files(files))


def parse_kb(files: KbFiles) -> KnowledgeBase:
    parser = _Parser()
    return _load(files, (parser.parse_text(str(path), text) for path, text in files.texts))


def _load(files: KbFiles, parsed: Iterable[_Parsed]) -> KnowledgeBase:
    # A big load builds about a million objects and no garbage cycles; with the collector on, its
    # full passes rescan every object built so far, again and again (a quarter of the time at 100k).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _collect(files, parsed)
    finally:
        if collecting:
            gc.enable()


def _collect(files: KbFiles, parsed: Iterable[_Parsed]) -> KnowledgeBase:
    records: list[Record] = []
    problems: list[Problem] = []
    positions: dict[str, int] = {}
    related_lines: dict[str, int] = {}
    id_lines: dict[str, int] = {}
    claims: dict[str, list[_Claim]] = {}
    for _, record, entry_problems, lines in parsed:
        if entry_problems:
            problems.extend(entry_problems)
        if record is None:
            continue
        entry_id = record.id
        existing = positions.get(entry_id)
        if existing is not None:  # settled once every file is read
            rivals = claims.get(entry_id)
            if rivals is None:
                first = records[existing]
                rivals = claims[entry_id] = [(first, id_lines[entry_id], related_lines[entry_id])]
            rivals.append((record, lines["id"], lines.get("related", 1)))
            continue
        positions[entry_id] = len(records)
        records.append(record)
        id_lines[entry_id] = lines["id"]
        related_lines[entry_id] = lines.get("related", 1)
    if claims:
        records = _settle_duplicates(records, positions, claims, related_lines, problems)
    # Reading problems come first, as when every file was read before parsing; no path has both
    # kinds, so the stable sort below orders them the same either way.
    all_problems = [*files.problems, *problems]
    _check_related(records, positions, related_lines, all_problems)
    all_problems.sort(key=lambda p: (str(p.path), p.line))
    return knowledge_base(files.root, records, all_problems, files.fingerprint)


_Claim = tuple[Record, int, int]
"""(record, file line of its `id`, of its `related`) of one file using an id that another uses too."""


def _settle_duplicates(
    records: list[Record], positions: dict[str, int], claims: dict[str, list[_Claim]],
    related_lines: dict[str, int], problems: list[Problem],
) -> list[Record]:
    """Of files sharing an id, the one named after it (`<id>.md`) is loaded; when none or several
    are, none is: which one holds the right facts cannot be known, and load order (a sort of file
    names) must not decide it in silence. Every file not loaded gets a problem naming the others."""
    dropped: set[int] = set()
    for entry_id, rivals in claims.items():
        named = [claim for claim in rivals if _file_stem(claim[0].path) == entry_id]
        winner = named[0] if len(named) == 1 else None
        for claim in rivals:
            if claim is winner:
                continue
            record, line, _ = claim
            if winner is not None:
                message = (f"duplicate id '{entry_id}': loaded from {winner[0].path}:{winner[1]}, the file "
                           "named after the id; this file is not loaded")
            else:
                others = ", ".join(f"{other[0].path}:{other[1]}" for other in rivals if other is not claim)
                message = (f"duplicate id '{entry_id}' is also used by {others}: none of them is loaded, as "
                           f"none alone is named {entry_id}.md; give each entry its own id")
            problems.append(Problem(Path(record.path), line, message))
        position = positions[entry_id]
        if winner is None:
            dropped.add(position)
            del positions[entry_id]
        else:
            records[position] = winner[0]
            related_lines[entry_id] = winner[2]
    if not dropped:
        return records
    kept = [record for position, record in enumerate(records) if position not in dropped]
    positions.clear()
    positions.update((record.id, position) for position, record in enumerate(kept))
    return kept


def _file_stem(path: str) -> str:
    name = path.rpartition("/")[2]
    return name[:-3] if name.endswith(".md") else name


class _Parser:
    """Parsing the files of one load, with what is remembered from file to file."""

    __slots__ = ("pool", "seen", "memo")

    def __init__(self) -> None:
        self.pool: dict[Any, Any] = {}
        """Equal short values of all entries, one object each (see `record`)."""
        self.seen: dict[str, object] = {}
        """The front-matter fast path's memory."""
        self.memo: dict[str, tuple[str, object]] = {}
        """`fields.convert_simple`'s memory."""

    def parse_files(self, files: KbFiles) -> Iterator[_Parsed]:
        for path, data, size in iter_kb_bytes(files):
            parsed = self.parse_simple(path, data, size)
            if parsed is not None:
                yield parsed
                continue
            text, problem = decode_bytes(path, data, size)
            yield (path, None, [problem], {}) if problem is not None else self.parse_text(path, text)

    def parse_simple(self, path: str, data: bytes | bytearray, size: int) -> _Parsed | None:
        """`parse_text` for a file in the common shape that has no problem at all, read from its
        bytes without building its whole text, `Field`s, a `Path` or steps; None for other files."""
        bounds = split_bytes(data, size)
        if bounds is None:
            return None
        close, begin, end, body_line = bounds
        view = memoryview(data)
        try:
            converted = convert_simple(str(view[4:close], "utf-8"), 2, self.seen, self.memo)
            if converted is None:
                return None
            # Made once the front matter's text is freed, so the next file's can take its place
            # rather than leave a gap among the bodies.
            body = str(view[begin:end], "utf-8")
        except UnicodeDecodeError:
            return None
        if data.find(_MARKER_START, begin, end) >= 0:  # a dated fact: `parse_text` reads the markers
            return None
        if not body or body.isspace():
            return None
        values, lines = converted
        entry_type = cast(EntryType, values["type"])
        placeholders: tuple[str, ...] = ()
        if entry_type is EntryType.PROCEDURE:
            if not body_rules.has_steps(body):
                return None
        elif entry_type is EntryType.SCRIPT:
            names = tuple(placeholders_in(body))
            if any(name not in PLACEHOLDERS for name in names):
                return None
            placeholders = self.pool.setdefault(names, names)
        return path, self.record(path, entry_type, values, body, body_line, placeholders, ()), [], lines

    def parse_text(self, path: str, text: str) -> _Parsed:
        file = Path(path)
        document, problems = split(file, text, self.seen)
        if document is None:
            return path, None, problems, {}
        values, field_problems = convert_fields(file, document.fields)
        problems += field_problems
        lines = {key: field.line for key, field in document.fields.items()}
        if any(key not in values for key in _FATAL_FIELDS):
            return path, None, _capped(problems) if len(problems) > MAX_PROBLEMS_PER_FILE else problems, lines
        entry_type = cast(EntryType, values["type"])
        body = document.body
        text_body = body.strip("\n")
        body_line = document.body_line + (len(body) - len(body.lstrip("\n")) if body[:1] == "\n" else 0)
        has_text = bool(text_body) and not text_body.isspace()
        if not has_text:
            problems.append(Problem(file, document.body_line, "the entry has no body text after the front matter"))
        placeholders: tuple[str, ...] = ()
        facts: tuple[FactSpan, ...] = ()
        if MARKER_START in text_body:  # before the checks below, which must see the text the agent sees
            text_body, facts, fact_problems = strip_markers(file, text_body, body_line)
            problems += fact_problems
        if entry_type is EntryType.PROCEDURE and has_text:
            # Checked now for the problems; the steps themselves are read again when the entry is shown.
            problems += body_rules.steps_problems(file, text_body, body_line)
        if entry_type is EntryType.SCRIPT:
            placeholders, placeholder_problems = body_rules.check_placeholders(file, text_body, body_line)
            placeholders = self.pool.setdefault(placeholders, placeholders)
            problems += placeholder_problems
        if len(problems) > MAX_PROBLEMS_PER_FILE:
            problems = _capped(problems)
        record = self.record(path, entry_type, values, text_body, body_line, placeholders, facts)
        return path, record, problems, lines

    def record(
        self, path: str, entry_type: EntryType, values: Mapping[str, Any], body: str, body_line: int,
        placeholders: tuple[str, ...], facts: tuple[FactSpan, ...],
    ) -> Record:
        """The entry's record. Equal short values of many entries (ids in `related`, tags,
        operators, dates) are pointed at one object each, so 100k entries do not hold 100k copies
        of `("mts",)`; always pooled in this order, so the same files share the same objects."""
        pool = self.pool
        share = pool.setdefault
        get = values.get
        entry_id = values["id"]
        entry_id = share(entry_id, entry_id)
        aliases = _shared_tuple(get("aliases"), pool)
        tags = _shared_tuple(get("tags"), pool)
        operators = _shared_tuple(get("operators"), pool)
        channel = _shared_value(get("channel"), pool)
        related = _shared_tuple(get("related"), pool)
        verified = get("verified")
        if verified is not None:
            share(verified, verified)
        phones = _shared_tuple(get("phones"), pool)
        apps = _shared_tuple(get("apps"), pool)
        website = _shared_value(get("website"), pool)
        source = ", ".join(get("source", ()))
        verified_text = verified.isoformat() if verified else ""
        return new_record(Record, (
            entry_id, entry_type.value, values["title"], path, body, body_line, get("title_en", ""),
            aliases, tags, operators, channel, related, share(source, source),
            share(verified_text, verified_text) if verified else "", phones, apps, website, placeholders, facts,
        ))


def _capped(problems: list[Problem]) -> list[Problem]:
    """The first MAX_PROBLEMS_PER_FILE problems by line, then one that counts the rest."""
    problems = sorted(problems, key=lambda problem: problem.line)
    rest = problems[MAX_PROBLEMS_PER_FILE:]
    summary = Problem(rest[0].path, rest[0].line, f"… and {len(rest):,} more problems in this file (fix these first)")
    return [*problems[:MAX_PROBLEMS_PER_FILE], summary]


def _shared_tuple(value: tuple[str, ...] | None, pool: dict[Any, Any]) -> tuple[str, ...]:
    if value is None:
        return ()
    known: tuple[str, ...] | None = pool.get(value)
    if known is not None:  # the equal tuple to share; its items need no pooling of their own
        return known
    share = pool.setdefault
    value = tuple([share(item, item) for item in value])
    shared: tuple[str, ...] = share(value, value)
    return shared


def _shared_value(value: object, pool: dict[Any, Any]) -> object:
    return "" if value is None else pool.setdefault(value, value)


def _check_related(
    records: list[Record], positions: dict[str, int], related_lines: dict[str, int], problems: list[Problem]
) -> None:
    """Report links to missing entries and drop them, so the UI never offers a dead link."""
    for position, record in enumerate(records):
        entry_id, related = record.id, record.related
        missing = [r for r in related if r not in positions or r == entry_id]
        if not missing:
            continue
        path = Path(record.path)
        for target in missing:
            reason = "links to itself" if target == entry_id else "does not exist"
            problems.append(Problem(path, related_lines[entry_id], f"related id '{target}' {reason}"))
        kept = tuple(r for r in related if r not in missing)
        records[position] = record._replace(related=kept)
