"""Call phases as call centers measure them: talk, hold (count and total) and after-call work."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from agentui.core.cases.model import Case
from agentui.core.cases.validate import parse_instant


def end_hold(case: Case, now: datetime) -> Case:
    if case.hold_started_at is None:
        return case
    held = seconds_since(case.hold_started_at, now)
    return replace(case, hold_started_at=None, hold_s=case.hold_s + held)


def closing_phases(case: Case, now: datetime) -> Case:
    """Talk runs from the timer's start to the end of talk (or now), holds excluded; after-call
    work from the end of talk to the close. A call wrapped up without `end_talk` had no wrap-up."""
    talk_end = case.talk_ended_at
    ended = parse_instant(talk_end) if talk_end else None
    talk_until = ended or now
    case = end_hold(case, talk_until)
    talk = max(0, seconds_since(case.timer_start, talk_until) - case.hold_s)
    wrap = seconds_since(talk_end, now) if talk_end else 0
    return replace(case, talk_s=talk, wrap_s=wrap)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def seconds_since(opened_at: str, now: datetime) -> int:
    opened = parse_instant(opened_at)
    if opened is None:
        return 0
    return max(0, int((now - opened).total_seconds()))
