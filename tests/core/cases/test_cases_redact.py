"""Card numbers and CVVs never reach the disk; phones and passports are masked in exports."""

from __future__ import annotations

import pytest

from agentui.core.cases.mask import mask_case, mask_text
from agentui.core.cases.model import Caller, Case
from agentui.core.cases.redact import luhn_valid, redact_case, redact_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4111111111111111", "[卡号已隐藏 ****1111]"),
        ("卡号4111 1111 1111 1111，谢谢", "卡号[卡号已隐藏 ****1111]，谢谢"),
        ("5555-5555-5555-4444", "[卡号已隐藏 ****4444]"),
        ("Mir 2200 7001 2345 6789 0", "Mir [卡号已隐藏 ****7890]"),  # Luhn-invalid, in Mir's range
        ("amex 3782 822463 10005", "amex [卡号已隐藏 ****0005]"),
        ("UnionPay 6212 3456 7890 1234 569", "UnionPay [卡号已隐藏 ****4569]"),  # 19 digits
        ("银联 8171 9999 2766 0000", "银联 [卡号已隐藏 ****0000]"),  # UnionPay's 81 range
        ("４１１１　１１１１　１１１１　１１１１", "[卡号已隐藏 ****1111]"),  # full-width, ideographic spaces
        ("4111 1111 1111 1111 12/27", "[卡号已隐藏 ****1111] 12/27"),
        ("4111 1111 1111 1111 1234", "[卡号已隐藏 ****1111] 1234"),  # a card followed by other digits
        ("4111111111111112", "[卡号已隐藏 ****1112]"),  # a typo'd card is still a card
        ("411111111111", "411111111111"),  # 12 digits: too short
        ("41111111111111111111", "41111111111111111111"),  # 20 digits in a row: not a card
    ],
)
def test_card_numbers(text: str, expected: str) -> None:
    assert redact_text(text)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "+7 (495) 777-00-00",
        "89161234567",
        "+79161234567",
        "8 916 123-45-67",
        "+86 138 0013 8000",
        "8613800138000",
        "IMEI 490154203237518",  # Luhn-valid 15 digits
        "ICCID 8970199123456789012",  # Luhn-valid SIM number
        "身份证 440106199003070001"  # Luhn-valid too, and starts like a Visa,
        "订单 2026-11-22 10:45, 金额 1500 卢布",
    ],
)
def test_everyday_numbers_are_not_cards(text: str) -> None:
    assert redact_text(text) == (text, [])


def test_fixtures_above_are_luhn_valid_so_the_tests_mean_something() -> None:
    for digits in ("4111111111111111", "378282246310005", "6212345678901234569", "490154203237518",
                   "8970199123456789012", "5555555555554444", "440106199003070001", "8171999927660000"):
        assert luhn_valid(digits), digits
    assert not luhn_valid("22007001234567890")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CVV 123", "CVV [安全码已删除]"),
        ("cvc2: 1234", "cvc2: [安全码已删除]"),
        ("安全码是845", "安全码是[安全码已删除]"),
        ("ＣＶＶ：９８７", "ＣＶＶ：[安全码已删除]"),
        ("CVV 12/25", "CVV 12/25"),
        ("客户说 123", "客户说 123"),
        ("cvv is 321", "cvv is [安全码已删除]"),
        ("安全码已经告诉过我们，订单 4509", "安全码已经告诉过我们，订单 4509"),
    ],
)
def test_cvv_codes_next_to_their_label_are_removed(text: str, expected: str) -> None:
    assert redact_text(text)[0] == expected


def test_redaction_is_idempotent_and_reports_each_field() -> None:
    case = Case(
        id="C261122-0245-7F3A",
        opened_at="2026-11-22T02:45:00+00:00",
        caller=Caller("卡 4111111111111111", "+7 (495) 777-00-00", "mts"),
        notes="4111 1111 1111 1111 CVV 123",
        summary="nothing",
    )
    once, messages = redact_case(case)
    assert once.caller.phone == "+7 (495) 777-00-00"
    assert once.notes == "[卡号已隐藏 ****1111] CVV [安全码已删除]"
    assert len(messages) == 2 and any("备注" in m for m in messages) and any("姓名" in m for m in messages)
    assert redact_case(once) == (once, ())


def test_a_number_after_the_cvv_marker_survives_every_later_save() -> None:
    """Autosave redacts the whole note again each time: the marker must never match itself."""
    first, _ = redact_text("CVV 123，护照 4509 123456，订单 8812")
    assert first == "CVV [安全码已删除]，护照 4509 123456，订单 8812"
    again, hidden = redact_text(first)
    assert again == first and hidden == []


def test_lone_surrogates_are_replaced_so_the_note_can_still_be_saved() -> None:
    case = Case(id="C1", opened_at="2026-11-22T00:00:00+00:00", notes="ok \ud83d broken")
    stored, messages = redact_case(case)
    assert stored.notes == "ok \ufffd broken" and messages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+7 (495) 777-00-00", "+* (***) ***-00-00"),
        ("89161234567", "*******4567"),
        ("8 916 123-45-67", "* *** ***-45-67"),
        ("+86 138 0013 8000", "+** *** **** 8000"),
        ("13800138000", "*******8000"),
        ("777-00-00", "***-00-00"),
        ("护照 4509 123456", "护照 **** ****56"),
        ("загран 72 1234567", "загран ** *****67"),
        ("E12345678", "E******78"),
        ("EA1234567", "EA*****67"),
        ("2026-11-22 10:45 付了 1500", "2026-11-22 10:45 付了 1500"),
    ],
)
def test_masking_for_exports(text: str, expected: str) -> None:
    assert mask_text(text) == expected


def test_mask_case_covers_notes_and_fields() -> None:
    case = Case(
        id="C261122-0245-7F3A",
        opened_at="2026-11-22T02:45:00+00:00",
        caller=Caller("E12345678", "8-916-1234567", "mts"),
        notes="回电 +7 (495) 777-00-00，护照 4509 123456",
        summary="号码 89161234567",
    )
    masked = mask_case(case)
    assert masked.caller.phone == "*-***-***4567"
    assert masked.caller.name == "E******78"
    assert masked.notes == "回电 +* (***) ***-00-00，护照 **** ****56"
    assert masked.summary == "号码 *******4567"
    assert case.notes.startswith("回电 +7"), "the original is untouched"
