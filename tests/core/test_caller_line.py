"""The caller typed on one line is split into the fields an agent would have filled by hand."""

from __future__ import annotations

import pytest

from agentui.core.caller_line import CallerLine, parse_caller_line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("王先生 79161234567 meg", CallerLine("王先生", "79161234567", "megafon")),
        ("王先生 +7 916 123-45-67 МТС", CallerLine("王先生", "+7 916 123-45-67", "mts")),
        ("Иванов Иван 8(916)1234567 билайн", CallerLine("Иванов Иван", "8(916)1234567", "beeline")),
        ("李女士，79031234567，麦", CallerLine("李女士", "79031234567", "megafon")),
        ("79161234567 t2 张先生", CallerLine("张先生", "79161234567", "tele2")),
        ("王先生 tele2", CallerLine("王先生", "", "tele2")),
        ("王先生 79161234567", CallerLine("王先生", "79161234567", "")),
        ("79161234567", CallerLine("", "79161234567", "")),
    ],
)
def test_a_line_with_a_phone_or_an_operator_fills_each_field(line: str, expected: CallerLine) -> None:
    assert parse_caller_line(line) == expected
    assert expected.split


@pytest.mark.parametrize(
    "line",
    [
        "王先生",
        "Иванов Иван",
        "Мегафон",  # the first word is a name, even when it spells an operator
        "麦先生",  # a surname, not 麦加丰
        "Anna M",  # one Latin letter is an initial, not MTS
        "王先生 2号 123456",  # six digits are not a phone
        "Tele2",
    ],
)
def test_a_line_that_is_only_a_name_is_left_as_it_was(line: str) -> None:
    parsed = parse_caller_line(line)
    assert not parsed.split
    assert parsed.name == line
