"""Shared fixtures: the bundled KB loaded once per session, paths to test data."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentui.core.kb import KnowledgeBase, load_kb
from agentui.locations import bundled_kb_dir

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True, scope="session")
def private_user_dirs(tmp_path_factory: pytest.TempPathFactory):
    """Tests never touch the real user's data, cache or config (platformdirs follows XDG_*)."""
    root = tmp_path_factory.mktemp("xdg")
    patch = pytest.MonkeyPatch()
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        patch.setenv(name, str(root / name.lower()))
    patch.delenv("AGENTUI_DATA_DIR", raising=False)
    yield root
    patch.undo()


@pytest.fixture(scope="session")
def bundled_kb() -> KnowledgeBase:
    kb = load_kb(bundled_kb_dir())
    assert len(kb) >= 32, "the bundled KB must not be empty"
    return kb
