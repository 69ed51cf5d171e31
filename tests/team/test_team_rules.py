"""Floor rules on the server: one active case per agent, a held case is not reopened by another,
a supervisor may release it, and a stale write is refused and kept, not lost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import caught_up, server_rows, wait_for

from agentui.core.cases.errors import CaseAlreadyOpen
from agentui.core.cases.model import Caller, Disposition
from agentui.core.cases.server.remote import CaseHeld
from agentui.core.cases.server.team_store import TeamCaseStore, open_team_store


@pytest.fixture
def two_agents(pg_url: str, tmp_path: Path):
    wang = open_team_store(tmp_path / "wang", pg_url, agent="wang")
    li = open_team_store(tmp_path / "li", pg_url, agent="li")
    yield wang, li
    wang.close_store()
    li.close_store()


def test_each_agent_sees_only_their_own_active_case(two_agents: tuple[TeamCaseStore, TeamCaseStore]) -> None:
    wang, li = two_agents
    mine = wang.open_case()
    theirs = li.open_case()
    assert wang.active().id == mine.id and li.active().id == theirs.id
    wang.sync_now()
    li.sync_now()
    assert wang.history() == [] and li.history() == [], "open cases are nobody's history"


def test_a_case_another_agent_has_open_cannot_be_reopened_until_released(
    two_agents: tuple[TeamCaseStore, TeamCaseStore], pg_url: str
) -> None:
    wang, li = two_agents
    case = wang.open_case()
    wang.update(notes="王的记录")
    closed = wang.close(Disposition.CALLBACK, "回电")
    wait_for(wang, caught_up)  # pushed in the background; another console sees it once it is there
    assert [c.id for c in li.history(text="回电")] == [closed.id], "the floor's history is shared"
    li.reopen(closed.id)
    with pytest.raises(CaseHeld, match="li"):
        wang.reopen(case.id)
    li.update(notes="王的记录\n李补充")
    li.close(Disposition.RESOLVED, "done")
    wait_for(li, caught_up)
    reopened = wang.reopen(case.id)
    assert reopened.notes == "王的记录\n李补充" and reopened.edited_by == ["wang", "li"]


def test_a_supervisor_release_makes_the_holders_next_write_stale_refused_and_kept(
    two_agents: tuple[TeamCaseStore, TeamCaseStore], pg_url: str
) -> None:
    wang, li = two_agents
    case = wang.open_case()
    wang.update(notes="first")
    wait_for(wang, caught_up)
    assert li.release(case.id) == "wang"
    li.reopen(case.id)  # another agent takes it over
    wang.update(notes="first, then typed after the release")
    status = wait_for(wang, lambda s: s.waiting == 0 and "changed on the server" in s.problem)
    assert case.id in status.problem and "kept" in status.problem
    [kept] = wang.outbox.refused_files()
    assert json.loads(kept.read_text())["case"]["notes"] == "first, then typed after the release"
    assert wang.active().notes == "first, then typed after the release", "the agent's text stays on screen"
    assert server_rows(pg_url, "SELECT doc->>'notes' FROM agentui.cases") == [("first",)]
    assert server_rows(pg_url, "SELECT count(*) FROM agentui.refusals WHERE case_id = %s", case.id) == [(1,)]


def test_one_active_case_per_agent_across_workstations(pg_url: str, tmp_path: Path) -> None:
    desk = open_team_store(tmp_path / "desk", pg_url, agent="wang")
    case = desk.open_case()
    desk.update(caller=Caller("甲", "", "mts"), notes="从工位一开始")
    desk.sync_now()
    desk.server.close()
    desk.pusher.stop()
    desk.local.close_store()  # the desk's console died; the agent moves to another one
    other = open_team_store(tmp_path / "other", pg_url, agent="wang")
    try:
        resumed = other.active()
        assert resumed is not None and resumed.id == case.id and resumed.notes == "从工位一开始"
        assert any(case.id in note for note in other.recovery_notes)
        with pytest.raises(CaseAlreadyOpen):
            other.open_case()
        other.update(notes="从工位一开始，在工位二继续")
        other.close(Disposition.RESOLVED, "")
        assert other.history()[0].notes.endswith("在工位二继续")
    finally:
        other.close_store()
