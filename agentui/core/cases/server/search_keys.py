"""History search on the server: the text a case is searched in, and the index keys of a text.

pg_trgm indexes three-character grams, so a two-character Chinese query (`补卡`, `注销`) cannot use
it, and it splits words by the server's locale (a cluster made with the C locale sees no Chinese
words at all). The keys are made here instead, the same way for a case and a query, and kept in a
`text[]` column under a GIN index: adjacent pairs of Chinese (CJK) characters, and triples of other
letters and digits. A query's keys are all in every case that holds the query, so `keys @> query
keys` never loses a match; `LIKE` on the text then checks the exact substring.
"""

from __future__ import annotations

from agentui.core.cases.model import Case

MAX_QUERY_KEYS = 6
"""Enough to make the index selective; more only costs the index more posting lists to intersect."""


def is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3400 <= code <= 0x4DBF or 0x4E00 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3134F or 0x3040 <= code <= 0x30FF or 0xAC00 <= code <= 0xD7AF
    )  # fmt: skip


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit() and ch.isascii())


def case_search_text(case: Case) -> str:
    """What the embedded store's history filter searches, casefolded, plus the phone's digits so a
    query of digits finds `+7 (495) 797-79-79`."""
    caller = case.caller
    fields = (case.id, caller.name, caller.phone, caller.operator, case.category, case.notes, case.summary)
    text = "\n".join(field for field in fields if field).casefold()
    phone_digits = digits(caller.phone)
    return f"{text}\n{phone_digits}" if phone_digits else text


def keys_of(text: str) -> list[str]:
    """Distinct keys of an already casefolded text, in order of first appearance."""
    seen: dict[str, None] = {}
    run: list[str] = []
    for char in text + "\n":
        if char.isalnum():
            run.append(char)
            continue
        if len(run) >= 2:
            _run_keys(run, seen)
        run = []
    return list(seen)


def _run_keys(run: list[str], seen: dict[str, None]) -> None:
    cjk = [is_cjk(ch) for ch in run]
    for i in range(len(run) - 1):
        if cjk[i] and cjk[i + 1]:
            seen[run[i] + run[i + 1]] = None
        elif i + 2 < len(run) and not (cjk[i] or cjk[i + 1] or cjk[i + 2]):
            seen[run[i] + run[i + 1] + run[i + 2]] = None


def query_keys(query: str) -> list[str]:
    """At most `MAX_QUERY_KEYS` of the query's keys, spread over it (its ends included)."""
    keys = keys_of(query.casefold())
    if len(keys) <= MAX_QUERY_KEYS:
        return keys
    step = (len(keys) - 1) / (MAX_QUERY_KEYS - 1)
    return list(dict.fromkeys(keys[round(i * step)] for i in range(MAX_QUERY_KEYS)))


def like_pattern(query: str) -> str:
    escaped = query.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
