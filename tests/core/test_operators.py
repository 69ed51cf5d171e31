"""Which operator an agent means: by the first letters typed (the case pane's type-ahead) and by the
names a query or text holds (pre-selecting the caller's operator)."""

from __future__ import annotations

import pytest

from agentui.core.operators import operator_starting_with, operators_named_in


@pytest.mark.parametrize(
    ("typed", "operator"),
    [("m", "mts"), ("MT", "mts"), ("meg", "megafon"), ("мт", "mts"), ("Мег", "megafon"), ("麦", "megafon"),
     ("b", "beeline"), ("би", "beeline"), ("t", "tele2"), ("т2", "tele2"), ("移", "mts"), ("x", None), ("", None)],
)  # fmt: skip
def test_operator_starting_with(typed: str, operator: str | None) -> None:
    assert operator_starting_with(typed) == operator


@pytest.mark.parametrize(
    ("text", "named"),
    [("MTS补卡", {"mts"}), ("megafon 补卡", {"megafon"}), ("麦加丰 esim", {"megafon"}), ("МТС", {"mts"}),
     ("tele2 и билайн", {"tele2", "beeline"}), ("smtsx", set()), ("eSIM 补卡", set()), ("", set())],
)  # fmt: skip
def test_operators_named_in(text: str, named: set[str]) -> None:
    assert operators_named_in(text) == named
