"""F1 help is true: every key the console binds is in it, every global key it lists is bound, and
its columns line up in terminal cells (issue 14, point 17)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from dataclasses import replace

import pytest
from rich.cells import cell_len
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

import agentui.screens
import agentui.widgets
from agentui.app import AgentApp, create_app
from agentui.screens.help import HelpScreen, help_rows
from agentui.strings import strings_for

from .conftest import fixed_clock, ready, settle

KEY_NAMES = {
    "escape": "Esc", "enter": "Enter", "space": "Space", "tab": "Tab", "up": "↑", "down": "↓", "left": "←",
    "right": "→", "pageup": "PgUp", "pagedown": "PgDn", "home": "Home", "end": "End", "delete": "Del",
}


def key_label(key: str) -> str:
    """A Textual key name as help writes it: `ctrl+f` → `Ctrl+F`, `escape` → `Esc`, `up` → `↑`."""
    *modifiers, name = key.split("+")
    shown = KEY_NAMES.get(name, name.upper() if len(name) == 1 or re.fullmatch(r"f\d+", name) else name.title())
    return "+".join([m.title() for m in modifiers] + [shown])


def tokens(key_cell: str) -> set[str]:
    """`Enter（相关条目）` → {Enter}; `↑ / ↓ / Space` → {↑, ↓, Space}; `1–9` → {1, …, 9}."""
    found: set[str] = set()
    for token in re.split(r"\s*/\s*", re.sub(r"\s*[（(].*?[)）]", "", key_cell)):
        if match := re.fullmatch(r"(\d)–(\d)", token):
            found |= {str(n) for n in range(int(match[1]), int(match[2]) + 1)}
        elif token:
            found.add(token)
    return found


def own_binding_classes() -> list[type[DOMNode]]:
    """The app, and every screen and widget class of the console that declares key bindings."""
    classes: list[type[DOMNode]] = [AgentApp, Screen]
    for package in (agentui.screens, agentui.widgets):
        for module_info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{module_info.name}")
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__ and issubclass(cls, DOMNode) and "BINDINGS" in cls.__dict__:
                    classes.append(cls)
    return classes


def bound_keys(cls: type[DOMNode]) -> list[tuple[str, str]]:
    """(key, action) of the class's own bindings (not system ones, not Super+ aliases)."""
    keys = []
    for binding in cls.__dict__["BINDINGS"]:
        if not isinstance(binding, Binding):
            binding = Binding(*binding)
        if binding.system:
            continue
        keys += [(key.strip(), binding.action) for key in binding.key.split(",") if not key.startswith("super+")]
    return keys


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_binding_of_the_console_is_in_help_with_its_key(lang):
    strings = strings_for(lang)
    listed = set().union(*(tokens(key) for _, key, _ in help_rows(strings)))
    classes = own_binding_classes()
    expected = {"ScriptsScreen", "ArticleView", "StepsList", "CaseViewScreen", "WrapUpScreen", "ValuePrompt"}
    assert expected <= {c.__name__ for c in classes}
    missing = [
        f"{cls.__name__}: {key} ({action})"
        for cls in classes
        for key, action in bound_keys(cls)
        if key_label(key) not in listed
    ]
    assert not missing, f"bound but not in help ({lang}): {missing}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_global_key_help_lists_is_bound_in_the_app(lang):
    strings = strings_for(lang)
    global_title = strings.help_groups[0][0]
    app_keys = {key_label(k) for cls in (AgentApp, Screen) for k, _ in bound_keys(cls)}
    app_keys.add(key_label(AgentApp.COMMAND_PALETTE_BINDING))
    listed = set().union(*(tokens(key) for title, key, _ in help_rows(strings) if title == global_title))
    assert listed - app_keys == set(), "help lists global keys the app does not bind"
    assert {"F7", "Ctrl+P", "Ctrl+Q"} <= listed


def test_help_says_what_the_console_does():
    """Autosave: 0.5 s after a pause and at least once a second while typing (issue 13); F4: typing
    filters (issue 14, point 4)."""
    for lang, autosave, history in (("zh", "停止输入 0.5 秒后，连续输入时至少每秒一次", "按姓名、电话、备注、编号筛选"),
                                    ("en", "0.5 s after you stop typing, and at least once a second",
                                     "filter by name, phone, notes, case id")):
        whats = [what for _, _, what in help_rows(strings_for(lang))]
        assert any(autosave in w for w in whats) and any(history in w for w in whats)


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_help_columns_line_up_in_cells(settings, store, lang):
    app = create_app(replace(settings, lang=lang), store=store, clock=fixed_clock, system_clipboard=False)
    async with app.run_test(size=(100, 60)) as pilot:
        await ready(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = list(app.screen.query(".help-row"))
        assert len(rows) == len(help_rows(app.strings))
        # every description starts in the same terminal column, whatever the key's script
        assert len({row.query_one(".help-what").region.x for row in rows}) == 1
        strings = app.strings
        width = max(cell_len(key) for _, key, _ in help_rows(strings))
        assert rows[0].query_one(".help-what").region.x - rows[0].query_one(".help-key").region.x >= width + 1
