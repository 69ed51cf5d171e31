"""Facts dated in the body with `[fact]{verified=YYYY-MM-DD}`: read out of the text the agent sees,
kept with their spans and file lines, and every malformed marker reported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from agentui.core.kb import load_kb
from agentui.core.kb.model import Fact
from agentui.core.kb.records import from_record, to_record
from agentui.core.search import SearchIndex

FAQ = "---\nid: {id}\ntype: faq\ntitle: 热线\n---\n{body}\n"


def _load(tmp_path: Path, body: str, entry_id: str = "hotline"):
    (tmp_path / f"{entry_id}.md").write_text(FAQ.format(id=entry_id, body=body), encoding="utf-8")
    return load_kb(tmp_path)


def test_a_dated_fact_is_shown_without_its_marker_and_kept_with_its_span(tmp_path: Path):
    kb = _load(tmp_path, "MTS 热线：[8 800 250-08-90]{verified=2026-11-22}，工作日可用。\n\n"
                         "App：[Мой МТС]{verified=2025-01-02}。")
    assert kb.problems == []
    entry = kb.entries["hotline"]
    assert entry.body == "MTS 热线：8 800 250-08-90，工作日可用。\n\nApp：Мой МТС。"
    assert "{" not in entry.body and "[" not in entry.body and "verified" not in entry.body
    first, second = entry.facts
    assert first == Fact(7, 22, date(2026, 11, 22), 6, "8 800 250-08-90")
    assert second == Fact(entry.body.index("Мой"), entry.body.index("。", 30), date(2025, 1, 2), 8, "Мой МТС")
    assert all(entry.body[f.start:f.end] == f.text for f in entry.facts)


def test_facts_in_procedure_steps_leave_clean_step_text(tmp_path: Path):
    text = ("---\nid: proc\ntype: procedure\ntitle: 流程\n---\n## 步骤\n\n1. 拨打 [0890]{verified=2026-01-05}。\n"
            "2. 等待。\n3. 完成。\n")
    (tmp_path / "proc.md").write_text(text, encoding="utf-8")
    kb = load_kb(tmp_path)
    assert kb.problems == []
    entry = kb.entries["proc"]
    assert entry.steps[0].text == "拨打 0890。" and entry.steps[0].line == 8
    [fact] = entry.facts
    assert (fact.text, fact.line) == ("0890", 8)


def test_the_search_index_holds_the_fact_not_the_marker(tmp_path: Path):
    kb = _load(tmp_path, "热线 [8 800 250-08-90]{verified=2026-11-22}")
    index = SearchIndex.from_records(kb.records)
    assert [hit.id for hit in index.search("88002500890", limit=3)] == ["hotline"]
    assert not index.search("verified", limit=3)


@pytest.mark.parametrize(
    ("body", "message", "shown"),
    [
        ("A [8 800]{verified=2026-13-01} B", "fact marker date 2026-13-01 is not a real date", "A 8 800 B"),
        ("A [8 800]{verified=22.11.2026} B", "fact marker '{verified=22.11.2026}' is malformed", "A 8 800 B"),
        ("A [8 800]{verified 2026-11-22} B", "fact marker '{verified 2026-11-22}' is malformed", "A 8 800 B"),
        ("A 8 800 {verified=2026-11-22} B", "fact marker without the fact", "A 8 800  B"),
        ("A []{verified=2026-11-22} B", "fact marker with an empty fact", "A  B"),
        ("A [8 800]{verified=2026-11-22 B", "'{verified' here is no fact marker", "A [8 800]{verified=2026-11-22 B"),
    ],
    ids=["impossible-date", "dotted-date", "no-equals", "no-brackets", "empty", "unclosed"],
)
def test_a_malformed_marker_is_a_problem_on_its_line(tmp_path: Path, body: str, message: str, shown: str):
    kb = _load(tmp_path, f"第一行。\n{body}")
    [problem] = kb.problems
    assert (problem.path.name, problem.line) == ("hotline.md", 7)
    assert problem.message.startswith(message), problem.message
    entry = kb.entries["hotline"]
    assert entry.body == f"第一行。\n{shown}" and entry.facts == ()


def test_records_carry_facts_through_the_cache_form(tmp_path: Path):
    kb = _load(tmp_path, "[8 800]{verified=2026-11-22} 与 [0890]{verified=2025-03-04}")
    record = kb.records[0]
    assert record.facts == ((0, 5, "2026-11-22"), (8, 12, "2025-03-04"))
    assert to_record(from_record(record)) == record
