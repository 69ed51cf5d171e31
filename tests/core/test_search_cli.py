"""`agentui search` as scripts use it: JSON lines in input order, exit codes, human output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agentui.cli import main

BROKEN_KB = Path(__file__).parents[1] / "data" / "kb_broken"


def run_cli(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentui", *args], input=stdin, capture_output=True, text=True, timeout=120
    )


def test_json_single_query(capsys):
    assert main(["search", "--json", "--limit", "3", "补卡"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["query"] == "补卡"
    assert len(payload["results"]) == 3
    first = payload["results"][0]
    assert set(first) == {"id", "type", "title", "score", "spans"}
    assert first["type"] == "procedure" and 0 < first["score"] <= 100
    assert first["title"][slice(*first["spans"]["title"][0])] == "补卡"
    assert payload["elapsed_ms"] >= 0


def test_stdin_gives_one_json_line_per_query_in_order():
    result = run_cli(["search", "--json", "--stdin"], stdin="mts\nbuka\n\nМегаФон\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["mts", "buka", "", "МегаФон"]
    assert lines[0]["results"][0]["id"] == "contact-mts"
    assert lines[3]["results"][0]["id"] == "contact-megafon"
    assert lines[2]["results"], "an empty query lists default entries"


def test_human_output_lists_rank_type_title_score(capsys):
    assert main(["search", "megafno"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(" 1. [contact]") and "MegaFon" in first


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search"], "give either QUERY or --stdin"),
        (["search", "--limit", "0", "x"], "--limit must be at least 1"),
        (["search", "--kb", "/nonexistent-kb", "x"], "not a directory"),
    ],
)
def test_bad_input_is_a_clear_error(capsys, args, message):
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_kb_check_on_bundled_kb_is_clean(capsys):
    assert main(["kb", "check"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].endswith("; clean") and "8 procedure" in out[-1]


def test_kb_check_reports_problems_and_fails(capsys):
    assert main(["kb", "check", "--kb", str(BROKEN_KB)]) == 1
    out = capsys.readouterr().out
    assert f"{BROKEN_KB}/bad/traps.md:2: 'id' must be text" in out
    assert "problem(s)" in out.splitlines()[-1]


def test_version():
    result = run_cli(["--version"])
    assert result.returncode == 0 and result.stdout.startswith("agentui ")


def test_json_names_the_words_no_entry_holds_together(capsys):
    """Additive fields: the contract's keys stay as they were."""
    assert main(["search", "--json", "--no-usage", "注销流量卡"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert {"query", "results", "elapsed_ms"} <= set(payload)
    assert payload["words"] == ["注销", "流量卡"] and payload["unmatched_words"] == ["注销"]
    assert payload["results"][0]["id"] == "data-sim-replacement-online"
    assert main(["search", "--json", "esim 注销"]) == 0
    assert json.loads(capsys.readouterr().out)["unmatched_words"] == []


def test_human_output_says_when_no_entry_has_every_word(capsys):
    assert main(["search", "--limit", "3", "cancel data card"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "no entry has all of: cancel, data, card (the closest below lack: cancel)"
    assert lines[1].startswith(" 1. [procedure]") and len(lines) == 4
    assert main(["search", "--limit", "3", "流量卡 线下"]) == 0
    assert capsys.readouterr().out.startswith(" 1. [procedure] 流量卡线下补卡")
