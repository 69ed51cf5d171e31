"""Which copy wins when a crash left a case both active and in history (between close's two writes)."""

from __future__ import annotations

from typing import Literal

from agentui.core.cases.model import Case

_CLOSING_FIELDS = (
    "closed_at", "disposition", "summary", "duration_s", "talk_s", "wrap_s", "talk_ended_at", "closed_by",
    "version",
)  # fmt: skip


def settle_duplicate(active: Case, closed: Case) -> Literal["active", "history"]:
    """History wins when the active copy holds nothing the closed one lacks: a close (or reopen)
    was cut short, and no change made in between can be lost. The active copy wins when it was
    edited after a wrap-up that failed: the agent saw the failure and kept working on it."""
    mine = active.to_dict()
    theirs = closed.to_dict()
    for name in _CLOSING_FIELDS:
        mine.pop(name)
        theirs.pop(name)
    return "history" if mine == theirs else "active"
