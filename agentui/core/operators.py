"""The mobile operators the desk serves: ids, display names and names in other scripts."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Operator:
    id: str
    name: str
    names: tuple[str, ...]
    """Other spellings an agent may type (Cyrillic, Chinese, lower case)."""


OPERATORS: dict[str, Operator] = {
    op.id: op
    for op in (
        Operator("mts", "MTS", ("МТС", "МТС", "mts", "俄罗斯移动电信", "移动电信")),
        Operator("megafon", "MegaFon", ("МегаФон", "Мегафон", "megafon", "мегафон", "麦加丰")),
        Operator("beeline", "Beeline", ("Билайн", "beeline", "билайн", "比莱恩")),
        Operator("tele2", "Tele2", ("Теле2", "tele2", "теле2", "t2", "Т2")),
    )
}


def _spellings(operator_id: str) -> list[str]:
    op = OPERATORS[operator_id]
    return [s.casefold() for s in (op.id, op.name, *op.names)]


def operator_starting_with(typed: str) -> str | None:
    """The operator one of whose spellings starts with `typed` (`m` → MTS, `meg`, `мт`, `麦`);
    the first in `OPERATORS` when several do."""
    typed = typed.casefold()
    if not typed:
        return None
    return next((op for op in OPERATORS if any(s.startswith(typed) for s in _spellings(op))), None)


_LETTER = "0-9a-zа-яё"


def operators_named_in(text: str) -> set[str]:
    """Operators a text names: a Latin or Cyrillic spelling not inside a longer word (`MTS补卡` names
    MTS, `smtsx` does not), a Chinese one anywhere."""
    folded = text.casefold()
    named: set[str] = set()
    for op in OPERATORS:
        for spelling in _spellings(op):
            if any("\u4e00" <= ch <= "\u9fff" for ch in spelling):
                found = spelling in folded
            else:
                found = re.search(rf"(?<![{_LETTER}]){re.escape(spelling)}(?![{_LETTER}])", folded) is not None
            if found:
                named.add(op)
                break
    return named
