"""The caller typed on one line (`王先生 79161234567 meg`) split into name, phone and operator."""

from __future__ import annotations

import re
from dataclasses import dataclass

from agentui.core.cases.mask import PHONE
from agentui.core.operators import operator_starting_with, operators_named_in

MIN_PHONE_DIGITS = 7
"""Fewer digits are part of a name or a note (`2号`, `Tele2`), not a phone."""

_SEPARATORS = re.compile(r"[\s,，、;；]+")


@dataclass(frozen=True, slots=True)
class CallerLine:
    name: str
    phone: str = ""
    operator: str = ""
    """An id of `OPERATORS`, or "" when the line names none."""

    @property
    def split(self) -> bool:
        """The line held more than a name: the agent typed the caller on one line."""
        return bool(self.phone or self.operator)


def _phone_in(text: str) -> re.Match[str] | None:
    return next((m for m in PHONE.finditer(text) if sum(ch.isdigit() for ch in m.group(0)) >= MIN_PHONE_DIGITS),
                None)


def _operator_of(word: str) -> str:
    """The operator a word after the name stands for: a whole spelling (`MTS`, `t2`, `Билайн`), or
    the start of one that is long enough not to be an initial (`meg`, `мт`; one Chinese character,
    `麦`)."""
    named = operators_named_in(word)
    if len(named) == 1:
        return next(iter(named))
    long_enough = len(word) >= 2 or any("\u4e00" <= ch <= "\u9fff" for ch in word)
    return (operator_starting_with(word) or "") if long_enough else ""


def parse_caller_line(text: str) -> CallerLine:
    """Split what the agent typed into the name field. The first phone number (7+ digits, in any
    dress) is the phone; a later word that names an operator is the operator; the other words, in
    order, are the name. The first word is always part of the name unless it is the phone, so
    `Мегафон` alone or `麦先生` stay names. A line with neither phone nor operator is a name."""
    text = text.strip()
    phone = ""
    before, after = text, ""
    if found := _phone_in(text):
        phone = found.group(0).strip()
        before, after = text[: found.start()], text[found.end() :]
    words = [w for w in _SEPARATORS.split(before) if w]
    words += [w for w in _SEPARATORS.split(after) if w]
    operator = ""
    for position in range(1 if before.strip() else 0, len(words)):
        if operator_id := _operator_of(words[position]):
            operator = operator_id
            del words[position]
            break
    return CallerLine(name=" ".join(words), phone=phone, operator=operator)
