"""The case-store interface the console and CLI program against (TinyDB today, a server later)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from agentui.core.cases.model import Caller, Case, Disposition, SaveResult


class CaseStore(Protocol):
    def active(self) -> Case | None:
        """The case of the call in progress, if any (it survives restarts)."""

    def open_case(self) -> Case:
        """Start a new active case; raises `CaseAlreadyOpen` if one is open."""

    def update(
        self,
        *,
        caller: Caller | None = None,
        category: str | None = None,
        notes: str | None = None,
        summary: str | None = None,
    ) -> SaveResult:
        """Change fields of the active case and save it durably before returning. While the case
        is open, `summary` is the wrap-up summary's draft (autosaved as the agent types it)."""

    def tick_step(self, procedure_id: str, step: int, done: bool) -> SaveResult: ...

    def record_article(self, entry_id: str) -> SaveResult: ...

    def record_script(self, entry_id: str) -> SaveResult: ...

    def set_hold(self, on: bool) -> SaveResult:
        """Put the caller on hold or take them off it (counted and timed; repeating is a no-op)."""

    def end_talk(self) -> SaveResult:
        """The talk is over and after-call work begins (the first call counts; ends a hold)."""

    def close(self, disposition: Disposition, summary: str) -> Case:
        """Close the active case into history; there is no active case afterwards."""

    def reopen(self, case_id: str) -> Case:
        """Make a closed case active again (its closed_at, disposition are cleared)."""

    def get(self, case_id: str) -> Case | None: ...

    def history(
        self,
        *,
        text: str = "",
        operator: str = "",
        disposition: str = "",
        limit: int = 50,
    ) -> Sequence[Case]:
        """Closed cases, newest first, filtered by substring / operator id / disposition."""

    def close_store(self) -> None:
        """Release the data-dir lock; the store is unusable afterwards."""
