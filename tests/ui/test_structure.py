"""The app's structure: screens hold screens, the app is typed for them, and the console reaches
into no Textual internals beyond the ones isolated and tested (terminal_input, NotesArea)."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from textual.widgets import OptionList, TextArea

import agentui
from agentui.app import create_app
from agentui.widgets.article import StepsList

from .conftest import fixed_clock, ready, screen_text

PACKAGE = Path(agentui.__file__).parent


def modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).glob("*.py"))


def test_screens_hold_screens_and_widgets_import_no_screen() -> None:
    assert not (PACKAGE / "screens" / "session.py").exists()
    assert not (PACKAGE / "screens" / "case_actions.py").exists()
    for path in modules("widgets"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
        assert not [m for m in imported if m.startswith("agentui.screens")], path.name


def test_no_private_textual_binding_or_driver_state_is_touched() -> None:
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for private in ("self._bindings", "key_to_bindings", "._driver", "BindingsMap"):
            assert private not in source, f"{path.relative_to(PACKAGE)} uses {private}"


def test_steps_list_leaves_textuals_toggle_action_alone() -> None:
    assert "action_toggle" not in vars(StepsList)
    assert StepsList.action_toggle is OptionList.action_toggle


def test_the_notes_hooks_into_textual_still_fit() -> None:
    """NotesArea caps every edit in `_replace_via_keyboard` and cleans pastes in `_on_paste`: no
    public hook exists for either. When this fails, a Textual upgrade changed them."""
    assert list(inspect.signature(TextArea._replace_via_keyboard).parameters) == ["self", "insert", "start", "end"]
    assert inspect.iscoroutinefunction(TextArea._on_paste)


async def test_key_labels_are_in_the_consoles_language(settings, store) -> None:
    from dataclasses import replace

    for lang, labels in (("en", ("F1 Help", "F2 New", "F5 Scripts")), ("zh", ("F1 帮助", "F2 新建", "F5 话术"))):
        app = create_app(replace(settings, lang=lang), store=store, clock=fixed_clock, system_clipboard=False)
        async with app.run_test(size=(120, 36)) as pilot:
            await ready(pilot)
            await pilot.press(*"补卡", "enter")
            await pilot.pause()
            text = screen_text(app)
            for label in labels:
                assert label in text, (lang, label)
            tick = app.screen.active_bindings["space"].binding.description
            assert tick == app.strings.keys["tick"]
