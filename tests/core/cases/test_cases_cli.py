"""`agentui cases list|show|export`: what a supervisor or a script sees, while a console runs."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from agentui.cli import main
from agentui.core.cases.model import Caller, Disposition
from agentui.core.cases.opening import open_store
from agentui.core.cases.store import TinyCaseStore


@pytest.fixture
def busy_dir(data_dir: Path) -> tuple[Path, TinyCaseStore, list[str]]:
    """Two closed cases and an active one, with the console's lock still held."""
    store = open_store(data_dir)
    ids = []
    for name, phone, notes in (
        ("王芳", "+7 (495) 777-00-00", "护照 E12345678，回电 89161234567 😀"),
        ("Иван", "8 916 123-45-67", "```代码``` e\u0301"),
    ):
        store.open_case()
        store.update(caller=Caller(name, phone, "mts"), notes=notes)
        ids.append(store.close(Disposition.RESOLVED, f"{name} 已解决").id)
    ids.append(store.open_case().id)
    store.update(notes="进行中")
    return data_dir, store, ids


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_while_the_console_holds_the_lock(busy_dir, capsys) -> None:
    data_dir, store, ids = busy_dir
    code, out, err = run_cli(capsys, "cases", "list", "--data", str(data_dir))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == [ids[2], ids[1], ids[0]]
    assert "open" in lines[0] and "resolved" in lines[1] and "王芳" in lines[2]
    assert " MTS " in lines[2] and " mts " not in lines[2]
    store.close_store()


def test_global_data_option_and_env_var_work_too(busy_dir, capsys, monkeypatch) -> None:
    data_dir, store, ids = busy_dir
    assert run_cli(capsys, "--data", str(data_dir), "cases", "list")[1].count("\n") == 3
    monkeypatch.setenv("AGENTUI_DATA_DIR", str(data_dir))
    assert run_cli(capsys, "cases", "list", "--limit", "1")[1].split()[0] == ids[2]
    store.close_store()


def test_show_prints_the_whole_case(busy_dir, capsys) -> None:
    data_dir, store, ids = busy_dir
    code, out, _ = run_cli(capsys, "cases", "show", ids[0].lower(), "--data", str(data_dir))
    assert code == 0
    assert ids[0] in out and "王芳" in out and "护照 E12345678，回电 89161234567 😀" in out
    assert "Caller:   王芳 · +7 (495) 777-00-00 · MTS" in out  # the operator's name, not its id "mts"
    code, out, _ = run_cli(capsys, "cases", "show", ids[0], "--mask", "--data", str(data_dir))
    assert "E******78" in out and "*******4567" in out and "+* (***) ***-00-00" in out
    assert "E12345678" not in out and "89161234567" not in out
    store.close_store()


def test_unknown_case_id_exits_1_with_a_message(busy_dir, capsys) -> None:
    data_dir, store, _ = busy_dir
    code, out, err = run_cli(capsys, "cases", "show", "C000000-0000-0000", "--data", str(data_dir))
    assert code == 1 and out == "" and "C000000-0000-0000" in err
    store.close_store()


def test_missing_data_dir_is_an_error(tmp_path, capsys) -> None:
    code, out, err = run_cli(capsys, "cases", "list", "--data", str(tmp_path / "nope"))
    assert code == 1 and out == "" and str(tmp_path / "nope") in err


def test_export_json_round_trips(busy_dir, capsys) -> None:
    data_dir, store, ids = busy_dir
    code, out, err = run_cli(capsys, "cases", "export", "--data", str(data_dir))
    assert code == 0 and err == ""
    exported = json.loads(out)
    assert [case["id"] for case in exported] == [ids[2], ids[1], ids[0]]
    assert exported[2]["notes"] == "护照 E12345678，回电 89161234567 😀"
    assert exported[1]["notes"] == "```代码``` e\u0301" and exported[0]["closed_at"] is None
    store.close_store()


def test_export_csv_and_markdown_with_mask(busy_dir, capsys) -> None:
    data_dir, store, ids = busy_dir
    code, out, _ = run_cli(capsys, "cases", "export", "--format", "csv", "--mask", "--data", str(data_dir))
    assert code == 0
    assert out.startswith("\ufeff"), "a BOM, or Excel shows the Chinese as mojibake"
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert [row["id"] for row in rows] == [ids[2], ids[1], ids[0]]
    assert rows[2]["caller_phone"] == "'+* (***) ***-00-00", "a leading + is quoted (CSV injection)"
    assert rows[2]["notes"] == "护照 E******78，回电 *******4567 😀"
    assert "89161234567" not in out and "E12345678" not in out

    code, out, _ = run_cli(capsys, "cases", "export", "--format", "md", "--data", str(data_dir))
    assert code == 0 and f"## {ids[1]}" in out
    assert "````text\n```代码``` e\u0301\n````" in out, "notes with a code fence stay inside a longer fence"
    store.close_store()


def test_export_reports_damaged_files_and_exits_1(busy_dir, capsys) -> None:
    data_dir, store, ids = busy_dir
    store.close_store()
    (data_dir / "cases" / "history" / "2024-02.json").write_bytes(b"{broken")
    code, out, err = run_cli(capsys, "cases", "export", "--data", str(data_dir))
    assert code == 1 and "2024-02.json" in err
    assert len(json.loads(out)) == 3, "everything readable is still exported"


def test_export_runs_as_a_separate_process_next_to_the_console(busy_dir) -> None:
    data_dir, store, ids = busy_dir
    result = subprocess.run(
        [sys.executable, "-m", "agentui", "cases", "export", "--format", "json", "--data", str(data_dir)],
        capture_output=True,
    )
    assert result.returncode == 0, result.stderr.decode()
    assert [case["id"] for case in json.loads(result.stdout.decode("utf-8"))] == [ids[2], ids[1], ids[0]]
    store.update(notes="the console is not disturbed")
    store.close_store()


def test_human_output_never_passes_escape_sequences_to_the_terminal(data_dir: Path, capsys) -> None:
    """A note pasted from elsewhere may carry ESC, OSC 52 (clipboard) or C1 bytes."""
    store = open_store(data_dir)
    store.open_case()
    store.update(caller=Caller("A\x1b]52;c;ZXZpbA==\x07B", "1", "mts"), notes="x\x1b[2Jy \x9b31m z\u202e")
    case_id = store.close(Disposition.RESOLVED, "ok\x1b[31m").id
    store.close_store()
    for argv in (("list",), ("show", case_id), ("export", "--format", "md")):
        code, out, _ = run_cli(capsys, "cases", *argv, "--data", str(data_dir))
        assert code == 0 and "AB" in out
        assert not {"\x1b", "\x9b", "\x07", "\u202e"} & set(out), argv
