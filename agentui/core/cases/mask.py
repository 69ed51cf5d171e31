"""Masked exports (`agentui cases export --mask`): no phone, identity document or caller name readable.

Stored cases keep phones and passports (the agent needs them on the next call); an export leaves
the desk, so it masks them, erring on the side of the customer: every run of 7+ digits in a phone
or document shape keeps only its last digits (4 for phones, 2 for documents), and the caller's
name is masked wherever it appears. Dates, times, amounts and case ids stay readable.
"""

from __future__ import annotations

import re

from agentui.core.cases.model import Case
from agentui.core.cases.redact import map_text_fields

_SEP = r"[ \u00a0.\-\u2010-\u2015/]"
_NUMBER_SIGN = r"(?:№|N[oº°]?\.?|\#)"
_KEPT = re.compile(
    r"""
      (?<![\d.])(?:19|20)\d{2}([-./])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])(?![\d])   # 2026-11-22
    | (?<![\d.])(?:0?[1-9]|[12]\d|3[01])([-./])(?:0?[1-9]|1[0-2])\2(?:19|20)\d{2}(?![\d])   # 25.11.2026
    | (?<!\d)(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?!\d)                                  # 10:45
    | \bC\d{6}-\d{4}-[0-9A-Z]{4}\b                                                         # case ids
    | \[卡号已隐藏\ \*{4}\d{4}\]
    """,
    re.VERBOSE,
)
_DOCUMENT = re.compile(
    rf"""
      (?:серия|серии|сер\.)\s*\d{{2}}\s?\d{{2}}[\s,]*(?:(?:номер|номера|ном\.)\s*|{_NUMBER_SIGN}\s*)?\d{{6,7}}
    | (?<![\d+])\d{{2}}\s?\d{{2}}[\s\-]*{_NUMBER_SIGN}\s*\d{{6}}(?!\d)              # 4509 № 123456
    | (?<![\d+])\d{{2}}[\s\-]*{_NUMBER_SIGN}\s*\d{{7}}(?!\d)                      # 72 № 1234567
    | (?<![\d+])\d{{2}}\ ?\d{{2}}[\ \-]\d{{6}}(?!\d)                              # 4509 123456
    | (?<![\d+])\d{{2}}\ \d{{7}}(?!\d)                                            # 72 1234567
    | (?<![A-Za-z0-9])(?:E[A-HJ-NP-Z]\d{{7}}|[EGDSPKH]\d{{8}})(?![A-Za-z0-9])    # CN passports
    | (?<![\dA-Za-z])\d{{17}}[\dXx](?![\dA-Za-z])                                 # CN resident id
    """,
    re.VERBOSE,
)
# A phone in any dress: `+7.916.123.45.67`, `8(916)1234567`, `8 10 86 138 0013 8000`,
# `(495) 123-45-67`, `010-12345678`; and any other run of 9+ digits (a number we do not know the
# shape of is masked rather than let out). `core.caller_line` takes the phone out of the caller
# line with it too.
PHONE = re.compile(
    rf"""
      (?:\+\s?|(?<![\d]))\(?\d+\)?(?:{_SEP}{{0,2}}\(?\d+\)?)*
    """,
    re.VERBOSE,
)
_LOCAL_PHONE = re.compile(r"(?<![\d+])\d{3}[ \-.]\d{2}[ \-.]\d{2}(?![\d])")


def mask_digits(text: str, keep: int) -> str:
    """Star every digit but the last `keep`, leaving the punctuation so the shape stays readable."""
    total = sum(ch.isdigit() for ch in text)
    seen = 0
    out = []
    for ch in text:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > total - keep else "*")
        else:
            out.append(ch)
    return "".join(out)


def _mask_document(text: str) -> str:
    """A document number keeps its last 2 characters (digits, or the X check of a resident id)."""
    out, kept = [], 0
    for position in range(len(text) - 1, -1, -1):
        ch = text[position]
        if ch.isdigit() or (ch in "Xx" and position == len(text) - 1):
            out.append(ch if kept < 2 else "*")
            kept += 1
        else:
            out.append(ch)
    return "".join(reversed(out))


def mask_text(text: str) -> str:
    """Documents keep their last 2 digits, phones and other long numbers their last 4."""
    pieces: list[str] = []
    cursor = 0
    for kept in _KEPT.finditer(text):
        pieces.append(_mask_numbers(text[cursor : kept.start()]))
        pieces.append(kept.group(0))
        cursor = kept.end()
    pieces.append(_mask_numbers(text[cursor:]))
    return "".join(pieces)


def _mask_numbers(text: str) -> str:
    def phone(match: re.Match[str]) -> str:
        found = match.group(0)
        digits = sum(ch.isdigit() for ch in found)
        return mask_digits(found, 4) if digits >= 9 or (digits >= 7 and found.startswith("+")) else found

    text = _DOCUMENT.sub(lambda m: _mask_document(m.group(0)), text)
    text = PHONE.sub(phone, text)
    return _LOCAL_PHONE.sub(lambda m: mask_digits(m.group(0), 4), text)


def mask_name(name: str) -> str:
    """Each word keeps its first letter: `Иванов Иван` → `И***** И***`, `王小明` → `王**`."""
    return _LETTERS.sub(lambda m: m.group(0)[0] + "*" * (len(m.group(0)) - 1), name)


_LETTERS = re.compile(r"[^\W\d_]+")


def _name_pattern(name: str) -> re.Pattern[str] | None:
    """The whole name and each of its words of 2+ letters, in any case, longest first."""
    words = {name.strip(), *re.findall(r"\w{2,}", name)}
    words.discard("")
    if not words:
        return None
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)" if name.isascii() or " " in name.strip()
                      else f"(?:{alternatives})", re.IGNORECASE)


def mask_case(case: Case) -> Case:
    """A copy for export: documents and phones masked in every text field, the caller's name
    masked in its field and wherever it appears in the others, and the caller's phone field
    masked whatever its format, since everything in it is the number."""
    names = _name_pattern(case.caller.name)

    def change(field: str, text: str) -> str:
        if field == "caller.phone":
            return mask_digits(text, 4)
        if field == "caller.name":
            return mask_text(mask_name(text))
        if field == "caller.operator":
            return text
        if names is not None:
            text = names.sub(lambda m: mask_name(m.group(0)), text)
        return mask_text(text)

    return map_text_fields(case, change)
