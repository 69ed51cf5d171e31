"""Lock-free, read-only view of a data dir's cases, for `agentui cases` while a console runs.

`open_store(data_dir, read_only=True)` returns a `SnapshotReader`: the `CaseReader` protocol over
one consistent snapshot of the files, taken without the lock and without changing anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from agentui.core.cases.errors import StoreError
from agentui.core.cases.history import CaseFilter, cases_in_table, newest_first, read_month_readonly
from agentui.core.cases.layout import ACTIVE_TABLE, StorePaths, month_of_case
from agentui.core.cases.model import Case
from agentui.core.cases.settle import settle_duplicate
from agentui.core.cases.storage import CorruptFile, load_tables


@dataclass(slots=True)
class HistorySnapshot:
    active: Case | None = None
    closed: list[Case] = field(default_factory=list)
    """Newest call first."""
    problems: list[str] = field(default_factory=list)
    """Files or records that could not be read; shown to the user, never hidden."""
    repairs: list[str] = field(default_factory=list)
    """Cases shown with damaged fields repaired (in memory only: this reader never writes)."""

    def all_cases(self) -> list[Case]:
        """The active case (if any) first, then history, newest first."""
        return ([self.active] if self.active else []) + self.closed

    def find(self, case_id: str) -> Case | None:
        return next((case for case in self.all_cases() if case.id == case_id), None)


def read_history(data_dir: Path) -> HistorySnapshot:
    """Read every case without taking the lock and without changing anything on disk.

    Files are replaced by rename, so each one read is whole. The active file is read before and
    after the history: a case closed (or reopened) meanwhile is then found in one place or the
    other, never lost, and a case seen in both is settled exactly as the console would.
    """
    paths = StorePaths(Path(data_dir).expanduser())
    if not paths.data_dir.is_dir():
        raise StoreError(f"No data dir at {paths.data_dir} (no cases have been saved there).")
    snapshot = HistorySnapshot()
    before = _read_active(paths, snapshot)
    closed: dict[str, Case] = {}
    for month in paths.months():
        read = read_month_readonly(paths, month)
        snapshot.problems.extend(read.problems)
        snapshot.repairs.extend(read.repairs)
        for case in read.cases:
            closed[case.id] = case
    after = _read_active(paths, HistorySnapshot())
    if before is not None and (after is None or after.id != before.id) and before.id not in closed:
        read = read_month_readonly(paths, month_of_case(before.id, before.opened_at))
        closed.update((case.id, case) for case in read.cases if case.id == before.id)
        if before.id not in closed:
            closed[before.id] = before  # cannot happen with the store's write order; never drop it
    if after is not None and after.id in closed:
        if settle_duplicate(after, closed[after.id]) == "active":
            del closed[after.id]
        else:
            after = None
    snapshot.active = after
    snapshot.closed = newest_first(list(closed.values()))
    return snapshot


def _read_active(paths: StorePaths, report: HistorySnapshot) -> Case | None:
    try:
        tables = load_tables(paths.active)
    except CorruptFile as bad:
        report.problems.append(f"{paths.relative(paths.active)} {bad.reason}; skipped.")
        return None
    read = cases_in_table(tables, ACTIVE_TABLE, paths.relative(paths.active), closed=False)
    report.problems.extend(read.problems)
    report.repairs.extend(read.repairs)
    return read.cases[0] if read.cases else None


class SnapshotReader:
    """`CaseReader` over a `HistorySnapshot`: what a supervisor's script or `agentui cases` sees
    while the console keeps the data dir locked. Repairs are in memory only (the console rewrites
    damaged files when it reads them), so they are reported with that said."""

    def __init__(self, snapshot: HistorySnapshot) -> None:
        self._snapshot = snapshot
        self.recovery_notes: list[str] = [
            *snapshot.problems,
            *(f"{repair} (shown repaired; the console rewrites the file when it opens it)"
              for repair in snapshot.repairs),
        ]

    @property
    def complete(self) -> bool:
        return not self._snapshot.problems

    def active(self) -> Case | None:
        return _copy(self._snapshot.active)

    def get(self, case_id: str) -> Case | None:
        return _copy(self._snapshot.find(case_id))

    def history(
        self,
        *,
        text: str = "",
        operator: str = "",
        disposition: str = "",
        limit: int = 50,
    ) -> Sequence[Case]:
        wanted = CaseFilter(text=text, operator=operator, disposition=str(disposition or ""))
        found = []
        for case in self._snapshot.closed:
            if wanted.matches(case.to_dict()):
                found.append(Case.from_dict(case.to_dict()))
                if 0 < limit <= len(found):
                    break
        return found

    def close_store(self) -> None:
        """Nothing is held: the snapshot was read without the lock."""


def open_snapshot(data_dir: Path) -> SnapshotReader:
    return SnapshotReader(read_history(data_dir))


def _copy(case: Case | None) -> Case | None:
    return None if case is None else Case.from_dict(case.to_dict())
