"""The case record (one call) and what a save reports back."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class Disposition(StrEnum):
    RESOLVED = "resolved"
    ESCALATED = "escalated"
    CALLBACK = "callback"
    OTHER = "other"


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(slots=True)
class Caller:
    name: str = ""
    phone: str = ""
    operator: str = ""
    """Operator id from `agentui.core.operators.OPERATORS`, or empty."""


@dataclass(slots=True)
class Case:
    id: str
    opened_at: str
    """UTC ISO-8601; the call timer counts from here, so it survives restarts."""
    caller: Caller = field(default_factory=Caller)
    category: str = ""
    notes: str = ""
    steps: dict[str, list[int]] = field(default_factory=dict)
    """Procedure id -> ticked step numbers (sorted)."""
    articles: list[str] = field(default_factory=list)
    """Entry ids opened during the call, first view first, no repeats."""
    scripts: list[str] = field(default_factory=list)
    """Script ids used (copied or inserted), first use first, no repeats."""
    closed_at: str | None = None
    disposition: str | None = None
    summary: str = ""
    duration_s: int | None = None
    timer_from: str | None = None
    """For a reopened case, the UTC ISO-8601 instant the call timer counts from: the reopening
    minus the time already talked, so the days it spent closed are not counted as talk time."""
    # Call phases, as call centers measure them: talk, hold (count and total) and after-call work
    # (wrap-up, from the end of talk to the close).
    hold_started_at: str | None = None
    """UTC ISO-8601 instant the caller was put on hold; None while not on hold."""
    hold_count: int = 0
    hold_s: int = 0
    """Seconds of finished holds (an ongoing hold is added when it ends)."""
    talk_ended_at: str | None = None
    """UTC ISO-8601 instant the talk ended (the wrap-up began); None while the call goes on."""
    talk_s: int | None = None
    """At close: seconds talked, holds excluded."""
    wrap_s: int | None = None
    """At close: seconds of after-call work (from the end of talk to the close)."""
    # Team mode: who worked on the case, and the version every write carries. A server refuses a
    # write whose version does not follow the one it holds (someone else changed the case).
    opened_by: str = ""
    edited_by: list[str] = field(default_factory=list)
    """Agents who changed the case, first edit first, no repeats."""
    closed_by: str = ""
    version: int = 0
    """Bumped by every saved change of the case."""

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def on_hold(self) -> bool:
        return self.hold_started_at is not None

    @property
    def timer_start(self) -> str:
        """Where the call timer and the closing duration count from."""
        return self.timer_from or self.opened_at

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Case:
        data = dict(data)
        caller = Caller(**{k: str(v) for k, v in (data.pop("caller", None) or {}).items()
                           if k in Caller.__slots__})
        known = {k: v for k, v in data.items() if k in cls.__slots__}
        known["steps"] = {str(k): sorted(int(n) for n in v) for k, v in (known.get("steps") or {}).items()}
        return cls(caller=caller, **known)


@dataclass(frozen=True, slots=True)
class SaveResult:
    """The case as stored (after redaction) and what redaction removed, to tell the agent."""

    case: Case
    redactions: tuple[str, ...] = ()
