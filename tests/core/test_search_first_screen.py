"""The first rows: what the console lists in its first frame, read without loading the search."""

from __future__ import annotations

import io
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agentui.core.search import open_search
from agentui.core.search.first_screen import (
    INDEX_FORMAT,
    ListedRow,
    index_cache_path,
    read_first_rows,
    read_header,
    read_in_background,
    stat_key,
    write_first_rows,
)
from agentui.locations import bundled_kb_dir

ROOT = Path(__file__).resolve().parents[2]


def _rows(index, limit: int = 15) -> tuple[ListedRow, ...]:
    return tuple(ListedRow(hit.id, hit.type, hit.title, "", ()) for hit in index.search("", limit))


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(bundled_kb_dir(), target)
    return target


def test_rows_kept_for_a_kb_are_listed_at_its_next_start(kb_dir: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    kb, index = open_search(kb_dir, cache)
    assert read_first_rows(kb_dir, cache) is None, "a KB listed never before has no first rows"
    rows = _rows(index)
    write_first_rows(cache, kb.fingerprint, rows)
    first = read_first_rows(kb_dir, cache)
    assert first is not None
    assert first.rows == rows
    assert first.fingerprint == kb.fingerprint
    assert first.stat_key == stat_key(kb_dir)
    assert [row.id for row in first.rows] == [hit.id for hit in open_search(kb_dir, cache)[1].search("", 15)]
    assert read_in_background(kb_dir, cache)() == first


def test_a_changed_kb_file_drops_the_first_rows(kb_dir: Path, tmp_path: Path):
    """A title edited since: the rows of the old KB are never listed for the new one."""
    cache = tmp_path / "cache"
    kb, index = open_search(kb_dir, cache)
    write_first_rows(cache, kb.fingerprint, _rows(index))
    target = next(kb_dir.glob("procedures/*.md"))
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("title: ", "title: 改过的", 1), encoding="utf-8")
    assert read_first_rows(kb_dir, cache) is None
    kb2, index2 = open_search(kb_dir, cache)  # the console then loads the new KB (and keeps its rows)
    assert kb2.fingerprint != kb.fingerprint
    write_first_rows(cache, kb2.fingerprint, _rows(index2))
    first = read_first_rows(kb_dir, cache)
    assert first is not None and any(row.title.startswith("改过的") for row in first.rows)


_OURS = b'{"format": "first-rows-1", "kb": "%s", "rows": '


@pytest.mark.parametrize("content", [b"", b"{", b'{"format": "first-rows-1", "kb": "other", "rows": []}',
                                     _OURS + b'[["a", "faq", 3, "", []]]}',
                                     _OURS + b'[["a", "faq", "t", ""]]}',
                                     _OURS + b'[["a", "\\u001b[2J", "t", "", []]]}',
                                     _OURS + b'[' + b'1, ' * 200_000 + b'1]}',
                                     "\ufeff".encode() + b"\xff\xfe"])
def test_a_damaged_rows_file_is_not_listed(kb_dir: Path, tmp_path: Path, content: bytes):
    """Empty, cut short, another KB's, wrong shapes, an escape sequence as the badge, huge, not
    UTF-8: nothing is listed and nothing raises (the index's own rows come when it loads)."""
    cache = tmp_path / "cache"
    kb, index = open_search(kb_dir, cache)
    write_first_rows(cache, kb.fingerprint, _rows(index))
    [rows_file] = cache.glob("first-*.json")
    rows_file.write_bytes(content.replace(b"%s", kb.fingerprint.encode()))
    assert read_first_rows(kb_dir, cache) is None


def test_a_damaged_index_cache_gives_no_first_rows_and_is_rebuilt(kb_dir: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    kb, index = open_search(kb_dir, cache)
    write_first_rows(cache, kb.fingerprint, _rows(index))
    cached = index_cache_path(cache, stat_key(kb_dir))
    cached.write_bytes(cached.read_bytes()[:20])
    assert read_first_rows(kb_dir, cache) is None
    kb2, index2 = open_search(kb_dir, cache)
    assert [hit.id for hit in index2.search("补卡")] == [hit.id for hit in index.search("补卡")]
    assert read_first_rows(kb_dir, cache) is not None, "the rebuilt cache leads to the same rows again"


def test_the_header_reader_never_imports_a_class():
    """Only plain strings make a header: a pickle naming any global is refused before it is loaded."""
    hostile = io.BytesIO(pickle.dumps(("agentui-index-header", INDEX_FORMAT, os.getcwd), protocol=5))
    with pytest.raises(ValueError):
        read_header(hostile)
    with pytest.raises(ValueError):
        read_header(io.BytesIO(pickle.dumps(("agentui-index-header", "search-0", "abc"))))


def test_rows_of_a_few_kbs_are_kept_and_older_ones_pruned(tmp_path: Path):
    cache = tmp_path / "cache"
    for n in range(7):
        write_first_rows(cache, f"kb-{n}", (ListedRow(f"e{n}", "faq", "标题", "", ()),))
    files = list(cache.glob("first-*.json"))
    assert len(files) == 4
    assert all(path.stat().st_mode & 0o777 == 0o600 for path in files)
    assert cache.stat().st_mode & 0o777 == 0o700
    assert sorted(path.name for path in cache.iterdir()) == sorted(path.name for path in files), "no temp left"


def test_rows_are_replaced_whole_through_a_temp_file(tmp_path: Path, monkeypatch):
    """A write that fails half-way leaves the rows listed before, never half a file."""
    from agentui.core.search import first_screen

    cache = tmp_path / "cache"
    old = (ListedRow("e1", "faq", "旧标题", "", ()),)
    write_first_rows(cache, "kb-1", old)
    [rows_file] = cache.glob("first-*.json")
    before = rows_file.read_bytes()
    real_replace = os.replace

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    write_first_rows(cache, "kb-1", (ListedRow("e2", "faq", "新标题", "", ()),))  # best effort: no raise
    monkeypatch.setattr(os, "replace", real_replace)
    assert rows_file.read_bytes() == before
    assert [path.name for path in cache.iterdir()] == [rows_file.name], "the temp file is removed"
    assert first_screen._read_rows(rows_file, "kb-1") == old


def test_reading_the_first_rows_loads_neither_the_search_nor_the_kb_parser(kb_dir: Path, tmp_path: Path):
    """The point of the first rows: numpy, the index, pinyin tables and the Markdown parser stay
    unloaded until the first frame is on screen."""
    cache = tmp_path / "cache"
    kb, index = open_search(kb_dir, cache)
    write_first_rows(cache, kb.fingerprint, _rows(index))
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from agentui.core.search.first_screen import read_first_rows\n"
        f"first = read_first_rows(Path({str(kb_dir)!r}), Path({str(cache)!r}))\n"
        "assert first is not None and len(first.rows) == 15, first\n"
        "heavy = ('numpy', 'pypinyin', 'rapidfuzz', 'textual', 'agentui.core.search.index', 'agentui.core.kb.loader')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(heavy))\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_the_rows_read_in_a_forked_child_are_those_read_in_place(kb_dir: Path, tmp_path: Path):
    """The console's path: single-threaded at start, so a child process stats the KB's files on
    another core; what it sends back is what the reader gives in place, and the child is reaped."""
    cache = tmp_path / "cache"
    kb, index = open_search(kb_dir, cache)
    write_first_rows(cache, kb.fingerprint, _rows(index))
    script = (
        "import os, threading\n"
        "from pathlib import Path\n"
        "from agentui.core.search import first_screen\n"
        f"kb, cache = Path({str(kb_dir)!r}), Path({str(cache)!r})\n"
        "forks = []\n"
        "real_fork = os.fork\n"
        "os.fork = lambda: forks.append(1) or real_fork()\n"
        "assert threading.active_count() == 1\n"
        "first = first_screen.read_in_background(kb, cache)()\n"
        "assert forks == [1], forks\n"
        "assert first == first_screen.read_first_rows(kb, cache) and first is not None, first\n"
        "try:\n"
        "    os.waitpid(-1, os.WNOHANG)\n"
        "    raise AssertionError('a child was left')\n"
        "except ChildProcessError:\n"
        "    pass\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_with_other_threads_running_the_rows_are_read_on_a_thread(kb_dir: Path, tmp_path: Path, monkeypatch):
    """Forking a process that runs threads is unsafe: then a thread reads the rows."""
    import threading

    cache = tmp_path / "cache"
    kb, index = open_search(kb_dir, cache)
    write_first_rows(cache, kb.fingerprint, _rows(index))
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked with threads running"))
        assert read_in_background(kb_dir, cache)() == read_first_rows(kb_dir, cache)
    finally:
        stop.set()
        other.join()


@pytest.mark.parametrize("message", [b"", b"{", b"[]", b'{"stat_key": "s", "kb": "k", "rows": []}',
                                     b'{"stat_key": 1, "kb": "k", "rows": [["a", "faq", "t", "", []]]}',
                                     b'{"stat_key": "s", "kb": "k", "rows": [["a", "bogus", "t", "", []]]}',
                                     b"\xff\xfe"])
def test_a_garbled_message_from_the_child_gives_no_rows(message: bytes):
    from agentui.core.search.first_screen import _from_child

    assert _from_child(message) is None


def test_the_row_types_are_the_kb_entry_types():
    """The rows' badge check names the types itself (the console reads rows before the KB's model)."""
    from agentui.core.kb.model import EntryType
    from agentui.core.search.first_screen import ENTRY_TYPES

    assert {entry_type.value for entry_type in EntryType} == ENTRY_TYPES


def test_the_console_imports_the_first_rows_module_without_the_kb_modules():
    """It is imported before the first frame; the stat walk and the writer import what they need."""
    script = (
        "import sys\n"
        "import agentui.core.search.first_screen\n"
        "heavy = ('agentui.core.kb.', 'agentui.core.cases', 'hashlib')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(heavy))\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
