"""Shared fixtures: the bundled KB loaded once per session, paths to test data."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentui.core.kb import KnowledgeBase, load_kb
from agentui.locations import bundled_kb_dir

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def bundled_kb() -> KnowledgeBase:
    kb = load_kb(bundled_kb_dir())
    assert len(kb) >= 32, "the bundled KB must not be empty"
    return kb
