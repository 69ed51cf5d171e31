"""The console starts on a KB of hostile files: it loads what can be trusted, says how many problems
there are, and searches."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from agentui.app import create_app
from agentui.config import Settings
from agentui.core.cases.opening import open_store

from .conftest import fixed_clock, ready, settle


def _kb_hostile():
    """tests/core/kb_hostile.py, which the core tests import by their folder's place on sys.path."""
    known = sys.modules.get("kb_hostile")
    if known is not None:
        return known
    spec = importlib.util.spec_from_file_location("kb_hostile", Path(__file__).parents[1] / "core" / "kb_hostile.py")
    assert spec is not None and spec.loader is not None
    module = sys.modules["kb_hostile"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


kb_hostile = _kb_hostile()


async def test_the_console_starts_on_a_hostile_kb_and_finds_its_good_entries(tmp_path: Path):
    root = tmp_path / "kb"
    root.mkdir()
    expected = kb_hostile.build(root)
    settings = Settings(kb_dir=root, data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", config_file=None)
    store = open_store(settings.data_dir)
    try:
        app = create_app(settings, store=store, clock=fixed_clock, system_clipboard=False)
        async with app.run_test(size=(120, 36)) as pilot:
            await ready(pilot)
            assert app.kb is not None and app.index is not None
            assert expected.loaded <= set(app.kb.entries)
            assert len(app.kb.problems) >= len(expected.problems)
            told = f"知识库有 {len(app.kb.problems)} 个问题"
            assert any(told in n.message for n in app._notifications)
            assert [hit.id for hit in app.index.search("正常的问题", limit=1)] == ["good-faq"]
            long_title = app.kb.entries["long-title"].title
            assert len(long_title) == 300
            await settle(pilot)
    finally:
        store.close_store()
        kb_hostile.unlock(root)
