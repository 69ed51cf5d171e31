"""The console's first results before its search is loaded: the rows the empty query listed last,
kept beside the index cache and read without importing the search (numpy, the pinyin tables)."""

# A warm start lists its results in the first frame: the KB files are stat'ed (not read), the index
# cache they key is opened for its header alone (the KB's content fingerprint, a few bytes ahead of
# the index), and the rows file of that fingerprint gives the rows. The index itself loads right
# after, in a worker, and lists the same rows again; nothing here is trusted beyond one start.

from __future__ import annotations

import contextlib
import json
import os
import pickle
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple

# What only the writer, the stat walk or the forked child needs (hashlib, the KB's source module,
# the atomic writer) is imported where used: the console imports this module before its first frame.

INDEX_FORMAT = "search-30"
"""Bumped whenever the index's shape or scoring inputs change, so stale caches are never read."""
HEADER_MARK = "agentui-index-header"
ROWS_FORMAT = "first-rows-1"
MAX_ROWS = 100
"""More than a screen of results; a rows file holding more is not ours."""
MAX_ROWS_BYTES = 256 * 1024
"""A hundred rows of long titles fit many times over; anything bigger is not read."""
ENTRY_TYPES = frozenset({"procedure", "faq", "script", "contact"})
"""A row's type is shown as a badge: only the KB's own types are (`EntryType`, a test checks)."""
KEEP_ROWS = 4
"""Rows files kept, one per KB fingerprint (the newest): a desk may switch between a few KBs."""


class ListedRow(NamedTuple):
    """What a results row shows of an entry."""

    id: str
    type: str
    title: str
    title_en: str
    operators: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FirstRows:
    """The rows to list at start for a KB whose files have not changed since they were listed."""

    stat_key: str
    """The index cache key of the KB files as they were stat'ed for these rows."""
    fingerprint: str
    """The KB's content fingerprint (`KnowledgeBase.fingerprint`) the rows were listed from."""
    rows: tuple[ListedRow, ...]


def stat_key(kb_dir: Path) -> str:
    """The index cache key of the KB files as they are now (stat only, no file is read)."""
    from agentui.core.kb.source import stat_fingerprint

    return "stat:" + stat_fingerprint(kb_dir)


def last_stat_key(cache_dir: Path, kb_dir: Path) -> str | None:
    """The stat key of the index cache last read or written for this KB folder (see `remember_stat_key`)."""
    try:
        with _last_key_path(cache_dir, kb_dir).open("rb") as handle:
            document = json.loads(handle.read(4096))
    except (OSError, ValueError):
        return None
    if not (isinstance(document, dict) and document.get("format") == INDEX_FORMAT):
        return None
    key = document.get("stat_key")
    return key if isinstance(key, str) and key.startswith("stat:") else None


def remember_stat_key(cache_dir: Path, kb_dir: Path, key: str) -> None:
    """Name the index cache of the KB folder's files as stat'ed, for the next start to trust
    (`cache.open_search_trusted`). Best effort, like the cache itself."""
    if last_stat_key(cache_dir, kb_dir) == key:
        return
    from agentui.core.cases.atomic import atomic_write, ensure_private_dir
    from agentui.core.cases.errors import StoreError

    with contextlib.suppress(OSError, StoreError):
        ensure_private_dir(cache_dir)
        atomic_write(_last_key_path(cache_dir, kb_dir), json.dumps({"format": INDEX_FORMAT, "stat_key": key}).encode())


def _last_key_path(cache_dir: Path, kb_dir: Path) -> Path:
    import hashlib

    folder = str(kb_dir.resolve()).encode("utf-8", "surrogateescape")
    return cache_dir / f"last-{hashlib.sha256(folder).hexdigest()[:40]}.json"


def index_cache_path(cache_dir: Path, key: str) -> Path:
    import hashlib

    digest = hashlib.sha256(f"{INDEX_FORMAT}\0{key}".encode()).hexdigest()[:40]
    return cache_dir / f"index-{digest}.pickle"


def write_header(handle: IO[bytes], fingerprint: str) -> None:
    """The index cache's first pickle: plain strings, so it is read without the index's classes."""
    pickle.dump((HEADER_MARK, INDEX_FORMAT, fingerprint), handle, protocol=pickle.HIGHEST_PROTOCOL)


class _PlainUnpickler(pickle.Unpickler):
    """Reads strings and tuples only: a header never makes the reader import a class."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"not a plain header: {module}.{name}")


def read_plain(handle: IO[bytes]) -> object:
    """The next pickle of the file if it is plain strings, numbers and tuples; ValueError if not."""
    try:
        return _PlainUnpickler(handle).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError, KeyError) as error:
        raise ValueError(f"not a plain pickle: {error}") from error


def read_header(handle: IO[bytes]) -> str:
    """The KB content fingerprint at the head of an index cache file; ValueError if there is none."""
    value = read_plain(handle)
    if not (isinstance(value, tuple) and len(value) == 3 and value[:2] == (HEADER_MARK, INDEX_FORMAT)
            and isinstance(value[2], str)):
        raise ValueError("no index header")
    return value[2]


def read_first_rows(kb_dir: Path, cache_dir: Path | None) -> FirstRows | None:
    """The rows listed last for the KB as it is now; None when there are none (a cold start, a
    changed KB, an unreadable file): the console then lists the index's results when it loads."""
    if cache_dir is None:
        return None
    try:
        key = stat_key(kb_dir)
        with index_cache_path(cache_dir, key).open("rb") as handle:
            fingerprint = read_header(handle)  # the first few hundred bytes of the file
        rows = _read_rows(_rows_path(cache_dir, fingerprint), fingerprint)
    except (OSError, ValueError):
        return None
    return FirstRows(key, fingerprint, rows) if rows else None


def write_first_rows(cache_dir: Path, fingerprint: str, rows: tuple[ListedRow, ...]) -> None:
    """Keep the rows the empty query lists for the KB of that content fingerprint. Best effort:
    a cache dir that cannot be written only costs the next start its first-frame rows."""
    if not fingerprint or not rows:
        return
    from agentui.core.cases.atomic import atomic_write, ensure_private_dir
    from agentui.core.cases.errors import StoreError

    document = {"format": ROWS_FORMAT, "kb": fingerprint, "rows": [list(row) for row in rows[:MAX_ROWS]]}
    path = _rows_path(cache_dir, fingerprint)
    try:
        ensure_private_dir(cache_dir)
        atomic_write(path, json.dumps(document, ensure_ascii=False).encode())  # 0600, fsync'ed, renamed
        _prune(cache_dir, keep=path)
    except (OSError, StoreError):
        return


def _rows_path(cache_dir: Path, fingerprint: str) -> Path:
    import hashlib

    digest = hashlib.sha256(f"{ROWS_FORMAT}\0{fingerprint}".encode()).hexdigest()[:40]
    return cache_dir / f"first-{digest}.json"


def _read_rows(path: Path, fingerprint: str) -> tuple[ListedRow, ...]:
    """The rows of a rows file; ValueError for anything but a well-formed file of that KB."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_ROWS_BYTES + 1)
    except FileNotFoundError:
        return ()
    if len(data) > MAX_ROWS_BYTES:
        raise ValueError("not a rows file: too large")
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"not a rows file: {error}") from error
    if not (isinstance(document, dict) and document.get("format") == ROWS_FORMAT and document.get("kb") == fingerprint):
        raise ValueError("not a rows file of this KB")
    raw = document.get("rows")
    if not isinstance(raw, list) or len(raw) > MAX_ROWS:
        raise ValueError("not a rows file of this KB")
    return tuple(_row(item) for item in raw)


def _row(item: object) -> ListedRow:
    if not (isinstance(item, list) and len(item) == 5 and all(isinstance(text, str) for text in item[:4])
            and item[1] in ENTRY_TYPES and isinstance(item[4], list) and all(isinstance(op, str) for op in item[4])):
        raise ValueError("not a listed row")
    return ListedRow(item[0], item[1], item[2], item[3], tuple(item[4]))


def _prune(cache_dir: Path, keep: Path) -> None:
    files = sorted(cache_dir.glob("first-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[KEEP_ROWS:]:
        if old != keep:
            with contextlib.suppress(OSError):
                old.unlink()


def read_in_background(kb_dir: Path, cache_dir: Path | None) -> Callable[[], FirstRows | None]:
    """Start reading the first rows while the console imports Textual; the function returned
    waits for them. Stat'ing a big KB's files (~65 ms at 10k entries) is mostly Python work, which
    a thread would only interleave with the imports under the GIL: where it is safe (POSIX, no
    other thread yet) a forked child does it on another core and sends the rows through a pipe."""
    if hasattr(os, "fork") and threading.active_count() == 1:
        with contextlib.suppress(OSError):
            return _read_in_child(kb_dir, cache_dir)
    found: list[FirstRows | None] = [None]

    def read() -> None:
        with contextlib.suppress(Exception):  # a start without first rows lists the index's ones
            found[0] = read_first_rows(kb_dir, cache_dir)

    thread = threading.Thread(target=read, name="agentui-first-rows", daemon=True)
    thread.start()

    def result() -> FirstRows | None:
        thread.join()
        return found[0]

    return result


def _read_in_child(kb_dir: Path, cache_dir: Path | None) -> Callable[[], FirstRows | None]:
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read, send, and leave without running the parent's exit handlers
        status = 1
        try:
            os.close(readable)
            first = read_first_rows(kb_dir, cache_dir)
            if first is not None:
                message = {"stat_key": first.stat_key, "kb": first.fingerprint, "rows": [list(r) for r in first.rows]}
                view = memoryview(json.dumps(message, ensure_ascii=False).encode())
                while view:
                    view = view[os.write(writable, view):]
            status = 0
        finally:
            os._exit(status)
    os.close(writable)

    def result() -> FirstRows | None:
        chunks: list[bytes] = []
        try:
            while chunk := os.read(readable, 65536):
                chunks.append(chunk)
        except OSError:
            chunks = []
        finally:
            os.close(readable)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        return _from_child(b"".join(chunks))

    return result


def _from_child(data: bytes) -> FirstRows | None:
    """The child's message, checked as a rows file is (it went through a pipe, not a function call)."""
    try:
        message = json.loads(data) if data else None
        if not (isinstance(message, dict) and isinstance(message.get("stat_key"), str)
                and isinstance(message.get("kb"), str) and isinstance(message.get("rows"), list)):
            return None
        rows = tuple(_row(item) for item in message["rows"][:MAX_ROWS])
    except (UnicodeDecodeError, ValueError):
        return None
    return FirstRows(message["stat_key"], message["kb"], rows) if rows else None
