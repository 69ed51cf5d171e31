"""The loader reports every broken file as path:line and still loads the good ones."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from agentui.core.kb import EntryType, load_kb
from agentui.core.kb.source import MAX_FILE_BYTES

BROKEN = Path(__file__).parents[1] / "data" / "kb_broken"


@pytest.fixture(scope="module")
def broken_kb():
    return load_kb(BROKEN)


def problems_for(kb, name: str) -> list[str]:
    return [f"{p.line}: {p.message}" for p in kb.problems if p.path.name == name]


def test_good_entries_load_despite_broken_neighbours(broken_kb):
    assert {"esim-replacement", "bom-entry"} <= set(broken_kb.entries)
    for name in ("gbk-entry", "unclosed", "yaml-error", "unknown-type", "missing-title", "huge"):
        assert name not in broken_kb.entries


def test_procedure_steps_are_parsed_with_continuation_lines(broken_kb):
    entry = broken_kb.entries["esim-replacement"]
    assert entry.type is EntryType.PROCEDURE
    assert [s.number for s in entry.steps] == [1, 2, 3]
    assert entry.steps[1].text == "在线提交申请，\n上传证件。"
    assert entry.steps[0].line == 17  # the file line of "1. 联系运营商。"
    assert entry.verified == date(2025, 5, 13)
    assert entry.source == "000_4f2ece68647e1306.txt"
    assert "---" not in entry.body and entry.body.startswith("丢了 eSIM")


def test_bom_is_accepted(broken_kb):
    assert broken_kb.entries["bom-entry"].title == "带BOM的文件"


def test_gbk_bytes_reported_with_line(broken_kb):
    [problem] = problems_for(broken_kb, "gbk.md")
    assert problem.startswith("4: not valid UTF-8")
    assert "GBK" in problem


def test_unclosed_front_matter(broken_kb):
    assert problems_for(broken_kb, "unclosed.md") == [
        "1: front matter opened on line 1 is never closed: add a line '---' after it"
    ]


def test_yaml_syntax_error_points_at_file_line(broken_kb):
    [problem] = problems_for(broken_kb, "yaml-error.md")
    assert problem.startswith("4: YAML error in front matter")


def test_yaml_type_traps_are_caught(broken_kb):
    assert problems_for(broken_kb, "traps.md") == [
        "2: 'id' must be text, but YAML read number 83; if you meant the text, quote it: id: \"0123\"",
        "4: 'title' must be text, but YAML read boolean false; if you meant the text, quote it: title: \"no\"",
    ]


def test_unknown_type(broken_kb):
    assert problems_for(broken_kb, "unknown-type.md") == [
        "3: unknown type 'howto': use one of procedure | faq | script | contact"
    ]


def test_missing_required_field(broken_kb):
    assert problems_for(broken_kb, "missing-title.md") == ["1: required field 'title' is missing"]


def test_duplicate_id_names_both_paths(broken_kb):
    [problem] = [p for p in broken_kb.problems if "duplicate id" in p.message]
    paths = {problem.path.name, *(n for n in ("duplicate.md", "faq-fee.md") if n in problem.message)}
    assert paths == {"duplicate.md", "faq-fee.md"}
    assert problem.line == 2


def test_related_to_missing_entry_is_reported_and_dropped(broken_kb):
    assert problems_for(broken_kb, "esim-replacement.md") == ["9: related id 'missing-entry' does not exist"]
    assert broken_kb.entries["esim-replacement"].related == ("faq-fee",)


def test_empty_file(broken_kb):
    assert problems_for(broken_kb, "empty.md") == ["1: empty file: an entry needs front matter and a body"]


def test_huge_file_reported_not_loaded(broken_kb):
    assert (BROKEN / "bad" / "huge.md").stat().st_size > MAX_FILE_BYTES
    [problem] = problems_for(broken_kb, "huge.md")
    assert problem.startswith("1: file is") and "not loaded" in problem


def test_unknown_placeholder_in_script(broken_kb):
    [problem] = problems_for(broken_kb, "script-bad.md")
    assert problem.startswith("6: placeholder {护照号} is not filled by any case field")
    assert broken_kb.entries["script-bad"].placeholders == ("客户姓名", "护照号")


def test_unknown_field_suggests_the_right_one_and_missing_steps(broken_kb):
    assert problems_for(broken_kb, "no-steps.md") == [
        "5: unknown field 'aliase' (did you mean 'aliases'?)",
        "7: procedure has no '## 步骤' section with the numbered steps",
    ]


def test_every_problem_names_a_real_line(broken_kb):
    for problem in broken_kb.problems:
        lines = problem.path.read_bytes().count(b"\n") + 1
        assert 1 <= problem.line <= lines, str(problem)


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        ("id: ok-id\ntype: faq\ntitle: t\nverified: yesterday\n", "'verified' must be a date"),
        ("id: ok-id\ntype: faq\ntitle: t\nverified: 2025-05-13 10:00:00\n", "'verified' must be a date"),
        ("id: ok-id\ntype: faq\ntitle: t\naliases: 补卡\n", "'aliases' must be a list"),
        ("id: ok-id\ntype: faq\ntitle: t\ntags: [on, 补卡]\n", "'tags' items must be text, but YAML read boolean true"),
        ("id: ok-id\ntype: faq\ntitle: t\noperators: [mst]\n", "unknown operator 'mst'"),
        ("id: Bad_Id\ntype: faq\ntitle: t\n", "must be lowercase letters"),
        ("id: ok-id\ntype: faq\ntitle: t\nphones: ['1']\n", "'phones' is only for contact entries"),
        ("id: ok-id\ntype: contact\ntitle: t\n", "contact entries need 'phones'"),
        ("id: ok-id\ntype: faq\ntitle: t\ntitle: u\n", "field 'title' is given twice"),
        ("- just\n- a list\n", "front matter must be 'key: value' lines"),
    ],
)
def test_field_validation(tmp_path: Path, front_matter: str, expected: str):
    (tmp_path / "entry.md").write_text(f"---\n{front_matter}---\n正文\n", encoding="utf-8")
    kb = load_kb(tmp_path)
    assert any(expected in p.message for p in kb.problems), [str(p) for p in kb.problems]


def test_crlf_files_load_with_correct_lines(tmp_path: Path):
    text = "---\r\nid: crlf\r\ntype: procedure\r\ntitle: 换行\r\n---\r\n## 步骤\r\n1. 一\r\n2. 二\r\n3. 三\r\n"
    (tmp_path / "crlf.md").write_bytes(text.encode())
    kb = load_kb(tmp_path)
    assert kb.problems == []
    assert [s.line for s in kb.entries["crlf"].steps] == [7, 8, 9]


def test_fingerprint_changes_with_content(tmp_path: Path):
    shutil.copy(BROKEN / "good" / "faq-fee.md", tmp_path / "faq-fee.md")
    first = load_kb(tmp_path).fingerprint
    assert load_kb(tmp_path).fingerprint == first
    (tmp_path / "faq-fee.md").write_text((tmp_path / "faq-fee.md").read_text() + "更多。\n", encoding="utf-8")
    assert load_kb(tmp_path).fingerprint != first


def test_readme_and_hidden_files_are_not_entries(tmp_path: Path):
    (tmp_path / "README.md").write_text("# how to write entries\n", encoding="utf-8")
    (tmp_path / ".draft.md").write_text("not an entry", encoding="utf-8")
    shutil.copy(BROKEN / "good" / "faq-fee.md", tmp_path / "faq-fee.md")
    kb = load_kb(tmp_path)
    assert list(kb.entries) == ["faq-fee"] and kb.problems == []


@pytest.mark.parametrize("value", ["2025-13-01", "2025-02-30", '!!binary "@@@"'], ids=["month", "day", "binary"])
def test_a_value_yaml_cannot_build_is_a_problem_not_a_crash(tmp_path: Path, value: str):
    """YAML parses these but cannot build a value; the file's entry still loads without the field,
    and the other files load too."""
    text = f"---\nid: bad\ntype: faq\ntitle: 坏值\nverified: {value}\n---\n正文\n"
    (tmp_path / "bad.md").write_text(text, encoding="utf-8")
    (tmp_path / "good.md").write_text("---\nid: good\ntype: faq\ntitle: 好\n---\n正文\n", encoding="utf-8")
    kb = load_kb(tmp_path)
    assert sorted(kb.entries) == ["bad", "good"]
    assert kb.entries["bad"].verified is None
    [problem] = kb.problems
    assert (problem.path.name, problem.line) == ("bad.md", 5)
    assert "verified" in problem.message


@pytest.mark.parametrize(
    ("damage", "line", "message"),
    [
        (lambda data: data.replace("正文二".encode(), "正文二".encode("gbk")), 8,
         "not valid UTF-8: byte 0xd5 at line 8; save the file as UTF-8"),
        (lambda data: data.replace("标题".encode(), b"\xff"), 4,
         "not valid UTF-8: byte 0xff at line 4; save the file as UTF-8"),
        (lambda data: data.replace("正文二".encode(), b"\0"), 8, "file contains a NUL character: not a text file"),
    ],
    ids=["gbk-in-body", "bad-byte-in-front-matter", "nul-in-body"],
)
def test_a_file_with_bad_bytes_after_good_lines_is_reported_and_not_half_loaded(tmp_path: Path, damage, line, message):
    """A well-formed file is decoded in two parts; a bad byte in either still rejects the whole file."""
    good = "---\nid: damaged\ntype: faq\ntitle: 标题\n---\n\n正文一\n正文二\n".encode()
    (tmp_path / "damaged.md").write_bytes(damage(good))
    (tmp_path / "fine.md").write_bytes(good.replace(b"damaged", b"fine"))
    kb = load_kb(tmp_path)
    assert [(p.path.name, p.line, p.message) for p in kb.problems] == [("damaged.md", line, message)]
    assert list(kb.entries) == ["fine"]


def test_records_are_named_tuples_as_small_as_plain_ones_and_survive_the_cache(broken_kb):
    import pickle

    from agentui.core.kb.model import Record, RecordList
    from agentui.core.kb.packed import PackedRecords

    record = broken_kb.records[0]
    assert isinstance(record, Record)
    assert record.id == broken_kb.entries[record.id].id and record.path.endswith(".md")
    assert record.__sizeof__() == tuple(record).__sizeof__()
    assert type(broken_kb.records) is RecordList
    for records in (broken_kb.records, RecordList(), PackedRecords.pack(broken_kb.records), PackedRecords.pack([])):
        copied = pickle.loads(pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(copied) is type(records)
        assert list(copied) == list(broken_kb.records if records else []) and all(type(r) is Record for r in copied)
        assert [copied.position(r.id) for r in copied] == list(range(len(copied)))
        assert copied.position("no-such-entry") is None
