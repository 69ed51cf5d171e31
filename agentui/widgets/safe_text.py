"""Make data safe to show: strip control and bidi-override characters, never parse markup.

Everything the console shows that comes from data (KB text, notes, caller fields, queries, case
history) goes through `clean()` and is displayed as `Content`, never as a markup string.
"""

from __future__ import annotations

from textual.content import Content

from agentui.core.terminal_text import clean, clean_line, is_clean

__all__ = ["clean", "clean_line", "highlighted", "is_clean", "safe"]


def safe(text: str, style: str = "") -> Content:
    """Data as `Content`: literal text (no markup), cleaned, optionally styled."""
    content = Content(clean(text))
    return content.stylize(style) if style else content


def highlighted(text: str, spans: tuple[tuple[int, int], ...], style: str = "reverse") -> Content:
    """Data as `Content` with the character ranges `spans` styled (search matches)."""
    content = Content(clean(text))
    length = len(content.plain)
    # Offsets refer to the raw text; on cleaned-away characters they may drift, which only moves a
    # highlight, never breaks it.
    for start, end in spans:
        start, end = max(0, min(start, length)), max(0, min(end, length))
        if start < end:
            content = content.stylize(style, start, end)
    return content
