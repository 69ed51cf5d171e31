"""Shared fixtures for the case-store tests: a private data dir and an open store on it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from agentui.core.cases.atomic import is_temp_name
from agentui.core.cases.opening import open_store
from agentui.core.cases.store import TinyCaseStore


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path) -> Iterator[TinyCaseStore]:
    opened = open_store(data_dir)
    yield opened
    opened.close_store()


def temp_files(data_dir: Path) -> list[str]:
    return [name for _, _, names in os.walk(data_dir) for name in names if is_temp_name(name)]
