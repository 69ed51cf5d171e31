"""Data made safe to print: escape sequences and control or bidi-override characters removed.

The console (through `widgets.safe_text`) and the CLI's human output both use it: a note or a
caller field pasted from elsewhere may carry ESC, OSC 52 or C1 bytes that would act on the terminal.
"""

from __future__ import annotations

import re

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
