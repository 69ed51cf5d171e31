"""Dated facts in an entry's body: `[the fact]{verified=YYYY-MM-DD}` markers, read out of the text.

An author dates one fact (a hotline, a fee) apart from the entry's `verified`. The loader keeps
the body without the markers, so the console, the search index and the agent see only the fact's
text, and records where each fact sits in that body, so it can be highlighted when it is stale.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from agentui.core.kb.limits import quoted
from agentui.core.kb.model import Fact, FactSpan, Problem

MARKER_START = "{verified"
"""Any body holding this goes through `strip_markers` (also what a malformed marker holds)."""

# `[fact]{verified=2026-11-22}`, or a `{verified…}` without the bracketed fact before it (reported).
# The fact is one line without brackets; the attribute is everything up to the closing brace.
_MARKER = re.compile(r"(?:\[([^\[\]\n]*)\])?\{verified\b([^{}\n]*)\}")
_DATE = re.compile(r"=\s*([0-9]{4}-[0-9]{2}-[0-9]{2})\s*")
_SYNTAX = "[the fact]{verified=YYYY-MM-DD}"

def strip_markers(path: Path, body: str, body_line: int) -> tuple[str, tuple[FactSpan, ...], list[Problem]]:
    """The body without its fact markers (each replaced by its fact's text), the facts' spans in
    that body, and a problem for each malformed marker or impossible date (whose fact then stays in
    the text undated, and whose marker is still removed, so no syntax reaches the agent)."""
    pieces: list[str] = []
    spans: list[FactSpan] = []
    problems: list[Problem] = []
    copied = 0  # body characters handled so far
    length = 0  # characters in pieces
    line, counted = body_line, 0
    for match in _MARKER.finditer(body):
        before = body[copied:match.start()]
        pieces.append(before)
        length += len(before)
        copied = match.end()
        line += body.count("\n", counted, match.start())
        counted = match.start()
        fact, attribute = match.group(1), match.group(2)
        if fact is None:
            problems.append(Problem(path, line, f"fact marker without the fact: write {_SYNTAX}"))
            continue
        pieces.append(fact)
        start, length = length, length + len(fact)
        dated = _DATE.fullmatch(attribute)
        if dated is None:
            problems.append(Problem(path, line, f"fact marker '{{verified{quoted(attribute)}}}' is malformed: "
                                                f"write {_SYNTAX}"))
            continue
        try:
            date.fromisoformat(dated.group(1))
        except ValueError:
            problems.append(Problem(path, line, f"fact marker date {dated.group(1)} is not a real date (YYYY-MM-DD)"))
            continue
        if not fact.strip():
            problems.append(Problem(path, line, f"fact marker with an empty fact: write {_SYNTAX}"))
            continue
        spans.append((start, length, dated.group(1)))
    pieces.append(body[copied:])
    text = "".join(pieces)
    if MARKER_START in text:  # `{verified` never closed on its line
        offset = text.index(MARKER_START)
        line = body_line + text.count("\n", 0, offset)
        problems.append(Problem(path, line, f"'{MARKER_START}' here is no fact marker: write {_SYNTAX}"))
    return text, tuple(spans), problems


def facts_of(body: str, body_line: int, spans: tuple[FactSpan, ...]) -> tuple[Fact, ...]:
    """A record's fact spans as `Fact`s of its (marker-free) body."""
    facts = []
    line, counted = body_line, 0
    for start, end, verified in spans:
        line += body.count("\n", counted, start)
        counted = start
        facts.append(Fact(start, end, date.fromisoformat(verified), line, body[start:end]))
    return tuple(facts)
