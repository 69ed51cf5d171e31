"""`kb check` reports what this KB requires beyond the loader's minimum (warnings; errors with
--strict), lists stale entries and facts with --stale, and prints the KB's git revision."""

from __future__ import annotations

import os
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from agentui.cli import main
from agentui.core.kb import load_kb
from agentui.core.kb.completeness import completeness_problems

FULL = ("---\nid: {id}\ntype: faq\ntitle: 标题\ntitle_en: Title\naliases: [a]\nsource: s.txt\n"
        "verified: {verified}\n---\n正文。\n")


def _write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def incomplete_kb(tmp_path: Path) -> Path:
    today = date.today().isoformat()
    _write(tmp_path, "faq/complete.md", FULL.format(id="complete", verified=today))
    _write(tmp_path, "faq/bare.md", "---\nid: bare\ntype: faq\ntitle: 只有标题\n---\n正文。\n")
    _write(tmp_path, "faq/renamed-file.md", FULL.format(id="other-id", verified=today))
    _write(tmp_path, "procedures/one-step.md",
           "---\nid: one-step\ntype: procedure\ntitle: 一步\ntitle_en: One\naliases: [a]\nsource: s.txt\n"
           f"verified: {today}\nchannel: online\n---\n## 步骤\n\n1. 只有一步。\n")
    _write(tmp_path, "procedures/two-steps.md",
           "---\nid: two-steps\ntype: procedure\ntitle: 两步\ntitle_en: Two\nsource: s.txt\n"
           f"verified: {today}\n---\n## 步骤\n\n1. 一。\n2. 二。\n")
    _write(tmp_path, "misplaced.md", FULL.format(id="misplaced", verified=today))
    assert load_kb(tmp_path).problems == []  # all of it loads: none of this is the loader's business
    return tmp_path


def test_default_check_warns_about_what_this_kb_requires_and_passes(incomplete_kb: Path, capsys):
    assert main(["kb", "check", "--kb", str(incomplete_kb)]) == 0
    out = capsys.readouterr().out.replace(f"{incomplete_kb}/", "").splitlines()
    assert out == [
        "faq/bare.md:1: warning: 'title_en' is missing (this KB requires it: kb/README.md)",
        "faq/bare.md:1: warning: 'source' is missing (this KB requires it: kb/README.md)",
        "faq/bare.md:1: warning: 'verified' is missing (this KB requires it: kb/README.md)",
        "faq/renamed-file.md:2: warning: id 'other-id' differs from the file name: name the file other-id.md",
        "procedures/one-step.md:13: warning: procedure has a single step: write each step as its own top-level "
        "numbered item (at least 3)",
        "6 entries (2 procedure, 4 faq, 0 script, 0 contact); 5 warning(s)",
    ]


def test_strict_check_fails_on_them_and_on_the_rest_of_the_kb_rules(incomplete_kb: Path, capsys):
    assert main(["kb", "check", "--strict", "--kb", str(incomplete_kb)]) == 1
    out = capsys.readouterr().out.replace(f"{incomplete_kb}/", "").splitlines()
    assert "warning" not in "\n".join(out)
    assert out[-1] == "6 entries (2 procedure, 4 faq, 0 script, 0 contact); 10 problem(s)"
    assert "faq/bare.md:1: entry has no 'aliases': give 4–12 ways agents type this topic" in out
    assert "misplaced.md:3: a faq entry belongs in faq/" in out
    assert ("procedures/two-steps.md:11: procedure has only 2 steps: write each step as its own top-level "
            "numbered item (at least 3)") in out
    assert "procedures/two-steps.md:1: procedure has no 'channel' (online, offline or phone)" in out
    assert "procedures/two-steps.md:1: entry has no 'aliases': give 4–12 ways agents type this topic" in out
    assert len(out) == 11


def test_the_bundled_kb_passes_the_strict_check(capsys, bundled_kb):
    assert completeness_problems(bundled_kb, strict=True) == []
    assert main(["kb", "check", "--strict"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith("; clean")


def test_stale_lists_stale_entries_and_facts_and_stays_a_report(tmp_path: Path, capsys):
    today = date.today()
    fresh = today.isoformat()
    old_fact = (today - timedelta(days=400)).isoformat()
    _write(tmp_path, "faq/old.md", FULL.format(id="old", verified="2020-01-01"))
    _write(tmp_path, "faq/fact.md", FULL.format(id="fact", verified=fresh).replace(
        "正文。", f"热线：[0890]{{verified={old_fact}}}，其余新。"))
    _write(tmp_path, "faq/new.md", FULL.format(id="new", verified=fresh))
    assert main(["kb", "check", "--stale", "--kb", str(tmp_path)]) == 0
    out = capsys.readouterr().out.replace(f"{tmp_path}/", "").splitlines()
    assert out == [
        f"faq/old.md:8: stale: verified 2020-01-01, {(today - date(2020, 1, 1)).days} days ago",
        f"faq/fact.md:10: stale fact '0890': verified {old_fact}, 400 days ago",
        "3 entries (0 procedure, 3 faq, 0 script, 0 contact); clean; stale (over 180 days): 1 entries, 1 facts",
    ]


def test_the_stale_threshold_comes_from_the_settings_file(tmp_path: Path, capsys, monkeypatch):
    config = tmp_path / "settings.json"
    config.write_text('{"stale_after_days": 3000}', encoding="utf-8")
    monkeypatch.setattr("agentui.locations.config_file", lambda: config)
    _write(tmp_path, "kb/faq/old.md", FULL.format(id="old", verified="2020-01-01"))
    assert main(["kb", "check", "--stale", "--kb", str(tmp_path / "kb")]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "1 entries (0 procedure, 1 faq, 0 script, 0 contact); clean; stale (over 3000 days): 0 entries, 0 facts"
    ]


def test_kb_check_prints_the_revision_of_a_git_checkout(tmp_path: Path, capsys):
    _write(tmp_path, "faq/complete.md", FULL.format(id="complete", verified=date.today().isoformat()))
    assert main(["kb", "check", "--kb", str(tmp_path)]) == 0
    assert not capsys.readouterr().out.startswith("revision:")
    when, who = "2026-11-22T10:30:00Z", "kb@example.invalid"
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path), "GIT_COMMITTER_DATE": when,
           "GIT_AUTHOR_DATE": when, "GIT_AUTHOR_NAME": "KB", "GIT_AUTHOR_EMAIL": who, "GIT_COMMITTER_NAME": "KB",
           "GIT_COMMITTER_EMAIL": who}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "kb"]):
        subprocess.run(["git", *command], cwd=tmp_path, env=env, check=True, capture_output=True)
    short = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=tmp_path, env=env, check=True,
                           capture_output=True, text=True).stdout.strip()
    assert main(["kb", "check", "--kb", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"revision: {short} (2026-11-22 10:30 +0000)"
