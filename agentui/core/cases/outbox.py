"""The team store's outbox: every change made durable in the data dir before it goes to the server.

Two kinds of change. An entry (a case opened or closed, a usage record) must arrive in order and
exactly once: one atomic file per entry (`cases/outbox/<seq>.json`), so queueing never rewrites
the backlog. The open case's other changes (autosaves of notes, caller, summary; ticks, hold) are
states, not steps: the case file in the data dir is already durable, so the outbox only marks the
case in memory and the pusher sends its latest state, after the entries queued before it (many
autosaves, one push). `cases/sync.json` holds this console's client id, the last seq the server
decided, and the version the server holds of each case still in play; a start queues again any
case the data dir holds newer than that (`TeamCaseStore.reconcile`). A change the server refused
is copied to `cases/outbox-refused/` with the reason, never deleted.

An acknowledgement changes memory only: `tidy` writes sync.json once for a batch of them and
only then deletes the pushed files, so a push costs the agent's disk nothing, a crash before the
tidy-up replays changes the server skips by their seq, and a seq is never handed out twice. No
lock a save takes is held across the pusher's disk writes or its round trips to the server.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentui.core.cases.atomic import atomic_write, ensure_private_dir, fsync_dir, remove_leftover_temps
from agentui.core.cases.errors import StoreError
from agentui.core.cases.events import event_from_dict, event_to_dict
from agentui.core.cases.model import Case
from agentui.core.cases.records import Event

_ENTRY = re.compile(r"^(\d{12})\.json$")


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    case: Case | None = None
    base: int = 0
    """The version the server should hold of the case before this change."""
    event: Event | None = None
    latest: bool = False
    """The open case's latest state, from memory: no file, no seq (0); pushed after the entries."""


class Outbox:
    def __init__(self, cases_dir: Path) -> None:
        self.directory = cases_dir / "outbox"
        self.refused_dir = cases_dir / "outbox-refused"
        self.state_path = cases_dir / "sync.json"
        self._lock = threading.RLock()
        """Guards the in-memory queue; never held across disk I/O, so a save never waits on the pusher."""
        self._add_lock = threading.Lock()
        """Serialises queueing: seqs in the order their files became durable."""
        self._state_lock = threading.Lock()
        """Serialises writes of sync.json and the deletes that must follow them."""
        self._dirty = False
        """Acknowledged in memory since sync.json was last written."""
        ensure_private_dir(self.directory)
        remove_leftover_temps(self.directory)
        state = self._read_state()
        self.client_id: str = state.get("client_id") or secrets.token_hex(8)
        self.acked: int = int(state.get("acked") or 0)
        self.versions: dict[str, int] = {str(k): int(v) for k, v in (state.get("versions") or {}).items()}
        """Case id -> the version the server holds as far as this console knows (acknowledged, or
        handed over by a claim); the base of the next push of that case. May be behind after a
        crash: the server then recognises its version as this console's own (see `CaseServer`)."""
        if not state:
            self._write_state()
        self._seqs = self._scan()
        leftovers = [s for s in self._seqs if s <= self.acked]  # decided before a stop cut the tidy-up
        for seq in leftovers:
            self._unlink(seq)
        if leftovers:
            fsync_dir(self.directory)
        self._seqs = [s for s in self._seqs if s > self.acked]
        self._spent: list[int] = []
        """Acknowledged changes whose files `tidy` has not deleted yet."""
        self._case_of: dict[int, tuple[str, int]] = {}
        """Seq -> case id and version of the waiting case entries."""
        self._latest: dict[str, Case] = {}
        """Case id -> its latest state not yet pushed (memory only: the case file has it)."""
        for entry in self._read_files(list(self._seqs)):
            if entry.case is not None:
                self._case_of[entry.seq] = (entry.case.id, entry.case.version)
        self._next = max([self.acked, *self._seqs]) + 1

    # -- queueing -------------------------------------------------------------------------------

    def add_case(self, case: Case) -> int:
        """Queue an entry for a case (opened, closed): it carries every change made to it before,
        so the latest state waiting in memory goes with it."""
        with self._add_lock:
            with self._lock:
                base = self.versions.get(case.id, 0)
            return self._add({"case": case.to_dict(), "base": base}, case=case)

    def mark(self, case: Case) -> None:
        """The open case changed (its file is durable already): push its latest state. Memory only."""
        with self._lock:
            waiting = self._latest.get(case.id)
            if waiting is None or waiting.version < case.version:
                self._latest[case.id] = case

    def known_version(self, case_id: str) -> int:
        """The newest version of the case that the server holds or that waits to be pushed."""
        with self._lock:
            latest = self._latest.get(case_id)
            queued = [version for cid, version in self._case_of.values() if cid == case_id]
            return max([self.versions.get(case_id, 0), latest.version if latest else 0, *queued])

    def queued_case_ids(self) -> set[str]:
        with self._lock:
            return {cid for cid, _ in self._case_of.values()} | set(self._latest)

    def add_event(self, event: Event) -> int:
        with self._add_lock:
            return self._add({"event": event_to_dict(event)})

    def note_server_version(self, case_id: str, version: int) -> None:
        """The server handed this case over at `version` (a reopen): durable before the local copy changes."""
        with self._state_lock:
            with self._lock:
                self.versions[case_id] = version
                state = self._state()
            self._write_state(state)

    def _add(self, body: dict[str, Any], case: Case | None = None) -> int:
        """The file is durable before the pusher can see its seq (the caller holds `_add_lock`);
        the seq and the dropping of the case's latest state are one step for the pusher's `read`,
        so a push never sends an older state after the entry that contains it."""
        seq = self._next
        body["seq"] = seq
        atomic_write(self._path(seq), json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())
        with self._lock:
            self._next += 1
            self._seqs.append(seq)
            if case is not None:
                self._case_of[seq] = (case.id, case.version)
                latest = self._latest.get(case.id)
                if latest is not None and latest.version <= case.version:
                    del self._latest[case.id]
        return seq

    # -- pushing --------------------------------------------------------------------------------

    @property
    def waiting(self) -> int:
        """What a push will send: the queued entries, and one latest state per case (however many
        autosaves it holds). The same count after a restart."""
        with self._lock:
            return len(self._seqs) + len(self._latest)

    def read(self, limit: int) -> list[Entry]:
        """The oldest `limit` waiting entries, in order, then (once the batch reaches the end of
        the queue) the latest states, whose base is the version the server holds. An unreadable
        file stops the batch there (pushing past it would break the order) and is reported."""
        with self._lock:
            seqs = self._seqs[:limit]
            latest = [
                Entry(seq=0, case=case, base=self.versions.get(case.id, 0), latest=True)
                for case in self._latest.values()
            ] if len(self._seqs) <= limit else []  # fmt: skip
        return [*self._read_files(seqs), *latest]

    def _read_files(self, seqs: list[int]) -> list[Entry]:
        entries = []
        for seq in seqs:
            try:
                body = json.loads(self._path(seq).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise StoreError(f"Outbox entry {self._path(seq)} cannot be read ({exc}); left untouched.") from exc
            event = event_from_dict(body.get("event")) if body.get("event") is not None else None
            case = Case.from_dict(body["case"]) if isinstance(body.get("case"), dict) else None
            entries.append(Entry(seq=seq, case=case, base=int(body.get("base") or 0), event=event))
        return entries

    def acknowledge(
        self,
        upto: int,
        refused: dict[int, str],
        keep: set[str],
        latest: Sequence[Entry] = (),
        refused_latest: Mapping[str, str] | None = None,
    ) -> None:
        """The server decided every entry up to `upto`, and the `latest` states pushed with them
        (`refused_latest`: case id -> why). Refused ones are copied aside at once (with the
        reason); the rest is memory until `tidy`. A crash before it leaves the files and an older
        sync.json: the next start pushes them again, the server skips entries by seq (and says
        again which it refused) and takes a latest state it holds already, so nothing is lost or
        applied twice. A refused latest state is not pushed again until the case changes. Only
        the pusher calls this."""
        refused_latest = refused_latest or {}
        with self._lock:
            done = [seq for seq in self._seqs if seq <= upto]
        for seq in done:
            if seq in refused:
                self._set_aside(seq, refused[seq])
        for entry in latest:
            if entry.case is not None and entry.case.id in refused_latest:
                self._set_aside_latest(entry, refused_latest[entry.case.id])
        with self._lock:
            self.acked = max(self.acked, upto)
            for seq in done:
                case_id, version = self._case_of.pop(seq, ("", 0))
                if case_id and seq not in refused:
                    self.versions[case_id] = max(self.versions.get(case_id, 0), version)
            for entry in latest:
                case = entry.case
                assert case is not None
                if case.id not in refused_latest:
                    self.versions[case.id] = case.version
                waiting = self._latest.get(case.id)
                if waiting is not None and waiting.version <= case.version:
                    del self._latest[case.id]
            self._seqs = [seq for seq in self._seqs if seq > upto]
            in_play = keep | {cid for cid, _ in self._case_of.values()} | set(self._latest)
            for case_id in list(self.versions):
                if case_id not in in_play:
                    del self.versions[case_id]
            self._spent.extend(done)
            self._dirty = True

    @property
    def spent(self) -> int:
        """Acknowledged changes whose files `tidy` has not deleted yet."""
        with self._lock:
            return len(self._spent)

    @property
    def untidy(self) -> bool:
        """Acknowledged (files to delete, or versions to write) since the last `tidy`."""
        with self._lock:
            return self._dirty or bool(self._spent)

    def tidy(self) -> None:
        """Write sync.json, then delete the files it says are done. Off the save's path (a save
        never waits for it) and batched by the pusher: an unlink costs ~4 ms on a disk mounted
        with `discard`. A start deletes any left over."""
        with self._state_lock:
            with self._lock:
                if not self._dirty and not self._spent:
                    return
                state, spent, self._spent, self._dirty = self._state(), self._spent, [], False
            try:
                self._write_state(state)
            except BaseException:
                with self._lock:
                    self._spent[:0], self._dirty = spent, True
                raise
            for seq in spent:
                self._unlink(seq)
            if spent:
                fsync_dir(self.directory)

    def refused_files(self) -> list[Path]:
        try:
            return sorted(self.refused_dir.iterdir())
        except FileNotFoundError:
            return []

    # -- internals ------------------------------------------------------------------------------

    def _set_aside(self, seq: int, reason: str) -> None:
        """A durable copy with the reason; the original goes with the pushed ones, after sync.json
        (a replay before that copies it again, the same bytes)."""
        source = self._path(seq)
        try:
            body = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            body = {}
        body["refused"] = reason
        ensure_private_dir(self.refused_dir)
        atomic_write(self.refused_dir / source.name, json.dumps(body, ensure_ascii=False).encode())

    def _set_aside_latest(self, entry: Entry, reason: str) -> None:
        """A refused latest state, named for its case and version (a replay writes the same bytes)."""
        assert entry.case is not None
        body = {"case": entry.case.to_dict(), "base": entry.base, "refused": reason}
        ensure_private_dir(self.refused_dir)
        name = f"{entry.case.id}-v{entry.case.version:06d}.json"
        atomic_write(self.refused_dir / name, json.dumps(body, ensure_ascii=False).encode())

    def _path(self, seq: int) -> Path:
        return self.directory / f"{seq:012d}.json"

    def _scan(self) -> list[int]:
        return sorted(int(m[1]) for name in os.listdir(self.directory) if (m := _ENTRY.match(name)))

    def _unlink(self, seq: int) -> None:
        """The caller syncs the directory once for the batch."""
        try:
            os.unlink(self._path(seq))
        except FileNotFoundError:
            pass

    def _read_state(self) -> dict[str, Any]:
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise StoreError(
                f"{self.state_path} cannot be read ({exc}); move it aside only if the outbox is empty."
            ) from exc
        return data if isinstance(data, dict) else {}

    def _state(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "acked": self.acked, "versions": dict(self.versions)}

    def _write_state(self, state: dict[str, Any] | None = None) -> None:
        atomic_write(self.state_path, json.dumps(state or self._state(), ensure_ascii=False).encode())
