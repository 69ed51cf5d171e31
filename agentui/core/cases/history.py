"""Closed cases in one TinyDB file per month, loaded only when asked for, newest month first."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document, Table

from agentui.core.cases.layout import HISTORY_TABLE, StorePaths, month_of_case, month_of_id
from agentui.core.cases.model import Case
from agentui.core.cases.storage import (
    AtomicJSONStorage,
    CorruptFile,
    Tables,
    load_tables,
    move_aside,
    parse_tables,
    read_text,
)

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


def cases_in_table(tables: Tables | None, table: str, where: str) -> tuple[list[Case], list[str]]:
    """Every readable case in a table; a record that is not a case is reported and left in place."""
    cases, problems = [], []
    for doc_id, doc in ((tables or {}).get(table) or {}).items():
        case = case_from_doc(doc)
        if case is None:
            problems.append(_unreadable(where, doc_id))
        else:
            cases.append(case)
    return cases, problems


def _unreadable(where: str, doc_id: str) -> str:
    return f"{where}: record {doc_id} is not a readable case; it was left in the file untouched."


def case_from_doc(doc: Any) -> Case | None:
    if not _plausible(doc):
        return None
    try:
        return Case.from_dict(doc)
    except (TypeError, ValueError, AttributeError):
        return None


def _plausible(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("id"), str) and isinstance(doc.get("opened_at"), str)


@dataclass(slots=True)
class _Month:
    db: TinyDB
    storage: AtomicJSONStorage
    docs: list[dict[str, Any]] | None = None
    """Stored records, newest first; rebuilt when the storage version moves."""
    built_at_version: int = -1


class HistoryPartitions:
    """The store's view of the history files; it holds the lock, so its parsed copies stay true."""

    def __init__(self, paths: StorePaths, report: Callable[[str], None]) -> None:
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
            part.docs = self._plausible_newest_first(tables, part.storage.path)
            part.built_at_version = part.storage.version
        return part.docs

    def _plausible_newest_first(self, tables: Tables | None, path: Path) -> list[dict[str, Any]]:
        docs = []
        for doc_id, doc in ((tables or {}).get(HISTORY_TABLE) or {}).items():
            if _plausible(doc):
                docs.append(doc)
            else:
                self._report_once(_unreadable(self._paths.relative(path), doc_id))
        order = sorted(range(len(docs)), key=lambda i: (docs[i]["opened_at"], i), reverse=True)
        return [docs[i] for i in order]

    def _materialize(self, doc: dict[str, Any], month: str) -> Case | None:
        case = case_from_doc(doc)
        if case is None:
            self._report_once(f"{self._paths.relative(self._paths.partition(month))}: record of case "
                              f"{doc['id']} is not readable; it was left in the file untouched.")
        return case

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
        return self._plausible_newest_first(tables, path)

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
                f"(nothing deleted). Cases of {month} in it are not shown; the rest of the history loaded."
            )
            part.storage.close()
            return part.storage.read()

    @staticmethod
    def _doc_id(table: Table, case_id: str) -> int | None:
        for doc in table.all():
            if doc.get("id") == case_id:
                return doc.doc_id
        return None

    def _report_once(self, message: str) -> None:
        if message not in self._reported:
            self._reported.add(message)
            self._report(message)


def read_month_readonly(paths: StorePaths, month: str) -> tuple[list[Case], list[str]]:
    """For lock-free readers: parse one month file whole (renames make it never half-written)."""
    path = paths.partition(month)
    try:
        tables = load_tables(path)
    except CorruptFile as bad:
        return [], [f"{paths.relative(path)} {bad.reason}; skipped (the console moves it aside when it next opens)."]
    return cases_in_table(tables, HISTORY_TABLE, paths.relative(path))
