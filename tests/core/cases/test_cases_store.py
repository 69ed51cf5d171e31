"""What only the embedded store promises: private files, and history that autosave never rewrites.

The lifecycle both stores share is in tests/team/test_store_contract.py, run on each.
"""

from __future__ import annotations

from pathlib import Path

from agentui.core.cases.model import Disposition
from agentui.core.cases.opening import open_store


def test_permissions_are_private(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o755)
    store = open_store(data_dir)
    store.open_case()
    store.update(notes="x")
    store.close(Disposition.RESOLVED, "y")
    store.open_case()
    store.close_store()
    for path in [data_dir, *data_dir.rglob("*")]:
        mode = path.stat().st_mode & 0o777
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path} is {oct(mode)}"


def test_files_made_public_by_hand_are_made_private_again(data_dir: Path) -> None:
    open_store(data_dir).close_store()
    store = open_store(data_dir)
    store.open_case()
    store.close_store()
    active = data_dir / "cases" / "active.json"
    active.chmod(0o644)
    open_store(data_dir).close_store()
    assert active.stat().st_mode & 0o777 == 0o600


def test_history_is_partitioned_so_autosave_never_rewrites_it(data_dir: Path) -> None:
    store = open_store(data_dir)
    store.open_case()
    store.close(Disposition.RESOLVED, "old")
    history_files = list((data_dir / "cases" / "history").glob("*.json"))
    assert len(history_files) == 1
    before = {p: p.stat().st_ino for p in history_files}
    store.open_case()
    for n in range(5):
        store.update(notes=f"autosave {n}")
    assert {p: p.stat().st_ino for p in history_files} == before  # replaced files get new inodes
    store.close_store()
