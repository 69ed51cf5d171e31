"""Length limits of front-matter fields, the control characters no field may hold, and how file data
is quoted in a problem's one line."""

from __future__ import annotations

import re

from agentui.core.terminal_text import clean_line, escaped

MAX_LENGTHS: dict[str, int] = {
    "id": 100, "title": 300, "title_en": 300, "aliases": 200, "tags": 100, "related": 100,
    "source": 200, "phones": 100, "apps": 100, "website": 300,
}
"""Characters per value (per item for lists). Far above what an entry needs, far below what would
make a field costly to index or show."""
MAX_ITEMS = 64
"""Items per list field (aliases, tags, operators, related, source, phones, apps)."""
MAX_PROBLEMS_PER_FILE = 50
"""More problems in one file are summed up in one line: a file with a thousand faults is one fix."""
SHORTEST_LIMIT = min(MAX_LENGTHS.values())
"""A front-matter line no longer than this cannot break a limit (its value is shorter still, and
MAX_ITEMS items need more characters), so only longer lines are checked on the fast path."""

_CUT = frozenset({"title", "title_en"})
"""Too long: cut to the limit (the entry is still found and shown, its body intact). An `id` too
long refuses the entry (an id cannot be cut without becoming another id); a too-long list item is
dropped (a cut alias would match what it never said); a too-long `website` is dropped."""

# C0 and C1 controls, DEL, and the bidirectional embeddings, overrides and isolates: invisible in a
# title, able to move the cursor, clear the screen or write the clipboard, or to show a number backwards.
CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACE_LIKE = re.compile("[\t\n\r\x0b\x0c\x85]+")



def shown(text: str) -> str:
    """`text` for a one-line message, by the console's one output rule (`terminal_text.escaped`)."""
    return escaped(text)


def quoted(value: object, limit: int = 60) -> str:
    """A value from a file as a message quotes it: escaped, and cut short if long."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text):,} characters)"
    return shown(text)


def within_limits(key: str, value: object) -> bool:
    """Whether `tidy` would leave this converted value as it is (the fast path's check)."""
    limit = MAX_LENGTHS.get(key)
    if isinstance(value, tuple):
        if len(value) > MAX_ITEMS:
            return False
        return limit is None or all(len(item) <= limit for item in value)
    return limit is None or not isinstance(value, str) or len(value) <= limit


def tidy(key: str, value: object) -> tuple[object | None, list[str]]:
    """The value with control characters removed and the length limits applied, and a message for
    each change; None when nothing usable is left (the field is then treated as absent)."""
    messages: list[str] = []
    limit = MAX_LENGTHS.get(key)
    if isinstance(value, str):
        return _tidy_text(key, value, limit, messages), messages
    if not isinstance(value, tuple):
        return value, messages
    items: list[str] = []
    for number, item in enumerate(value, 1):
        if not isinstance(item, str):
            items.append(item)
            continue
        cleaned = _without_controls(item)
        if cleaned != item:
            messages.append(f"'{key}' item {number} holds control characters; they are removed")
            if not cleaned:
                continue
        if limit is not None and len(cleaned) > limit:
            messages.append(
                f"'{key}' item {number} is {len(cleaned):,} characters, over the {limit}-character limit; "
                "the item is not loaded")
            continue
        items.append(cleaned)
    kept = tuple(dict.fromkeys(items))
    if len(kept) > MAX_ITEMS:
        messages.append(f"'{key}' has {len(kept):,} items, over the limit of {MAX_ITEMS}; only the first "
                        f"{MAX_ITEMS} are loaded")
        kept = kept[:MAX_ITEMS]
    return kept, messages


def _tidy_text(key: str, value: str, limit: int | None, messages: list[str]) -> str | None:
    cleaned = _without_controls(value)
    if cleaned != value:
        messages.append(f"'{key}' holds control characters; they are removed")
        if not cleaned:
            return None
    if limit is None or len(cleaned) <= limit:
        return cleaned
    if key in _CUT:
        messages.append(f"'{key}' is {len(cleaned):,} characters, over the {limit}-character limit; "
                        f"it is cut to {limit}")
        return cleaned[:limit]
    what = "the entry is not loaded" if key == "id" else "it is not loaded"
    messages.append(f"'{key}' is {len(cleaned):,} characters, over the {limit}-character limit; {what}")
    return None


def _without_controls(text: str) -> str:
    """The console's own cleaning rule (whole escape sequences, so no OSC 52 payload is left as
    litter), on one line: tabs and newlines become spaces."""
    if CONTROLS.search(text) is None:
        return text
    return CONTROLS.sub("", clean_line(_SPACE_LIKE.sub(" ", text))).strip()
