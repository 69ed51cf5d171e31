"""The case-store interface the console and CLI program against (TinyDB today, a server later).

`CaseReader` is what reading needs (the CLI, the history screen); `CaseStore` adds the writes of
a call. Every reader and writer goes through these, so another backend is a second
implementation, not a second code path. `validate.from_stored` checks records for any of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from agentui.core.cases.model import Caller, Case, Disposition, SaveResult


@runtime_checkable
class CaseReader(Protocol):
    recovery_notes: list[str]
    """What was recovered, repaired, set aside or could not be read, in words fit to show the
    agent or the CLI user; it grows when a damaged history month is first read."""

    @property
    def complete(self) -> bool:
        """False once something could not be read at all (a file moved aside or skipped, a record
        that is not a case): what is shown or exported lacks it. Repairs keep it True."""

    def active(self) -> Case | None:
        """The case of the call in progress, if any (it survives restarts)."""

    def get(self, case_id: str) -> Case | None:
        """A case by id, the active one included."""

    def history(
        self,
        *,
        text: str = "",
        operator: str = "",
        disposition: str = "",
        limit: int = 50,
    ) -> Sequence[Case]:
        """Closed cases, newest first, filtered by substring / operator id / disposition;
        `limit` <= 0 means all."""

    def close_store(self) -> None:
        """Release what the reader holds (the data-dir lock for a store); unusable afterwards."""


@runtime_checkable
class CaseStore(CaseReader, Protocol):
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
