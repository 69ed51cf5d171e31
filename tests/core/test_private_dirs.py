"""With umask 000, every directory agentui creates is still 0700 (notes and settings are personal),
and settings are saved like cases: atomically, durably, with failures reported."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentui.config import Settings, SettingsNotSaved, load_settings, save_choices
from agentui.core.cases import atomic
from agentui.core.cases.opening import open_store

FIXTURE_KB = Path(__file__).parents[1] / "ui" / "fixtures" / "kb"


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def modes_below(root: Path) -> dict[str, int]:
    """The mode of every directory under `root` (not `root` itself, which the test made)."""
    found = {}
    for dirpath, dirnames, _ in os.walk(root):
        for name in dirnames:
            path = Path(dirpath) / name
            found[str(path.relative_to(root))] = stat.S_IMODE(path.stat().st_mode)
    return found


def test_data_dir_and_its_new_parents_are_private(tmp_path: Path, open_umask: None) -> None:
    store = open_store(tmp_path / "new" / "parents" / "data")
    store.open_case()
    store.close_store()
    modes = modes_below(tmp_path)
    assert set(modes) >= {"new", "new/parents", "new/parents/data", "new/parents/data/cases"}
    assert all(mode == 0o700 for mode in modes.values()), modes
    for name in ("agentui.lock", "cases/active.json"):
        assert stat.S_IMODE((tmp_path / "new" / "parents" / "data" / name).stat().st_mode) == 0o600


def test_an_existing_parent_is_left_as_it_was(tmp_path: Path, open_umask: None) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    open_store(shared / "data").close_store()
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755, "not ours to change"


def test_cache_dir_and_its_new_parents_are_private(tmp_path: Path, open_umask: None) -> None:
    from agentui.core.search import open_search

    open_search(FIXTURE_KB, tmp_path / "cache" / "agentui")
    modes = modes_below(tmp_path)
    assert "cache/agentui" in modes and all(mode == 0o700 for mode in modes.values()), modes


def settings_in(config_file: Path, **choices: str) -> Settings:
    return Settings(kb_dir=FIXTURE_KB, data_dir=config_file.parent / "data", cache_dir=None,
                    config_file=config_file, **choices)


def test_settings_are_saved_privately_and_read_back(tmp_path: Path, open_umask: None) -> None:
    config_file = tmp_path / "config" / "agentui" / "settings.json"
    save_choices(settings_in(config_file, theme="nord", lang="en", agent_name="小王"))
    modes = modes_below(tmp_path)
    assert all(mode == 0o700 for mode in modes.values()), modes
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    loaded = load_settings(config_file=config_file)
    assert (loaded.theme, loaded.lang, loaded.agent_name) == ("nord", "en", "小王")


class FailingOS:
    """`os` as the atomic writer sees it, with every `os.<name>` call failing with ENOSPC."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __getattr__(self, attr: str) -> object:
        if attr == self.name:
            def fail(*args: object, **kwargs: object) -> None:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return fail
        return getattr(os, attr)


@pytest.mark.parametrize("call", ["write", "fsync", "replace"])
def test_a_failed_settings_save_is_reported_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    config_file = tmp_path / "settings.json"
    save_choices(settings_in(config_file, theme="nord"))
    before = config_file.read_bytes()
    monkeypatch.setattr(atomic, "os", FailingOS(call))
    with pytest.raises(SettingsNotSaved) as failed:
        save_choices(settings_in(config_file, theme="dracula"))
    monkeypatch.setattr(atomic, "os", os)
    assert os.strerror(errno.ENOSPC) in str(failed.value) and "settings.json" in str(failed.value)
    assert config_file.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"], "no temp file left"


def test_settings_save_flushes_the_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[bool] = []
    real_fsync = os.fsync

    class SpyOS:
        def __getattr__(self, attr: str) -> object:
            if attr == "fsync":
                def fsync(fd: int) -> None:
                    synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
                    real_fsync(fd)
                return fsync
            return getattr(os, attr)

    monkeypatch.setattr(atomic, "os", SpyOS())
    save_choices(settings_in(tmp_path / "settings.json", theme="nord"))
    assert synced[-1] is True, "the rename is made durable by a directory fsync"
