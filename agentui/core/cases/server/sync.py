"""Pushes the outbox to the server in order, in the background, and says how far behind it is."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from agentui.core.cases.errors import StoreError
from agentui.core.cases.outbox import Outbox
from agentui.core.cases.protocol import SyncStatus
from agentui.core.cases.server.connect import ServerUnavailable
from agentui.core.cases.server.remote import CaseServer

BATCH = 500
TIDY_AFTER = 100
TIDY_IDLE_S = 10.0
"""The outbox's bookkeeping (sync.json, then deleting pushed files) is written once `TIDY_AFTER`
entries were acknowledged, or when nothing was queued for `TIDY_IDLE_S`: not once per push, which
nearly doubled the flushes on the agent's disk (see `Outbox.tidy`)."""
RETRY_S = (0.25, 0.5, 1.0, 2.0, 3.0)
"""Waits between tries while the server is away; the last repeats. The first is short so a
dropped connection (a proxy, a restarted server) is back within a second."""


class Pusher:
    def __init__(self, outbox: Outbox, server: CaseServer, *, keep: Callable[[], set[str]]) -> None:
        self._outbox = outbox
        self._server = server
        self._keep = keep
        """Case ids whose server version the outbox must remember (the active case)."""
        self._push_lock = threading.Lock()
        self._wake = threading.Condition()
        self._kicked = False
        self._stopping = False
        self._failures = 0
        self._listeners: list[Callable[[SyncStatus], None]] = []
        self._status = SyncStatus(online=False, waiting=outbox.waiting)
        self._thread: threading.Thread | None = None
        self._status_lock = threading.Lock()

    # -- control ----------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="agentui-outbox", daemon=True)
        self._thread.start()

    def kick(self) -> None:
        with self._wake:
            self._kicked = True
            self._wake.notify()

    def stop(self, timeout: float = 2.0) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if self._thread is not None:
            self._thread.join(timeout)

    def watch(self, listener: Callable[[SyncStatus], None]) -> None:
        self._listeners.append(listener)
        listener(self._status)

    @property
    def status(self) -> SyncStatus:
        return self._status

    # -- pushing ----------------------------------------------------------------------------

    def drain(self) -> bool:
        """Push everything waiting now, in the caller's thread; False if the server is away."""
        for attempt in range(2):  # a connection the server dropped (a restart) fails once, then reconnects
            try:
                self._push_all()
            except ServerUnavailable:
                if attempt:
                    return False
            else:
                return True
        return False

    def _push_all(self) -> None:
        with self._push_lock:
            try:
                while True:
                    entries = self._outbox.read(BATCH)
                    if not entries:
                        break
                    result = self._server.push(entries)
                    refused = {seq: r.reason for r in result.refused for seq in r.seqs}
                    refused_latest = {r.case_id: r.reason for r in result.refused if not r.seqs}
                    latest = [entry for entry in entries if entry.latest]
                    self._outbox.acknowledge(result.upto, refused, self._keep(), latest, refused_latest)
                    if result.refused:
                        self._refused(result.refused[-1].case_id, result.refused[-1].reason)
                    self._update(online=True)
            except ServerUnavailable as exc:
                self._update(online=False, problem=str(exc))
                raise
            except StoreError as exc:  # a broken outbox file or a server error: said, and retried
                self._update(online=self._status.online, problem=str(exc))
                raise ServerUnavailable(str(exc)) from exc

    def _refused(self, case_id: str, reason: str) -> None:
        where = self._outbox.refused_dir
        self._update(online=True, problem=f"{reason}: your change is kept in {where}, not on the server.")

    def _run(self) -> None:
        while True:
            with self._wake:
                if not self._kicked and not self._stopping:
                    behind = self._failures or not self._status.online or self._outbox.waiting
                    if behind:
                        self._wake.wait(RETRY_S[min(self._failures, len(RETRY_S) - 1)])
                    else:
                        self._wake.wait(TIDY_IDLE_S if self._outbox.untidy else None)
                if self._stopping:
                    return
                kicked, self._kicked = self._kicked, False
            try:
                self._push_all()
                if self._outbox.spent >= TIDY_AFTER or (self._outbox.untidy and not kicked):
                    self._outbox.tidy()
                if not self._status.online:
                    self._server.ping()
                    self._update(online=True)
                self._failures = 0
            except ServerUnavailable:
                self._failures += 1
            except Exception as exc:  # noqa: BLE001 - the pusher must outlive any surprise, and say it
                self._failures += 1
                self._update(online=False, problem=f"outbox: {type(exc).__name__}: {exc}")
            if self._failures:
                time.sleep(0)  # let a stop() in between be seen before the next wait

    def _update(self, *, online: bool, problem: str | None = None) -> None:
        with self._status_lock:
            status, changed = self._next_status(online, problem)
        if changed:
            for listener in list(self._listeners):
                listener(status)

    def _next_status(self, online: bool, problem: str | None) -> tuple[SyncStatus, bool]:
        waiting = self._outbox.waiting
        before = self._status
        caught_up = before.caught_up_at
        if waiting == 0 and online and (before.waiting > 0 or not before.online):
            caught_up = datetime.now(UTC).isoformat(timespec="seconds")
        status = SyncStatus(
            online=online, waiting=waiting, caught_up_at=caught_up,
            problem=before.problem if problem is None else problem,
        )  # fmt: skip
        if online and not before.online and problem is None and before.problem.startswith("PostgreSQL"):
            status = SyncStatus(online=True, waiting=waiting, caught_up_at=caught_up)
        self._status = status
        return status, status != before

    def reached_server(self) -> None:
        """The store talked to the server at start: online until a push says otherwise."""
        self._update(online=True)

    def queued(self) -> None:
        """A change was queued or marked: count it now (the header says how many wait) and push soon."""
        self._update(online=self._status.online)
        self.kick()
