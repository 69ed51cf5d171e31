"""Closed cases in one TinyDB file per month, loaded only when asked for, newest month first."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document, Table

from agentui.core.cases.errors import StoreError
from agentui.core.cases.layout import HISTORY_TABLE, StorePaths, month_of_case, month_of_id
from agentui.core.cases.model import Case
from agentui.core.cases.storage import (
    AtomicJSONStorage,
    CorruptFile,
    Tables,
    keep_copy,
    load_tables,
    move_aside,
    parse_tables,
    read_text,
)
from agentui.core.cases.validate import from_stored

KEEP_MONTHS_IN_MEMORY = 6
"""Months kept parsed: the recent ones the console shows; a full-text search streams the rest."""


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """Works on the stored records, so a search does not build a `Case` for every record it skips."""

    text: str = ""
    operator: str = ""
    disposition: str = ""
    exclude_id: str = ""
    """The active case: while a crash is being settled it may also sit in history."""

    def matches(self, doc: Mapping[str, Any]) -> bool:
        if doc.get("id") == self.exclude_id:
            return False
        caller = doc.get("caller") or {}
        if self.operator and caller.get("operator") != self.operator:
            return False
        if self.disposition and (doc.get("disposition") or "") != self.disposition:
            return False
        if not self.text:
            return True
        fields = (doc.get("id"), caller.get("name"), caller.get("phone"), caller.get("operator"),
                  doc.get("category"), doc.get("notes"), doc.get("summary"))  # fmt: skip
        haystack = "\n".join(str(field) for field in fields if field).casefold()
        if self.text.casefold() in haystack:
            return True
        query = self.text.strip()
        return len(query) >= 3 and query.isdigit() and query in _digits(str(caller.get("phone") or ""))

    def may_match_raw(self, raw_text_casefolded: str) -> bool:
        """Cheap pre-check on a file's text before parsing it: a needle JSON writes verbatim
        (no quotes, backslashes or control characters) must appear in the file to match."""
        if not self.text or self.text.strip().isdigit():
            return True  # digits-only queries also match phones written with punctuation
        if any(ch in self.text for ch in '"\\') or any(ord(ch) < 0x20 for ch in self.text):
            return True
        return self.text.casefold() in raw_text_casefolded


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def newest_first(cases: list[Case]) -> list[Case]:
    """By start time; calls started in the same second keep the order they were stored in, reversed."""
    order = sorted(range(len(cases)), key=lambda i: (cases[i].opened_at, i), reverse=True)
    return [cases[i] for i in order]


@dataclass(slots=True)
class TableRead:
    """The cases of one stored table, checked record by record (see `validate.from_stored`)."""

    cases: list[Case] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """Records that are not cases: left in the file untouched and not shown."""
    repairs: list[str] = field(default_factory=list)
    """Cases shown with damaged fields repaired, one line per case."""


def cases_in_table(tables: Tables | None, table: str, where: str, *, closed: bool) -> TableRead:
    """Every case in a table, repaired in memory where needed; nothing is written."""
    read = TableRead()
    for doc_id, doc in ((tables or {}).get(table) or {}).items():
        stored = from_stored(doc, closed=closed)
        case = stored.case
        if case is None:
            read.problems.append(_unreadable(where, doc_id, stored.reason))
            continue
        if stored.repairs:
            read.repairs.append(f"{where}: case {case.id}: " + "; ".join(stored.repairs))
        read.cases.append(case)
    return read


def _unreadable(where: str, doc_id: str, reason: str) -> str:
    return f"{where}: record {doc_id} {reason}; it is not a readable case and was left in the file untouched."


@dataclass(slots=True)
class _Month:
    db: TinyDB
    storage: AtomicJSONStorage
    docs: list[dict[str, Any]] | None = None
    """Stored records, newest first; rebuilt when the storage version moves."""
    built_at_version: int = -1


class HistoryPartitions:
    """The store's view of the history files; it holds the lock, so its parsed copies stay true."""

    def __init__(self, paths: StorePaths, report: Callable[[str, bool], None]) -> None:
        """`report(message, lost)`: `lost` when something could not be read at all."""
        self._paths = paths
        self._report = report
        self._open: OrderedDict[str, _Month] = OrderedDict()
        self._reported: set[str] = set()

    def months(self) -> list[str]:
        return self._paths.months()

    def check_ends(self) -> None:
        """At open, without parsing: a month file that does not start with `{` and end with `}` is
        certainly damaged (cut short, most often), so it is moved aside and reported right away.
        Damage inside a file is found, and handled the same way, when that month is first read."""
        for month in self.months():
            path = self._paths.partition(month)
            try:
                with path.open("rb") as handle:
                    head = handle.read(64).lstrip()
                    handle.seek(max(0, path.stat().st_size - 64))
                    tail = handle.read().rstrip()
            except OSError:
                head = tail = b""
            if not (head.startswith(b"{") and tail.endswith(b"}")):
                self._docs(month)

    def get(self, case_id: str) -> Case | None:
        month = month_of_id(case_id)
        for candidate in [month] if month else self.months():
            for doc in self._docs(candidate):
                if doc["id"] == case_id:
                    return self._materialize(doc, candidate)
        return None

    def search(self, wanted: CaseFilter, limit: int) -> list[Case]:
        """Newest months first, stopping at `limit`; the recent months stay parsed for next time."""
        found: list[Case] = []
        for position, month in enumerate(self.months()):
            if position < KEEP_MONTHS_IN_MEMORY or month in self._open:
                docs = self._docs(month)
            else:
                docs = self._stream(month, wanted)
            for doc in docs:
                if wanted.matches(doc) and (case := self._materialize(doc, month)) is not None:
                    found.append(case)
                    if 0 < limit <= len(found):
                        return found
        return found

    def put(self, case: Case) -> None:
        """Insert or replace a closed case in its month: a single atomic write of that month's file."""
        table = self._table(month_of_case(case.id, case.opened_at))
        doc_id = self._doc_id(table, case.id)
        if doc_id is None:
            table.insert(case.to_dict())
        else:
            table.update(Document(case.to_dict(), doc_id), doc_ids=[doc_id])

    def remove(self, case_id: str, opened_at: str) -> bool:
        table = self._table(month_of_case(case_id, opened_at))
        doc_id = self._doc_id(table, case_id)
        if doc_id is None:
            return False
        table.remove(doc_ids=[doc_id])
        return True

    def close(self) -> None:
        for part in self._open.values():
            part.db.close()
        self._open.clear()

    def _docs(self, month: str) -> list[dict[str, Any]]:
        part = self._month(month)
        if part.docs is None or part.built_at_version != part.storage.version:
            tables = self._read(month, part)
            docs, repaired = self._trusted_newest_first(tables, part.storage.path, repair=True)
            if repaired:
                self._save_repair(part, tables, repaired)
            part.docs = docs
            part.built_at_version = part.storage.version
        return part.docs

    def _trusted_newest_first(
        self, tables: Tables | None, path: Path, *, repair: bool
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """The records that are cases, newest first, and what was repaired in them. With `repair`,
        damaged records are replaced in `tables` by their repaired form; without, they are left out."""
        records = (tables or {}).get(HISTORY_TABLE) or {}
        docs = []
        repaired: list[str] = []
        for doc_id, doc in records.items():
            stored = from_stored(doc, closed=True)
            if stored.record is None:
                self._report_once(_unreadable(self._paths.relative(path), doc_id, stored.reason), lost=True)
                continue
            if stored.repairs:
                repaired.append(f"case {stored.record['id']}: " + "; ".join(stored.repairs))
                if not repair:
                    continue
                doc = records[doc_id] = stored.record
            docs.append(doc)
        order = sorted(range(len(docs)), key=lambda i: (docs[i]["opened_at"], i), reverse=True)
        return [docs[i] for i in order], repaired

    def _save_repair(self, part: _Month, tables: Tables | None, repaired: list[str]) -> None:
        """Write the repaired records after keeping a copy of the file as it was; the agent is told
        which file, which cases and which fields."""
        assert tables is not None
        where = self._paths.relative(part.storage.path)
        shown = " | ".join(repaired[:3]) + (f" | and {len(repaired) - 3} more case(s)" if len(repaired) > 3 else "")
        try:
            copy = keep_copy(part.storage.path)
            part.storage.write(tables)
        except StoreError as exc:
            part.storage.close()  # the cache held the repairs: drop it, so memory follows the disk again
            self._report_once(f"{where}: damaged fields repaired for this session only ({shown}); "
                              f"the file could not be rewritten ({exc}); it is tried again next time.")
            return
        self._report(f"{where}: damaged fields repaired ({shown}). The file as it was is kept as {copy.name}.", False)

    def _materialize(self, doc: dict[str, Any], month: str) -> Case | None:
        return Case.from_dict(doc)  # checked by `_trusted_newest_first`

    def _stream(self, month: str, wanted: CaseFilter) -> list[dict[str, Any]]:
        """Read an old month without keeping it: a search through years of history must not hold
        all of it in memory, nor push the recent months out of the cache."""
        path = self._paths.partition(month)
        try:
            text = read_text(path)
            if text is not None and wanted.text and not wanted.may_match_raw(text.casefold()):
                return []
            tables = parse_tables(path, text)
        except CorruptFile:
            return self._docs(month)  # the normal load moves it aside and reports it
        docs, repaired = self._trusted_newest_first(tables, path, repair=False)
        return self._docs(month) if repaired else docs  # the normal load repairs it

    def _table(self, month: str) -> Table:
        part = self._month(month)
        self._read(month, part)  # a corrupt month is moved aside before anything is written over it
        return part.db.table(HISTORY_TABLE)

    def _month(self, month: str) -> _Month:
        part = self._open.get(month)
        if part is None:
            storage = AtomicJSONStorage(self._paths.partition(month))
            part = _Month(db=TinyDB(storage=lambda: storage), storage=storage)
            self._open[month] = part
            while len(self._open) > KEEP_MONTHS_IN_MEMORY:
                _, evicted = self._open.popitem(last=False)
                evicted.db.close()
        self._open.move_to_end(month)
        return part

    def _read(self, month: str, part: _Month) -> Tables | None:
        try:
            return part.storage.read()
        except CorruptFile as bad:
            moved = move_aside(bad.path)
            self._report(
                f"{self._paths.relative(bad.path)} {bad.reason}; moved aside to {moved.name} "
                f"(nothing deleted). Cases of {month} in it are not shown; the rest of the history loaded.",
                True,
            )
            part.storage.close()
            return part.storage.read()

    @staticmethod
    def _doc_id(table: Table, case_id: str) -> int | None:
        for doc in table.all():
            if doc.get("id") == case_id:
                return doc.doc_id
        return None

    def _report_once(self, message: str, *, lost: bool = False) -> None:
        if message not in self._reported:
            self._reported.add(message)
            self._report(message, lost)


def read_month_readonly(paths: StorePaths, month: str) -> TableRead:
    """For lock-free readers: parse one month file whole (renames make it never half-written)."""
    path = paths.partition(month)
    try:
        tables = load_tables(path)
    except CorruptFile as bad:
        return TableRead(problems=[
            f"{paths.relative(path)} {bad.reason}; skipped (the console moves it aside when it next opens)."
        ])
    return cases_in_table(tables, HISTORY_TABLE, paths.relative(path), closed=True)
