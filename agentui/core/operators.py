"""The mobile operators the desk serves: ids, display names and names in other scripts."""

from __future__ import annotations

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
