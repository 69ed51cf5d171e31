"""Hostile KB files (bad names, YAML bombs, huge fields, special files) are each one clear problem on
their path; everything else still loads, and `kb check` and `search` stay small and quick."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from kb_hostile import build, unlock

from agentui.core.kb import load_kb
from agentui.core.kb.limits import MAX_ITEMS, MAX_LENGTHS

PROBLEM_LINE = re.compile(r"^(?P<path>.+):(?P<line>[0-9]+): (?P<message>.+)$")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("hostile-kb")
    expected = build(root)
    yield root, expected
    unlock(root)


@pytest.fixture(scope="module")
def hostile_kb(hostile):
    root, _ = hostile
    return load_kb(root)


def test_what_can_be_trusted_loads_and_the_rest_is_refused(hostile, hostile_kb):
    _, expected = hostile
    assert expected.loaded <= set(hostile_kb.entries), sorted(expected.loaded - set(hostile_kb.entries))
    assert not expected.refused & set(hostile_kb.entries)


def test_every_hostile_file_is_a_problem_on_its_own_path(hostile, hostile_kb):
    root, expected = hostile
    shown = [str(problem) for problem in hostile_kb.problems]
    for relative, fragment in expected.problems.items():
        mine = [line for line in shown if line.startswith(f"{root}/{relative}:")]
        assert any(fragment in line for line in mine), (relative, fragment, mine)


def test_every_problem_prints_as_one_clean_line(hostile_kb):
    assert len(hostile_kb.problems) < 400  # one file's thousand faults are summed up, not listed
    for problem in hostile_kb.problems:
        line = str(problem)
        assert PROBLEM_LINE.match(line), line
        assert len(line) < 600, line[:200]
        line.encode("utf-8")  # no lone surrogates from undecodable names
        assert not [c for c in line if unicodedata.category(c) == "Cc"], line


def test_the_undecodable_name_is_shown_with_its_bytes_escaped(hostile, hostile_kb):
    root, _ = hostile
    [problem] = [p for p in hostile_kb.problems if "file name is not valid UTF-8" in p.message]
    # Only the bytes that are not UTF-8 are escaped: GBK's CB B5 happens to be UTF-8 for "˵".
    assert str(problem).startswith(f"{root}/names/\\xb2\\xb9\\xbf\\xa8˵\\xc3\\xf7.md:1: ")


def test_too_long_fields_are_cut_or_dropped_and_the_entry_kept(hostile_kb):
    title = hostile_kb.entries["long-title"].title
    assert title.startswith("补补补") and len(title) == MAX_LENGTHS["title"]
    assert hostile_kb.entries["long-alias"].aliases == ("短别名",)
    aliases = hostile_kb.entries["many-aliases"].aliases
    assert aliases == tuple(f"别名{i}" for i in range(MAX_ITEMS))


def test_control_characters_are_removed_from_titles_and_aliases(hostile_kb):
    assert hostile_kb.entries["control-title"].title == "清屏剪贴板"  # whole sequences, OSC 52 payload too
    assert hostile_kb.entries["c1-alias"].aliases == ("a2Jb", "好")
    assert hostile_kb.entries["bidi-title"].title == "号码00-00-777"


def test_problems_in_many_unknown_keys_are_summed_up(hostile_kb):
    mine = [p for p in hostile_kb.problems if p.path.name == "many-unknown-keys.md"]
    assert 10 < len(mine) <= 101
    assert "more problems in this file" in mine[-1].message


# Run in a small intermediate process: Linux counts the memory of the process that spawned a
# program in the program's peak RSS (exec records the old address space's peak), so spawned from
# pytest, with its hundreds of MiB, any command would seem to need them.
_MEASURE = """
import json, os, sys, time
out = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
err = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
started = time.perf_counter()
pid = os.posix_spawn(sys.executable, [sys.executable, "-m", "agentui", *sys.argv[3:]], os.environ,
                     file_actions=[(os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, err, 2)])
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
print(json.dumps([os.waitstatus_to_exitcode(status), seconds, usage.ru_maxrss / 1024]))
"""


def _run_measured(args: list[str], tmp_path: Path) -> tuple[int, str, str, float, float]:
    """Run the CLI: (exit status, stdout, stderr, seconds, its peak RSS in MiB)."""
    out_file, err_file = tmp_path / "out.txt", tmp_path / "err.txt"
    report = subprocess.run([sys.executable, "-c", _MEASURE, str(out_file), str(err_file), *args],
                            capture_output=True, text=True, check=True, timeout=300)
    status, seconds, rss_mib = json.loads(report.stdout)
    return status, out_file.read_text(encoding="utf-8"), err_file.read_text(encoding="utf-8"), seconds, rss_mib


def test_kb_check_on_the_hostile_kb_is_small_quick_and_all_problem_lines(hostile, tmp_path: Path):
    root, expected = hostile
    status, out, err, seconds, rss_mib = _run_measured(["kb", "check", "--kb", str(root)], tmp_path)
    print(f"\nkb check on the hostile KB: {seconds:.2f} s, peak RSS {rss_mib:.0f} MiB")
    assert "Traceback" not in err, err[-2000:]
    assert status == 1
    lines = out.splitlines()
    assert re.match(r"^\d+ entries \(", lines[-1]), lines[-1]
    problem_lines = [line for line in lines[:-1] if not line.startswith("revision: ")]
    assert len(problem_lines) >= len(expected.problems)
    for line in problem_lines:
        assert PROBLEM_LINE.match(line), line
    assert rss_mib < 200
    assert seconds < 30  # a generous bound against hangs; the speed goal (< 2 s) is in benchmarks/README.md


def test_search_over_the_hostile_kb_answers_without_a_traceback(hostile):
    root, _ = hostile
    result = subprocess.run([sys.executable, "-m", "agentui", "search", "--kb", str(root), "--json", "正常"],
                            capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 0
    assert '"id": "good-faq"' in result.stdout
    warnings = result.stderr.splitlines()
    assert warnings and all(line.startswith("warning: ") for line in warnings)


def test_an_unreadable_folder_is_reported_and_its_neighbours_load(tmp_path: Path, monkeypatch):
    """As root every folder is readable, so the refusal is simulated where the loader meets it."""
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.md").write_text("---\nid: x\ntype: faq\ntitle: x\n---\nx\n", encoding="utf-8")
    (tmp_path / "ok.md").write_text("---\nid: ok\ntype: faq\ntitle: ok\n---\nok\n", encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    kb = load_kb(tmp_path)
    assert list(kb.entries) == ["ok"]
    assert [str(p) for p in kb.problems] == [
        f"{tmp_path}/locked:1: cannot read folder: Permission denied; the entries in it are not loaded"
    ]


def test_a_folder_too_deep_to_open_is_reported(tmp_path: Path):
    """Nested past PATH_MAX, the folder cannot be opened by its path at all."""
    (tmp_path / "ok.md").write_text("---\nid: ok\ntype: faq\ntitle: ok\n---\nok\n", encoding="utf-8")
    descriptor = os.open(tmp_path, os.O_RDONLY)
    try:
        for _ in range(220):
            os.mkdir("d" * 20, dir_fd=descriptor)
            inner = os.open("d" * 20, os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
    finally:
        os.close(descriptor)
    kb = load_kb(tmp_path)
    assert list(kb.entries) == ["ok"]
    [problem] = kb.problems
    assert "cannot read folder" in problem.message


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_named_as_utf16(tmp_path: Path, encoding: str):
    text = "---\nid: wide\ntype: faq\ntitle: 宽字符\n---\n正文，全是中文。\n"
    (tmp_path / "wide.md").write_bytes(text.encode(encoding))
    [problem] = load_kb(tmp_path).problems
    assert problem.message.startswith("file is UTF-16"), problem.message
    assert "GBK" not in problem.message


def test_yaml_alias_bombs_are_refused_on_both_paths(tmp_path: Path):
    from kb_hostile import _bomb

    (tmp_path / "key.md").write_text(f"---\nid: key\ntype: faq\ntitle: t\n{_bomb(12)}\n? *l12\n: x\n---\nx\n")
    (tmp_path / "merge.md").write_text(
        f"---\nid: merge\ntype: faq\ntitle: t\n{_bomb(12)}\nm: &m {{a: *l12}}\nn: {{<<: *m}}\n---\nx\n")
    kb = load_kb(tmp_path)
    assert not kb.entries
    assert sorted(p.path.name for p in kb.problems) == ["key.md", "merge.md"]
    assert all("YAML alias" in p.message for p in kb.problems)


def test_a_few_aliases_are_fine(tmp_path: Path):
    (tmp_path / "ok.md").write_text(
        "---\nid: ok\ntype: faq\ntitle: t\ntags: &t [补卡, eSIM]\naliases: *t\n---\nx\n", encoding="utf-8")
    kb = load_kb(tmp_path)
    assert kb.problems == [] and kb.entries["ok"].aliases == ("补卡", "eSIM")


def test_the_fast_route_and_pyyaml_agree_on_limits_and_controls(tmp_path: Path, monkeypatch):
    """A value over a limit is cut the same whether the fast path or PyYAML read its file."""
    from agentui.core.kb import fastpath

    tags = ", ".join(f"t{i}" for i in range(65))
    lines = {
        "title-301": f"title: {'标' * 301}", "title-300": f"title: {'标' * 300}", "bidi": "title: a\u202eb",
        "alias-201": f"title: t\naliases: [ok, {'别' * 201}]",
        "tags-65": f"title: t\ntags: [{tags}]", "tags-64": f"title: t\ntags: [{tags.rpartition(',')[0]}]",
    }
    for name, line in lines.items():
        (tmp_path / f"{name}.md").write_text(f"---\nid: {name}\ntype: faq\n{line}\n---\n正文\n", encoding="utf-8")
    fast = load_kb(tmp_path)
    with monkeypatch.context() as patch:
        patch.setattr(fastpath, "parse", lambda *args: None)
        patch.setattr(fastpath, "read_key_line", lambda *args: None)
        slow = load_kb(tmp_path)
    assert dict(fast.entries) == dict(slow.entries) and fast.problems == slow.problems
    assert sorted(p.path.stem for p in fast.problems) == ["alias-201", "bidi", "tags-65", "title-301"]
    assert len(fast.entries["title-301"].title) == 300 and len(fast.entries["tags-65"].tags) == 64


def test_a_kb_inside_a_folder_whose_name_is_not_utf8_loads_and_prints(tmp_path: Path):
    root = Path(os.fsdecode(os.fsencode(tmp_path) + b"/" + "知识库".encode("gbk")))
    root.mkdir()
    (root / "ok.md").write_text("---\nid: ok\ntype: faq\ntitle: ok\ncolour: red\n---\nok\n", encoding="utf-8")
    kb = load_kb(root)
    assert list(kb.entries) == ["ok"]
    shown_name = "知识库".encode("gbk").decode("utf-8", "backslashreplace")  # undecodable bytes as \\xNN
    assert str(kb.problems[0]).endswith(f"/{shown_name}/ok.md:5: unknown field 'colour'")
    from agentui.core.kb.source import stat_fingerprint

    assert stat_fingerprint(root)
