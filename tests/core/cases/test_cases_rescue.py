"""Rescue files: unsaved typing written where there is room, private, redacted, found again by the
console of the same data dir only."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from agentui.core.cases import atomic
from agentui.core.cases.rescue import RescueFailed, find_rescues, remove_rescue, rescue_dirs, write_rescue


class DiskFull:
    """`os` as the atomic writer sees it, with writes under `root` failing with ENOSPC."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self.paths: dict[int, str] = {}

    def __getattr__(self, name: str):
        return getattr(os, name)

    def open(self, path, *args, **kwargs):
        fd = os.open(path, *args, **kwargs)
        self.paths[fd] = os.fspath(path)
        return fd

    def write(self, fd, data):
        if self.paths.get(fd, "").startswith(self.root):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return os.write(fd, data)


def test_rescue_goes_beside_the_data_and_comes_back(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    dirs = [data_dir / "rescue", tmp_path / "runtime"]
    path = write_rescue(
        data_dir, case_id="C1", fields={"notes": "客户来电 a\ud800b", "name": "王"}, reason="disk full", dirs=dirs
    )
    assert path.parent == data_dir / "rescue"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    [rescue] = find_rescues(data_dir, dirs)
    assert (rescue.case_id, rescue.reason) == ("C1", "disk full")
    assert rescue.fields == {"notes": "客户来电 a\ufffdb", "name": "王"}
    remove_rescue(rescue)
    assert find_rescues(data_dir, dirs) == []


def test_a_full_data_disk_sends_the_rescue_to_the_next_place(tmp_path: Path, monkeypatch) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    monkeypatch.setattr(atomic, "os", DiskFull(data_dir))
    dirs = [data_dir / "rescue", tmp_path / "runtime"]
    path = write_rescue(data_dir, case_id=None, fields={"notes": "typed"}, reason="x", dirs=dirs)
    assert path.parent == tmp_path / "runtime"
    assert list((data_dir / "rescue").iterdir()) == [], "no temp file left behind"
    assert [r.fields for r in find_rescues(data_dir, dirs)] == [{"notes": "typed"}]


def test_nowhere_to_write_is_an_error_naming_every_place(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(atomic, "os", DiskFull(tmp_path))
    dirs = [tmp_path / "a", tmp_path / "b"]
    with pytest.raises(RescueFailed) as failed:
        write_rescue(tmp_path, case_id=None, fields={"notes": "x"}, reason="x", dirs=dirs)
    assert str(tmp_path / "a") in str(failed.value) and str(tmp_path / "b") in str(failed.value)


def test_card_numbers_never_reach_a_rescue_file(tmp_path: Path) -> None:
    fields = {"notes": "卡号 4111 1111 1111 1111"}
    path = write_rescue(tmp_path, case_id=None, fields=fields, reason="", dirs=[tmp_path])
    assert "4111 1111" not in path.read_text(encoding="utf-8")


def test_other_data_dirs_and_shared_folders_are_not_trusted(tmp_path: Path) -> None:
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    shared = tmp_path / "shared"
    write_rescue(theirs, case_id=None, fields={"notes": "theirs"}, reason="", dirs=[shared])
    assert find_rescues(mine, [shared]) == []
    assert len(find_rescues(theirs, [shared])) == 1
    shared.chmod(0o777)  # a folder anyone can write to: neither used nor read
    assert find_rescues(theirs, [shared]) == []
    with pytest.raises(RescueFailed):
        write_rescue(theirs, case_id=None, fields={"notes": "x"}, reason="", dirs=[shared])


def test_the_runtime_dir_is_a_fallback(tmp_path: Path) -> None:
    dirs = rescue_dirs(tmp_path / "data", {"XDG_RUNTIME_DIR": str(tmp_path / "run")})
    assert dirs[0] == tmp_path / "data" / "rescue"
    assert dirs[1] == tmp_path / "run" / "agentui"
