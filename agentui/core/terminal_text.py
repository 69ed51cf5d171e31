"""The one output-cleaning rule: data made safe to print on a terminal, in JSON and in a spreadsheet.

Every path that shows data uses it: the console (through `widgets.safe_text`), the CLI's text
output and warnings (`clean`, `clean_line`), its JSON (`json_text`) and CSV (`spreadsheet_cell`),
and the Markdown export. A note, a caller field, a KB title or a file name may carry ESC, OSC 52
(clipboard write), OSC 8 (links), DCS, C1 controls or bidi overrides that would act on the
terminal or disguise the text, or start with `=` and run as a formula in a spreadsheet.
"""

from __future__ import annotations

import json
import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
"""Arabic letter mark, LRM/RLM, embeddings/overrides U+202A-E, isolates U+2066-9 (Trojan Source)."""
# C0 controls except \t and \n, DEL, C1 controls (U+0080-U+009F, includes CSI U+009B and OSC
# U+009D), and the bidi controls.
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
# A whole escape sequence (CSI, OSC up to BEL/ST, or a lone ESC + one char) is dropped at once so
# that its parameters do not show up as litter.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL | ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC ... ST
    r"|\x1b."  # any other two-character escape
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_BIDI}\u2028\u2029\ud800-\udfff]")
"""What `json.dumps(ensure_ascii=False)` leaves raw but a terminal acts on (C0 it escapes itself)."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
"""OWASP CSV injection: a cell starting with one of these is a formula in Excel and LibreOffice
(full-width forms too, which some spreadsheets fold to ASCII)."""


def clean(text: str) -> str:
    """`text` without escape sequences and unsafe control characters; \\r\\n becomes \\n. Bytes a
    file name could not decode (surrogate escapes) are shown as `\\xNN`."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n")
    if _UNSAFE.search(text) is None:
        return text
    text = _SURROGATE.sub(_show_surrogate, text)
    return _UNSAFE.sub("", _ESCAPE_SEQUENCE.sub("", text.replace("\r", "\n")))


def clean_line(text: str) -> str:
    """`clean()` for a one-line field: newlines and tabs become spaces."""
    return clean(text).replace("\n", " ").replace("\t", " ")


def escaped(text: str) -> str:
    """One line for a message (a KB problem, a file name): every character `clean` would remove is
    shown as an escape instead (`\\x1b`, `\\n`, `\\u202e`), and undecodable file-name bytes as
    `\\xNN`, so the reader sees what is really in the file and the terminal acts on none of it."""
    if _ESCAPABLE.search(text) is None:
        return text
    return _ESCAPABLE.sub(_escape, text)


_ESCAPABLE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    named = _NAMED_ESCAPES.get(char)
    if named is not None:
        return named
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def is_clean(text: str) -> bool:
    return "\r" not in text and _UNSAFE.search(text) is None


def json_text(value: object, *, indent: int | None = None) -> str:
    """JSON with the data whole (readers get every character back) but nothing a terminal acts
    on: C1 controls, bidi controls, line separators and lone surrogates are `\\uXXXX` escapes."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group(0)):04x}", text)


def spreadsheet_cell(text: str) -> str:
    """A CSV cell that a spreadsheet shows as text: cleaned, and a leading formula character
    (after any whitespace) neutralised with a single quote, as OWASP advises: `'+7 916 …` stays
    readable as the phone it is."""
    text = clean(text)
    return "'" + text if text.lstrip().startswith(_FORMULA_START) else text


def _show_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else "\ufffd"
