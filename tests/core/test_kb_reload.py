"""A KB that changes while the console runs (issue 16 §3): reloaded, never losing an entry to a
broken file, and watched for changes."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from agentui.core.kb import load_kb
from agentui.core.kb.reload import keep_last_good
from agentui.core.kb.watch import KbWatcher, is_kb_change
from agentui.core.search.cache import open_search
from agentui.core.search.reload import reload_search
from agentui.locations import bundled_kb_dir


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(bundled_kb_dir(), root)
    return root


def test_a_broken_file_keeps_the_last_good_version_and_the_links_to_it(kb_copy: Path):
    old = load_kb(kb_copy)
    path = kb_copy / "procedures" / "esim-replacement.md"
    path.write_text(path.read_text(encoding="utf-8").replace("type: procedure", "type: [procedure"), encoding="utf-8")
    new = load_kb(kb_copy)
    assert new.get("esim-replacement") is None  # what the loader alone gives
    merged, kept = keep_last_good(old, new)
    assert kept == ("esim-replacement",)
    assert merged.get("esim-replacement") == old.get("esim-replacement")
    assert "esim-replacement" in merged.get("contact-mts").related
    assert [p for p in merged.problems if "esim-replacement" in p.message] == []
    assert any(str(p.path) == str(path) for p in merged.problems)  # the real problem is still told


def test_a_deleted_file_removes_its_entry(kb_copy: Path):
    old = load_kb(kb_copy)
    (kb_copy / "faq" / "faq-data-backup.md").unlink()
    merged, kept = keep_last_good(old, load_kb(kb_copy))
    assert kept == () and merged.get("faq-data-backup") is None


def test_reload_says_what_changed(kb_copy: Path):
    old = load_kb(kb_copy)
    path = kb_copy / "faq" / "faq-replacement-fee.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: 新·", 1), encoding="utf-8")
    added = (kb_copy / "faq" / "faq-data-backup.md").read_text(encoding="utf-8")
    (kb_copy / "faq" / "faq-new.md").write_text(added.replace("id: faq-data-backup", "id: faq-new"), encoding="utf-8")
    reloaded = reload_search(kb_copy, old)
    assert reloaded.diff.changed == ("faq-replacement-fee",) and reloaded.diff.added == ("faq-new",)
    assert reloaded.index.search("新·补卡要收费吗", 1)[0].id == "faq-replacement-fee"
    assert reloaded.kb.get("faq-replacement-fee").title.startswith("新·")


def test_entry_files_and_deletions_are_changes_other_files_are_not():
    assert is_kb_change("/kb/faq/a.md", deleted=False)
    assert is_kb_change("/kb/faq", deleted=True)
    assert not is_kb_change("/kb/README.md", deleted=False)
    assert not is_kb_change("/kb/faq/.a.md.swp", deleted=False)
    assert not is_kb_change("/kb/faq/notes.txt", deleted=False)


def test_the_watcher_reports_a_saved_entry_and_stops(kb_copy: Path):
    changed = threading.Event()
    watcher = KbWatcher(kb_copy, changed.set)
    watcher.start()
    try:
        assert watcher.wait_ready()
        (kb_copy / "README.md").write_text("not an entry", encoding="utf-8")
        path = kb_copy / "faq" / "faq-data-backup.md"
        path.write_text(path.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
        assert changed.wait(10), "the change was never reported"
    finally:
        watcher.stop()
    assert not watcher.running and watcher.error == ""


def test_a_broken_then_fixed_file_changes_only_its_own_entry(kb_copy: Path):
    """Entries linking to a kept entry keep their links in their own order: breaking a file and
    fixing it again is no change to them ("15 条修改" for one file fixed was seen in the console)."""
    old = load_kb(kb_copy)
    path = kb_copy / "procedures" / "esim-replacement.md"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("type: procedure", "type: [procedure"), encoding="utf-8")
    broken = reload_search(kb_copy, old)
    assert broken.kept == ("esim-replacement",)
    assert broken.diff.changed == () and broken.diff.added == () and broken.diff.removed == ()
    path.write_text(good.replace("title: eSIM 补卡", "title: eSIM 补办"), encoding="utf-8")
    fixed = reload_search(kb_copy, broken.kb)
    assert fixed.diff.changed == ("esim-replacement",) and fixed.kept == ()


def test_the_reload_writes_the_index_cache_only_once_it_is_shown(kb_copy: Path, tmp_path: Path):
    """The agent sees the change first; the next start is warm all the same."""
    cache = tmp_path / "cache"
    old = load_kb(kb_copy)
    path = kb_copy / "faq" / "faq-replacement-fee.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: 新·", 1), encoding="utf-8")
    reloaded = reload_search(kb_copy, old, cache)
    assert reloaded.kb.get("faq-replacement-fee").title.startswith("新·")
    assert list(cache.glob("index-*.pickle")) == []
    reloaded.save_cache()
    [written] = cache.glob("index-*.pickle")
    kb, index = open_search(kb_copy, cache)
    assert kb.get("faq-replacement-fee").title.startswith("新·") and written.exists()
    assert index.search("新·补卡要收费吗", 1)[0].id == "faq-replacement-fee"
