"""The usual embedded alternative, as a peer for the search benchmark: SQLite FTS5 with the trigram
tokenizer over the same entries, ranked by bm25 with field weights, searched as a developer would
wire it (words of three characters or more through the index, shorter ones by LIKE)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agentui.core.kb.model import Record

COLUMNS = ("title", "aliases", "title_en", "tags", "body")
WEIGHTS = (10.0, 9.5, 9.0, 7.0, 4.5)
"""bm25 column weights in the proportions of agentui's field weights (title 1.0 … body 0.45)."""
_SPLIT = re.compile(r"[\s,，。！？!?;；:：()（）\[\]{}\"'“”]+")


class Fts5Search:
    """One FTS5 table of the entries' fields in a database file (so its size can be read)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path)
        self.ids: list[str] = []
        self.types: list[str] = []

    @classmethod
    def build(cls, records: Sequence[Record], path: Path) -> Fts5Search:
        path.unlink(missing_ok=True)
        peer = cls(path)
        peer.db.execute(f"CREATE VIRTUAL TABLE entries USING fts5({', '.join(COLUMNS)}, tokenize='trigram')")
        rows = ((r.title, "\n".join(r.aliases), r.title_en, "\n".join([*r.tags, *r.operators]),
                 r.body) for r in records)
        with peer.db:
            peer.db.executemany(f"INSERT INTO entries({', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?)", rows)
        peer.ids = [r.id for r in records]
        peer.types = [r.type for r in records]
        return peer

    def size_bytes(self) -> int:
        return self.path.stat().st_size

    def search(self, query: str, limit: int = 20) -> list[str]:
        """Entry ids, best first: entries with every word, or (none has them all) with any word,
        those the index finds (by bm25) before those only LIKE finds."""
        terms = [t for t in _SPLIT.split(query.casefold()) if t]
        if not terms:
            return []
        indexed = [t for t in terms if len(t) >= 3]
        short = [t for t in terms if len(t) < 3]  # the trigram index cannot hold a word under three characters
        found = self._rows(indexed, short, " AND ", limit)
        if not found and len(terms) > 1:
            found = self._rows(indexed, [], " OR ", limit) if indexed else []
            for term in short:
                found += [i for i in self._rows([], [term], "", limit) if i not in found]
        return [self.ids[rowid - 1] for rowid in found[:limit]]

    def _rows(self, indexed: list[str], short: list[str], joiner: str, limit: int) -> list[int]:
        clauses, params = [], []
        if indexed:
            clauses.append("entries MATCH ?")
            params.append(joiner.join('"' + t.replace('"', '""') + '"' for t in indexed))
        for term in short:
            clauses.append("(" + " OR ".join(f"{c} LIKE ?" for c in COLUMNS) + ")")
            params += [f"%{term}%"] * len(COLUMNS)
        order = f"ORDER BY bm25(entries, {', '.join(map(str, WEIGHTS))}) " if indexed else ""  # bm25 needs a MATCH
        sql = f"SELECT rowid FROM entries WHERE {' AND '.join(clauses)} {order}LIMIT ?"
        return [rowid for (rowid,) in self.db.execute(sql, [*params, limit])]
