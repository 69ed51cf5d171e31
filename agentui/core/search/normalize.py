"""Text normalisation shared by indexing and querying: NFKC, casefold, no punctuation, offset maps."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

MAX_QUERY_CHARS = 200
"""Longer input (a paste gone wrong) is cut here: no agent query is longer, and cost stays bounded."""


CJK_RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))
"""Code points indexed as Chinese: unified ideographs, extension A, compatibility, extensions B+."""


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in CJK_RANGES)


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


_CJK_CLASS = "".join(f"{chr(low)}-{chr(high)}" for low, high in CJK_RANGES)
_NOT_KEPT = re.compile(rf"[^\w{_CJK_CLASS}]|_")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_UNITS = re.compile(rf"[{_CJK_CLASS}]+|[0-9]+|[^\W\d_{_CJK_CLASS}]+")
CJK_RUN = re.compile(rf"[{_CJK_CLASS}]+")
WORDS = re.compile(rf"[0-9]+|[^\W\d_{_CJK_CLASS}]+")
"""Non-Chinese units: digit groups and Latin/Cyrillic/other-script words."""


def fold(text: str) -> str:
    """The same folding as `fold_with_map`, done on the whole string at C speed."""
    if text.isascii():
        return _NOT_KEPT.sub(" ", text.lower())
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return _NOT_KEPT.sub(" ", _COMBINING.sub("", folded))


_WIDE_PUNCTUATION = re.compile("[\u3000\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]")
"""Full-width punctuation and the ideographic space: what keeps most Chinese text from being NFKC."""


def fold_letters(text: str) -> str:
    """What `fold` does to letters and digits, at index-build speed: punctuation is left for the
    key extraction to treat as a break (`keys.batch_keys` classifies characters itself), and NFKC
    (25 µs on a typical body) runs only when something besides full-width punctuation needs it."""
    if text.isascii():
        return text.lower()
    text = _WIDE_PUNCTUATION.sub(" ", text)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return _COMBINING.sub("", text.casefold().replace("ё", "е"))


TEXT_BREAK = "\x00"
"""Joins a batch's texts for one folding pass and one key extraction: a break for the keys (see
`keys`), and no folding step creates, drops or merges it, so the folded batch splits back into the
folded texts."""


@lru_cache(maxsize=1)
def _composing() -> frozenset[int]:
    """The BMP characters NFKC may merge into the character before them: the second of a
    canonical decomposition, and the Hangul vowels and finals (composed by rule)."""
    seconds = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))
    for code in range(0x10000):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(int(parts[1], 16))
    return frozenset(seconds)


def fold_alone(char: str) -> str | None:
    """What `fold_letters` makes of `char` wherever it stands, or None when NFKC may change it with
    its neighbours. A text of BMP characters that NFKC leaves alone, none of which composes with
    the one before, is NFKC-normalized as a whole, so `fold_letters` folds it character by
    character."""
    if _WIDE_PUNCTUATION.fullmatch(char):
        return " "
    if ord(char) > 0xFFFF or ord(char) in _composing() or unicodedata.combining(char) \
            or not unicodedata.is_normalized("NFKC", char):
        return None
    return fold_letters(char)


def join_texts(texts: Sequence[str], stand_in: str) -> str:
    """The texts TEXT_BREAK-joined, a TEXT_BREAK inside a text replaced by `stand_in`."""
    joined = TEXT_BREAK.join(texts)
    if joined.count(TEXT_BREAK) != max(len(texts) - 1, 0):
        joined = TEXT_BREAK.join(text.replace(TEXT_BREAK, stand_in) for text in texts)
    return joined


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """Folded text plus, for each folded character, the index of the source character it came from."""
    out: list[str] = []
    source: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        out.append(folded)
        source.extend([index] * len(folded))
    return "".join(out), source


def split_units(folded: str) -> list[str]:
    """Words of folded text, split where the script changes: `esim丢了` -> `esim`, `丢了`."""
    return _UNITS.findall(folded)


def units_text(folded: str) -> str:
    """A folded text's units joined by one space: how a whole query and a whole field item are
    compared (`eSIM注销` and `eSIM 注销！` are one text)."""
    return " ".join(split_units(folded))


_NOT_DIGIT = re.compile("[^0-9]+")


def digits_only(text: str) -> str:
    return _NOT_DIGIT.sub("", text)
