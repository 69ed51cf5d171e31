"""Redaction built from the formats: cards however they are written, CVV phrasings in four
languages, and masked exports that leave no phone, passport or caller name readable. Most forms
here are not the ones the issue listed: the rules must come from the formats, not from examples."""

from __future__ import annotations

import pytest

from agentui.core.cases.mask import mask_case, mask_text
from agentui.core.cases.model import Caller, Case
from agentui.core.cases.redact import luhn_valid, redact_text


def with_check_digit(partial: str) -> str:
    return next(partial + d for d in "0123456789" if luhn_valid(partial + d))


def hidden(text: str) -> bool:
    return "卡号已隐藏" in redact_text(text)[0]


CARDS = [
    # the issue's own
    "4111.1111.1111.1111", "4111/1111/1111/1111", "4111 1111\n1111 1111", "4111111111111112",
    "6222021234567890",
    # other separators and groupings
    "4111–1111–1111–1111", "4111 · 1111 · 1111 · 1111", "4111_1111_1111_1111", "4111 - 1111 - 1111 - 1112",
    "４１１１．１１１１．１１１１．１１１２", "4111／1111／1111／1111", "4111\u00a01111\u00a01111\u00a01112",
    "41111111\n11111112", "4111 1111 11\n11 1112", "4111 1111 1111\r\n1112",
    "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 2",  # read out digit by digit
    "41 11 11 11 11 11 11 12",
    # networks, Luhn-valid or not
    "5500 0000 0000 0005", "2200 1234 5678 9010", "3530 1113 3330 0001", "6011 0009 9013 9425",
    "3782 822463 10006", "3056 930902 5905", "6212 3456 7890 1234 560", "5018 0000 0000 0000 009",
    # how it sits in a note
    "卡号是4111111111111112，有效期12/27", "card: 5500-0000-0000-0005!", "Номер карты 2200 1234 5678 9010.",
    "电话 +7 916 123 45 67 卡 4111 1111 1111 1112",
]


@pytest.mark.parametrize("text", CARDS)
def test_card_numbers_are_hidden_whatever_the_form(text: str) -> None:
    redacted, what = redact_text(text)
    assert "卡号已隐藏" in redacted and what, redacted
    card_digits = 13  # at least; the last 4 stay in the placeholder
    assert sum(ch.isdigit() for ch in redacted) <= sum(ch.isdigit() for ch in text) - card_digits + 4, redacted


def test_the_card_is_cut_out_without_eating_its_neighbours() -> None:
    text = "电话 +7 916 123 45 67 卡 4111 1111 1111 1112 金额 300 卢布"
    assert redact_text(text)[0] == "电话 +7 916 123 45 67 卡 [卡号已隐藏 ****1112] 金额 300 卢布"
    assert redact_text("8 916 123 45 67 4111 1111 1111 1112")[0] == "8 916 123 45 67 [卡号已隐藏 ****1112]"


@pytest.mark.parametrize("partial", ["222100000000000", "250012345678901", "272099000000000"])
def test_mastercard_2_series_is_a_card(partial: str) -> None:
    """2221-2720 (Mastercard since 2017), Luhn-valid and with a typo, unseparated and grouped."""
    number = with_check_digit(partial)
    typo = number[:-1] + str((int(number[-1]) + 1) % 10)
    for digits in (number, typo):
        grouped = " ".join(digits[i : i + 4] for i in range(0, 16, 4))
        assert hidden(digits) and hidden(grouped), digits


@pytest.mark.parametrize("partial", ["222000000000000", "272100000000000", "210000000000000"])
def test_numbers_beside_the_2_series_are_not_cards_unless_luhn_says_so(partial: str) -> None:
    number = with_check_digit(partial)
    typo = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert not hidden(typo), "a Luhn-invalid number outside every card range is kept"
    assert hidden(number), "a Luhn-valid one in card shape is still hidden (it may be a card we do not know)"


EVERYDAY = [
    "+7 495 123 45 67", "+7 (916) 123-45-67", "89161234567", "89161234567, 89161234568",
    "8 916 123 45 67 и 8 916 765 43 21", "+86 138 0013 8000", "0086 138 0013 8000",
    "8 10 86 138 0013 8000",  # Russia's international prefix 8 10, then China
    "8 10 86 138 0013 8004", "8 10 49 1512 345 6789",  # Luhn-valid: cards by digits, phones by form
    "C261122-0245-7F3A", "C261122-0245-3456", "案子 C260125-1130-2468 已关闭",  # case ids, some all digits
    "2026-11-22", "2026-11-22 10:45", "25.11.2026 26.11.2026", "20261122104530", "2026/11/25 2026/11/26",
    "金额 300 卢布", "1 500 000 руб", "套餐 350 卢布/月，余额 1250 卢布",
    "IMEI 490154203237518", "IMEI 35 209900 176148 1", "ICCID 8970199123456789012", "8970 1991 2345 6789 012",
    "身份证 440106199003070001", "身份证 11010519491231002X", "счёт 40817810099910004312",
    "PUK 12345678", "订单 1234 5678", "步骤 1 2 3 4 5 6",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_numbers_are_never_mistaken_for_cards(text: str) -> None:
    assert redact_text(text) == (text, [])


CVV = [
    # the issue's own
    "安全码 8 4 5", "安全碼845", "卡背面三位数字是246", "卡片验证码135", "123 是安全码", "CVV后三位531",
    "CVC-код 975", "код безопасности 975", "security code 531",
    # other phrasings, both orders, spaced digits, full width, four languages
    "CVV2: 1 2 3", "cvc code is 456", "the 3-digit code on the back is 789", "три цифры на обороте: 321",
    "защитный код 654", "код CVV2 — 987", "ＣＶＣ２　４５６", "安全碼：８４５", "背面的三位数是 462",
    "卡背后三位 864", "信用卡驗證碼 246", "456 — это CVC", "CVV 码 135", "安全码为 4 5 6 7", "CID 1234",
    "卡背面的安全码：3-5-7", "Код безопасности карты: 852", "кода безопасности 741", "СVV 159",  # Cyrillic С
    "его CVC 258", "card security code: 369", "CVV is 1 2 3.", "731 is the CVV", "背面三位數字 258",
    "三位安全码是 147", "135（安全码）",
]


@pytest.mark.parametrize("text", CVV)
def test_cvv_codes_are_removed_in_every_phrasing(text: str) -> None:
    redacted, what = redact_text(text)
    assert "[安全码已删除]" in redacted and "安全码" in what, redacted
    outside_labels = redacted
    for label in ("CVV2", "ＣＶＣ２", "3-digit"):
        outside_labels = outside_labels.replace(label, "")
    assert not any(ch.isdigit() for ch in outside_labels), redacted
    assert redact_text(redacted) == (redacted, []), "a second save changes nothing"


NOT_CVV = [
    "CVV 12/25", "客户说 123", "安全码已经告诉过我们，订单 4509", "短信验证码 4821", "验证码 123456",
    "код из СМС 1234", "PIN 1234", "PUK 12345678", "code 123", "套餐 300 卢布", "安全问题 123",
    "CVV 已删除，订单 4509 123456",
]


@pytest.mark.parametrize("text", NOT_CVV)
def test_other_codes_and_numbers_stay(text: str) -> None:
    assert redact_text(text) == (text, [])


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("серия 4509 номер 123456", "56"), ("4509 № 123456", "56"), ("45 09 № 123456", "56"),
        ("паспорт серии 45 09, № 123456", "56"), ("паспорт 4509-123456", "56"), ("4509123456", "3456"),
        ("72 № 1234567", "67"), ("721234567", "4567"), ("загранпаспорт 72 1234567", "67"),
        ("+7.916.123.45.67", "4567"), ("8.916.123.45.67", "4567"), ("8(916)1234567", "4567"),
        ("+7 916 1234567", "4567"), ("+7-916-123-45-67", "4567"), ("007 916 123 45 67", "4567"),
        ("8 10 86 138 0013 8000", "8000"), ("0086-138-0013-8000", "8000"), ("+86 (138) 0013-8000", "8000"),
        ("(495) 123-45-67", "4567"), ("123 45 67", "4567"), ("010-12345678", "5678"),
        ("身份证 440106199003070001", "01"), ("11010519491231002X", "2X"), ("护照 G12345678", "78"),
    ],
)
def test_masked_export_leaves_no_phone_or_document_number_readable(text: str, kept: str) -> None:
    masked = mask_text(text)
    digits = "".join(ch for ch in masked if ch.isdigit() or ch == "X")
    assert digits == kept, masked


@pytest.mark.parametrize(
    "text",
    ["2026-11-22 10:45", "25.11.2026", "金额 1500 卢布", "1 500 руб", "C261122-0245-7F3A",
     "[卡号已隐藏 ****1111]", "步骤 3", "2026/11/22", "套餐 350 卢布/月"],
)
def test_masking_keeps_dates_amounts_and_case_ids(text: str) -> None:
    assert mask_text(text) == text


def test_masked_export_hides_the_callers_name_wherever_it_appears() -> None:
    case = Case(
        id="C261122-0245-7F3A", opened_at="2026-11-22T02:45:00+00:00",
        caller=Caller("Иванов Иван Петрович", "+7 916 123-45-67", "mts"),
        notes="Иванов просил перезвонить; Иван Петрович — владелец номера", summary="ИВАНОВ доволен",
    )
    masked = mask_case(case)
    assert masked.caller.name == "И***** И*** П*******"
    for text in (masked.notes, masked.summary, masked.caller.name):
        assert "Иван" not in text and "Петрович" not in text and "ИВАНОВ" not in text, text
    assert "перезвонить" in masked.notes and masked.caller.operator == "mts"
    chinese = mask_case(Case(id="C1", opened_at="2026-11-22T02:45:00+00:00", caller=Caller("王小明"),
                             notes="王小明说卡丢了"))
    assert chinese.caller.name == "王**" and chinese.notes == "王**说卡丢了"
