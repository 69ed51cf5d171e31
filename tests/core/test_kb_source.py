"""Discovery, fingerprint and streaming load give what the rglob-and-read-everything loader gave."""

from __future__ import annotations

import gc
import hashlib
import os
import threading
from pathlib import Path

import pytest

from agentui.core.kb import load_kb, readahead, source
from agentui.core.kb.loader import parse_kb
from agentui.core.kb.source import FORMAT_VERSION, MAX_FILE_BYTES, entry_paths, read_kb_files
from agentui.locations import bundled_kb_dir

BROKEN = Path(__file__).parents[1] / "data" / "kb_broken"


def entry_paths_before(root: Path) -> list[Path]:
    """`entry_paths` as it was, on rglob and pathlib."""
    paths = []
    for path in root.rglob("*.md"):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.name.lower() == "readme.md" or not path.is_file():
            continue
        paths.append(path)
    return sorted(paths, key=lambda p: p.relative_to(root).as_posix())


def fingerprint_before(root: Path) -> str:
    """The content fingerprint as `read_kb_files` computed it when it read every file up front."""
    digest = hashlib.sha256(f"agentui-kb-{FORMAT_VERSION}\0".encode())
    for path in entry_paths_before(root):
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            digest.update(f"{path.relative_to(root).as_posix()}\0{size}\0".encode())
            continue
        raw = path.read_bytes()
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(len(raw).to_bytes(8, "little") + raw)
    return digest.hexdigest()


@pytest.fixture
def tricky_tree(tmp_path: Path) -> Path:
    entry = "---\nid: {id}\ntype: faq\ntitle: t\n---\n正文\n"
    files = [
        "a.md", "A.md", "a-b.md", "a/b.md", "a/b/c.md", "b.md", "中文.md", "x.MD", "notes.txt",
        ".hidden.md", ".drafts/d.md", "sub/.git/e.md", "README.md", "sub/readme.MD", "sub/ReadMe.md",
        "dir.md/inner.md", "sub/deep/er/f.md",
    ]
    for index, name in enumerate(files):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(entry.format(id=f"e{index}"), encoding="utf-8")
    (tmp_path / "link.md").symlink_to(tmp_path / "b.md")
    (tmp_path / "linked-dir").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "dangling.md").symlink_to(tmp_path / "missing.md")
    (tmp_path / "loop.md").symlink_to(tmp_path / "loop.md")
    (tmp_path / "dir-link.md").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "empty-dir").mkdir()
    return tmp_path


def test_discovery_matches_rglob(tricky_tree: Path):
    assert entry_paths(tricky_tree) == entry_paths_before(tricky_tree)
    names = [p.relative_to(tricky_tree).as_posix() for p in entry_paths(tricky_tree)]
    assert "link.md" in names and "dir.md/inner.md" in names and "linked-dir/b.md" not in names


@pytest.mark.parametrize("root", ["bundled", "broken", "tricky", "missing"])
def test_discovery_and_fingerprint_as_before(tricky_tree: Path, root: str):
    path = {"bundled": bundled_kb_dir(), "broken": BROKEN, "tricky": tricky_tree, "missing": tricky_tree / "nope"}[root]
    assert entry_paths(path) == entry_paths_before(path)
    if root == "tricky":  # what is not read is now reported, and in the fingerprint (next test)
        assert load_kb(path).fingerprint != fingerprint_before(path)
    else:
        assert load_kb(path).fingerprint == fingerprint_before(path)


def test_what_discovery_does_not_read_is_reported_and_fingerprinted(tricky_tree: Path):
    """Once skipped in silence: now each is a problem, and part of the fingerprint, so a cached
    index (keyed by it) never serves the problems of a tree that changed."""
    kb = load_kb(tricky_tree)
    odd = [p for p in kb.problems if "duplicate id" not in p.message]  # link.md is b.md again
    assert [(p.path.name, p.line, p.message.split(" (")[0].split(":")[0]) for p in odd] == [
        ("dangling.md", 1, "symbolic link to nothing"),
        ("dir-link.md", 1, "symbolic link to a folder"),
        ("linked-dir", 1, "symbolic link to a folder"),
        ("loop.md", 1, "symbolic link loop"),
    ]
    before = kb.fingerprint
    (tricky_tree / "missing.md").write_text("---\nid: now\ntype: faq\ntitle: t\n---\nx\n", encoding="utf-8")
    after = load_kb(tricky_tree)
    assert not [p for p in after.problems if "symbolic link to nothing" in p.message]
    assert after.fingerprint != before
    warm_key = source.stat_fingerprint(tricky_tree)
    os.mkfifo(tricky_tree / "pipe.md")
    assert source.stat_fingerprint(tricky_tree) != warm_key
    assert "not a regular file (a FIFO)" in str(load_kb(tricky_tree).problems)


def test_discovery_accepts_a_relative_root(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(BROKEN.parent)
    assert entry_paths(Path(BROKEN.name)) == entry_paths_before(Path(BROKEN.name))


@pytest.mark.parametrize("root", [bundled_kb_dir(), BROKEN], ids=["bundled", "broken"])
def test_streaming_load_equals_reading_everything_first(root: Path):
    streamed, eager = load_kb(root), parse_kb(read_kb_files(root))
    assert streamed.entries == eager.entries
    assert streamed.problems == eager.problems
    assert streamed.fingerprint == eager.fingerprint and streamed.fingerprint


def refuse_to_open(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The OS refusing one file (permissions, I/O error), simulated: root, as in CI, reads a chmod 0 file."""
    real_open = os.open

    def refusing_open(path, flags, *args, **kwargs):
        if str(path).endswith(name):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path: Path, monkeypatch):
    """A file the OS refuses is reported and the others still load."""
    (tmp_path / "locked.md").write_text("---\nid: x\n---\n", encoding="utf-8")
    (tmp_path / "fine.md").write_text("---\nid: fine\ntype: faq\ntitle: 好\n---\n正文\n", encoding="utf-8")
    refuse_to_open(monkeypatch, "locked.md")
    kb = load_kb(tmp_path)
    [problem] = kb.problems
    assert problem.path.name == "locked.md"
    assert problem.message.startswith("cannot read file: Permission denied")
    assert list(kb.entries) == ["fine"]


def test_load_restores_the_garbage_collector_state():
    assert gc.isenabled()
    load_kb(BROKEN)
    assert gc.isenabled()
    gc.disable()
    try:
        load_kb(BROKEN)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_equal_values_are_shared_between_entries(bundled_kb):
    """One object per distinct operators tuple, tag and date, and `related` holds the ids themselves."""
    shared: dict[object, object] = {}
    ids = {record.id: record.id for record in bundled_kb.records}
    for record in bundled_kb.records:
        for value in (record.operators, *record.tags, record.verified):
            assert shared.setdefault(value, value) is value
        for target in record.related:
            assert ids[target] is target
    assert any(record.related for record in bundled_kb.records)


@pytest.mark.parametrize("size", [
    source._BUFFER_BYTES - 1, source._BUFFER_BYTES, source._BUFFER_BYTES + 1, 3 * source._BUFFER_BYTES + 7,
    MAX_FILE_BYTES, MAX_FILE_BYTES + 1,
])
def test_files_are_read_whole_around_the_read_buffer_and_the_limit(tmp_path: Path, size: int):
    head = "---\nid: big\ntype: faq\ntitle: 大\n---\n".encode()
    (tmp_path / "big.md").write_bytes(head + b"x" * (size - len(head) - 2) + "尾".encode()[:2])  # a torn last char
    (tmp_path / "ok.md").write_text("---\nid: ok\ntype: faq\ntitle: 好\n---\n正文\n", encoding="utf-8")
    kb = load_kb(tmp_path)
    assert kb.fingerprint == fingerprint_before(tmp_path)
    [problem] = kb.problems
    if size > MAX_FILE_BYTES:
        assert problem.message == f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit: not loaded"
    else:  # the torn character at the very end is seen, so the whole file was read
        assert problem.message.startswith("not valid UTF-8: byte 0xe5 at line 6")
    assert list(kb.entries) == ["ok"]


def test_a_file_too_big_to_load_is_reported_by_its_size_even_if_it_cannot_be_opened(tmp_path: Path, monkeypatch):
    (tmp_path / "huge.md").write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda path, *args: (
        _refuse(path) if str(path).endswith("huge.md") else real_open(path, *args)))
    kb = load_kb(tmp_path)
    assert [p.message for p in kb.problems] == [
        f"file is {MAX_FILE_BYTES + 1:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit: not loaded"
    ]
    assert kb.fingerprint == fingerprint_before(tmp_path)


def _refuse(path):
    raise PermissionError(13, "Permission denied", str(path))


@pytest.mark.parametrize("root", [".", "./", "kb/", "kb/../kb", "kb//sub/.."])
def test_paths_are_written_as_pathlib_writes_them_whatever_the_root(tmp_path: Path, monkeypatch, root: str):
    """Records keep paths as strings built without pathlib; they must read as `Path` would print them."""
    (tmp_path / "kb" / "sub").mkdir(parents=True)
    (tmp_path / "kb" / "top.md").write_text("---\nid: top\ntype: faq\ntitle: 顶\n---\n正文\n", encoding="utf-8")
    (tmp_path / "kb" / "sub" / "deep.md").write_text("---\nid: deep\ntype: faq\ntitle: 深\n---\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "kb" if root.startswith(".") else tmp_path)
    kb = load_kb(Path(root))
    deep, top = entry_paths(Path(root))  # sorted by their paths below the root
    assert [record.path for record in kb.records] == [str(deep), str(top)]
    assert kb.entries["top"].path == top
    assert [str(problem.path) for problem in kb.problems] == [str(deep)]
    assert kb.problems[0].message == "the entry has no body text after the front matter"


def test_reading_without_readv_reads_the_same(tmp_path: Path):
    """Systems without `os.readv` (Windows) read into the buffer by a copy."""
    (tmp_path / "a.md").write_bytes("---\nid: a\n---\n正文".encode())
    buffer = bytearray(b"#" * 64)
    descriptor = os.open(tmp_path / "a.md", os.O_RDONLY)
    try:
        size = source._read_copied(descriptor, (buffer,))
    finally:
        os.close(descriptor)
    assert bytes(buffer[:size]) == (tmp_path / "a.md").read_bytes() and buffer[size:] == b"#" * (64 - size)


def _readahead_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "agentui-kb-readahead"]


@pytest.fixture
def advised(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Read-ahead turned on for any KB size, with the advice recorded (and still given)."""
    if readahead._ADVISE is None:
        pytest.fail("this platform has no posix_fadvise; the read-ahead tests need Linux")
    calls: list[str] = []
    real_advise = readahead._ADVISE

    def recording_advise(descriptor: int, offset: int, length: int, advice: int) -> None:
        calls.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real_advise(descriptor, offset, length, advice)

    monkeypatch.setattr(readahead, "MIN_FILES", 1)
    monkeypatch.setattr(readahead, "_ADVISE", recording_advise)
    return calls


@pytest.mark.parametrize("root", ["bundled", "broken", "tricky"])
def test_read_ahead_changes_nothing_loaded(tricky_tree: Path, root: str, advised: list[str]):
    """The files are requested in the loader's order (how far the thread gets before the loader
    catches up is up to the scheduler); records, problems and fingerprint are exactly as without."""
    path = {"bundled": bundled_kb_dir(), "broken": BROKEN, "tricky": tricky_tree}[root]
    with_read_ahead = load_kb(path)
    assert not _readahead_threads()
    in_order = [str(p.resolve()) for p in entry_paths(path)]
    assert advised == in_order[: len(advised)]
    advised.clear()
    readahead.MIN_FILES = 10**9
    without = load_kb(path)
    assert not advised
    assert with_read_ahead.entries == without.entries
    assert with_read_ahead.problems == without.problems
    assert with_read_ahead.fingerprint == without.fingerprint


def test_read_ahead_asks_for_every_file_it_can_open(tmp_path: Path, advised: list[str]):
    """Why a cold load at 100k files takes a third of the time: each file is asked for ahead."""
    paths = [tmp_path / f"{index}.md" for index in range(5)]
    for path in paths:
        path.write_text("---\nid: x\n---\n", encoding="utf-8")
    paths.insert(2, tmp_path / "gone.md")
    readahead.ReadAhead(str(path) for path in paths).advise_all()
    assert advised == [str(path) for path in paths if path.name != "gone.md"]


def test_an_abandoned_load_leaves_no_read_ahead_running(monkeypatch: pytest.MonkeyPatch, advised: list[str]):
    """The thread is held inside its first request until the loader gives up, so it cannot have
    finished on its own: stopping it is what ends it."""
    inside, release = threading.Event(), threading.Event()
    recording_advise = readahead._ADVISE

    def held_advise(*args) -> None:
        recording_advise(*args)
        inside.set()
        release.wait()

    stop = readahead.ReadAhead.stop

    def releasing_stop(self) -> None:
        self._stop.set()
        release.set()
        stop(self)

    monkeypatch.setattr(readahead, "_ADVISE", held_advise)
    monkeypatch.setattr(readahead.ReadAhead, "stop", releasing_stop)
    reading = source.iter_kb_bytes(source.KbFiles(root=bundled_kb_dir()))
    next(reading)
    assert inside.wait(10)
    assert len(_readahead_threads()) == 1
    reading.close()
    assert not _readahead_threads()
    assert len(advised) == 1 < len(entry_paths(bundled_kb_dir()))


def test_read_ahead_skips_a_file_it_cannot_open_and_the_loader_reports_it(
    tmp_path: Path, monkeypatch, advised: list[str]
):
    (tmp_path / "locked.md").write_text("---\nid: x\n---\n", encoding="utf-8")
    (tmp_path / "fine.md").write_text("---\nid: fine\ntype: faq\ntitle: 好\n---\n正文\n", encoding="utf-8")
    refuse_to_open(monkeypatch, "locked.md")
    readahead.ReadAhead(str(tmp_path / name) for name in ("fine.md", "locked.md")).advise_all()
    assert [Path(p).name for p in advised] == ["fine.md"]
    kb = load_kb(tmp_path)
    assert [problem.path.name for problem in kb.problems] == ["locked.md"]
    assert list(kb.entries) == ["fine"]
