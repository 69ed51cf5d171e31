"""The core (KB, search, cases) must stay usable without Textual or Rich: the CLI and tests rely on it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import agentui.core

CORE = Path(agentui.core.__file__).parent


def test_importing_every_core_module_loads_neither_textual_nor_rich():
    modules = sorted(
        "agentui.core." + ".".join(p.relative_to(CORE).with_suffix("").parts).removesuffix(".__init__")
        for p in CORE.rglob("*.py")
    )
    modules = [m.removesuffix(".__init__") for m in modules]
    assert len(modules) > 5
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
