"""Markup and escape sequences from data never act: a corpus through every widget showing data."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.widgets import DataTable, Markdown, OptionList

from agentui.app import create_app
from agentui.config import Settings
from agentui.core.cases.opening import open_store
from agentui.screens.history import CaseViewScreen, HistoryScreen
from agentui.screens.scripts import ScriptsScreen
from agentui.screens.wrapup import WrapUpScreen
from agentui.widgets.safe_text import clean, clean_line, highlighted, is_clean, safe

from .conftest import fixed_clock, ready, screen_text, settle, wait_until

EVIL = (
    "[b]B[/b] [TODO] [@click=app.quit]Q[/] [link=https://x.invalid]L[/link] "
    "\x1b]52;c;ZXZpbA==\x07OSC \x1b[2JCSI \x9b31mC1 \u202eBIDI\u202c \u2066ISO\u2069 \x07\x08\x7f"
)
UNSAFE = {
    chr(c)
    for c in [*range(0, 9), *range(11, 32), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
}
LITERALS = ("[b]B[/b]", "[@click=app.quit]Q[/]")


def assert_safe(text: str) -> None:
    bad = sorted({hex(ord(ch)) for ch in text if ch in UNSAFE})
    assert not bad, f"control characters reached the screen: {bad}"
    assert "ZXZpbA" not in text, "an OSC 52 payload reached the screen"


# --- the sanitiser itself -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain 中文 text", "plain 中文 text"),
        ("a\x1b[31mred\x1b[0m", "ared"),
        ("x\x1b]52;c;ZXZpbA==\x07y", "xy"),
        ("x\x1b]0;title\x1b\\y", "xy"),
        ("c1\x9b31m", "c131m"),
        ("\u202eevil\u202c", "evil"),
        ("\u2066iso\u2069", "iso"),
        ("tab\tnew\nline", "tab\tnew\nline"),
        ("cr\r\nlf\rx", "cr\nlf\nx"),
        ("nul\x00bel\x07del\x7f", "nulbeldel"),
        ("[b]markup[/b] [@click=app.quit]", "[b]markup[/b] [@click=app.quit]"),
    ],
)
def test_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected
    assert is_clean(clean(raw))


def test_clean_line_and_content_are_literal() -> None:
    assert clean_line("a\nb\tc") == "a b c"
    content = safe("[b]x[/b] [@click=app.quit]")
    assert content.plain == "[b]x[/b] [@click=app.quit]" and not content.spans
    marked = highlighted("补卡[b]", ((0, 2),))
    assert marked.plain == "补卡[b]" and len(marked.spans) == 1


# --- through the console -------------------------------------------------------------------------
def write_evil_kb(root: Path) -> Path:
    (root / "procedures").mkdir(parents=True)
    (root / "scripts").mkdir()
    (root / "contacts").mkdir()
    yaml_evil = r'"EVIL [b]B[/b] [@click=app.quit]Q[/] \e]52;c;ZXZpbA==\a \e[2J \x9b31m \u202eRTL"'
    (root / "procedures" / "evil-proc.md").write_text(
        f"---\nid: evil-proc\ntype: procedure\ntitle: {yaml_evil}\noperators: [mts]\n"
        f"related: [evil-script, contact-evil]\n---\n{EVIL}\n\n[click me](app.quit) [@click=app.quit]raw[/]\n\n"
        f"## 步骤\n\n1. step {EVIL}\n2. second\n",
        encoding="utf-8",
    )
    (root / "scripts" / "evil-script.md").write_text(
        f"---\nid: evil-script\ntype: script\ntitle: {yaml_evil}\n---\nHello {{客户姓名}} {EVIL}\n", encoding="utf-8"
    )
    (root / "contacts" / "contact-evil.md").write_text(
        "---\nid: contact-evil\ntype: contact\ntitle: EVIL contact\noperators: [mts]\n"
        f'phones: ["+7 (495) 777-00-00\\e]52;c;ZXZpbA==\\a"]\napps: ["[b]App[/b]"]\n---\n{EVIL}\n',
        encoding="utf-8",
    )
    return root


async def test_corpus_through_every_widget(tmp_path: Path) -> None:
    settings = Settings(kb_dir=write_evil_kb(tmp_path / "kb"), data_dir=tmp_path / "data", cache_dir=None)
    store = open_store(settings.data_dir)
    app = create_app(settings, store=store, clock=fixed_clock, system_clipboard=False)
    try:
        async with app.run_test(size=(200, 50)) as pilot:
            await ready(pilot)
            assert len(app.kb) == 3
            # The loader removes control characters from front-matter text and says so (issue 13 §4).
            assert app.kb.problems and all("control characters" in p.message for p in app.kb.problems)
            # Query typed and pasted: results header and input show it literally.
            await pilot.press(*"EVIL [b]")
            app.main.search_bar.post_message(events.Paste("\x1b[2J\x1b]52;c;ZXZpbA==\x07"))
            await settle(pilot)
            assert app.main.search_bar.value == "EVIL [b]"
            await pilot.press("backspace", "backspace", "backspace", "backspace")
            await settle(pilot)
            text = screen_text(app)
            assert_safe(text)
            assert "EVIL [b]B[/b] [@click=app.quit]Q[/]" in text, text  # the result title, literally

            # The article: title, body (Markdown), steps, copyables, related.
            await pilot.press("enter")
            await settle(pilot)
            assert app.main.article.entry.id == "evil-proc"
            text = screen_text(app)
            assert_safe(text)
            for literal in LITERALS:
                assert literal in text
            assert "[TODO]" in text
            # A link in the body does nothing but tell.
            body = app.main.query_one("#article-body", Markdown)
            body.post_message(Markdown.LinkClicked(body, "app.quit"))
            await settle(pilot)
            assert app.is_running
            assert any("链接未打开" in n.message for n in app._notifications)

            # Copy the evil phone: clipboard and notification are clean.
            await pilot.press("space")  # tick (opens the case)
            await settle(pilot)
            app.main.open_entry("contact-evil")
            await settle(pilot)
            assert_safe(screen_text(app))
            assert "[b]App[/b]" in screen_text(app)
            await pilot.press("1")
            await settle(pilot)
            assert app.clipboard == "+7 (495) 777-00-00"
            await pilot.press("2")
            await settle(pilot)
            assert app.clipboard == "[b]App[/b]"
            assert_safe(screen_text(app))

            # Case pane: pasted caller name and notes.
            app.main.query_one("#caller-name").focus()
            app.main.query_one("#caller-name").post_message(events.Paste(EVIL))
            await pilot.press("f6")
            app.main.query_one("#notes").post_message(events.Paste(EVIL + "\x00NUL"))
            await wait_until(pilot, lambda: store.active() is not None and "[TODO]" in store.active().notes)
            text = screen_text(app)
            assert_safe(text)
            assert "[@click=app.quit]Q[/]" in app.main.query_one("#notes").text
            assert is_clean(store.active().notes) and is_clean(store.active().caller.name)

            # Scripts pane: list and filled preview.
            await pilot.press("f5")
            await settle(pilot)
            assert isinstance(app.screen, ScriptsScreen)
            scripts = app.screen.query_one("#script-list", OptionList)
            scripts.highlighted = scripts.get_option_index("evil-script")
            await settle(pilot)
            text = screen_text(app)
            assert_safe(text)
            assert "[@click=app.quit]Q[/]" in text
            await pilot.press("enter")
            await settle(pilot)
            assert is_clean(app.clipboard) and "[TODO]" in app.clipboard

            # Wrap-up summary, then history table and the read-only view.
            await pilot.press("f10")
            await settle(pilot)
            assert isinstance(app.screen, WrapUpScreen)
            assert_safe(screen_text(app))
            await pilot.press("enter", "ctrl+s")
            await settle(pilot)
            assert store.active() is None
            await pilot.press("f4")
            await settle(pilot)
            assert isinstance(app.screen, HistoryScreen)
            await settle(pilot)
            text = screen_text(app)
            assert_safe(text)
            assert "[b]B[/b]" in text  # caller name cell, literally
            app.screen.query_one(DataTable).focus()
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, CaseViewScreen)
            await settle(pilot)
            text = screen_text(app)
            assert_safe(text)
            assert "[@click=app.quit]Q[/]" in text  # the notes
            assert "来电人: [b]B[/b] [TODO]" in text, "the caller's name, rendered as typed"

            # Command palette shows titles literally.
            await pilot.press("ctrl+f", "ctrl+p", *"EVIL")
            await wait_until(pilot, lambda: "EVIL [b]B[/b]" in screen_text(app))
            assert_safe(screen_text(app))
            assert app.is_running
    finally:
        store.close_store()
