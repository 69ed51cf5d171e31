"""TinyDB storage that writes atomically (UTF-8, fsync, rename) and moves unreadable files aside."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from agentui.core.cases.atomic import atomic_write, fsync_dir
from agentui.core.cases.errors import StoreError

Tables = dict[str, dict[str, Any]]


class CorruptFile(StoreError):
    """A data file is not a TinyDB JSON document we can trust; it is moved aside, never rewritten."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def load_tables(path: Path) -> Tables | None:
    """Parse a whole TinyDB file; None if it does not exist. Raises `CorruptFile` for anything else odd."""
    return parse_tables(path, read_text(path))


def read_text(path: Path) -> str | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CorruptFile(path, f"cannot be read ({exc.strerror or exc})") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorruptFile(path, f"is not UTF-8 (byte {exc.start})") from exc


def parse_tables(path: Path, text: str | None) -> Tables | None:
    if text is None or not text.strip():
        return None  # nothing to lose: a file that never got content (e.g. created by hand)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorruptFile(path, f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from exc
    except RecursionError as exc:
        raise CorruptFile(path, "is not valid JSON (nested too deeply)") from exc
    if not isinstance(data, dict) or not all(isinstance(table, dict) for table in data.values()):
        raise CorruptFile(path, "does not hold TinyDB tables")
    return data


def dump_tables(data: Tables) -> bytes:
    """UTF-8 with real characters (not \\u escapes), so the files stay readable and compact."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def move_aside(path: Path, now: datetime | None = None) -> Path:
    """Rename a bad file to `<name>.corrupt-<UTC timestamp>` so a later write never overwrites it."""
    target = _aside_name(path, "corrupt", now)
    try:
        os.rename(path, target)
        fsync_dir(path.parent)
    except OSError as exc:
        raise StoreError(f"{path} is damaged and could not be moved aside: {exc.strerror or exc}.") from exc
    return target


def keep_copy(path: Path, now: datetime | None = None) -> Path:
    """Copy a file about to be rewritten with repaired records to `<name>.before-repair-<UTC timestamp>`,
    so a repair never destroys what was there (it may hold what a person can still read back)."""
    target = _aside_name(path, "before-repair", now)
    try:
        atomic_write(target, path.read_bytes())
    except OSError as exc:
        raise StoreError(f"Could not keep a copy of {path.name} before repairing it: {exc.strerror or exc}.") from exc
    return target


def _aside_name(path: Path, label: str, now: datetime | None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{label}-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.{label}-{stamp}-{counter}")
    return target


class AtomicJSONStorage(Storage):
    """Keeps the parsed file in memory: the store holds the data-dir lock, so nobody else writes it.

    TinyDB mutates the dict `read()` returns before calling `write()`, so a failed write drops the
    cache; the next read then reloads what is really on disk and memory never runs ahead of it.
    """

    def __init__(self, path: str | Path, **_ignored: Any) -> None:
        super().__init__()
        self.path = Path(path)
        self._tables: Tables | None = None
        self._loaded = False
        self.version = 0
        """Bumped on every successful write, so views built on the data know when to rebuild."""

    def read(self) -> Tables | None:
        if not self._loaded:
            self._tables = load_tables(self.path)
            self._loaded = True
        return self._tables

    def write(self, data: Tables) -> None:
        try:
            payload = dump_tables(data)
            atomic_write(self.path, payload)
        except BaseException as exc:
            self._tables = None
            self._loaded = False
            self.version += 1
            if isinstance(exc, ValueError):  # e.g. text that cannot be encoded
                raise StoreError(f"Could not save {self.path.name}: {exc}. The previous version is intact.") from exc
            raise
        self._tables = data
        self._loaded = True
        self.version += 1

    def close(self) -> None:
        self._tables = None
        self._loaded = False
