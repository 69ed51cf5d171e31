"""The store protocol, whole: the CLI and the console's screens read and write cases only through
`CaseReader`/`CaseStore`, so another backend is a second implementation, not a second code path."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

import agentui
from agentui.cli import main
from agentui.core.cases import choose as choose_module
from agentui.core.cases import opening as store_module
from agentui.core.cases.errors import StoreError
from agentui.core.cases.model import Caller, Case, Disposition
from agentui.core.cases.opening import open_store
from agentui.core.cases.protocol import CaseReader, CaseStore

PACKAGE = Path(agentui.__file__).parent


def files_state(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}


def test_a_read_only_store_reads_while_the_console_holds_the_lock(data_dir: Path) -> None:
    console = open_store(data_dir)
    try:
        console.open_case()
        console.update(caller=Caller("王芳", "+7 916 123-45-67", "mts"), notes="补卡")
        closed = console.close(Disposition.RESOLVED, "已解决")
        active = console.open_case()
        before = files_state(data_dir)

        reader = open_store(data_dir, read_only=True)
        assert isinstance(console, CaseStore) and isinstance(reader, CaseReader)
        assert not isinstance(reader, CaseStore), "a reader has no writes"
        assert reader.active() == console.active() == active
        assert reader.get(closed.id) == closed and reader.get(active.id) == active
        assert [c.id for c in reader.history()] == [closed.id]
        assert reader.history(text="补卡") == [closed] and reader.history(operator="beeline") == []
        assert reader.history(disposition="resolved", limit=1) == [closed]
        assert reader.complete and reader.recovery_notes == []
        reader.close_store()
        assert files_state(data_dir) == before, "reading changes nothing, not even the lock file"
        console.update(notes="the console keeps working")
    finally:
        console.close_store()


def test_a_read_only_store_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="No data dir"):
        open_store(tmp_path / "missing", read_only=True)
    assert not (tmp_path / "missing").exists()


def test_damage_is_reported_through_the_protocol(data_dir: Path) -> None:
    store = open_store(data_dir)
    store.open_case()
    store.close(Disposition.RESOLVED, "ok")
    store.close_store()
    (data_dir / "cases" / "history" / "2020-01.json").write_bytes(b"{broken")
    reader = open_store(data_dir, read_only=True)
    assert not reader.complete and any("2020-01.json" in note for note in reader.recovery_notes)
    store = open_store(data_dir)
    assert not store.complete and any("moved aside" in note for note in store.recovery_notes)
    store.close_store()


class MemoryReader:
    """A second `CaseReader`, as a server backend would be: nothing on disk at all."""

    def __init__(self, cases: list[Case], *, complete: bool = True) -> None:
        self.cases = cases
        self.recovery_notes = [] if complete else ["server: 1 case could not be read"]
        self._complete = complete
        self.closed = False

    @property
    def complete(self) -> bool:
        return self._complete

    def active(self) -> Case | None:
        return next((c for c in self.cases if c.is_open), None)

    def get(self, case_id: str) -> Case | None:
        return next((c for c in self.cases if c.id == case_id), None)

    def history(self, *, text: str = "", operator: str = "", disposition: str = "", limit: int = 50) -> Sequence[Case]:
        return [c for c in self.cases if not c.is_open]

    def close_store(self) -> None:
        self.closed = True


@pytest.mark.parametrize("complete", [True, False])
def test_the_cli_reads_any_case_reader(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path, complete: bool) -> None:
    cases = [Case(id="C260101-0900-AAAA", opened_at="2026-01-01T09:00:00+00:00", notes="进行中"),
             Case(id="C251231-0800-BBBB", opened_at="2025-12-31T08:00:00+00:00", notes="远程服务器上的案子",
                  closed_at="2025-12-31T08:10:00+00:00", disposition="resolved")]
    reader = MemoryReader(cases, complete=complete)
    opened: list[tuple[Path, bool]] = []

    def fake_open_store(data_dir: Path, *, read_only: bool = False) -> MemoryReader:
        opened.append((data_dir, read_only))
        return reader

    monkeypatch.setattr(store_module, "open_store", fake_open_store)
    monkeypatch.setattr(choose_module, "open_store", fake_open_store)
    data = ["--data", str(tmp_path)]
    assert main(["cases", "list", *data]) == 0
    out, err = capsys.readouterr()
    assert [line.split()[0] for line in out.splitlines()] == ["C260101-0900-AAAA", "C251231-0800-BBBB"]
    assert main(["cases", "show", "c251231-0800-bbbb", *data]) == 0
    assert "远程服务器上的案子" in capsys.readouterr().out
    assert main(["cases", "export", *data]) == (0 if complete else 1)
    out, err = capsys.readouterr()
    assert "远程服务器上的案子" in out and ("server: 1 case" in err) != complete
    assert opened and all(read_only for _, read_only in opened), "the CLI never takes the console's lock"
    assert reader.closed


def test_ui_modules_reach_the_store_only_through_the_call_session() -> None:
    """`CallSession` is the single gateway: no screen or widget holds the store or reads its
    attributes around the protocol (`getattr(store, "recovery_notes")` used to)."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(("core/", "cli/")) or relative == "session.py":
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"session\.store\b", r"getattr\(\s*\w*store", r"(?<!new_)recovery_notes"):
            offenders += [f"{relative}: {pattern}" for _ in re.finditer(pattern, text)]
    assert offenders == []


def test_the_cli_does_not_read_store_files_itself() -> None:
    text = (PACKAGE / "cli" / "cases.py").read_text(encoding="utf-8")
    for internal in ("tinydb", "cases.reader", "cases.history", "cases.storage", "read_history", os.sep + "json"):
        assert internal not in text, internal
