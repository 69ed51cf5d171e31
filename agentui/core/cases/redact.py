"""Personal-data hygiene: card numbers and CVV codes are never stored, however they are written.

The rules come from the formats, and err on the side of the customer:

- A card number is 13-19 digits in the shapes cards are written in (one run; groups of four; 4-6-5
  and 4-6-4; digit by digit) with any separator, across at most one line break. In a payment
  network's range (ISO/IEC 7812 issuer prefixes below) it is hidden Luhn-valid or not, since a
  typo'd card is still a card; outside every range it is hidden when written in groups of four or
  when Luhn-valid. Everyday numbers on this desk are kept: phones (+7, 8, 86, 8 10 prefixes are
  not card ranges, and their short first groups are not card shapes), SIM ICCIDs (89), IMEIs
  (15 digits that are not Amex), Chinese resident ids (their own checksum), case ids and dates.
- A CVV is 3-4 digits (spaced or not) joined to a label in Chinese (简/繁), Russian or English,
  before or after it: `CVV 123`, `安全碼845`, `123 是安全码`, `CVC-код 975`, `код безопасности 975`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import replace

from agentui.core.cases.model import Caller, Case
from agentui.core.cases.validate import valid_text

# -- card numbers ------------------------------------------------------------------------------

_INLINE_SEPARATORS = " \u00a0\u2007\u2009\u202f\u3000\\-\u2010-\u2015\u2212\uff0d._\uff0e/\uff0f\u00b7\u30fb\u2219"
_SEP = rf"[ \u00a0\u3000]{{0,2}}[{_INLINE_SEPARATORS}][ \u00a0\u3000]{{0,2}}"
_BREAK = r"[ \t\u00a0\u3000]*\r?\n[ \t\u00a0\u3000]*"
# Digit groups joined by separators, with at most one line break in the run. Not right after a
# digit, a `+` (an international phone) or a Latin letter (a case id `C261122-0245-3456`, an
# order or a serial number).
_DIGIT_RUN = re.compile(rf"(?<![\d+A-Za-z])\d+(?:{_SEP}\d+)*(?:{_BREAK}\d+(?:{_SEP}\d+)*)?")
_GROUP = re.compile(r"\d+")


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


def in_card_range(digits: str) -> bool:
    """Issuer prefixes and lengths of the networks a customer here may hold (ISO/IEC 7812).

    Visa 4; Mastercard 51-55 and 2221-2720; Maestro 50, 56-69; Mir 2200-2204; UnionPay 62 and 81;
    Discover 6011, 644-649, 65; JCB 3528-3589; Amex 34, 37 (15 digits, the only 15-digit network:
    other 15-digit numbers here are IMEIs); Diners 300-305, 36, 38, 39.
    """
    length = len(digits)
    if not 13 <= length <= 19:
        return False
    if length == 15:
        return digits[:2] in ("34", "37")
    first, two, four = digits[0], int(digits[:2]), int(digits[:4])
    if first in "456":
        return True
    if first == "2":
        return 2200 <= four <= 2204 or 2221 <= four <= 2720
    if first == "3":
        return 3000 <= four <= 3059 or two in (36, 38, 39) or 3528 <= four <= 3589
    return two == 81 and length >= 16


def _is_chinese_resident_id(digits: str) -> bool:
    """18 digits with a valid birth date and the ID's own ISO 7064 check digit: not a card."""
    if len(digits) != 18:
        return False
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(digits[:17], weights, strict=True)) % 11]
    year, month, day = int(digits[6:10]), int(digits[10:12]), int(digits[12:14])
    return check == digits[17] and 1900 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= 31


def _card_shaped(lengths: list[int]) -> bool:
    """How cards are written: one run, fours (the last group shorter), Amex 4-6-5, Diners 4-6-4,
    or read out one or two digits at a time."""
    if len(lengths) == 1:
        return True
    *head, last = lengths
    for size in (4, 1, 2):
        if all(n == size for n in head) and 1 <= last <= size:
            return True
    return lengths in ([4, 6, 5], [4, 6, 4])


def _shapes(lengths: list[int], break_after: int | None) -> list[list[int]]:
    """The group lengths as written, and, when a line break falls inside the window, as if the
    break split a group (`4111 1111 11⏎11 1111`)."""
    shapes = [lengths]
    if break_after is not None and 0 <= break_after < len(lengths) - 1:
        merged = lengths[:break_after] + [lengths[break_after] + lengths[break_after + 1]]
        shapes.append(merged + lengths[break_after + 2 :])
    return shapes


def _card_verdict(digits: str, lengths: list[int], break_after: int | None) -> int:
    """0: not a card; higher is surer (card-shaped beats merely Luhn-valid), to choose between
    overlapping windows of one run of digits."""
    if len(digits) == 18 and _is_chinese_resident_id(digits) or digits[:2] == "89":
        return 0
    shaped = any(_card_shaped(shape) for shape in _shapes(lengths, break_after))
    valid = luhn_valid(digits)
    if in_card_range(digits):
        if shaped:
            return 3 + valid
        # Oddly grouped: only a Luhn-valid number whose first group is card-like (a phone's first
        # group is 1-3 digits: `8 10 86 …`, `8 916 …`).
        return 2 if valid and lengths[0] >= 4 else 0
    # Outside every known range (a network we do not know, or a mistyped prefix): written in
    # fours, or Luhn-valid in a card's shape, except a short single run (a timestamp, an id).
    if len(digits) == 15 or not shaped:
        return 0
    fours = len(lengths) > 1 and all(n == 4 for n in lengths[:-1])
    return 1 if fours or (valid and (len(lengths) > 1 or len(digits) >= 16)) else 0


def _hide_cards_in_run(run: str, hidden: list[str]) -> str:
    """Every window of whole groups that is a card, surest first, never two overlapping: a run
    like `8 916 123 45 67 4111 1111 1111 1112` holds a phone and a card, and only the card goes."""
    if len(run) < 13:  # too short to hold 13 digits: most runs (amounts, dates) stop here
        return run
    matches = list(_GROUP.finditer(run))
    if sum(m.end() - m.start() for m in matches) < 13:
        return run
    groups = [_ascii_digits(m.group(0)) for m in matches]
    break_at = next((k for k in range(len(matches) - 1)
                     if "\n" in run[matches[k].end() : matches[k + 1].start()]), None)
    windows: list[tuple[int, int, int, int]] = []  # (-verdict, start, -end, ...) sorts surest first
    for i in range(len(groups)):
        digits = ""
        for j in range(i, len(groups)):
            digits += groups[j]
            if len(digits) > 19:
                break
            if len(digits) >= 13:
                lengths = [len(g) for g in groups[i : j + 1]]
                relative_break = None if break_at is None else break_at - i
                verdict = _card_verdict(digits, lengths, relative_break)
                if verdict:
                    windows.append((-verdict, -(j - i), i, j))
    taken = [False] * len(groups)
    chosen: list[tuple[int, int]] = []
    for _, _, i, j in sorted(windows):
        if not any(taken[i : j + 1]):
            taken[i : j + 1] = [True] * (j - i + 1)
            chosen.append((i, j))
    pieces, cursor = [], 0
    for i, j in sorted(chosen):
        last4 = "".join(groups[i : j + 1])[-4:]
        pieces += [run[cursor : matches[i].start()], card_placeholder(last4)]
        hidden.append(f"卡号 ****{last4}")
        cursor = matches[j].end()
    pieces.append(run[cursor:])
    return "".join(pieces)


def _ascii_digits(digits: str) -> str:
    return "".join(str(int(ch)) for ch in digits)  # full-width ４ counts as 4


# -- CVV codes ---------------------------------------------------------------------------------


def _any_width(word: str) -> str:
    """`CVV` also as typed with a full-width IME (ＣＶＶ) or with a Cyrillic С on a Russian layout."""
    out = []
    for ch in word:
        if ch.isascii() and ch.isalnum():
            forms = ch + chr(ord(ch) + 0xFEE0) + {"C": "Сс", "c": "Сс"}.get(ch, "")
            out.append(f"[{forms}]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


_DIGITS_WORD = r"(?:[三3３四4４])"
_CVV_LABEL = "|".join([
    *(rf"{_any_width(code)}{_any_width('2')}?" for code in ("CVV", "CVC", "CVN", "CAV")),
    _any_width("CID"), _any_width("CSC"),
    r"(?:card\s+)?security\s+code", r"card\s+verification\s+(?:value|code|number)",
    rf"(?:{_DIGITS_WORD}|three)[-\s]?digits?\s+(?:security\s+)?code(?:\s+on\s+the\s+back)?",
    r"(?:three|3)\s+digits\s+on\s+the\s+back", r"code\s+on\s+the\s+back",
    r"安全代?[码碼]", r"(?:卡片?|信用卡|银行卡|銀行卡|借记卡|借記卡)的?(?:验证|驗證|校验|校驗)[码碼]",
    rf"(?:卡片?)?背[面后後](?:的)?(?:最?[后後])?{_DIGITS_WORD}位(?:数字|數字|数|數|[码碼])?",
    r"(?:卡片?)?背面的?(?:数字|數字|[码碼])",
    rf"{_DIGITS_WORD}位(?:数字|數字|数|數)?安全[码碼]",
    r"код[а-яё]*\s+(?:безопасности|проверки(?:\s+подлинности)?)(?:\s+карты)?",
    r"(?:защитн|секретн)[а-яё]*\s+код[а-яё]*", r"(?:трёх|трех|3)[-\s]?значн[а-яё]*\s+код[а-яё]*",
    r"(?:три|3)\s+цифры\s+на\s+(?:обороте|обратной\s+стороне|оборотной\s+стороне)(?:\s+карты)?",
    r"код[а-яё]*\s+на\s+(?:обороте|обратной\s+стороне)(?:\s+карты)?",
])
# What may join a label to its code: "CVV: 123", "安全码是845", "CVV后三位531", "CVC-код 975",
# "cvv is 123". Narrow on purpose: a loose gap let the label inside our own marker eat the next
# number on a later save.
_AFTER_GAP = (r"(?:[\s:：=#№\-—–(（\"'“”«»]|是|为|為|就是|号|號|码|碼|是的|"
              rf"最?[后後]{_DIGITS_WORD}位(?:数字|數字|数|數)?|{_DIGITS_WORD}位(?:数字|數字|数|數)?|"
              r"код[а-яё]*|code|is|was|are|равен|это|карты){0,8}?")
_BEFORE_GAP = r"(?:\s|[—–\-:：(（]|是|为|為|就是|is|was|это|the|its|card's|карты){0,6}?"
_CODE = re.compile(r"(?<![\d.,/:])\d(?:[ \-]?\d){2,3}(?![ \-]?\d)(?![/.,:]\d)")
# Every label starts with one of these: checking it first skips most positions at once (4x faster).
_LABEL_FIRST = "(?=[CcСсＣｃSsTt3３4４三四安卡信银銀借背КкЗзТт])"
_LABEL_THEN_GAP = re.compile(rf"{_LABEL_FIRST}(?<![A-Za-z])(?:{_CVV_LABEL})(?:{_AFTER_GAP})\Z", re.IGNORECASE)
_GAP_THEN_LABEL = re.compile(rf"(?:{_BEFORE_GAP})(?:{_CVV_LABEL})(?![A-Za-z])", re.IGNORECASE)
_LABEL_HINT = re.compile(
    r"(?=[CcСсＣｃSsVvDd安验驗校背位КкЦц])"
    r"(?:[CcСсＣｃ][VvＶｖAaＡａIiＩｉSsＳｓ]|security|verif|digit|code|安全|[验驗校][证證验驗]|背|位|код|цифр)",
    re.IGNORECASE,
)
"""Something every label holds: the full label patterns run only where one of these is near."""
_REACH = 48
"""Characters looked at on each side of a candidate code for its label."""
_HINT_OFFSET = 16
"""How far into a label its telltale part may sit (`трёхзначный код`: 12)."""
CVV_REMOVED = "[安全码已删除]"


def _drop_cvv(text: str, hidden: list[str]) -> str:
    """Each isolated 3-4 digit code (`845`, `8 4 5`) with a CVV label just before or after it.
    Looking from the few codes a note holds, and only where a label's telltale part is near, keeps
    an autosave of a long note cheap (the full label pattern is slow to try at every position)."""
    codes = list(_CODE.finditer(text))
    if not codes:
        return text
    hints = [m.start() for m in _LABEL_HINT.finditer(text)]
    pieces, cursor = [], 0
    for code in codes:
        start, end = code.span()
        before = bisect_left(hints, start - _REACH)
        after = bisect_left(hints, end)
        labelled = (
            before < len(hints) and hints[before] < start
            and _LABEL_THEN_GAP.search(text, max(0, hints[before] - _HINT_OFFSET), start)
        ) or (
            after < len(hints) and hints[after] < end + _REACH and _GAP_THEN_LABEL.match(text, end, end + _REACH)
        )
        if labelled:
            pieces += [text[cursor:start], CVV_REMOVED]
            cursor = end
            hidden.append("安全码")
    return "".join(pieces) + text[cursor:] if pieces else text


# -- the case as stored -------------------------------------------------------------------------

FIELD_LABELS = {
    "notes": "备注",
    "summary": "小结",
    "category": "类别",
    "caller.name": "来电人姓名",
    "caller.phone": "来电号码",
    "caller.operator": "运营商",
}


def redact_text(text: str) -> tuple[str, list[str]]:
    """Hide card numbers (keeping the last 4) and drop CVV codes; returns what was hidden, as
    short phrases (`卡号 ****1111`, `安全码`), so the agent can be told."""
    hidden: list[str] = []
    text = _DIGIT_RUN.sub(lambda match: _hide_cards_in_run(match.group(0), hidden), text)
    return _drop_cvv(text, hidden), hidden


def map_text_fields(case: Case, change: Callable[[str, str], str]) -> Case:
    """The case with `change(field, text)` applied to each free-text field (see `FIELD_LABELS`)."""
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
    return map_text_fields(case, change), tuple(messages)
