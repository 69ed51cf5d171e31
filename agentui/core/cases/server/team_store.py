"""The team store: the embedded store's files as the outbox, the PostgreSQL server as the floor's truth.

Every change is made durable in the data dir first (the agent's own truth) and pushed in the
background: opening and closing a case, and usage records, as outbox entries (a file each); the
open case's other changes (autosaves) as its latest state, which the case file already holds.
Reads of the floor (history, records, reports) go to the server after pushing what waits, and
fall back to the data dir while the server is away.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from agentui.core.cases.errors import CaseAlreadyOpen, StoreError
from agentui.core.cases.events import make_event
from agentui.core.cases.model import Caller, Case, Disposition, SaveResult
from agentui.core.cases.opening import open_store
from agentui.core.cases.outbox import Outbox
from agentui.core.cases.protocol import SyncStatus
from agentui.core.cases.records import CallRecord, Event
from agentui.core.cases.server.connect import ServerUnavailable
from agentui.core.cases.server.remote import CaseServer
from agentui.core.cases.server.sync import Pusher
from agentui.core.cases.server.url import mask_url
from agentui.core.cases.store import Clock, TinyCaseStore, reopened_case, utc_now

T = TypeVar("T")


def open_team_store(
    data_dir: Path, url: str, *, agent: str | None = None, clock: Clock = utc_now, push: bool = True
) -> TeamCaseStore:
    """Open the local store (its lock, its recovery), then the outbox; the server is optional at
    this point: offline, the console starts from the data dir and the outbox catches up later.
    `push=False` keeps the background pusher off (tests drive `sync_now`)."""
    local = open_store(data_dir, clock=clock, agent=agent)
    try:
        outbox = Outbox(local.paths.cases_dir)
        server = CaseServer(url, agent=local.agent, client_id=outbox.client_id)
        store = TeamCaseStore(local, outbox, server)
        store.reconcile()
        try:
            applied = server.ensure_schema()
            if applied:
                local.recovery_notes.append(f"Server schema upgraded: {', '.join(applied)}.")
            store.resume_from_server()
            store.pusher.reached_server()
        except ServerUnavailable as exc:
            local.recovery_notes.append(
                f"Working offline ({exc}); changes are kept here and sent when the server is back."
            )
        if push:
            store.pusher.start()
    except BaseException:
        local.close_store()
        raise
    return store


class TeamCaseStore:
    def __init__(self, local: TinyCaseStore, outbox: Outbox, server: CaseServer) -> None:
        self.local = local
        self.outbox = outbox
        self.server = server
        self.agent = local.agent
        self.data_dir = local.data_dir
        self.recovery_notes = local.recovery_notes
        self.where = mask_url(server.url)
        """The server, fit to show: no password."""
        self._mutex = threading.RLock()
        self._queueing_id: str | None = None
        """The case a change is being made to and queued, for `_keep` (read by the pusher)."""
        self.pusher = Pusher(outbox, server, keep=self._keep)

    # -- writes: local first, then queued ---------------------------------------------------------

    def active(self) -> Case | None:
        return self.local.active()

    def open_case(self) -> Case:
        """An entry of its own: until the server has the case, the outbox's files name it, so a
        crash right after a later local close still finds it to push (see `reconcile`)."""
        with self._mutex, self._queueing(None, entry=True):
            return self.local.open_case()

    @property
    def complete(self) -> bool:
        """Whether everything local could be read (the outbox is the local store's files)."""
        return self.local.complete

    def update(
        self,
        *,
        caller: Caller | None = None,
        category: str | None = None,
        notes: str | None = None,
        summary: str | None = None,
    ) -> SaveResult:
        with self._mutex, self._queueing(self._active_id()):
            return self.local.update(caller=caller, category=category, notes=notes, summary=summary)

    def tick_step(self, procedure_id: str, step: int, done: bool) -> SaveResult:
        with self._mutex, self._queueing(self._active_id()):
            return self.local.tick_step(procedure_id, step, done)

    def record_article(self, entry_id: str) -> SaveResult:
        with self._mutex, self._queueing(self._active_id()):
            return self.local.record_article(entry_id)

    def record_script(self, entry_id: str) -> SaveResult:
        with self._mutex, self._queueing(self._active_id()):
            return self.local.record_script(entry_id)

    def set_hold(self, on: bool) -> SaveResult:
        with self._mutex, self._queueing(self._active_id()):
            return self.local.set_hold(on)

    def end_talk(self) -> SaveResult:
        with self._mutex, self._queueing(self._active_id()):
            return self.local.end_talk()

    def close(self, disposition: Disposition, summary: str) -> Case:
        """An entry: it carries the case's final state, autosaves included, after which nothing of
        the case is pushed (the next case's open must not reach the server before it)."""
        with self._mutex, self._queueing(self._active_id(), entry=True):
            return self.local.close(disposition, summary)

    @property
    def last_redactions(self) -> tuple[str, ...]:
        return self.local.last_redactions

    @last_redactions.setter
    def last_redactions(self, value: tuple[str, ...]) -> None:
        self.local.last_redactions = value

    def reopen(self, case_id: str) -> Case:
        """Claims the case on the server (so two agents never both reopen it), then continues it here."""
        with self._mutex:
            current = self.local.active()
            if current is not None:
                raise CaseAlreadyOpen(f"Case {current.id} is still open; wrap it up before reopening {case_id}.")
            self.pusher.drain()  # this console's own close of it must be there first
            now = self.local._clock()
            try:
                taken = self.server.claim(case_id, lambda closed: reopened_case(closed, now))
            except ServerUnavailable as exc:
                raise StoreError(f"Reopening a case needs the server, which cannot be reached ({exc}).") from exc
            self.outbox.note_server_version(taken.id, taken.version)
            return self.local.adopt(taken)

    def release(self, case_id: str) -> str:
        """For a supervisor: free a case an agent holds (they left, or their console died)."""
        return self.server.release(case_id)

    def record_event(self, kind: str, ref: str, *, case_id: str = "", at: str | None = None) -> None:
        with self._mutex:
            event = make_event(kind, ref, agent=self.agent, case_id=case_id, at=at, now=self.local._clock())
            self.local.append_event(event)
            self.outbox.add_event(event)
        self.pusher.queued()

    # -- reads: the floor's truth when it can be had --------------------------------------------------

    def get(self, case_id: str) -> Case | None:
        active = self.local.active()
        if active is not None and active.id == case_id:
            return active
        return self._from_server(lambda: self.server.get(case_id), lambda: self.local.get(case_id))

    def history(
        self, *, text: str = "", operator: str = "", disposition: str = "", limit: int = 50
    ) -> Sequence[Case]:
        active = self.local.active()
        return self._from_server(
            lambda: self.server.history(
                text=text, operator=operator, disposition=str(disposition or ""), limit=limit,
                exclude_id=active.id if active else "",
            ),
            lambda: self.local.history(text=text, operator=operator, disposition=disposition, limit=limit),
        )  # fmt: skip

    def events(self, kind: str, *, since: str, until: str | None = None, agent: str | None = None) -> Sequence[Event]:
        return self._from_server(
            lambda: self.server.events(kind, since, until, agent),
            lambda: self.local.events(kind, since=since, until=until, agent=agent),
        )

    def call_records(self, *, since: str, until: str | None = None, agent: str | None = None) -> Sequence[CallRecord]:
        return self._from_server(
            lambda: self.server.call_records(since, until, agent),
            lambda: self.local.call_records(since=since, until=until, agent=agent),
        )

    # -- sync -----------------------------------------------------------------------------------

    def sync_status(self) -> SyncStatus:
        return self.pusher.status

    def watch_sync(self, listener: Callable[[SyncStatus], None]) -> None:
        self.pusher.watch(listener)

    def sync_now(self) -> bool:
        """Push what waits now; False if the server is away (it stays queued)."""
        return self.pusher.drain()

    def reconcile(self) -> None:
        """At start: push what the data dir holds newer than what the server has (as far as
        sync.json knows) or the outbox queued: the open case's autosaves never queued (their
        latest state lives in memory only), or a close cut short before its entry was written."""
        with self._mutex:
            active = self.local.active()
            ids = set(self.outbox.versions) | self.outbox.queued_case_ids() | ({active.id} if active else set())
            for case_id in sorted(ids):
                case = self.local.get(case_id)
                if case is not None and case.version > self.outbox.known_version(case_id):
                    self._queue(case, entry=case.closed_at is not None)
            self.pusher.queued()  # the header counts what the files and this left waiting

    def resume_from_server(self) -> None:
        """A case this agent has open on the server (started on another workstation) continues here."""
        with self._mutex:
            if self.local.active() is not None or self.outbox.waiting:
                return
            held = self.server.active_of(self.agent)
            if held is None:
                return
            self.outbox.note_server_version(held.id, held.version)
            self.local.adopt(held)
            self.recovery_notes.append(f"Case {held.id} was open on the server under {self.agent}; it continues here.")

    def close_store(self) -> None:
        """Stop pushing (one last try, bounded by the connect timeout) and release the data dir."""
        self.pusher.stop()
        try:
            if self.pusher.status.online:
                self.pusher.drain()
            self.outbox.tidy()
        finally:
            self.server.close()
            self.local.close_store()

    def __enter__(self) -> TeamCaseStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close_store()

    # -- internals --------------------------------------------------------------------------------

    def _active_id(self) -> str | None:
        active = self.local.active()
        return active.id if active else None

    def _keep(self) -> set[str]:
        """From the pusher's thread, without the mutex: the active case, and the case a change is
        being queued for (a close has already cleared the active case before it is queued)."""
        active = self.local._active
        return {case_id for case_id in (active.id if active else None, self._queueing_id) if case_id}

    @contextmanager
    def _queueing(self, case_id: str | None, *, entry: bool = False) -> Iterator[None]:
        """Whatever the local store made durable, even if it then raised (`SaveNotConfirmed`), is
        queued: the outbox follows the data dir, never the return value. `entry`: an outbox file
        (open, close); otherwise the case's latest state is marked, with no write of its own."""
        self._queueing_id = case_id
        try:
            yield
        finally:
            try:
                target = case_id or self._active_id()
                case = self.local.get(target) if target else None
                if case is not None and case.version > self.outbox.known_version(case.id):
                    self._queue(case, entry=entry or case.closed_at is not None)
                    self.pusher.queued()
            finally:
                self._queueing_id = None

    def _queue(self, case: Case, *, entry: bool) -> None:
        if entry:
            self.outbox.add_case(case)
        else:
            self.outbox.mark(case)

    def _from_server(self, remote: Callable[[], T], local: Callable[[], T]) -> T:
        if self.pusher.drain():
            for attempt in range(2):  # the read connection may have been dropped by a server restart
                try:
                    return remote()
                except ServerUnavailable:
                    if attempt:
                        break
        return local()
