"""Text normalisation shared by indexing and querying: NFKC, casefold, no punctuation, offset maps."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_QUERY_CHARS = 200
"""Longer input (a paste gone wrong) is cut here: no agent query is longer, and cost stays bounded."""


def is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
    )


@lru_cache(maxsize=65536)
def _fold_char(char: str) -> str:
    """One source character as it is indexed: letters/digits folded, everything else a space."""
    folded = unicodedata.normalize("NFKC", char).casefold().replace("ё", "е")
    out = []
    for c in folded:
        category = unicodedata.category(c)
        if category[0] in "LN" or is_cjk(c):
            out.append(c)
        elif category == "Mn":
            continue  # combining marks (accents) do not separate words
        else:
            out.append(" ")
    return "".join(out)


def fold(text: str) -> str:
    return "".join(_fold_char(c) for c in text)


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """Folded text plus, for each folded character, the index of the source character it came from."""
    out: list[str] = []
    source: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        out.append(folded)
        source.extend([index] * len(folded))
    return "".join(out), source


_UNIT = re.compile(r"[0-9]+|[^\W\d_]+", re.UNICODE)


def split_units(folded: str) -> list[str]:
    """Words of folded text, split where the script changes: `esim丢了` -> `esim`, `丢了`."""
    units: list[str] = []
    for word in folded.split():
        for match in _UNIT.finditer(word):
            piece = match.group(0)
            start = 0
            for i in range(1, len(piece) + 1):
                if i == len(piece) or is_cjk(piece[i]) != is_cjk(piece[start]):
                    units.append(piece[start:i])
                    start = i
    return units


def digits_only(text: str) -> str:
    return "".join(c for c in text if c.isdigit() and c.isascii())
