"""The console follows its KB while it runs (issue 16 §2): stale entries and facts are shown as such."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from agentui.app import create_app
from agentui.widgets.fact_marks import STALE_STYLE

from .conftest import FIXTURE_KB, fixed_clock, ready, settle

STALE_ENTRY = """---
id: esim-replacement
type: procedure
title: eSIM 补卡（丢失或损坏）
title_en: Replace a lost or damaged eSIM
tags: [补卡, eSIM]
operators: [mts]
channel: online
verified: 2020-01-01
---
eSIM 丢了或坏了时，请原运营商[重新生成配置文件]{verified=2019-05-05}，App 是 [MTS Connect]{verified=2026-01-10}。

## 步骤

1. **致电运营商报失**：拨打热线 [+7 (495) 777-00-00]{verified=2020-02-02}。
2. **提交补卡申请**：在 MTS Connect 里按提示办理。
"""


@pytest.fixture
def kb_copy(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, root)
    return root


def stale_spans(content) -> list[str]:
    """The text of every span styled as a stale fact."""
    return [content.plain[span.start : span.end] for span in content.spans if span.style == STALE_STYLE]


async def open_first(pilot, text: str) -> None:
    await pilot.press("ctrl+f", "ctrl+u", *text, "enter")
    await settle(pilot)


@pytest.mark.parametrize(("lang", "warning"), [("zh", "核实于 2020-01-01 · 已超过 180 天"),
                                               ("en", "verified 2020-01-01 · over 180 days ago")])  # fmt: skip
async def test_a_stale_entry_says_so_and_its_stale_facts_are_marked(settings, store, kb_copy, lang, warning):
    """Done when: an entry dated `verified: 2020-01-01` shows the stale warning."""
    (kb_copy / "procedures" / "esim-replacement.md").write_text(STALE_ENTRY, encoding="utf-8")
    app = create_app(replace(settings, kb_dir=kb_copy, lang=lang), store=store, clock=fixed_clock,
                     system_clipboard=False)  # fmt: skip
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await open_first(pilot, "esim buka")
        assert app.main.article.entry.id == "esim-replacement"
        meta = app.main.query_one("#article-meta").render()
        assert warning in meta.plain
        assert [meta.plain[sp.start : sp.end] for sp in meta.spans if "$text-warning" in str(sp.style)][0] == warning
        body = app.main.query_one("#article-body")
        marked = [text for block in body.query("MarkdownParagraph") for text in stale_spans(block.render())]
        assert marked == ["重新生成配置文件"]  # the fact checked 4 days ago is not marked
        steps = app.main.query_one("#steps")
        assert stale_spans(steps.get_option_at_index(0).prompt) == ["+7 (495) 777-00-00"]
        assert stale_spans(steps.get_option_at_index(1).prompt) == []
        await open_first(pilot, "补卡 收费")  # a fresh entry: no warning
        assert "180" not in str(app.main.query_one("#article-meta").render())
