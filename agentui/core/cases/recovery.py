"""What a case store does at start after a crash: the active case read and repaired field by field,
a damaged file moved aside, a case caught between active and history settled. Mixed into
`TinyCaseStore`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from agentui.core.cases.errors import StoreError
from agentui.core.cases.layout import ACTIVE_DOC_ID, ACTIVE_TABLE, StorePaths
from agentui.core.cases.model import Case
from agentui.core.cases.settle import settle_duplicate
from agentui.core.cases.storage import AtomicJSONStorage, CorruptFile, keep_copy, move_aside
from agentui.core.cases.validate import from_stored

if TYPE_CHECKING:
    from tinydb.table import Table

    from agentui.core.cases.history import HistoryPartitions


class StartupRecovery:
    paths: StorePaths
    recovery_notes: list[str]
    _lost: bool
    _active: Case | None
    _active_synced: bool
    _active_storage: AtomicJSONStorage
    _history: HistoryPartitions

    if TYPE_CHECKING:  # provided by the store

        def _write_active(self, case: Case) -> None: ...

        def _active_table(self) -> Table: ...

    def _load(self) -> None:
        rel = self.paths.relative(self.paths.active)
        repairs: tuple[str, ...] = ()
        try:
            docs = (self._active_storage.read() or {}).get(ACTIVE_TABLE) or {}
            if set(docs) - {str(ACTIVE_DOC_ID)}:
                raise CorruptFile(self.paths.active, "does not hold one readable case")
            found = None
            if docs:
                stored = from_stored(docs[str(ACTIVE_DOC_ID)], closed=False)
                found, repairs = stored.case, stored.repairs
                if found is None:
                    raise CorruptFile(self.paths.active, f"does not hold one readable case: the record {stored.reason}")
        except CorruptFile as bad:
            moved = move_aside(self.paths.active)
            self._active_storage.close()
            self._note(
                f"{rel} {bad.reason}; moved aside to {moved.name} (nothing deleted). "
                "The call in progress could not be restored: its notes are in that file.",
                lost=True,
            )
            found = None
        self._active, self._active_synced = found, True
        if found is not None and repairs:
            self._save_repaired_active(found, repairs)
        self._history.check_ends()
        if found is not None:
            self._settle(found)

    def _note(self, message: str, lost: bool = False) -> None:
        self.recovery_notes.append(message)
        self._lost = self._lost or lost

    def _save_repaired_active(self, case: Case, repairs: tuple[str, ...]) -> None:
        """Keep a copy of the active file as it was, then write the repaired case over it."""
        rel = self.paths.relative(self.paths.active)
        shown = f"{rel}: case {case.id}: " + "; ".join(repairs)
        try:
            copy = keep_copy(self.paths.active)
            self._active_synced = False
            self._write_active(case)
        except StoreError as exc:
            self.recovery_notes.append(f"{shown}. Repaired for this session; the file could not be rewritten "
                                       f"({exc}); the next save tries again.")
            return
        self.recovery_notes.append(f"{shown}. Repaired; the file as it was is kept as {copy.name}.")

    def _settle(self, active: Case) -> None:
        closed = self._history.get(active.id)
        if closed is None:
            return
        try:
            if settle_duplicate(active, closed) == "history":
                self._active, self._active_synced = None, False
                self._active_table().remove(doc_ids=[ACTIVE_DOC_ID])
                self._active_synced = True
                self.recovery_notes.append(
                    f"Case {active.id} was being closed or reopened when agentui stopped; it is closed, in history."
                )
            else:
                self._history.remove(closed.id, closed.opened_at)
                self.recovery_notes.append(f"Case {active.id} was changed after a failed wrap-up; it is open again.")
        except StoreError as exc:
            self.recovery_notes.append(f"Could not tidy case {active.id} after a crash ({exc}); will retry next start.")
