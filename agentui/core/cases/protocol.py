"""The case-store interface the console and CLI program against: embedded TinyDB or a PostgreSQL server.

`CaseReader` is what reading needs (the CLI, the history screen, reports); `CaseStore` adds the
writes of a call. Every reader and writer goes through these, so the server backend is a second
implementation, not a second code path. `validate.from_stored` checks records for any of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from agentui.core.cases.model import Caller, Case, Disposition, SaveResult
from agentui.core.cases.records import CallRecord, Event


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
    agent: str
    """Who this store writes as: stamped on every case opened, edited or closed through it."""

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

    # -- usage and search-miss records, and report rows (per agent embedded, floor wide on a server)

    def record_event(self, kind: str, ref: str, *, case_id: str = "", at: str | None = None) -> None:
        """Keep one usage or search-miss record (`records.EVENT_KINDS`); `at` defaults to now.
        A query is redacted like a note before it is kept."""

    def events(self, kind: str, *, since: str, until: str | None = None, agent: str | None = None) -> Sequence[Event]:
        """Records of `kind` with `since <= at < until` (UTC ISO-8601), oldest first."""

    def call_records(self, *, since: str, until: str | None = None, agent: str | None = None) -> Sequence[CallRecord]:
        """Closed cases with `since <= closed_at < until`, oldest close first, for reports."""


@runtime_checkable
class EventReader(Protocol):
    """Read-only access to usage and search-miss records (`agentui kb gaps`, `agentui search`):
    never takes the console's lock, so it works while a console runs on the same data dir. A
    `CaseStore` is one too; `choose.open_event_reader` gives one without opening a store."""

    def events(self, kind: str, *, since: str, until: str | None = None, agent: str | None = None) -> Sequence[Event]:
        """Records of `kind` with `since <= at < until` (UTC ISO-8601), oldest first."""

    def close_store(self) -> None: ...


@runtime_checkable
class SyncStatusSource(Protocol):
    """A store that pushes to a server: the console shows its state in the header."""

    def sync_status(self) -> SyncStatus: ...

    def watch_sync(self, listener: Callable[[SyncStatus], None]) -> None:
        """Call `listener` (from any thread) whenever the status changes."""


@dataclass(frozen=True, slots=True)
class SyncStatus:
    online: bool
    waiting: int
    """Changes made durable locally that the server has not acknowledged."""
    caught_up_at: str = ""
    """UTC ISO-8601 of the last time nothing was waiting after being offline or behind."""
    problem: str = ""
    """The latest refusal or error, fit to show the agent (passwords masked)."""
