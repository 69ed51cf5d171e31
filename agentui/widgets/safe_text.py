"""Make data safe to show: strip control and bidi-override characters, never parse markup.

Everything the console shows that comes from data (KB text, notes, caller fields, queries, case
history) goes through `clean()` and is displayed as `Content`, never as a markup string.
"""

from __future__ import annotations

import re

from textual.content import Content

# C0 controls except \t and \n, DEL, C1 controls (U+0080-U+009F, includes CSI U+009B and OSC
# U+009D), bidi embeddings/overrides U+202A-U+202E and isolates U+2066-U+2069.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A whole escape sequence (CSI, OSC up to BEL/ST, or a lone ESC + one char) is dropped at once so
# that its parameters do not show up as litter.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL | ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC ... ST
    r"|\x1b."  # any other two-character escape
)


def clean(text: str) -> str:
    """`text` without escape sequences and unsafe control characters; \\r\\n becomes \\n."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n")
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub("", _ESCAPE_SEQUENCE.sub("", text.replace("\r", "\n")))


def clean_line(text: str) -> str:
    """`clean()` for a one-line field: newlines and tabs become spaces."""
    return clean(text).replace("\n", " ").replace("\t", " ")


def is_clean(text: str) -> bool:
    return "\r" not in text and _UNSAFE.search(text) is None


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
