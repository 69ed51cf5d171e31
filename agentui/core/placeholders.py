"""The script placeholders the console can fill, and parsing `{name}` out of script text."""

from __future__ import annotations

import re
from collections.abc import Mapping

# One documented set (kb/README.md lists the same): name -> what fills it.
PLACEHOLDERS: dict[str, str] = {
    "客户姓名": "caller's name (case field)",
    "客户电话": "caller's phone number (case field)",
    "operator": "caller's operator, display name (case field)",
    "hotline": "hotline of the caller's operator (from its contact entry)",
    "app": "official app of the caller's operator (from its contact entry)",
    "website": "website of the caller's operator (from its contact entry)",
    "case_id": "id of the open case",
    "坐席姓名": "the agent's own name (settings)",
}

# `{{` and `}}` are literal braces; `{name}` is a placeholder.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\s]{1,40})\}")


def placeholders_in(text: str) -> list[str]:
    """Placeholder names in order of first use."""
    seen: dict[str, None] = {}
    for match in _TOKEN.finditer(text):
        if match.group(1):
            seen.setdefault(match.group(1), None)
    return list(seen)


def fill(text: str, values: Mapping[str, str]) -> str:
    """Replace known placeholders; unknown or empty ones stay as `{name}` so gaps stay visible."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        value = values.get(match.group(1), "")
        return value if value else token

    return _TOKEN.sub(replace, text)
