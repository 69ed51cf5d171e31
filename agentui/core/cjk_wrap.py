"""Where to break a line of Chinese mixed with Latin text: between Chinese characters, at spaces in
Latin text, and by the Chinese line-breaking rules (禁则): no closing punctuation at the start of a
line, no opening bracket at its end, no split inside `……`, `——` or a phone number."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache

NO_LINE_START = frozenset(
    "，。、；：！？）】」』〕〉》〗〙〛］｝”’…‥—～·・ー％‰℃°′″"
    "ゝゞ々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
    ",.;:!?)]}%"
    "﹐﹑﹒﹔﹕﹖﹗﹚﹜﹞｡｣､"
)
"""Characters that may not begin a line: closing punctuation and brackets, marks that belong to
the character before them."""

NO_LINE_END = frozenset("（【「『〔〈《〖〘〚［｛“‘([{﹙﹛﹝｢£¥$￡￥＄")
"""Characters that may not end a line: opening brackets and quotes, currency signs."""

NUMBER_END = frozenset("0123456789)")
NUMBER_START = frozenset("0123456789(")
"""A space between these (`+7 (495) 777-00-00`) is inside a phone number: no break there."""

NO_SPLIT = frozenset("…‥—")
"""Doubled into one mark (`……`, `——`): the pair stays on one line."""

CharWidth = Callable[[str], int]


@lru_cache(maxsize=4096)
def char_cells(char: str) -> int:
    """Terminal cells of one character: 2 for East Asian wide and full-width, 0 for combining marks
    and zero-width characters, else 1. The console passes its renderer's own measure instead."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def break_offsets(text: str, width: int, char_width: CharWidth = char_cells, *, fold: bool = True) -> list[int]:
    """Offsets into `text` where lines start so that none is wider than `width` cells (spaces at
    the end of a line may overflow: the renderer strips them). A newline ends a line. A run with no
    allowed break longer than a line is cut anywhere when `fold` (else left to overflow); every
    character is kept. Same contract as rich's `divide_line`."""
    if width < 1 or not text:
        return []
    widths = [char_width(char) for char in text]
    allowed = break_opportunities(text, widths)
    offsets: list[int] = []
    length = len(text)
    line_start = 0
    while line_start < length:
        cut = _line_end(text, widths, allowed, line_start, width, fold)
        if cut >= length:
            break
        offsets.append(cut)
        line_start = cut
    return offsets


def break_opportunities(text: str, widths: list[int]) -> list[bool]:
    """For each offset, whether a line may start there (between `text[i - 1]` and `text[i]`):
    beside any wide character (Chinese, Japanese, Korean, full-width forms) and after spaces,
    unless the rules forbid it."""
    closing = _closing_quotes(text)
    allowed = [False] * len(text)
    for index in range(1, len(text)):
        before, char = text[index - 1], text[index]
        if char.isspace() or widths[index] == 0:
            continue  # spaces stay at the end of the line; marks stay on their character
        if char in NO_LINE_START or before in NO_LINE_END:
            continue
        if char == '"' and index in closing or before == '"' and index - 1 not in closing:
            continue
        if before.isspace():
            allowed[index] = not _inside_number(text, index)
        elif before == char and char in NO_SPLIT:
            continue
        else:
            allowed[index] = widths[index - 1] == 2 or widths[index] == 2  # beside a Chinese character
    return allowed


def _line_end(text: str, widths: list[int], allowed: list[bool], start: int, width: int, fold: bool) -> int:
    """Where the line beginning at `start` ends (the next line's start, or `len(text)`)."""
    cells = 0
    best = -1  # the last allowed break seen after `start`
    for index in range(start, len(text)):
        char = text[index]
        if char == "\n":
            return index + 1
        if allowed[index] and index > start:
            best = index
        cells += widths[index]
        if cells <= width or index == start or char.isspace():
            continue
        # `char` does not fit: end the line at the last allowed break, else fold.
        if best > start:
            return best
        if fold:
            return _fold(text, widths, start, index)
    return len(text)


def _fold(text: str, widths: list[int], start: int, index: int) -> int:
    """No allowed break in the line: cut before `index`, moved back past spaces and past a cut
    that would put closing punctuation first or an opening bracket last (if there is no such
    place, before `index` all the same)."""
    for cut in range(index, start, -1):
        char = text[cut]
        if char.isspace() or not widths[cut]:
            continue
        if char not in NO_LINE_START and text[cut - 1] not in NO_LINE_END:
            return cut
    return index


def _inside_number(text: str, index: int) -> bool:
    """Whether the spaces before `index` separate groups of one phone number (`+7 (495) 777`),
    which the agent reads out whole."""
    start = index
    while start > 0 and text[start - 1] == " ":
        start -= 1
    return start > 0 and text[start - 1] in NUMBER_END and text[index] in NUMBER_START


def _closing_quotes(text: str) -> frozenset[int]:
    """Straight double quotes used as Chinese quotation marks (`进入"我的服务"页面`) open and close
    in turn: the offsets of the closing ones."""
    if '"' not in text:
        return frozenset()
    positions = [index for index, char in enumerate(text) if char == '"']
    return frozenset(positions[1::2])
