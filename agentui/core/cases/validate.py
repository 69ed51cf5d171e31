"""Stored case records checked field by field against the model, for every store implementation.

A file on disk may have been edited by hand, restored from an old backup or written by a future
version: nothing read from it is trusted. `from_stored` returns a `Case` whose every field has the
model's type and range (finite numbers, valid Unicode), repairing what it can and saying what it
repaired, or no case at all when the record cannot be one (no usable id). Text entering the store
goes through `valid_text`, so a save never fails on a lone surrogate.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from agentui.core.cases.model import Case, Disposition

MAX_SECONDS = 10 * 366 * 86_400
"""No phase of a call, hold or wrap-up lasts ten years: a larger number is damage, not data."""
MAX_COUNT = 100_000
MAX_STEP = 100_000
MAX_ID_LENGTH = 64

_TEXT_FIELDS = ("category", "notes", "summary")
_CALLER_FIELDS = ("name", "phone", "operator")
_SECONDS_FIELDS = ("duration_s", "talk_s", "wrap_s")
"""Optional: None until the case is closed."""
_COUNT_FIELDS = ("hold_count", "hold_s")
_INSTANT_FIELDS = ("timer_from", "hold_started_at", "talk_ended_at")
_LIST_FIELDS = ("articles", "scripts")
_DISPOSITIONS = frozenset(d.value for d in Disposition)
_PRINTABLE_ID = re.compile(r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+$")
_CASE_ID_TIME = re.compile(r"^C(\d{2})(\d{2})(\d{2})-(\d{2})(\d{2})-[0-9A-Z]{4}$")


@dataclass(frozen=True, slots=True)
class StoredCase:
    """What a stored record turned out to be."""

    record: dict[str, Any] | None
    """The record to keep, None if it is not a case: the stored dict itself when nothing was
    repaired, else the repaired one (in the model's shape)."""
    repairs: tuple[str, ...] = ()
    """One phrase per field that was repaired (`notes: a number, kept as text`)."""
    reason: str = ""
    """Why the record is not a case, when `record` is None."""

    @property
    def case(self) -> Case | None:
        """The record as a `Case`; built on each access (a search checks records it never shows)."""
        return None if self.record is None else Case.from_dict(self.record)


def valid_text(text: str) -> str:
    """`text` as it can be written in UTF-8: lone surrogates (from a broken paste, a file name that
    was not UTF-8, or a `\\ud800` in JSON) become U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Through UTF-16: a pair of surrogates becomes its character, each lone one a single U+FFFD.
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def parse_instant(value: object) -> datetime | None:
    """A stored UTC ISO-8601 instant, or None if `value` is not one (naive instants count as UTC)."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def from_stored(doc: object, *, closed: bool) -> StoredCase:
    """Check a stored record; `closed` says whether it comes from history (else the active case).

    Repairs keep what they can: a number where text belongs becomes that text, a list of entry
    ids loses only the items that are not ids. A record that is not a JSON object or has no usable
    id is not a case; an unusable `opened_at` is rebuilt from the id, which records when it began.
    """
    if not isinstance(doc, dict):
        return StoredCase(None, reason=f"is {_describe(doc)}, not a case")
    case_id = doc.get("id")
    if not (isinstance(case_id, str) and 0 < len(case_id) <= MAX_ID_LENGTH and _PRINTABLE_ID.match(case_id)
            and valid_text(case_id) == case_id):
        return StoredCase(None, reason=f"has no usable case id ({_describe(case_id)})")
    if _sound(doc, closed):
        return StoredCase(doc)
    repairs = _Repairs(doc)
    opened = parse_instant(doc.get("opened_at"))
    if opened is None:
        rebuilt = _time_of_id(case_id)
        if rebuilt is None:
            return StoredCase(None, reason=f"case {case_id} has no usable start time "
                                           f"({_describe(doc.get('opened_at'))})")
        repairs.set("opened_at", rebuilt, "not a time; rebuilt from the case id")
    _check_caller(repairs)
    for name in _TEXT_FIELDS:
        if name in doc:  # a field older versions did not write takes its default silently
            _check_text(repairs, name, doc[name])
    _check_steps(repairs)
    for name in _LIST_FIELDS:
        _check_ids(repairs, name)
    for name in _INSTANT_FIELDS:
        value = doc.get(name)
        if value is not None and parse_instant(value) is None:
            repairs.set(name, None, f"{_describe(value)} is not a time; cleared")
    for name in _SECONDS_FIELDS:
        _check_number(repairs, name, optional=True, limit=MAX_SECONDS)
    _check_number(repairs, "hold_count", optional=False, limit=MAX_COUNT)
    _check_number(repairs, "hold_s", optional=False, limit=MAX_SECONDS)
    _check_closing(repairs, closed)
    record = Case.from_dict(repairs.record()).to_dict()
    return StoredCase(record, tuple(repairs.messages))


def _sound(doc: dict[str, Any], closed: bool) -> bool:
    """The common case, checked quickly: every field already as the model wants it (`from_stored`
    runs on every record of a month it reads, up to 50,000 of them for a search through history).
    Anything this does not accept goes through the field-by-field checks that follow."""
    get = doc.get
    caller = get("caller", _NO_CALLER)
    steps = get("steps", _NO_STEPS)
    articles = get("articles", _NO_IDS)
    scripts = get("scripts", _NO_IDS)
    if type(caller) is not dict or type(steps) is not dict or type(articles) is not list or type(scripts) is not list:
        return False
    texts = [get("category", ""), get("notes", ""), get("summary", ""),
             caller.get("name", ""), caller.get("phone", ""), caller.get("operator", ""), *steps, *articles, *scripts]
    for text in texts:
        if type(text) is not str:
            return False
    for ids in (articles, scripts):
        if "" in ids or len(set(ids)) != len(ids):
            return False
    for numbers in steps.values():
        if type(numbers) is not list:
            return False
        for n in numbers:
            if type(n) is not int or not 0 <= n <= MAX_STEP:
                return False
    for name in _SECONDS_FIELDS:
        value = get(name)
        if value is not None and (type(value) is not int or not 0 <= value <= MAX_SECONDS):
            return False
    count, held = get("hold_count", 0), get("hold_s", 0)
    if type(count) is not int or type(held) is not int or not (0 <= count <= MAX_COUNT and 0 <= held <= MAX_SECONDS):
        return False
    disposition, closed_at = get("disposition"), get("closed_at")
    if closed:
        if type(disposition) is not str or disposition not in _DISPOSITIONS or closed_at is None:
            return False
    elif closed_at is not None or disposition is not None:
        return False
    opened_at: Any = get("opened_at")
    try:
        datetime.fromisoformat(opened_at)
        for value in (closed_at, get("timer_from"), get("hold_started_at"), get("talk_ended_at")):
            if value is not None:
                datetime.fromisoformat(value)
        "".join(texts).encode("utf-8")
    except (TypeError, ValueError):  # not a string, not a time, or a lone surrogate (UnicodeEncodeError)
        return False
    return True


_NO_CALLER: dict[str, str] = {}
_NO_STEPS: dict[str, list[int]] = {}
_NO_IDS: list[str] = []


class _Repairs:
    """Collects field changes without copying the record unless one is needed (the usual case)."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.changes: dict[str, Any] = {}
        self.messages: list[str] = []

    def get(self, name: str) -> Any:
        return self.changes[name] if name in self.changes else self.doc.get(name)

    def set(self, name: str, value: Any, why: str) -> None:
        self.changes[name] = value
        self.messages.append(f"{name}: {why}")

    def record(self) -> dict[str, Any]:
        return {**self.doc, **self.changes} if self.changes else self.doc


def _check_caller(repairs: _Repairs) -> None:
    caller = repairs.doc.get("caller", {})
    if not isinstance(caller, dict):
        kept = _as_text(caller)
        repairs.set("caller", {"name": kept, "phone": "", "operator": ""} if kept else {},
                    f"{_describe(caller)}, not caller fields; " + ("kept as the name" if kept else "cleared"))
        return
    fixed = dict(caller)
    for name in _CALLER_FIELDS:
        value = caller.get(name, "")
        text = _as_text(value)
        if not isinstance(value, str) or value != text:
            fixed[name] = text
            repairs.messages.append(f"caller.{name}: {_text_repair(value)}")
    if fixed != caller:
        repairs.changes["caller"] = fixed


def _check_text(repairs: _Repairs, name: str, value: object) -> None:
    text = _as_text(value)
    if not isinstance(value, str) or text != value:
        repairs.set(name, text, _text_repair(value))


def _as_text(value: object) -> str:
    """Text kept from whatever is stored: a number or a list becomes its JSON, nothing is dropped."""
    if value is None:
        return ""
    if isinstance(value, str):
        return valid_text(value)
    try:
        return valid_text(json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError):  # pragma: no cover - json.loads only makes dumpable values
        return ""


def _text_repair(value: object) -> str:
    if value is None:
        return "missing; left empty"
    if isinstance(value, str):
        return "held characters that cannot be saved; replaced by \ufffd"
    return f"{_describe(value)}, not text; kept as text"


def _check_steps(repairs: _Repairs) -> None:
    steps = repairs.doc.get("steps", {})
    if not isinstance(steps, dict):
        repairs.set("steps", {}, f"{_describe(steps)}, not ticked steps; cleared")
        return
    fixed: dict[str, list[int]] = {}
    dropped = 0
    for key, numbers in steps.items():
        procedure = valid_text(str(key))
        if not isinstance(numbers, list):
            dropped += 1
            continue
        good = {n for n in (_whole_number(v, MAX_STEP) for v in numbers) if n is not None}
        dropped += len(numbers) - sum(1 for v in numbers if _whole_number(v, MAX_STEP) is not None)
        if good:
            fixed[procedure] = sorted(good | set(fixed.get(procedure, ())))
    canonical = {str(k): v for k, v in steps.items()}
    if fixed != canonical:
        why = f"{dropped} value(s) that are not step numbers removed" if dropped else "put in order"
        repairs.set("steps", fixed, why)


def _check_ids(repairs: _Repairs, name: str) -> None:
    value = repairs.doc.get(name, [])
    if not isinstance(value, list):
        repairs.set(name, [], f"{_describe(value)}, not a list of entry ids; cleared")
        return
    ids = [item for item in value if isinstance(item, str) and item]
    kept = list(dict.fromkeys(valid_text(item) for item in ids))
    if kept == value:
        return
    why = []
    if len(ids) < len(value):
        why.append(f"{len(value) - len(ids)} value(s) that are not entry ids removed")
    if any(valid_text(item) != item for item in ids):
        why.append("characters that cannot be saved replaced by \ufffd")
    repairs.set(name, kept, "; ".join(why) or "repeated entry ids removed")


def _check_number(repairs: _Repairs, name: str, *, optional: bool, limit: int) -> None:
    if name not in repairs.doc:
        return
    value = repairs.doc[name]
    if value is None and optional:
        return
    number = _whole_number(value, limit)
    if number is None or type(value) is not int:
        fallback = None if optional else 0
        if number is not None:
            repairs.set(name, number, f"{_describe(value)}; kept as {number}")
        else:
            repairs.set(name, fallback, f"{_describe(value)} is not a number of 0 to {limit}; "
                                        + ("cleared" if optional else "set to 0"))


def _whole_number(value: object, limit: int) -> int | None:
    """A non-negative whole number up to `limit`: ints, integral floats and digit strings."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None
        value = int(value)
    if isinstance(value, int) and 0 <= value <= limit:
        return value
    return None


def _check_closing(repairs: _Repairs, closed: bool) -> None:
    """An active case has no close; a case in history has a close time and a known disposition."""
    closed_at, disposition = repairs.get("closed_at"), repairs.get("disposition")
    if not closed:
        if closed_at is not None:
            repairs.set("closed_at", None, "an open case cannot have a close time; cleared")
        if disposition is not None:
            repairs.set("disposition", None, "an open case has no disposition yet; cleared")
        return
    if parse_instant(closed_at) is None:
        start = parse_instant(repairs.get("opened_at"))
        assert start is not None  # checked first by `from_stored`
        repairs.set("closed_at", start.isoformat(timespec="seconds"),
                    f"{_describe(closed_at)} is not a time; set to the start of the call")
    if not (isinstance(disposition, str) and disposition in _DISPOSITIONS):
        repairs.set("disposition", Disposition.OTHER.value, f"{_describe(disposition)} is not a disposition; "
                                                            f"set to {Disposition.OTHER.value}")


def _time_of_id(case_id: str) -> str | None:
    match = _CASE_ID_TIME.match(case_id)
    if not match:
        return None
    yy, mm, dd, hh, mi = (int(part) for part in match.groups())
    try:
        return datetime(2000 + yy, mm, dd, hh, mi, tzinfo=UTC).isoformat(timespec="seconds")
    except ValueError:
        return None


def _describe(value: object) -> str:
    """A short, printable description of a stored value for a notice (never the whole note)."""
    if value is None:
        return "missing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no)"
    if isinstance(value, int | float):
        shown = repr(value) if math.isfinite(value) and abs(value) < 10**12 else "a number out of range"
        return f"a number ({shown})" if shown[0].isdigit() or shown[0] == "-" else shown
    if isinstance(value, str):
        shown = valid_text(value)[:20].encode("unicode_escape").decode("ascii")
        return f'"{shown}"' + ("…" if len(value) > 20 else "")
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a set of fields"
    return type(value).__name__
