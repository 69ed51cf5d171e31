"""Reading KB files: discovery, size limit, BOM and encoding checks, the content fingerprint."""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from agentui.core.kb.model import Problem
from agentui.core.kb.readahead import ReadAhead

MAX_FILE_BYTES = 1024 * 1024
FORMAT_VERSION = "1"
"""Bumped when parsing changes, so cached indexes built by an older loader are not reused."""

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_IGNORED_ERRNOS = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)
# One read into a reused buffer takes a whole entry file (a few KiB), with no bytes object made and
# freed for each file among the kept ones; a file that fills it is measured, then read on.
_BUFFER_BYTES = 64 * 1024
# First bytes of a BOM: such files take the careful decode.
_BOM_STARTS = (0xEF, 0xFF, 0xFE)


@dataclass(slots=True)
class KbFiles:
    """The KB directory's entry files read into memory, with problems found while reading."""

    root: Path
    texts: list[tuple[Path, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    fingerprint: str = ""


def stat_fingerprint(root: Path) -> str:
    """Hash of every entry file's path, size, mtime, ctime and inode, without reading any file.

    Any write to a file changes its ctime (which no tool can set back), so a changed file always
    changes this key; reading and hashing 100k files would cost more than a whole warm start."""
    digest = hashlib.sha256(f"agentui-kb-stat-{FORMAT_VERSION}\0{root.resolve()}\0".encode())
    rows: list[str] = []
    for relative, _, name, base in _entry_files(root):  # the files `load_kb` would read, in its order
        try:
            info = os.stat(base + name)
        except OSError:
            rows.append(f"{relative}\0unreadable")
            continue
        rows.append(f"{relative}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}")
    digest.update("\n".join(rows).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def entry_paths(root: Path) -> list[Path]:
    """Every `*.md` below root except READMEs and hidden files, in a stable order."""
    return [directory / name for _, directory, name, _ in _entry_files(root)]


def _entry_files(root: Path) -> list[tuple[str, Path, str, str]]:
    """(root-relative POSIX path, directory, name, base) of each entry file, sorted by the relative
    path; `base + name` is `str(directory / name)`, built when used: a path string kept by a record
    is then made among the record's other objects, not among these short-lived ones, which would
    leave it stranded in otherwise empty memory pools. One scandir per directory replaces `rglob`
    plus several pathlib calls per file; like `rglob`, it does not descend into symlinked
    directories and skips unreadable ones."""
    found: list[tuple[str, Path, str, str]] = []
    if not root.is_dir():
        return found
    pending = [(root, "")]
    while pending:
        directory, prefix = pending.pop()
        try:
            with os.scandir(directory) as scan:
                items = list(scan)
        except PermissionError:
            continue
        base = _join_base(directory)
        for item in items:
            name = item.name
            if name.startswith("."):  # hidden: nothing below it is an entry either
                continue
            if item.is_dir(follow_symlinks=False):
                pending.append((directory / name, f"{prefix}{name}/"))
            elif name.endswith(".md") and name.lower() != "readme.md" and _is_file(item):
                found.append((prefix + name, directory, name, base))
    found.sort(key=itemgetter(0))
    return found


def _join_base(directory: Path) -> str:
    """What `str(directory / name)` puts before `name`: pathlib writes `Path('.') / 'a'` as `a`."""
    text = str(directory)
    if text == ".":
        return ""
    return text if text.endswith("/") else text + "/"


def _is_file(item: os.DirEntry[str]) -> bool:
    """`Path.is_file`'s answer: a dangling or looping symlink is no file, other errors propagate."""
    try:
        return item.is_file()
    except OSError as error:
        if error.errno in _IGNORED_ERRNOS:
            return False
        raise


def read_kb_files(root: Path) -> KbFiles:
    """Every file's text at once; `iter_kb_files` is the streaming form."""
    files = KbFiles(root=root)
    files.texts = list(iter_kb_files(files))
    return files


def iter_kb_files(files: KbFiles) -> Iterator[tuple[Path, str]]:
    """(path, text) of each readable entry file under `files.root`, one at a time, so a caller that
    parses as it goes never holds every text. Reading problems go to `files.problems`; the
    fingerprint is set once the iterator is exhausted."""
    problems = files.problems
    for path, data, size in iter_kb_bytes(files):
        text, problem = decode_bytes(path, data, size)
        if problem is not None:
            problems.append(problem)
        else:
            yield Path(path), text


def iter_kb_bytes(files: KbFiles) -> Iterator[tuple[str, bytes | bytearray, int]]:
    """(path string, data, size) of each entry file that could be read: the file's bytes are
    `data[:size]`, and `data` is a buffer that the next step overwrites, so nothing of it may be
    kept. Problems reading (not decoding) go to `files.problems`; the fingerprint is set once the
    iterator is exhausted."""
    digest = hashlib.sha256(f"agentui-kb-{FORMAT_VERSION}\0".encode())
    update = digest.update
    entries = _entry_files(files.root)
    readahead = None
    if ReadAhead.worth_it(len(entries)):
        readahead = ReadAhead(base + name for _, _, name, base in entries).start()
    try:
        yield from _read_entries(entries, files.problems, update)
    finally:
        if readahead is not None:
            readahead.stop()
    files.fingerprint = digest.hexdigest()


def _read_entries(
    entries: list[tuple[str, Path, str, str]],
    problems: list[Problem],
    update: Callable[[bytes | memoryview], None],
) -> Iterator[tuple[str, bytes | bytearray, int]]:
    """`iter_kb_bytes`'s loop, apart so that the read-ahead thread is stopped however it ends."""
    buffer = bytearray(_BUFFER_BYTES)
    buffers = (buffer,)
    for relative, _, name, base in entries:
        path = base + name
        try:
            descriptor = os.open(path, os.O_RDONLY)
        except OSError as error:
            _report_unopened(path, relative, error, problems, update)
            continue
        try:
            data: bytes | bytearray = buffer
            size = _read_into(descriptor, buffers)
            if size == _BUFFER_BYTES:  # a big file: measured, and maybe not loaded, as before
                total = os.fstat(descriptor).st_size
                if total > MAX_FILE_BYTES:
                    problems.append(_too_big(path, total))
                    update(f"{relative}\0{total}\0".encode())
                    continue
                data = _read_rest(descriptor, bytes(buffer))
                size = len(data)
        except OSError as error:
            problems.append(Problem(Path(path), 1, f"cannot read file: {error.strerror or error}"))
            continue
        finally:
            os.close(descriptor)
        update(relative.encode() + b"\0" + size.to_bytes(8, "little"))
        update(memoryview(data)[:size])
        yield path, data, size


def _report_unopened(path: str, relative: str, error: OSError, problems: list[Problem], update) -> None:
    """The problem the file's stat then open would have given: a file over the limit is reported
    by its size even when it cannot be opened."""
    try:
        size = os.stat(path).st_size
    except OSError as stat_error:
        error = stat_error
    else:
        if size > MAX_FILE_BYTES:
            problems.append(_too_big(path, size))
            update(f"{relative}\0{size}\0".encode())
            return
    problems.append(Problem(Path(path), 1, f"cannot read file: {error.strerror or error}"))


def _too_big(path: str, size: int) -> Problem:
    return Problem(Path(path), 1, f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit: not loaded")


def _read_copied(descriptor: int, buffers: tuple[bytearray]) -> int:
    """`os.readv` for systems without it (Windows), at the cost of a copy."""
    chunk = os.read(descriptor, len(buffers[0]))
    buffers[0][:len(chunk)] = chunk
    return len(chunk)


_read_into = getattr(os, "readv", _read_copied)


def _read_rest(descriptor: int, start: bytes) -> bytes:
    chunks = [start]
    while chunk := os.read(descriptor, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def decode_bytes(path: str, data: bytes | bytearray, size: int) -> tuple[str, Problem | None]:
    """`decode` of `data[:size]`, straight from the buffer when the file needs no care."""
    if size and data[0] in _BOM_STARTS or data.find(b"\r", 0, size) >= 0 or data.find(b"\0", 0, size) >= 0:
        return decode(Path(path), bytes(memoryview(data)[:size]))
    try:
        return str(memoryview(data)[:size], "utf-8"), None
    except UnicodeDecodeError:
        return decode(Path(path), bytes(memoryview(data)[:size]))


def decode(path: Path, raw: bytes) -> tuple[str, Problem | None]:
    """UTF-8 text with any BOM removed and line endings normalised, or a problem naming the line."""
    if raw.startswith(_UTF16_BOMS):
        return "", Problem(path, 1, "file is UTF-16: save it as UTF-8")
    if raw.startswith(_UTF8_BOM):
        raw = raw[len(_UTF8_BOM):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        hint = ""
        try:
            raw.decode("gb18030")
            hint = " (it looks like GBK/GB18030)"
        except UnicodeDecodeError:
            pass
        return "", Problem(
            path, line, f"not valid UTF-8: byte 0x{raw[error.start]:02x} at line {line}{hint}; save the file as UTF-8"
        )
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return "", Problem(path, line, "file contains a NUL character: not a text file")
    return text, None
