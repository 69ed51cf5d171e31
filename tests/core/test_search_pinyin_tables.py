"""pinyin_tables: the tables are built from pypinyin's data once, then read from the search cache
dir; a missing, corrupt, stale or foreign file is rebuilt and written again, never trusted."""

from __future__ import annotations

import os
import pickle
import stat
from pathlib import Path

import pytest
from pypinyin import Style, lazy_pinyin, pinyin

from agentui.core.search import hanzi, pinyin_tables
from agentui.core.search.pinyin_tables import PinyinTables


@pytest.fixture(scope="module")
def built() -> PinyinTables:
    return pinyin_tables.build()


@pytest.fixture
def builds(monkeypatch, built) -> list[PinyinTables]:
    """Every build the code under test asked for (each gives the tables built once above)."""
    calls: list[PinyinTables] = []

    def build() -> PinyinTables:
        calls.append(built)
        return built

    monkeypatch.setattr(pinyin_tables, "build", build)
    return calls


def _kept(cache_dir: Path) -> Path:
    [path] = cache_dir.glob("pinyin-*.pickle")
    return path


def test_the_tables_hold_what_pypinyin_knows(built):
    assert {"yin", "hang", "xing", "zhong", "chong", "lv"} <= set(built.syllables)
    assert len(built.syllables) > 400
    assert len(built.readings) > 100 and len(built.phrases) > 3000
    assert built.version == pinyin_tables.pypinyin_version() != "unknown"


def test_a_missing_file_is_built_once_then_read(tmp_path, builds, built):
    assert pinyin_tables.load(tmp_path) == built
    assert len(builds) == 1
    path = _kept(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert pinyin_tables.load(tmp_path) == built  # read back whole, not built again
    assert len(builds) == 1


@pytest.mark.parametrize("damage", [b"", b"not a pickle", "truncated", "foreign tuple"])
def test_a_corrupt_file_is_rebuilt_and_written_again(tmp_path, builds, built, damage):
    pinyin_tables.load(tmp_path)
    path = _kept(tmp_path)
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "foreign tuple":
        path.write_bytes(pickle.dumps(("agentui-index-header", "search-29", "x")))
    else:
        path.write_bytes(damage)
    assert pinyin_tables.load(tmp_path) == built
    assert len(builds) == 2
    assert path.read_bytes() == data  # written again, readable by the next start
    assert pinyin_tables.load(tmp_path) == built and len(builds) == 2


def test_a_file_naming_a_class_is_refused_without_running_it(tmp_path, builds, built):
    pinyin_tables.load(tmp_path)
    path = _kept(tmp_path)
    ran = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return os.mkdir, (str(ran),)

    path.write_bytes(pickle.dumps(Payload()))
    assert pinyin_tables.load(tmp_path) == built
    assert not ran.exists()
    assert len(builds) == 2


def test_tables_of_another_pypinyin_version_are_rebuilt_and_the_old_file_removed(tmp_path, builds, built, monkeypatch):
    monkeypatch.setattr(pinyin_tables, "pypinyin_version", lambda: "0.54.0")
    pinyin_tables.load(tmp_path)
    stale = _kept(tmp_path)
    monkeypatch.undo()
    monkeypatch.setattr(pinyin_tables, "build", lambda: builds.append(built) or built)
    assert pinyin_tables.load(tmp_path) == built
    assert len(builds) == 2
    assert _kept(tmp_path) != stale  # the stale file is gone, the new one kept


def test_a_file_of_another_version_under_this_versions_name_is_rebuilt(tmp_path, builds, built):
    """The name is only a hint: the file itself must say it holds this format and version."""
    path = pinyin_tables.tables_path(tmp_path, built.version)
    other = (pinyin_tables.TABLE_MARK, pinyin_tables.TABLE_FORMAT, "0.54.0", built.syllables,
             dict(built.readings), dict(built.phrases))
    path.write_bytes(pickle.dumps(other))
    assert pinyin_tables.load(tmp_path) == built
    assert len(builds) == 1
    assert pinyin_tables.read(path, built.version) == built


def test_another_table_format_is_rebuilt(tmp_path, builds, built, monkeypatch):
    pinyin_tables.load(tmp_path)
    monkeypatch.setattr(pinyin_tables, "TABLE_FORMAT", "pinyin-tables-0")
    assert pinyin_tables.load(tmp_path) == built
    assert len(builds) == 2


def test_a_cache_dir_that_cannot_be_written_still_gives_the_tables(tmp_path, builds, built):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache dir should be")
    assert pinyin_tables.load(blocked) == built
    assert pinyin_tables.load(None) == built


def test_tables_read_back_give_pypinyins_readings(tmp_path, monkeypatch):
    """The packed readings and phrases, read from the file, segment as the freshly built ones."""
    pinyin_tables.load(tmp_path)
    monkeypatch.setattr(pinyin_tables, "_tables", pinyin_tables.read(_kept(tmp_path), pinyin_tables.pypinyin_version()))
    monkeypatch.setattr(pinyin_tables, "_tables_home", None)
    monkeypatch.setattr(pinyin_tables, "_home", None)
    hanzi.phrases_from.cache_clear()
    hanzi._readings_block.cache_clear()
    try:
        for text in ("银行长", "重庆银行还款", "长度和长大", "保号卡", "ab绿12重", "〇𠀀"):
            assert hanzi.syllables(text) == lazy_pinyin(text, style=Style.NORMAL, errors=list), text
        for char in "行长重卡绿〇":
            assert hanzi.char_readings(char) == tuple(pinyin(char, style=Style.NORMAL, heteronym=True)[0]), char
    finally:
        hanzi.phrases_from.cache_clear()
        hanzi._readings_block.cache_clear()
