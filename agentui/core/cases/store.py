"""The TinyDB case store: every change saved durably (`core.cases.opening.open_store` opens one)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, overload

from tinydb import TinyDB
from tinydb.table import Document, Table

from agentui.core.cases.errors import (
    CaseAlreadyOpen,
    CaseNotFound,
    NoActiveCase,
    SaveNotConfirmed,
    StoreError,
)
from agentui.core.cases.events import EventLog, make_event
from agentui.core.cases.history import CaseFilter, HistoryPartitions
from agentui.core.cases.layout import ACTIVE_DOC_ID, ACTIVE_TABLE, StorePaths, new_case_id
from agentui.core.cases.lock import DataDirLock
from agentui.core.cases.model import Caller, Case, Disposition, SaveResult
from agentui.core.cases.phases import closing_phases, end_hold, iso, seconds_since
from agentui.core.cases.records import CallRecord, Event, default_agent_name
from agentui.core.cases.recovery import StartupRecovery
from agentui.core.cases.redact import redact_case
from agentui.core.cases.storage import AtomicJSONStorage

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class TinyCaseStore(StartupRecovery):
    """`CaseStore` on TinyDB files. In memory it mirrors what is on disk: a save that fails leaves
    both as they were, so trying again is always safe.

    `SaveNotConfirmed` is the one exception: the change is in place (and memory follows it) but
    the disk did not confirm the flush, which the agent should hear about.
    """

    def __init__(
        self, paths: StorePaths, lock: DataDirLock, *, clock: Clock = utc_now, agent: str | None = None
    ) -> None:
        self.paths = paths
        self.agent = agent or default_agent_name()
        self._events = EventLog(paths.cases_dir / "events")
        self._clock = clock
        """UTC now; tests pass a clock they move, to measure call phases."""
        self.data_dir = paths.data_dir
        self.recovery_notes: list[str] = []
        self._lost = False
        self.last_redactions: tuple[str, ...] = ()
        """What redaction removed in the latest save, including `close()`'s summary."""
        self._lock = lock
        self._mutex = threading.RLock()
        self._active_storage = AtomicJSONStorage(paths.active)
        self._active_db = TinyDB(storage=lambda: self._active_storage)
        self._active: Case | None = None
        self._active_synced = False
        self._history = HistoryPartitions(paths, self._note)
        self._closed = False

    # -- protocol ---------------------------------------------------------------------------

    @property
    def complete(self) -> bool:
        return not self._lost

    def active(self) -> Case | None:
        with self._mutex:
            self._check_open()
            return _copy(self._active)

    def open_case(self) -> Case:
        with self._mutex:
            self._check_open()
            if self._active is not None:
                raise CaseAlreadyOpen(f"Case {self._active.id} is still open; wrap it up before starting a new one.")
            now = self._clock()
            case_id = new_case_id(now)
            while self._history.get(case_id) is not None:
                case_id = new_case_id(now)
            case = Case(id=case_id, opened_at=iso(now), opened_by=self.agent)
            return self._save_active(case).case

    def update(
        self,
        *,
        caller: Caller | None = None,
        category: str | None = None,
        notes: str | None = None,
        summary: str | None = None,
    ) -> SaveResult:
        with self._mutex:
            case = self._require_active()
            changes: dict[str, Any] = {}
            if caller is not None:
                changes["caller"] = Caller(caller.name, caller.phone, caller.operator)
            if category is not None:
                changes["category"] = category
            if notes is not None:
                changes["notes"] = notes
            if summary is not None:
                changes["summary"] = summary
            return self._save_active(replace(case, **changes))

    def tick_step(self, procedure_id: str, step: int, done: bool) -> SaveResult:
        with self._mutex:
            case = self._require_active()
            steps = {pid: list(numbers) for pid, numbers in case.steps.items()}
            ticked = set(steps.get(procedure_id, ()))
            if done:
                ticked.add(int(step))
            else:
                ticked.discard(int(step))
            if ticked:
                steps[procedure_id] = sorted(ticked)
            else:
                steps.pop(procedure_id, None)
            return self._save_active(replace(case, steps=steps))

    def record_article(self, entry_id: str) -> SaveResult:
        with self._mutex:
            case = self._require_active()
            if entry_id in case.articles:
                return self._save_active(case)
            return self._save_active(replace(case, articles=[*case.articles, entry_id]))

    def record_script(self, entry_id: str) -> SaveResult:
        with self._mutex:
            case = self._require_active()
            if entry_id in case.scripts:
                return self._save_active(case)
            return self._save_active(replace(case, scripts=[*case.scripts, entry_id]))

    def set_hold(self, on: bool) -> SaveResult:
        with self._mutex:
            case = self._require_active()
            now = self._clock()
            if on and case.hold_started_at is None and case.talk_ended_at is None:
                case = replace(case, hold_started_at=iso(now), hold_count=case.hold_count + 1)
            elif not on and case.hold_started_at is not None:
                case = end_hold(case, now)
            return self._save_active(case)

    def end_talk(self) -> SaveResult:
        with self._mutex:
            case = self._require_active()
            if case.talk_ended_at is None:
                now = self._clock()
                case = replace(end_hold(case, now), talk_ended_at=iso(now))
            return self._save_active(case)

    def close(self, disposition: Disposition, summary: str) -> Case:
        """History first, then the active file: a crash in between leaves the case in both, which
        the next open settles (see `settle_duplicate`), so it is never lost nor listed twice."""
        with self._mutex:
            case = self._require_active()
            now = self._clock()
            closed, messages = redact_case(
                replace(
                    closing_phases(case, now),
                    closed_at=iso(now),
                    disposition=Disposition(disposition).value,
                    summary=summary,
                    duration_s=seconds_since(case.timer_start, now),
                    closed_by=self.agent,
                    version=case.version + 1,
                )
            )
            try:
                self._history.put(closed)
            except StoreError as exc:
                if isinstance(exc, SaveNotConfirmed):
                    self._undo(lambda: self._history.remove(closed.id, closed.opened_at))
                raise StoreError(_failed("close", case.id, exc, "It is still open")) from exc
            try:
                self._active_table().remove(doc_ids=[ACTIVE_DOC_ID])
            except SaveNotConfirmed:
                self._active, self._active_synced = None, True
                self.last_redactions = messages
                raise
            except StoreError as exc:
                self._active_synced = False
                self._undo(lambda: self._history.remove(closed.id, closed.opened_at))
                raise StoreError(_failed("close", case.id, exc, "It is still open")) from exc
            self._active, self._active_synced = None, True
            self.last_redactions = messages
            return _copy(closed)

    def reopen(self, case_id: str) -> Case:
        """Active file first, then history: the mirror image of `close`, settled the same way."""
        with self._mutex:
            self._check_open()
            if self._active is not None:
                raise CaseAlreadyOpen(f"Case {self._active.id} is still open; wrap it up before reopening {case_id}.")
            closed = self._history.get(case_id)
            if closed is None:
                raise CaseNotFound(f"No closed case {case_id} in {self.data_dir}.")
            reopened = reopened_case(closed, self._clock())
            try:
                self._write_active(reopened)
                self._history.remove(case_id, closed.opened_at)
            except SaveNotConfirmed as exc:
                if self._history.get(case_id) is None:  # the history write is the one unconfirmed
                    self._active, self._active_synced = reopened, True
                    raise
                self._abandon_reopen()
                raise StoreError(_failed("reopen", case_id, exc, "It stays closed")) from exc
            except StoreError as exc:
                self._abandon_reopen()
                raise StoreError(_failed("reopen", case_id, exc, "It stays closed")) from exc
            self._active, self._active_synced = reopened, True
            return _copy(reopened)

    def get(self, case_id: str) -> Case | None:
        with self._mutex:
            self._check_open()
            if self._active is not None and self._active.id == case_id:
                return _copy(self._active)
            return _copy(self._history.get(case_id))

    def adopt(self, case: Case) -> Case:
        """Make `case` (as a server handed it over) the active case; a copy of it in this data dir's
        history is removed, as `reopen` does. For the team store's reopen and resume."""
        with self._mutex:
            self._check_open()
            if self._active is not None and self._active.id != case.id:
                raise CaseAlreadyOpen(f"Case {self._active.id} is still open; wrap it up before taking {case.id}.")
            stored, _ = redact_case(case)
            self._write_active(stored)
            local = self._history.get(case.id)
            if local is not None:
                self._undo(lambda: self._history.remove(case.id, local.opened_at))
            return stored

    def record_event(self, kind: str, ref: str, *, case_id: str = "", at: str | None = None) -> None:
        with self._mutex:
            self._check_open()
            self.append_event(make_event(kind, ref, agent=self.agent, case_id=case_id, at=at, now=self._clock()))

    def append_event(self, event: Event) -> None:
        """Keep a record made (and redacted) already by `make_event`."""
        with self._mutex:
            self._check_open()
            self._events.append(event)

    def events(self, kind: str, *, since: str, until: str | None = None, agent: str | None = None) -> Sequence[Event]:
        with self._mutex:
            self._check_open()
            return self._events.query(kind, since, until, agent)

    def call_records(self, *, since: str, until: str | None = None, agent: str | None = None) -> Sequence[CallRecord]:
        """From this data dir's history (one agent's calls); reads the months the range touches."""
        with self._mutex:
            self._check_open()
            found = [
                CallRecord.of(case) for case in self._history.search(CaseFilter(), 0)
                if case.closed_at and since <= case.closed_at and (until is None or case.closed_at < until)
                and (agent is None or (case.closed_by or case.opened_by) == agent)
            ]
            return sorted(found, key=lambda record: record.closed_at)

    def history(
        self,
        *,
        text: str = "",
        operator: str = "",
        disposition: str = "",
        limit: int = 50,
    ) -> Sequence[Case]:
        """Newest call first; `limit` <= 0 means all. Searching text in old months reads their files."""
        with self._mutex:
            self._check_open()
            wanted = CaseFilter(text=text, operator=operator, disposition=str(disposition or ""))
            if self._active is not None:
                wanted = replace(wanted, exclude_id=self._active.id)
            return [_copy(case) for case in self._history.search(wanted, limit)]

    def close_store(self) -> None:
        with self._mutex:
            if self._closed:
                return
            self._closed = True
            self._history.close()
            self._active_db.close()
            self._lock.release()

    def __enter__(self) -> TinyCaseStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close_store()

    # -- internals --------------------------------------------------------------------------

    def _save_active(self, case: Case) -> SaveResult:
        stored, messages = redact_case(case)
        if self._active is None or stored != self._active:
            self._write_active(self._stamped(stored))
        elif not self._active_synced:
            self._write_active(stored)
        assert self._active is not None
        stored = self._active
        self.last_redactions = messages
        return SaveResult(case=_copy(stored), redactions=messages)

    def _write_active(self, case: Case) -> None:
        """One atomic write of the small active file; history is never touched by an autosave."""
        table = self._active_table()
        try:
            if table.contains(doc_id=ACTIVE_DOC_ID):
                table.update(case.to_dict(), doc_ids=[ACTIVE_DOC_ID])
            else:
                table.insert(Document(case.to_dict(), doc_id=ACTIVE_DOC_ID))
        except SaveNotConfirmed:
            self._active, self._active_synced = case, False
            raise
        except StoreError:
            self._active_synced = False
            raise
        self._active, self._active_synced = case, True

    def _stamped(self, case: Case) -> Case:
        """A change: the next version, and this agent among the editors (opening is not editing)."""
        previous = self._active if self._active is not None and self._active.id == case.id else None
        version = (previous.version if previous is not None else case.version) + 1
        editors = case.edited_by
        if previous is not None and self.agent not in editors:
            editors = [*editors, self.agent]
        return replace(case, version=version, edited_by=editors)

    def _active_table(self) -> Table:
        return self._active_db.table(ACTIVE_TABLE)

    def _abandon_reopen(self) -> None:
        self._active, self._active_synced = None, False
        self._undo(lambda: self._active_table().remove(doc_ids=[ACTIVE_DOC_ID]))

    def _undo(self, action: Any) -> None:
        """Best effort: if even the undo fails, both copies exist and the next open settles them."""
        try:
            action()
        except StoreError:
            pass

    def _require_active(self) -> Case:
        self._check_open()
        if self._active is None:
            raise NoActiveCase("No case is open: start one first (F2).")
        return self._active

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"The case store for {self.data_dir} is closed.")


def _failed(action: str, case_id: str, error: StoreError, outcome: str) -> str:
    reason = getattr(error, "reason", str(error))
    return f"Could not {action} case {case_id} ({reason}). {outcome}; try again."


@overload
def _copy(case: Case) -> Case: ...
@overload
def _copy(case: None) -> None: ...
@overload
def _copy(case: Case | None) -> Case | None: ...
def _copy(case: Case | None) -> Case | None:
    """A copy the caller may change without touching the store's own."""
    return None if case is None else Case.from_dict(case.to_dict())


def reopened_case(closed: Case, now: datetime) -> Case:
    """A closed case made active again: the timer resumes at the time already talked, and the
    closing fields are cleared (the next close measures them anew)."""
    talked = timedelta(seconds=closed.duration_s or 0)
    return replace(
        closed, closed_at=None, disposition=None, duration_s=None, closed_by="",
        timer_from=iso(now - talked), talk_ended_at=None, talk_s=None, wrap_s=None,
        version=closed.version + 1,
    )
