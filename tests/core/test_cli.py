"""The command line's console path: parsed without the subcommands, with their errors kept."""

from __future__ import annotations

from pathlib import Path

import pytest

import agentui.cli.console
from agentui.cli import main


def test_console_options_reach_the_console(monkeypatch, tmp_path: Path):
    seen = []
    monkeypatch.setattr(agentui.cli.console, "run_console", lambda args: seen.append(args) or 0)
    assert main(["--lang", "en", "--data", str(tmp_path), "--kb", str(tmp_path / "kb")]) == 0
    [args] = seen
    assert (args.command, args.lang, args.data, args.kb) == (None, "en", tmp_path, tmp_path / "kb")


def test_a_mistyped_command_names_the_real_ones(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["serch", "补卡"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'serch'" in capsys.readouterr().err


def test_help_lists_the_subcommands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(command in out for command in ("search", "kb", "cases"))
