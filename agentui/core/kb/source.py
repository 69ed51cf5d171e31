"""Reading KB files: discovery, size limit, BOM and encoding checks, the content fingerprint."""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from agentui.core.kb.model import Problem

MAX_FILE_BYTES = 1024 * 1024
FORMAT_VERSION = "1"
"""Bumped when parsing changes, so cached indexes built by an older loader are not reused."""

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_IGNORED_ERRNOS = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


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
    for relative, _, _, file in _entry_files(root):  # the files `load_kb` would read, in its order
        try:
            info = os.stat(file)
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
    """(root-relative POSIX path, directory, name, path string) of each entry file, sorted by the
    relative path. One scandir per directory replaces `rglob` plus several pathlib calls per file;
    like `rglob`, it does not descend into symlinked directories and skips unreadable ones."""
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
        for item in items:
            name = item.name
            if name.startswith("."):  # hidden: nothing below it is an entry either
                continue
            if item.is_dir(follow_symlinks=False):
                pending.append((directory / name, f"{prefix}{name}/"))
            elif name.endswith(".md") and name.lower() != "readme.md" and _is_file(item):
                found.append((prefix + name, directory, name, item.path))
    found.sort(key=itemgetter(0))
    return found


def _is_file(item: os.DirEntry[str]) -> bool:
    """`Path.is_file`'s answer: a dangling or looping symlink is no file, other errors propagate."""
    try:
        return item.is_file()
    except OSError as error:
        if error.errno in _IGNORED_ERRNOS:
            return False
        raise


def read_kb_files(root: Path) -> KbFiles:
    """Every file's text at once; `iter_kb_files` is the streaming form `load_kb` uses."""
    files = KbFiles(root=root)
    files.texts = list(iter_kb_files(files))
    return files


def iter_kb_files(files: KbFiles) -> Iterator[tuple[Path, str]]:
    """(path, text) of each readable entry file under `files.root`, one at a time, so a caller that
    parses as it goes never holds every text. Reading problems go to `files.problems`; the
    fingerprint is set once the iterator is exhausted."""
    digest = hashlib.sha256(f"agentui-kb-{FORMAT_VERSION}\0".encode())
    problems = files.problems
    for relative, directory, name, file in _entry_files(files.root):
        path = directory / name
        try:
            size = os.stat(file).st_size
            if size > MAX_FILE_BYTES:
                problems.append(Problem(
                    path, 1, f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit: not loaded"
                ))
                digest.update(f"{relative}\0{size}\0".encode())
                continue
            raw = _read(file, size)
        except OSError as error:
            problems.append(Problem(path, 1, f"cannot read file: {error.strerror or error}"))
            continue
        digest.update(relative.encode() + b"\0")
        digest.update(len(raw).to_bytes(8, "little"))
        digest.update(raw)
        text, problem = decode(path, raw)
        del raw  # not kept alive while the caller parses the text
        if problem is not None:
            problems.append(problem)
        else:
            yield path, text
    files.fingerprint = digest.hexdigest()


def _read(file: str, size: int) -> bytes:
    """The whole file, as `Path.read_bytes` gives it, without building buffered file objects."""
    descriptor = os.open(file, os.O_RDONLY)
    try:
        raw = os.read(descriptor, size + 1)
        if raw:  # read on to the end, in case the file grew since it was measured
            chunks = [raw]
            while chunk := os.read(descriptor, 1 << 16):
                chunks.append(chunk)
            if len(chunks) > 1:
                raw = b"".join(chunks)
        return raw
    finally:
        os.close(descriptor)


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
