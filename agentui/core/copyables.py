"""What an entry offers to copy with keys 1-9 (phones, apps, websites), each with the operator it
belongs to, the caller's operator's items numbered first."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from agentui.core.kb.model import Entry
from agentui.core.operators import OPERATORS
from agentui.core.terminal_text import clean_line

MAX_COPYABLE = 9
"""One key each: 1-9."""

PHONE = re.compile(r"(?<![\w+])\+?\d[\d ()\-]{6,}\d(?!\w)")
"""A phone number as written in KB text (`+7 (495) 777-00-00`); seven digits at least."""


@dataclass(frozen=True, slots=True)
class Copyable:
    kind: str
    """`phone`, `app` or `website`."""
    text: str
    operator: str = ""
    """The operator id it belongs to (`OPERATORS`), or "" when the KB does not say."""


def copyables(entry: Entry, contacts: Sequence[Entry] = (), caller_operator: str = "") -> list[Copyable]:
    """The entry's own phones, apps and website, then phone numbers and operator apps its text
    mentions; the caller's operator's first (keeping that order within each group), at most nine.
    The operator of an item comes from the contact entry listing it, else from the operator named
    just before it on its line, else from the entry when it names only one."""
    owners = _owners(contacts)
    only = entry.operators[0] if len(entry.operators) == 1 else ""
    items: list[Copyable] = []
    seen: set[str] = set()

    def add(kind: str, text: str, named: str = "") -> None:
        text = clean_line(text).strip()
        key = _key(kind, text)
        if text and key not in seen:
            seen.add(key)
            items.append(Copyable(kind, text, owners.get(key) or named or only))

    for phone in entry.phones:
        add("phone", phone)
    for app in entry.apps:
        add("app", app)
    if entry.website:
        add("website", entry.website)
    for line in entry.body.split("\n"):
        for match in PHONE.finditer(line):
            if sum(ch.isdigit() for ch in match.group(0)) >= 7:
                add("phone", match.group(0), operator_named(line[: match.start()]))
    for contact in contacts:
        for app in contact.apps:
            if app and app in entry.body:
                add("app", app)
    return caller_first(items, caller_operator)[:MAX_COPYABLE]


def caller_first(items: Iterable[Copyable], operator: str) -> list[Copyable]:
    """The items of `operator` first, each group in its own order."""
    items = list(items)
    if not operator:
        return items
    return [i for i in items if i.operator == operator] + [i for i in items if i.operator != operator]


def operator_named(text: str) -> str:
    """The operator whose name (in any script) comes last in `text`, or ""."""
    folded = text.casefold()
    best, where = "", -1
    for op in OPERATORS.values():
        for name in (op.name, *op.names):
            position = folded.rfind(name.casefold())
            if position > where:
                best, where = op.id, position
    return best


def _owners(contacts: Sequence[Entry]) -> dict[str, str]:
    """Item key -> operator id, from the contact entries (each names one operator)."""
    owners: dict[str, str] = {}
    for contact in contacts:
        if len(contact.operators) != 1:
            continue
        operator = contact.operators[0]
        for phone in contact.phones:
            owners.setdefault(_key("phone", phone), operator)
        for app in contact.apps:
            owners.setdefault(_key("app", app), operator)
        if contact.website:
            owners.setdefault(_key("website", contact.website), operator)
    return owners


def _key(kind: str, text: str) -> str:
    return kind + ":" + (re.sub(r"\D", "", text) if kind == "phone" else text.strip().casefold())
