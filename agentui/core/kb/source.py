"""Reading KB files: discovery, size limit, BOM and encoding checks, the content fingerprint."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from agentui.core.kb.model import Problem
from agentui.core.kb.readahead import ReadAhead

MAX_FILE_BYTES = 1024 * 1024
FORMAT_VERSION = "2"
"""Bumped when parsing changes, so cached indexes built by an older loader are not reused."""

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A file swapped for a FIFO after the scan must not hang the load waiting for a writer.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
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
    digest = hashlib.sha256(f"agentui-kb-stat-{FORMAT_VERSION}\0{root.resolve()}\0".encode("utf-8", "surrogateescape"))
    found, odd = _entry_files(root)

    def rows() -> Iterator[str]:
        for relative, _, name, base in found:  # the files `load_kb` would read, in its order
            try:
                info = os.stat(base + name)
            except OSError:
                yield f"{relative}\0unreadable"
                continue
            yield f"{relative}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}"
        yield from (f"{relative}\0{problem.message}" for relative, problem in odd)

    # Hashed a thousand rows at a time, as "\n".join(rows) was: the console runs this beside its
    # search, and 100k rows joined at once made its memory peak (+45 MiB).
    batch: list[str] = []
    for row in rows():
        batch.append(row)
        if len(batch) == 1000:
            digest.update("\n".join(batch).encode("utf-8", "surrogateescape") + b"\n")
            batch = []
    digest.update("\n".join(batch).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def entry_paths(root: Path) -> list[Path]:
    """Every `*.md` below root except READMEs and hidden files, in a stable order."""
    return [directory / name for _, directory, name, _ in _entry_files(root)[0]]


_Found = tuple[str, Path, str, str]
"""(root-relative POSIX path, directory, name, base) of an entry file; `base + name` is its path."""
_Odd = tuple[str, Problem]
"""(root-relative path, problem) of something under the root that is not read: a file or folder
whose name is not UTF-8, a folder that cannot be read, a special file, a broken or folder symlink."""


def _entry_files(root: Path) -> tuple[list[_Found], list[_Odd]]:
    """Each entry file, sorted by the relative path, and what was found but cannot be read.

    `base + name` is `str(directory / name)`, built when used: a path string kept by a record is
    then made among the record's other objects, not among these short-lived ones, which would
    leave it stranded in otherwise empty memory pools. One scandir per directory replaces `rglob`
    plus several pathlib calls per file. Symlinked files are read; symlinked folders are not
    followed (one to `/` would walk the whole disk) and are reported, as are broken symlinks and
    anything else that is not a regular file, so nothing under the root is skipped in silence."""
    found: list[_Found] = []
    odd: list[_Odd] = []
    if not root.is_dir():
        return found, odd
    pending = [(root, "")]
    while pending:
        directory, prefix = pending.pop()
        try:
            with os.scandir(directory) as scan:
                items = list(scan)
        except OSError as error:
            message = f"cannot read folder: {error.strerror or error}; the entries in it are not loaded"
            odd.append((prefix, Problem(directory, 1, message)))
            continue
        base = _join_base(directory)
        for item in items:
            name = item.name
            if name[:1] == ".":  # hidden: nothing below it is an entry either
                continue
            if item.is_dir(follow_symlinks=False):
                if name.isascii() or _decodable(name):
                    pending.append((directory / name, f"{prefix}{name}/"))
                else:
                    odd.append((prefix + name, Problem(directory / name, 1, _BAD_FOLDER_NAME)))
            elif name.endswith(".md") and item.is_file(follow_symlinks=False):
                if name.lower() == "readme.md":
                    continue
                if name.isascii() or _decodable(name):
                    found.append((prefix + name, directory, name, base))
                else:
                    odd.append((prefix + name, Problem(directory / name, 1, _BAD_FILE_NAME)))
            elif item.is_symlink() or name.endswith(".md"):
                _classify(item, directory, prefix, base, found, odd)
    found.sort(key=itemgetter(0))
    odd.sort(key=lambda row: row[0])
    return found, odd


_BAD_FILE_NAME = "file name is not valid UTF-8 (shown with its bytes escaped): rename the file; not loaded"
_BAD_FOLDER_NAME = (
    "folder name is not valid UTF-8 (shown with its bytes escaped): rename it; the entries in it are not loaded"
)


def _decodable(name: str) -> bool:
    """Whether a name from the file system is real text: `os.fsdecode` turns each byte that is not
    UTF-8 into a lone surrogate, which no text can hold."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _classify(
    item: os.DirEntry[str], directory: Path, prefix: str, base: str, found: list[_Found], odd: list[_Odd]
) -> None:
    """A symlink, or an `.md` that is not a regular file: an entry when it leads to a regular `.md`
    file, a problem when it leads nowhere, to a folder, or to something that is no file."""
    name = item.name
    relative = prefix + name
    entry_like = name.endswith(".md") and name.lower() != "readme.md"
    try:
        mode = os.stat(item.path).st_mode
    except OSError as error:
        if not entry_like:
            return
        if error.errno == errno.ELOOP:
            message = "symbolic link loop: not loaded"
        elif error.errno == errno.ENOENT:
            message = f"symbolic link to nothing ({_link_target(item.path)} does not exist): not loaded"
        else:
            message = f"cannot read file: {error.strerror or error}"
        odd.append((relative, Problem(directory / name, 1, message)))
        return
    if stat.S_ISDIR(mode):
        message = "symbolic link to a folder: not followed, so the entries in it are not loaded"
        odd.append((relative, Problem(directory / name, 1, message)))
    elif not entry_like:
        return
    elif stat.S_ISREG(mode):
        if name.isascii() or _decodable(name):
            found.append((relative, directory, name, base))
        else:
            odd.append((relative, Problem(directory / name, 1, _BAD_FILE_NAME)))
    else:
        message = f"not a regular file ({_kind(mode)}): not loaded"
        odd.append((relative, Problem(directory / name, 1, message)))


def _link_target(path: str) -> str:
    try:
        return repr(os.readlink(path))
    except OSError:
        return "its target"


def _kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return kind
    return "a special file"


def _join_base(directory: Path) -> str:
    """What `str(directory / name)` puts before `name`: pathlib writes `Path('.') / 'a'` as `a`."""
    text = str(directory)
    if text == ".":
        return ""
    return text if text.endswith("/") else text + "/"


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
    entries, odd = _entry_files(files.root)
    for relative, problem in odd:
        files.problems.append(problem)
        update(f"{relative}\0{problem.message}\0".encode("utf-8", "surrogateescape"))
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
            descriptor = os.open(path, _OPEN_FLAGS)
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
                rest = _read_rest(descriptor, bytes(buffer))
                if rest is None:  # grew past the limit while read, or is a device without end
                    problems.append(_too_big(path, None))
                    update(f"{relative}\0over\0".encode())
                    continue
                data = rest
                size = len(data)
        except OSError as error:
            problems.append(Problem(Path(path), 1, f"cannot read file: {error.strerror or error}"))
            continue
        finally:
            os.close(descriptor)
        update(relative.encode() + b"\0" + size.to_bytes(8, "little"))
        update(memoryview(data)[:size])
        yield path, data, size


def _report_unopened(
    path: str, relative: str, error: OSError, problems: list[Problem], update: Callable[[bytes], None]
) -> None:
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


def _too_big(path: str, size: int | None) -> Problem:
    """`size` None: the file read on past the limit though its size said less (a growing file)."""
    what = f"is {size:,} bytes" if size is not None else "reads on past the limit"
    return Problem(Path(path), 1, f"file {what}, over the {MAX_FILE_BYTES:,}-byte limit: not loaded")


def _read_copied(descriptor: int, buffers: tuple[bytearray]) -> int:
    """`os.readv` for systems without it (Windows), at the cost of a copy."""
    chunk = os.read(descriptor, len(buffers[0]))
    buffers[0][:len(chunk)] = chunk
    return len(chunk)


_read_into = getattr(os, "readv", _read_copied)


def _read_rest(descriptor: int, start: bytes) -> bytes | None:
    """The whole file, or None once it is over MAX_FILE_BYTES, whatever its size said."""
    chunks = [start]
    total = len(start)
    while chunk := os.read(descriptor, 1 << 16):
        chunks.append(chunk)
        total += len(chunk)
        if total > MAX_FILE_BYTES:
            return None
    return b"".join(chunks)


def decode_bytes(path: str, data: bytes | bytearray, size: int) -> tuple[str, Problem | None]:
    """`decode` of `data[:size]`, straight from the buffer when the file needs no care."""
    if size and data[0] in _BOM_STARTS or data.find(b"\r", 0, size) >= 0 or data.find(b"\0", 0, size) >= 0:
        return decode(Path(path), bytes(memoryview(data)[:size]))
    try:
        return str(memoryview(data)[:size], "utf-8"), None
    except UnicodeDecodeError:
        return decode(Path(path), bytes(memoryview(data)[:size]))


def _utf16_without_bom(raw: bytes) -> str | None:
    """"little-endian" or "big-endian" when the bytes read as UTF-16 of that order, else None.

    In UTF-16 every ASCII character (each front-matter key, the `---` fences) has a zero byte on
    the same side; UTF-8 text never holds a zero byte, and a binary file rarely that regularly."""
    sample = raw[:4096]
    if len(sample) % 2:
        sample = sample[:-1]
    pairs = len(sample) // 2
    even_zeros, odd_zeros = sample[0::2].count(0), sample[1::2].count(0)
    for zeros, others, order, codec in ((odd_zeros, even_zeros, "little-endian", "utf-16-le"),
                                        (even_zeros, odd_zeros, "big-endian", "utf-16-be")):
        if zeros * 8 >= pairs and others * 8 <= zeros:
            try:
                sample.decode(codec)
            except UnicodeDecodeError:  # a cut surrogate pair at the end is all that may fail
                if len(sample) < len(raw) and len(sample) > 4:
                    try:
                        sample[:-2].decode(codec)
                    except UnicodeDecodeError:
                        continue
                else:
                    continue
            return order
    return None


def decode(path: Path, raw: bytes) -> tuple[str, Problem | None]:
    """UTF-8 text with any BOM removed and line endings normalised, or a problem naming the line."""
    if raw.startswith(_UTF16_BOMS):
        return "", Problem(path, 1, "file is UTF-16: save it as UTF-8")
    if raw.startswith(_UTF8_BOM):
        raw = raw[len(_UTF8_BOM):]
    order = _utf16_without_bom(raw) if b"\0" in raw else None
    if order is not None:
        return "", Problem(path, 1, f"file is UTF-16 ({order}, without a BOM): save it as UTF-8")
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
