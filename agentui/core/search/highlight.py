"""Which characters of the title a query matched, as offsets into the original text."""

from __future__ import annotations

from functools import lru_cache

from agentui.core.search.document import FieldText
from agentui.core.search.normalize import fold_with_map
from agentui.core.search.query import CJK, Query
from agentui.core.search.scorer import cjk_pairs


def field_spans(field: FieldText, query: Query) -> tuple[tuple[int, int], ...]:
    marked: set[int] = set()
    text = field.text
    for unit in query.units:
        if unit.kind == CJK:
            _mark_cjk(text, unit.text, marked)
            if unit.pinyin is not None:
                _mark_pinyin(field, unit.pinyin.joined, marked)
        else:
            _mark_all(text, unit.text, marked)
            # As the scorer tests pinyin: full pinyin for words that read as pinyin, initials for
            # short ones; an English word (`forwarding`) is not looked for in every run.
            initials = len(unit.text) >= 2 and unit.text.isascii() and unit.text.isalpha()
            if field.runs and (unit.pinyin_like or initials):
                _mark_pinyin(field, unit.text, marked, full=unit.pinyin_like, initials=initials)
    for phrase in query.phrases:
        _mark_pinyin(field, phrase.joined, marked)
    if not marked:
        return ()
    offsets = _source_offsets(field.original) if field.original is not None else None
    source = sorted({offsets[i] for i in marked if i < len(offsets)} if offsets is not None else marked)
    spans: list[tuple[int, int]] = []
    for index in source:
        if spans and spans[-1][1] == index:
            spans[-1] = (spans[-1][0], index + 1)
        else:
            spans.append((index, index + 1))
    return tuple(spans)


@lru_cache(maxsize=8192)
def _source_offsets(original: str) -> list[int]:
    """Folded-to-source offsets of a title: the same titles come back query after query, and mapping
    one costs more than scoring it."""
    return fold_with_map(original)[1]


def _mark_all(text: str, needle: str, marked: set[int]) -> None:
    if not needle:
        return
    position = text.find(needle)
    while position != -1:
        marked.update(range(position, position + len(needle)))
        position = text.find(needle, position + 1)


def _mark_cjk(text: str, run: str, marked: set[int]) -> None:
    if len(run) == 1:
        _mark_all(text, run, marked)
        return
    for i in cjk_pairs(run, text):
        _mark_all(text, run[i:i + 2], marked)


def _mark_pinyin(field: FieldText, text: str, marked: set[int], *, full: bool = True, initials: bool = True) -> None:
    for run in field.runs:
        pinyin = run.pinyin
        position = pinyin.joined.find(text) if full else -1
        while position != -1:
            if position in pinyin.starts:
                first, last = pinyin.char_span(position, position + len(text))
                marked.update(range(run.start + first, run.start + last))
            position = pinyin.joined.find(text, position + 1)
        if initials and len(text) >= 2:
            position = pinyin.initials.find(text)
            if position != -1:
                marked.update(range(run.start + position, run.start + position + len(text)))
