"""Usage and search-miss records, and the light per-call rows reports are built from."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from agentui.core.cases.model import Case

EVENT_KINDS = ("open", "tick", "script", "miss", "zero", "pin", "unpin")
"""`open`: an entry opened; `tick`: a step ticked; `script`: a script copied or inserted
(`ref` is the entry id for these three, each kept once per entry and call); `miss`: a search
given up without opening a result; `zero`: a search that found nothing (`ref` is the normalised
query for these two); `pin` / `unpin`: the agent pinned an entry to the top of the empty-query
list or took it off (`ref` is the entry id; see `usage.pinned_of`)."""


def default_agent_name() -> str:
    """The OS login: what `--agent` defaults to, so every case says who worked on it."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        return os.environ.get("USER", "") or "agent"


@dataclass(frozen=True, slots=True)
class Event:
    kind: str
    ref: str
    """An entry id (`open`, `tick`, `script`) or a normalised query (`miss`, `zero`)."""
    at: str
    """UTC ISO-8601."""
    agent: str = ""
    case_id: str = ""


@dataclass(frozen=True, slots=True)
class CallRecord:
    """What a report needs of a closed case, without notes: a week of a floor is 70,000 of them."""

    id: str
    opened_at: str
    closed_at: str
    agent: str
    disposition: str
    operator: str
    category: str
    talk_s: int | None
    hold_s: int
    hold_count: int
    wrap_s: int | None
    duration_s: int | None
    articles: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()

    @classmethod
    def of(cls, case: Case) -> CallRecord:
        return cls(
            id=case.id, opened_at=case.opened_at, closed_at=case.closed_at or "",
            agent=case.closed_by or case.opened_by, disposition=case.disposition or "",
            operator=case.caller.operator, category=case.category, talk_s=case.talk_s,
            hold_s=case.hold_s, hold_count=case.hold_count, wrap_s=case.wrap_s,
            duration_s=case.duration_s, articles=tuple(case.articles), scripts=tuple(case.scripts),
        )  # fmt: skip
