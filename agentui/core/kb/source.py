"""Reading KB files: discovery, size limit, BOM and encoding checks, the content fingerprint."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from agentui.core.kb.model import Problem

MAX_FILE_BYTES = 1024 * 1024
FORMAT_VERSION = "1"
"""Bumped when parsing changes, so cached indexes built by an older loader are not reused."""

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


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
    pending = [root]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as scan:
                for item in scan:
                    if item.name.startswith("."):
                        continue
                    if item.is_dir(follow_symlinks=False):
                        pending.append(Path(item.path))
                    elif item.name.endswith(".md") and item.name.lower() != "readme.md":
                        info = item.stat()
                        rows.append(f"{item.path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}")
        except OSError:
            rows.append(f"{directory}\0unreadable")
    rows.sort()
    digest.update("\n".join(rows).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def entry_paths(root: Path) -> list[Path]:
    """Every `*.md` below root except READMEs and hidden files, in a stable order."""
    paths = []
    for path in root.rglob("*.md"):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.name.lower() == "readme.md" or not path.is_file():
            continue
        paths.append(path)
    return sorted(paths, key=lambda p: p.relative_to(root).as_posix())


def read_kb_files(root: Path) -> KbFiles:
    files = KbFiles(root=root)
    digest = hashlib.sha256(f"agentui-kb-{FORMAT_VERSION}\0".encode())
    for path in entry_paths(root):
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                files.problems.append(Problem(
                    path, 1, f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit: not loaded"
                ))
                digest.update(f"{path.relative_to(root).as_posix()}\0{size}\0".encode())
                continue
            raw = path.read_bytes()
        except OSError as error:
            files.problems.append(Problem(path, 1, f"cannot read file: {error.strerror or error}"))
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(len(raw).to_bytes(8, "little") + raw)
        text, problem = decode(path, raw)
        if problem is not None:
            files.problems.append(problem)
        else:
            files.texts.append((path, text))
    files.fingerprint = digest.hexdigest()
    return files


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
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return "", Problem(path, line, "file contains a NUL character: not a text file")
    return text, None
