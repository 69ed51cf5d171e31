"""The README stays true: its screenshot script still draws a call, every key it lists is bound,
its test command is the one CI runs, and every link in it and in docs/ leads somewhere."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from textual.binding import Binding

from agentui.app import AgentApp

from .test_flow_help import key_label, own_binding_classes

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"


def readme() -> str:
    return README.read_text(encoding="utf-8")


async def test_the_screenshot_script_draws_a_call_on_the_bundled_kb(tmp_path):
    spec = importlib.util.spec_from_file_location("screenshot", DOCS / "screenshot.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    out = tmp_path / "shot.svg"
    svg = await script.take_screenshot(out)
    assert out.read_text(encoding="utf-8") == svg
    assert svg.startswith("<svg")
    # The bundled entry opened for `esim 丢失`, the caller, the case id and the call timer.
    for seen in ("补卡（丢失或损坏）", "esim&#160;丢失", "王芳", script.CASE_ID, "03:27"):
        assert seen in svg, seen
    committed = (DOCS / "screenshot.svg").read_text(encoding="utf-8")
    assert committed.startswith("<svg") and "补卡（丢失或损坏）" in committed
    assert "![agentui during a call](docs/screenshot.svg)" in readme()


def key_table_cells() -> list[str]:
    """The key column of the README's key table."""
    lines = readme().splitlines()
    start = lines.index("| key | action |")
    cells = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells.append(line.split("|")[1].strip())
    return cells


def key_tokens(cell: str) -> set[str]:
    """`↓ / ↑, Enter` → {↓, ↑, Enter}; `Space (in a procedure's steps)` → {Space}; `1–9` → {1, …, 9}."""
    found: set[str] = set()
    for token in re.split(r"\s*(?:/|,|\bor\b)\s*", re.sub(r"\s*\(.*?\)", "", cell)):
        if match := re.fullmatch(r"(\d)–(\d)", token):
            found |= {str(n) for n in range(int(match[1]), int(match[2]) + 1)}
        elif token:
            found.add(token)
    return found


def every_bound_key() -> set[str]:
    """Every key the console binds, its own bindings and those of the Textual widgets it builds on."""
    keys = {key_label(AgentApp.COMMAND_PALETTE_BINDING)}
    for cls in own_binding_classes():
        for klass in cls.__mro__:
            for binding in klass.__dict__.get("BINDINGS", ()):
                binding = binding if isinstance(binding, Binding) else Binding(*binding)
                keys |= {key_label(key.strip()) for key in binding.key.split(",")}
    return keys


def test_every_key_the_readme_lists_is_bound():
    cells = key_table_cells()
    assert len(cells) >= 15, "the README's key table is missing"
    listed = set().union(*(key_tokens(cell) for cell in cells)) - {"typing"}
    assert {"F2", "F6", "F10", "Ctrl+Q", "Alt+←", "1"} <= listed
    assert listed - every_bound_key() == set(), "the README names keys the console does not bind"


def test_the_readme_test_command_is_the_one_ci_runs():
    ci_test_command = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci_test_command == (
        "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' && .venv/bin/python -m pytest"
    )
    assert f"```sh\n{ci_test_command}\n```" in readme()
    assert "```sh\npython3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/agentui\n```" in readme()


def test_every_link_in_the_readme_and_docs_leads_to_a_file():
    pages = [README, *sorted(DOCS.glob("*.md"))]
    assert len(pages) >= 4, "the README's developer material lives in docs/"
    broken = []
    for page in pages:
        for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text(encoding="utf-8")):
            path = target.split("#")[0]
            if path and not re.match(r"[a-z]+:", path) and not (page.parent / path).exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert not broken, broken
