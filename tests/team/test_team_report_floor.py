"""`agentui report` on both stores, and the floor: one query per change burst, pushed by NOTIFY."""

from __future__ import annotations

import csv
import io
import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import caught_up, wait_for

from agentui.cli import main
from agentui.core.cases.model import Caller, Disposition
from agentui.core.cases.opening import open_store
from agentui.core.cases.report import build_report, percentile
from agentui.core.cases.server.floor import FloorWatcher
from agentui.core.cases.server.team_store import open_team_store


def test_percentiles_are_nearest_rank() -> None:
    assert percentile([], 0.5) is None
    assert percentile([30, 10, 20, 40], 0.5) == 20 and percentile([30, 10, 20, 40], 0.9) == 40
    assert percentile(list(range(1, 101)), 0.9) == 90


def _calls(store) -> None:  # noqa: ANN001
    for n, (operator, category, disposition) in enumerate((
        ("mts", "补卡", Disposition.RESOLVED), ("mts", "注销", Disposition.ESCALATED),
        ("beeline", "补卡", Disposition.RESOLVED),
    )):  # fmt: skip
        store.open_case()
        store.update(caller=Caller(f"客户{n}", "", operator), category=category)
        store.record_article("esim-replacement")
        store.record_script("=cmd|'/c calc'!A1" if n == 0 else "script-greeting")
        store.close(disposition, "")
    store.record_event("zero", "注销 流量卡")
    store.record_event("miss", "注销  流量卡")
    store.record_event("miss", "eSIM 转移")


@pytest.mark.parametrize("kind", ["embedded", "server"])
def test_report_on_either_store(kind: str, tmp_path: Path, request, capsys, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.delenv("AGENTUI_STORE", raising=False)
    args = ["--data", str(tmp_path / "data")]
    if kind == "server":
        url = request.getfixturevalue("pg_url")
        store = open_team_store(tmp_path / "data", url, agent="wang")
        args += ["--store", url]
    else:
        store = open_store(tmp_path / "data", agent="wang")
    _calls(store)
    if kind == "server":
        wait_for(store, caught_up)
    store.close_store()

    assert main(["report", *args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["calls"] == 3 and data["agents"] == [["wang", 3]]
    assert data["dispositions"] == [["resolved", 2], ["escalated", 1]]
    assert data["categories"] == [["补卡", 2], ["注销", 1]] and data["operators"] == [["mts", 2], ["beeline", 1]]
    assert data["entries"] == [["esim-replacement", 3]]
    assert data["misses"][0]["query"] == "注销 流量卡" and data["misses"][0]["count"] == 2
    assert data["phases"]["handle"]["calls"] == 3

    assert main(["report", *args, "--format", "csv"]) == 0
    raw = capsys.readouterr().out
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw.lstrip("\ufeff"))))
    assert ["category", "补卡", "2", "", ""] in rows
    assert ["script", "'=cmd|'/c calc'!A1", "1", "", ""] in rows, "a formula is text in Excel"

    assert main(["report", *args]) == 0
    table = capsys.readouterr().out
    assert "▇" in table and "补卡" in table and "calls per day" in table and "注销 流量卡" in table
    assert main(["report", *args, "--agent", "li", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["calls"] == 0


def test_report_per_day_uses_the_given_zone() -> None:
    from agentui.core.cases.records import CallRecord

    def record(closed: str) -> CallRecord:
        return CallRecord("c", closed, closed, "a", "resolved", "", "", 1, 0, 0, 0, 1)

    report = build_report([record("2026-03-01T23:30:00+00:00"), record("2026-03-02T00:30:00+00:00")], [],
                          since="", until="", tz=UTC)  # fmt: skip
    assert report.per_day == [("2026-03-01", 1), ("2026-03-02", 1)]


def test_floor_shows_each_agent_live_through_notify(pg_url: str, tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("AGENTUI_STORE", raising=False)
    seen = threading.Condition()
    snapshots: list[list] = []

    def on_rows(rows) -> None:  # noqa: ANN001
        with seen:
            snapshots.append(rows)
            seen.notify_all()

    watcher = FloorWatcher(pg_url, on_rows, day_start=lambda: datetime.now(UTC) - timedelta(days=1))
    watcher.start()
    wang = open_team_store(tmp_path / "wang", pg_url, agent="wang")
    li = open_team_store(tmp_path / "li", pg_url, agent="li")
    try:
        with seen:
            assert seen.wait_for(lambda: snapshots, timeout=10)
        case = wang.open_case()
        wang.update(caller=Caller("甲", "", "megafon"), category="补卡")
        wang.set_hold(True)
        li.open_case()
        li.close(Disposition.RESOLVED, "")

        def both_there() -> bool:
            rows = {row.agent: row for row in snapshots[-1]}
            return (
                "wang" in rows and rows["wang"].case is not None and rows["wang"].case.on_hold
                and "li" in rows and rows["li"].calls_today == 1 and rows["li"].case is None
            )  # fmt: skip

        with seen:
            assert seen.wait_for(both_there, timeout=10), snapshots[-1]
        row = {r.agent: r for r in snapshots[-1]}["wang"]
        assert row.case.id == case.id and row.case.category == "补卡" and row.case.caller.operator == "megafon"
        assert main(["floor", "--once", "--store", pg_url]) == 0
        out = capsys.readouterr().out
        assert case.id in out and "⏸" in out and "resolved:1" in out
    finally:
        watcher.stop()
        wang.close_store()
        li.close_store()


def test_floor_release_command(pg_url: str, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    wang = open_team_store(tmp_path / "wang", pg_url, agent="wang")
    try:
        case = wang.open_case()
        wait_for(wang, caught_up)
        assert main(["floor", "--store", pg_url, "--release", case.id]) == 0
        assert "held by wang" in capsys.readouterr().out
        assert main(["floor", "--store", pg_url, "--release", case.id]) == 1
    finally:
        wang.close_store()


def test_cases_commands_read_the_floor_in_team_mode(pg_url: str, tmp_path: Path, capsys, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("AGENTUI_STORE", pg_url)
    wang = open_team_store(tmp_path / "wang", pg_url, agent="wang")
    try:
        wang.open_case()
        closed = wang.close(Disposition.RESOLVED, "王的小结")
        wait_for(wang, caught_up)
    finally:
        wang.close_store()
    assert main(["cases", "--data", str(tmp_path / "elsewhere"), "list"]) == 0
    assert closed.id in capsys.readouterr().out, "another workstation lists the floor's cases"
    assert main(["--agent", "li", "cases", "show", closed.id]) == 0
    assert "王的小结" in capsys.readouterr().out
