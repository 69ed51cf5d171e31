"""Where agentui keeps data, cache and config, and where the bundled knowledge base lives."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "agentui"
DATA_DIR_ENV = "AGENTUI_DATA_DIR"


def bundled_kb_dir() -> Path:
    """The KB shipped with agentui: `kb/` in a checkout, `agentui/_bundled_kb` in a wheel."""
    package = Path(__file__).resolve().parent
    in_wheel = package / "_bundled_kb"
    if in_wheel.is_dir():
        return in_wheel
    return package.parent / "kb"


def data_dir(explicit: Path | None = None) -> Path:
    """`--data`, else `$AGENTUI_DATA_DIR`, else the platform's user data dir. Not created here."""
    if explicit is not None:
        return explicit.expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.json"
