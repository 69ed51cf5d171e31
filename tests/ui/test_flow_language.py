"""English and the words on screen: `title_en` in English, a language switch that applies at once
and is remembered, Textual's own commands in the console's language, a true name for the
empty-query list (issue 14, points 16 and 18)."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace

import pytest
from textual.widgets import OptionList

from agentui.app import create_app
from agentui.config import load_settings

from .conftest import fixed_clock, ready, screen_text, settle, wait_until


def result_rows(app) -> list[str]:
    results = app.main.query_one("#results", OptionList)
    return [results.get_option_at_index(i).prompt.plain for i in range(results.option_count)]


async def test_english_shows_title_en_with_the_chinese_beside_it(settings, store):
    app = create_app(replace(settings, lang="en"), store=store, clock=fixed_clock, system_clipboard=False)
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        await pilot.press(*"replace", "enter")
        await settle(pilot)
        assert result_rows(app)[0].startswith("Proc Replace a lost or damaged eSIM  eSIM 补卡（丢失或损坏）")
        title = app.main.query_one("#article-title").render().plain
        assert title == "Replace a lost or damaged eSIM  eSIM 补卡（丢失或损坏）"
        assert "Replace a lost or damaged eSIM  eSIM 补卡" in screen_text(app)
        related = app.main.query_one("#related", OptionList)
        assert related.get_option_at_index(0).prompt.plain.startswith("FAQ Is there a fee")
        await pilot.press("f5")
        await settle(pilot)
        assert "Explaining replacement fees" in screen_text(app)


async def test_chinese_console_shows_chinese_titles_only(app):
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        await pilot.press(*"补卡", "enter")
        await settle(pilot)
        assert result_rows(app)[0].startswith("流程 eSIM 补卡（丢失或损坏）")
        assert "Replace a lost" not in screen_text(app)


async def test_switching_language_from_the_palette_applies_at_once_and_keeps_the_call(settings, store, tmp_path):
    config = tmp_path / "config.json"
    app = create_app(replace(settings, config_file=config), store=store, clock=fixed_clock, system_clipboard=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press("f2", *"Anna")
        await pilot.press("f6", *"客户在国外")  # not saved yet when the switch comes
        await pilot.press("ctrl+f", *"补卡", "enter", "space")
        await settle(pilot)
        await pilot.press("ctrl+p", *"切换语言")
        await wait_until(pilot, lambda: "切换语言：English" in screen_text(app))
        await pilot.press("enter")
        await settle(pilot)
        await wait_until(pilot, lambda: app.main.query("#case") and "Agent console" in screen_text(app))
        await settle(pilot)
        text = screen_text(app)
        assert "Agent console" in text and "坐席控制台" not in text  # header
        assert "Help" in text and "Scripts" in text  # footer
        assert "Replace a lost or damaged eSIM" in text  # the open article, now in English
        main = app.main
        assert main.search_bar.value == "补卡" and main.article.entry.id == "esim-replacement"
        assert main.query_one("#caller-name").value == "Anna"
        assert main.query_one("#notes").text == "客户在国外"
        assert main.query_one("#steps").ticked == {1}
        assert json.loads(config.read_text(encoding="utf-8"))["lang"] == "en"
        await wait_until(pilot, lambda: store.active().notes == "客户在国外")  # the unsaved notes still save
        await pilot.press("f1")
        await settle(pilot)
        assert "Global (anywhere)" in screen_text(app)
        await pilot.press("escape", "ctrl+p", *"language")
        await settle(pilot)
        await wait_until(pilot, lambda: "Switch language: 中文" in screen_text(app))
        await pilot.press("enter")
        await wait_until(pilot, lambda: "坐席控制台" in screen_text(app))
        assert json.loads(config.read_text(encoding="utf-8"))["lang"] == "zh"


@pytest.mark.parametrize(
    ("lang", "shown", "hidden"),
    [("zh", ["主题", "退出", "按键面板", "截图"], ["Theme", "Screenshot", "Keys"]),
     ("en", ["Theme", "Quit", "Keys", "Screenshot"], ["主题"])],
)
async def test_textuals_own_palette_commands_are_in_the_consoles_language(settings, store, lang, shown, hidden):
    app = create_app(replace(settings, lang=lang), store=store, clock=fixed_clock, system_clipboard=False)
    async with app.run_test(size=(120, 50)) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await wait_until(pilot, lambda: shown[0] in screen_text(app))
        text = screen_text(app)
        assert all(word in text for word in shown), text
        assert not any(word in text for word in hidden)


def test_a_language_given_on_the_command_line_is_remembered(tmp_path, monkeypatch):
    from agentui.cli import console

    config = tmp_path / "config.json"
    monkeypatch.setattr("agentui.locations.config_file", lambda: config)

    class NoConsole:
        exit_message = None
        return_code = 0

        def __init__(self, settings, **_options) -> None:  # first_rows: the rows being read
            self.settings = settings

        def run(self) -> None:
            pass

        def save_after_run(self) -> bool:
            return False

    monkeypatch.setattr("agentui.app.create_app", NoConsole)
    args = argparse.Namespace(kb=None, data=tmp_path / "data", lang="en")
    assert console.run_console(args) == 0
    assert load_settings(data_dir=tmp_path / "data").lang == "en"
    assert console.run_console(replace_lang(args, None)) == 0
    assert load_settings(data_dir=tmp_path / "data").lang == "en"  # no --lang: the remembered one


def replace_lang(args: argparse.Namespace, lang: str | None) -> argparse.Namespace:
    return argparse.Namespace(**{**vars(args), "lang": lang})


@pytest.mark.parametrize(("lang", "header"), [("zh", "按类型排列 · 前 7 条"), ("en", "By type · first 7")])
async def test_the_empty_query_list_is_named_for_what_it_is(settings, store, lang, header):
    """It was "常用条目" (frequently used), but it is a fixed list by type, then title."""
    app = create_app(replace(settings, lang=lang), store=store, clock=fixed_clock, system_clipboard=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        assert header in screen_text(app)
        badges = [row.split(" ")[0] for row in result_rows(app)]
        order = [app.strings.badges[kind] for kind in ("procedure", "faq", "contact", "script")]
        assert badges == sorted(badges, key=order.index) and len(set(badges)) == 4


@pytest.mark.parametrize(
    ("lang", "query", "channel"), [("zh", "补卡", "渠道: 线上"), ("en", "replace", "Channel: online")]
)
async def test_the_article_header_names_the_channel_in_the_consoles_language(settings, store, lang, query, channel):
    """The KB stores `channel: online`; a Chinese header read "渠道: online"."""
    app = create_app(replace(settings, lang=lang), store=store, clock=fixed_clock, system_clipboard=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(pilot)
        await pilot.press(*query, "enter")
        await settle(pilot)
        assert app.main.article.entry.channel == "online"
        assert channel in app.main.query_one("#article-meta").render().plain
