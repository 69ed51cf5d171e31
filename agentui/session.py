"""The call in progress: the case store, the active case and call-scoped values.

Every store call goes through `CallSession` under one lock, so saves from thread workers and the
final synchronous save on quit or on a signal never interleave. Nothing here touches widgets.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from agentui.core.cases.errors import StoreError
from agentui.core.cases.model import Caller, Case, Disposition, SaveResult
from agentui.core.cases.protocol import CaseStore
from agentui.core.cases.usage import UsageHistory, read_usage
from agentui.core.misses import MissRecord, MissTracker

if TYPE_CHECKING:
    from agentui.core.search import Usage


@dataclass(frozen=True, slots=True)
class CaseFields:
    """What the case pane edits; compared to skip saves that change nothing."""

    name: str = ""
    phone: str = ""
    operator: str = ""
    category: str = ""
    notes: str = ""

    @classmethod
    def of(cls, case: Case | None) -> CaseFields:
        if case is None:
            return cls()
        c = case.caller
        return cls(c.name, c.phone, c.operator, case.category, case.notes)


@dataclass(frozen=True, slots=True)
class Flushed:
    """What one flush saved: the case-pane fields (if they were pending) and the store's answers."""

    fields: CaseFields | None
    summary: str | None
    """The wrap-up summary's draft as typed (if it was pending)."""
    results: tuple[SaveResult, ...]

    @property
    def redactions(self) -> tuple[str, ...]:
        return tuple(what for result in self.results for what in result.redactions)


@dataclass(slots=True)
class CallSession:
    store: CaseStore | None = None
    case: Case | None = None
    """The latest state of the active case as the store returned it."""
    values: dict[str, str] = field(default_factory=dict)
    """Call-scoped placeholder values that are not case fields (e.g. a hotline typed once)."""
    remembered: dict[str, str] = field(default_factory=dict)
    """Last value typed for each placeholder, offered again in the prompt (kept across calls)."""
    viewed_before_case: list[str] = field(default_factory=list)
    """Entries opened while no case was open; recorded into the case when one opens."""
    ticks_before_case: dict[str, set[int]] = field(default_factory=dict)
    """Steps ticked while no case was open (browsing starts no call); saved into the next case."""
    pending: CaseFields | None = None
    """Case-pane fields edited but not saved yet."""
    pending_summary: str | None = None
    """The wrap-up summary as typed, not saved yet (saved to the open case as its draft)."""
    usage: UsageHistory = field(default_factory=UsageHistory)
    """The agent's use of the KB (read from the store at attach, then kept up to date)."""
    misses: MissTracker = field(default_factory=MissTracker)
    """Typed searches and how they end; driven from the UI thread, its records stored by workers."""
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _notes_told: int = 0
    """How many of the store's recovery notes the agent has been shown."""
    _notes: list[str] = field(default_factory=list)
    """The session's own notes for the agent (usage records that could not be read)."""
    _used_in_call: set[tuple[str, str]] = field(default_factory=set)
    """(kind, entry id) recorded during this call: each use counts once per call."""
    _search_usage: Usage | None = None
    """`usage` as the search index takes it, built when first asked after a change."""

    @property
    def ready(self) -> bool:
        return self.store is not None

    def attach(self, store: CaseStore) -> Case | None:
        with self._lock:
            self.store = store
            self._notes_told = 0
            self.case = store.active()
            self._load_usage(store)
            return self.case

    def _load_usage(self, store: CaseStore) -> None:
        """This agent's uses of the last `USAGE_DAYS` and pins; unreadable records cost only the
        ordering they would give (the agent is told), never the start of the console."""
        try:
            case_id = self.case.id if self.case is not None else ""
            self.usage = read_usage(store, store.agent, datetime.now(UTC), case_id)
        except (StoreError, OSError) as error:
            self._notes.append(f"usage records not read ({error}); the empty search lists entries by type")
        self._search_usage = None

    def _run(self, call: Callable[[CaseStore], SaveResult]) -> SaveResult:
        with self._lock:
            if self.store is None:
                raise RuntimeError("case store not open")
            result = call(self.store)
            self.case = result.case
            return result

    def open_case(self) -> Case:
        with self._lock:
            assert self.store is not None
            self.case = self.store.open_case()
            self.values.clear()
            viewed, self.viewed_before_case = self.viewed_before_case, []
            for entry_id in viewed:
                self.case = self.store.record_article(entry_id).case
            ticks, self.ticks_before_case = self.ticks_before_case, {}
            for procedure_id, steps in ticks.items():
                for step in sorted(steps):
                    self.case = self.store.tick_step(procedure_id, step, True).case
            return self.case

    def ensure_case(self) -> tuple[Case, bool]:
        """The active case, opening one if there is none; True when it was opened now."""
        with self._lock:
            if self.case is not None:
                return self.case, False
            return self.open_case(), True

    def save_fields(self, fields: CaseFields) -> SaveResult | None:
        """Save the case pane's fields if they differ from the stored case."""
        with self._lock:
            if CaseFields.of(self.case) == fields:
                result = None
            else:
                self.ensure_case()
                caller = Caller(name=fields.name, phone=fields.phone, operator=fields.operator)
                result = self._run(
                    lambda s: s.update(caller=caller, category=fields.category, notes=fields.notes)
                )
            if self.pending == fields:
                self.pending = None
            return result

    def save_summary(self, summary: str) -> SaveResult | None:
        """Save the wrap-up summary's draft to the open case if it changed."""
        with self._lock:
            if self.case is None or self.case.summary == summary:
                result = None
            else:
                result = self._run(lambda s: s.update(summary=summary))
            if self.pending_summary == summary:
                self.pending_summary = None
            return result

    @property
    def unsaved(self) -> bool:
        """Typed text the store does not hold yet (a pending edit equal to the stored case is not:
        an edit can be remembered again after the save that wrote it)."""
        with self._lock:
            stored = CaseFields.of(self.case)
            fields_unsaved = self.pending is not None and self.pending != stored
            summary = self.pending_summary
            summary_unsaved = summary is not None and (self.case is None or summary != self.case.summary)
            return fields_unsaved or summary_unsaved

    def flush(self) -> Flushed | None:
        """Save whatever the agent typed and is not saved yet (autosave, quit, signals); None if
        nothing was pending."""
        with self._lock:
            fields, summary = self.pending, self.pending_summary
            if (fields is None and summary is None) or self.store is None:
                return None
            results = []
            if fields is not None:
                results.append(self.save_fields(fields))
            if summary is not None:
                results.append(self.save_summary(summary))
            return Flushed(fields, summary, tuple(r for r in results if r is not None))

    def tick(self, procedure_id: str, step: int, done: bool) -> SaveResult | None:
        """Tick a step of the open case; with none open, keep the tick for the next case (None)."""
        with self._lock:
            if done:
                self._use("tick", procedure_id)
            if self.case is None:
                steps = self.ticks_before_case.setdefault(procedure_id, set())
                (steps.add if done else steps.discard)(step)
                return None
            return self._run(lambda s: s.tick_step(procedure_id, step, done))

    def ticked(self, procedure_id: str) -> set[int]:
        """The ticked steps of a procedure: the open case's, or those kept for the next case."""
        with self._lock:
            if self.case is not None:
                return set(self.case.steps.get(procedure_id, ()))
            return set(self.ticks_before_case.get(procedure_id, ()))

    # --- usage: opens, ticks, scripts, pins; misses ---------------------------------------------------
    def _use(self, kind: str, entry_id: str) -> None:
        """Count a use of an entry once per call, and record it for the next start (and the floor)."""
        if kind == "open":
            self.usage.opened(entry_id)
        if (kind, entry_id) in self._used_in_call or self.store is None:
            return
        self._used_in_call.add((kind, entry_id))
        self.usage.used(entry_id)
        self._search_usage = None
        try:
            self.store.record_event(kind, entry_id, case_id=self.case.id if self.case is not None else "")
        except (StoreError, OSError):
            # A use not kept only orders tomorrow's lists a little differently; the case save that
            # goes with it (same disk, same server) reports the failure to the agent.
            pass

    def toggle_pin(self, entry_id: str) -> bool:
        """Pin the entry to the top of the empty-query list, or unpin it; True when pinned now."""
        with self._lock:
            if self.store is None:
                raise StoreError("The case store is not open yet.")
            pin = entry_id not in self.usage.pinned
            self.store.record_event("pin" if pin else "unpin", entry_id)
            (self.usage.pinned.add if pin else self.usage.pinned.discard)(entry_id)
            self._search_usage = None
            return pin

    def search_usage(self) -> Usage:
        """The usage that breaks ties in search (the same object until the usage changes)."""
        with self._lock:
            if self._search_usage is None:
                from agentui.core.search import Usage

                self._search_usage = Usage(dict(self.usage.counts), frozenset(self.usage.pinned))
            return self._search_usage

    def recent_entries(self) -> list[str]:
        with self._lock:
            return self.usage.recent_entries()

    def record_misses(self, records: Iterable[MissRecord]) -> None:
        """Keep searches that found nothing or were given up (the store redacts the queries)."""
        with self._lock:
            if self.store is None:
                return
            for record in records:
                self.store.record_event(record.kind, record.query, case_id=record.case_id)

    def record_article(self, entry_id: str) -> SaveResult | None:
        with self._lock:
            self._use("open", entry_id)
            if self.case is None:
                if entry_id not in self.viewed_before_case:
                    self.viewed_before_case.append(entry_id)
                return None
            if entry_id in self.case.articles:
                return None
            return self._run(lambda s: s.record_article(entry_id))

    def record_script(self, entry_id: str) -> SaveResult | None:
        with self._lock:
            self._use("script", entry_id)
            if self.case is None or entry_id in self.case.scripts:
                return None
            return self._run(lambda s: s.record_script(entry_id))

    def toggle_hold(self) -> SaveResult:
        """Put the caller on hold, or take them off it (decided under the lock, so two quick
        presses are two toggles)."""
        with self._lock:
            on = self.case is not None and not self.case.on_hold
            return self._run(lambda s: s.set_hold(on))

    def end_talk(self) -> SaveResult | None:
        """The wrap-up begins (ends a hold); None when no case is open."""
        with self._lock:
            if self.case is None:
                return None
            return self._run(lambda s: s.end_talk())

    def close(self, disposition: Disposition, summary: str) -> Case:
        with self._lock:
            assert self.store is not None
            self.flush()
            closed = self.store.close(disposition, summary)
            self.case = None
            self.values.clear()
            self.viewed_before_case.clear()
            self.ticks_before_case.clear()
            self.pending = None
            self.pending_summary = None
            self._used_in_call.clear()
            self.usage.call_ended()
            return closed

    def reopen(self, case_id: str) -> Case:
        with self._lock:
            assert self.store is not None
            self.case = self.store.reopen(case_id)
            self.values.clear()
            self._used_in_call.clear()
            self.usage.call_ended()
            return self.case

    def history(self, *, text: str = "", operator: str = "", disposition: str = "", limit: int = 50) -> Sequence[Case]:
        """Closed cases for the history screen (empty while the store is not open yet)."""
        with self._lock:
            if self.store is None:
                return []
            return self.store.history(text=text, operator=operator, disposition=disposition, limit=limit)

    def new_recovery_notes(self) -> list[str]:
        """Notes the store added since the last call (at open, or when a damaged history month
        is first read), each to be told to the agent once."""
        with self._lock:
            if self.store is None:
                return []
            notes = self.store.recovery_notes[self._notes_told :]
            self._notes_told += len(notes)
            own, self._notes = self._notes, []
            return [*notes, *own]

    def release_case(self, case_id: str) -> str:
        """For a supervisor on a server store: free a case an agent holds; who held it."""
        with self._lock:
            release = getattr(self.store, "release", None)
            if release is None:
                raise StoreError("Releasing a case needs the floor's server store (--store).")
            return str(release(case_id))

    def release(self) -> None:
        """Release the store's lock without saving (what could not be saved went to a rescue file)."""
        with self._lock:
            store, self.store = self.store, None
            if store is not None:
                store.close_store()

    def shutdown(self) -> None:
        """Save anything pending and release the store's lock (idempotent)."""
        with self._lock:
            store, self.store = self.store, None
            if store is None:
                return
            try:
                self.store = store
                self.flush()
                with contextlib.suppress(StoreError, OSError):  # a search record never blocks quitting
                    self.record_misses(self.misses.end())  # a search given up just before quitting
            finally:
                self.store = None
                store.close_store()
