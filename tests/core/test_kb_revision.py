"""A KB folder's git revision, read with git or from `.git` alone, and the diff of two loads."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from agentui.core.kb import load_kb
from agentui.core.kb import revision as revision_module
from agentui.core.kb.diff import diff_kb
from agentui.core.kb.revision import kb_revision, read_git_dir

WHEN = "2026-11-22T10:30:00+03:00"
ENTRY = "---\nid: {id}\ntype: faq\ntitle: {title}\n---\n正文。\n"

def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd), "GIT_AUTHOR_DATE": WHEN,
           "GIT_COMMITTER_DATE": WHEN, "GIT_AUTHOR_NAME": "KB", "GIT_AUTHOR_EMAIL": "kb@example.invalid",
           "GIT_COMMITTER_NAME": "KB", "GIT_COMMITTER_EMAIL": "kb@example.invalid"}
    result = subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=cwd, env=env, check=True,
                            capture_output=True, text=True)
    return result.stdout.strip()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "kb" / "faq").mkdir(parents=True)
    (repo / "kb" / "faq" / "a.md").write_text(ENTRY.format(id="a", title="甲"), encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "first")
    return repo


def test_the_revision_of_a_checkout_and_of_a_folder_inside_it(checkout: Path):
    short = git(checkout, "rev-parse", "--short", "HEAD")
    expected = datetime(2026, 11, 22, 10, 30, tzinfo=timezone(timedelta(hours=3)))
    for folder in (checkout, checkout / "kb"):
        found = kb_revision(folder)
        assert found is not None and (found.commit, found.committed) == (short, expected)
    assert str(kb_revision(checkout)) == f"{short} (2026-11-22 10:30 +0300)"


def test_no_revision_outside_a_checkout_or_before_the_first_commit(tmp_path: Path):
    assert kb_revision(tmp_path) is None
    git(tmp_path, "init", "-q")
    assert kb_revision(tmp_path) is None
    assert read_git_dir(tmp_path) is None


def test_a_linked_worktree_shows_its_own_commit(checkout: Path, tmp_path: Path):
    git(checkout, "worktree", "add", "-q", "-b", "other", str(tmp_path / "wt"))
    (tmp_path / "wt" / "kb" / "faq" / "b.md").write_text(ENTRY.format(id="b", title="乙"), encoding="utf-8")
    git(tmp_path / "wt", "add", "-A")
    git(tmp_path / "wt", "commit", "-q", "-m", "second")
    short = git(tmp_path / "wt", "rev-parse", "--short", "HEAD")
    assert short != git(checkout, "rev-parse", "--short", "HEAD")
    assert kb_revision(tmp_path / "wt" / "kb").commit == short
    assert read_git_dir(tmp_path / "wt" / "kb").commit == short[:7]


def test_without_git_installed_the_revision_is_read_from_the_git_files(checkout: Path, monkeypatch):
    full = git(checkout, "rev-parse", "HEAD")
    monkeypatch.setenv("PATH", str(checkout / "no-such-bin"))
    found = kb_revision(checkout / "kb")
    assert found is not None and found.commit == full[:7]
    assert found.committed == datetime(2026, 11, 22, 10, 30, tzinfo=timezone(timedelta(hours=3)))


def test_from_the_git_files_packed_refs_and_objects_give_the_hash_without_a_date(checkout: Path):
    full = git(checkout, "rev-parse", "HEAD")
    git(checkout, "gc", "-q")
    assert not (checkout / ".git" / "refs" / "heads" / "main").exists()
    found = read_git_dir(checkout)
    assert found is not None and (found.commit, found.committed) == (full[:7], None)
    assert str(found) == f"{full[:7]} (date unknown)"


def test_a_git_that_hangs_gives_no_revision_within_the_timeout(checkout: Path, monkeypatch):
    def hang(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], kwargs["timeout"])

    monkeypatch.setattr(revision_module.subprocess, "run", hang)
    assert kb_revision(checkout) is None


def test_diff_of_two_loads_names_added_changed_removed_and_problem_changes(tmp_path: Path):
    for entry_id, title in (("a", "甲"), ("b", "乙"), ("c", "丙")):
        (tmp_path / f"{entry_id}.md").write_text(ENTRY.format(id=entry_id, title=title), encoding="utf-8")
    (tmp_path / "broken.md").write_text("no front matter\n", encoding="utf-8")
    old = load_kb(tmp_path)
    assert not diff_kb(old, load_kb(tmp_path))
    (tmp_path / "a.md").write_text(ENTRY.format(id="a", title="甲（新）"), encoding="utf-8")
    (tmp_path / "c.md").unlink()
    (tmp_path / "d.md").write_text(ENTRY.format(id="d", title="丁"), encoding="utf-8")
    (tmp_path / "broken.md").unlink()
    (tmp_path / "worse.md").write_text("---\nid: worse\n", encoding="utf-8")
    change = diff_kb(old, load_kb(tmp_path))
    assert (change.added, change.changed, change.removed) == (("d",), ("a",), ("c",))
    assert [p.path.name for p in change.new_problems] == ["worse.md"]
    assert [p.path.name for p in change.fixed_problems] == ["broken.md"]
