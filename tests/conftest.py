"""Shared fixtures: the bundled KB loaded once per session, paths to test data."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from agentui.core.kb import KnowledgeBase, load_kb
from agentui.locations import bundled_kb_dir

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
LOOKALIKES = 1200


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


def synthetic_kb_module():
    spec = importlib.util.spec_from_file_location("synthetic_kb", ROOT / "benchmarks" / "synthetic_kb.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["synthetic_kb"] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def lookalike_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The bundled KB plus synthetic telecom entries that share its vocabulary (补卡, eSIM, MTS …),
    so every query word has hundreds of matches."""
    root = tmp_path_factory.mktemp("lookalike-kb")
    shutil.copytree(bundled_kb_dir(), root / "bundled")
    synthetic_kb_module().write_kb(root / "synthetic", LOOKALIKES)
    kb = load_kb(root)
    assert not kb.problems, kb.problems[:3]
    assert len(kb) > LOOKALIKES
    return kb
