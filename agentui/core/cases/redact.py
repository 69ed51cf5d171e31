"""Personal-data hygiene: card numbers and CVVs never stored; phones and passports masked in exports."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from agentui.core.cases.model import Caller, Case
from agentui.core.cases.validate import valid_text

_SEPARATORS = " \u3000\u2010\u2011\u2012\u2013\u2014\uff0d\\-"
_DIGIT_GROUPS = re.compile(rf"(?<![\d+])\d+(?:[{_SEPARATORS}]\d+)*")
_GROUP = re.compile(r"\d+")


def _any_width(word: str) -> str:
    """`CVV` also as typed with a full-width IME: ＣＶＶ."""
    return "".join(f"[{ch}{chr(ord(ch) + 0xFEE0)}]" if ch.isascii() and ch.isalnum() else ch for ch in word)


_CVV = re.compile(
    rf"(?P<label>{_any_width('CVV')}{_any_width('2')}?|{_any_width('CVC')}{_any_width('2')}?"
    rf"|{_any_width('CVN')}{_any_width('2')}?|安全码|安全代码|卡背面的?三位数)"
    # Only what joins a label to its code ("CVV: 123", "安全码是845", "cvv is 123"): a looser gap let the
    # label inside our own marker "[安全码已删除]" eat the next number (a passport) on the next save.
    r"(?P<gap>(?:[\s:：=#№]|是|为|號|号|码|碼|\bis\b){0,6}?)(?P<code>\d{3,4})(?!\d)",
    re.IGNORECASE,
)
CVV_REMOVED = "[安全码已删除]"

FIELD_LABELS = {
    "notes": "备注",
    "summary": "小结",
    "category": "类别",
    "caller.name": "来电人姓名",
    "caller.phone": "来电号码",
    "caller.operator": "运营商",
}


def card_placeholder(last4: str) -> str:
    return f"[卡号已隐藏 ****{last4}]"


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def looks_like_card(digits: str) -> bool:
    """Luhn-valid 13-19 digits that a payment network issues.

    The leading digit must be 2-6 (ISO/IEC 7812 banking ranges), or the number a 16-19 digit
    UnionPay card of its 81 range: SIM ICCIDs start with 89 and phone numbers with +7/8/86/1, and
    those are everyday data on this desk. A 15-digit number must
    be Amex (34/37), because a Luhn-valid 15-digit number here is far more often an IMEI. A valid
    Chinese resident ID (18 digits, its own checksum and birth date) is not a card either.
    """
    if not 13 <= len(digits) <= 19:
        return False
    if digits[0] not in "23456" and not (digits[:2] == "81" and len(digits) >= 16):
        return False
    if len(digits) == 15 and digits[:2] not in ("34", "37"):
        return False
    if len(digits) == 18 and _is_chinese_resident_id(digits):
        return False
    return luhn_valid(digits)


def _is_chinese_resident_id(digits: str) -> bool:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(digits[:17], weights, strict=True)) % 11]
    year, month, day = int(digits[6:10]), int(digits[10:12]), int(digits[12:14])
    return check == digits[17] and 1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31


def redact_text(text: str) -> tuple[str, list[str]]:
    """Hide card numbers (keeping the last 4) and drop CVV codes; returns what was hidden, as
    short phrases (`卡号 ****1111`, `安全码`), so the agent can be told."""
    hidden: list[str] = []

    def hide_cards(match: re.Match[str]) -> str:
        return _hide_cards_in_run(match.group(0), hidden)

    text = _DIGIT_GROUPS.sub(hide_cards, text)

    def drop_cvv(match: re.Match[str]) -> str:
        hidden.append("安全码")
        return f"{match['label']}{match['gap']}{CVV_REMOVED}"

    text = _CVV.sub(drop_cvv, text)
    return text, hidden


def _hide_cards_in_run(run: str, hidden: list[str]) -> str:
    """A run like `4111 1111 1111 1111 12` may hold a card plus other digits: try the longest
    window of whole digit groups from each start, so the card is found without eating its neighbours."""
    groups = [(m.start(), m.end(), _ascii_digits(m.group(0))) for m in _GROUP.finditer(run)]
    pieces: list[str] = []
    cursor = 0
    i = 0
    while i < len(groups):
        found = None
        digits = ""
        for j in range(i, len(groups)):  # a card has at most 19 digits: windows stay short
            digits += groups[j][2]
            if len(digits) > 19:
                break
            if looks_like_card(digits):
                found = j  # keep going: the longest valid window wins
        if found is None:
            i += 1
            continue
        digits = "".join(g[2] for g in groups[i : found + 1])
        pieces.append(run[cursor : groups[i][0]])
        pieces.append(card_placeholder(digits[-4:]))
        hidden.append(f"卡号 ****{digits[-4:]}")
        cursor = groups[found][1]
        i = found + 1
    pieces.append(run[cursor:])
    return "".join(pieces)


def _ascii_digits(digits: str) -> str:
    return "".join(str(int(ch)) for ch in digits)  # full-width ４ counts as 4


def _map_text_fields(case: Case, change: Callable[[str, str], str]) -> Case:
    caller = Caller(
        name=change("caller.name", case.caller.name),
        phone=change("caller.phone", case.caller.phone),
        operator=change("caller.operator", case.caller.operator),
    )
    return replace(
        case,
        caller=caller,
        category=change("category", case.category),
        notes=change("notes", case.notes),
        summary=change("summary", case.summary),
    )


def redact_case(case: Case) -> tuple[Case, tuple[str, ...]]:
    """The case as it may be stored, and one message per field that had something removed.

    Entry ids and procedure ids get their lone surrogates replaced too (an id comes from a file
    name, which need not be UTF-8): nothing in a case can make its save fail."""
    messages: list[str] = []

    def change(field: str, text: str) -> str:
        fixed = valid_text(text)
        replaced, text = fixed != text, fixed
        label = FIELD_LABELS.get(field, field)
        if replaced:
            messages.append(f"{label}中有无法保存的字符，已替换为 \ufffd")
        text, hidden = redact_text(text)
        if hidden:
            what = "、".join(dict.fromkeys(hidden))
            messages.append(f"{label}中的{what}已隐藏：卡号和安全码不会被保存")
        return text

    case = replace(
        case,
        articles=list(dict.fromkeys(map(valid_text, case.articles))),
        scripts=list(dict.fromkeys(map(valid_text, case.scripts))),
        steps={valid_text(pid): numbers for pid, numbers in case.steps.items()},
    )
    return _map_text_fields(case, change), tuple(messages)


_PASSPORT_OR_PHONE = re.compile(
    r"""
    (?P<passport>
        (?<![A-Za-z0-9])(?:E[A-HJ-NP-Z]\d{7}|[EGDSP]\d{8})(?![A-Za-z0-9])  # CN: E12345678, EA1234567
      | (?<![\d+])\d{2}\ ?\d{2}\ \d{6}(?!\d)                         # RU internal: 4509 123456
      | (?<![\d+])\d{2}\ (?:№\ ?)?\d{7}(?!\d)                        # RU foreign: 72 1234567
    )
    | (?P<phone>
        (?<![\d+])(?:\+7|8|7)[\ -]?\(?\d{3}\)?[\ -]?\d{3}[\ -]?\d{2}[\ -]?\d{2}(?!\d)  # RU
      | (?<![\d+])(?:\+?86[\ -]?)?1[3-9]\d[\ -]?\d{4}[\ -]?\d{4}(?!\d)   # CN mobile
      | (?<![\d+])\+\d{1,3}(?:[\ -]?\(?\d{1,4}\)?){2,5}(?!\d)             # other international
      | (?<![\d+-])\d{3}-\d{2}-\d{2}(?![\d-])                            # RU local: 777-00-00
      | (?<![\d+])\d{10,11}(?!\d)                                        # bare 10-11 digits
    )
    """,
    re.VERBOSE,
)


def mask_digits(text: str, keep: int) -> str:
    """Star every digit but the last `keep`, leaving the punctuation so the shape stays readable."""
    total = sum(ch.isdigit() for ch in text)
    seen = 0
    out = []
    for ch in text:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen > total - keep else "*")
        else:
            out.append(ch)
    return "".join(out)


def mask_text(text: str) -> str:
    """Phones keep their last 4 digits, passport numbers their last 2 (for exports with --mask)."""

    def mask(match: re.Match[str]) -> str:
        return mask_digits(match.group(0), 2 if match["passport"] else 4)

    return _PASSPORT_OR_PHONE.sub(mask, text)


def mask_case(case: Case) -> Case:
    """A copy for export: phones and passports masked in every text field; the caller's phone
    field is masked whatever its format, since everything in it is the number."""

    def change(field: str, text: str) -> str:
        if field == "caller.phone":
            return mask_digits(text, 4)
        return mask_text(text)

    return _map_text_fields(case, change)
