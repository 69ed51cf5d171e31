"""The one typed settings object, built from the config file, environment and command line."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from agentui import locations
from agentui.core.cases.atomic import atomic_write, ensure_private_dir
from agentui.core.cases.errors import StoreError

LANGUAGES = ("zh", "en")


class SettingsNotSaved(Exception):
    """The settings file could not be written; the choice holds until the console closes."""


@dataclass(frozen=True, slots=True)
class Settings:
    kb_dir: Path
    data_dir: Path
    cache_dir: Path | None
    """None disables the on-disk search-index cache (tests)."""
    config_file: Path | None = None
    """Where `theme`/`lang` choices are remembered; None keeps them in memory only."""
    lang: str = "zh"
    theme: str = "textual-dark"
    agent_name: str = ""
    stale_after_days: int = 180
    """KB entries and dated facts checked longer ago than this are stale (settings file key)."""
    # Team mode: `--store`/$AGENTUI_STORE/"store" select a PostgreSQL server (empty: the embedded
    # store); `--agent` names this agent on the floor (default: the OS login).
    store: str = ""
    agent: str = ""
    role: str = "agent"
    live_kb: bool = False
    """Follow the KB's files: reload them when they change and show the checkout's git revision
    (the CLI's console; off unless asked, so tests and scripts building settings start no watcher
    thread and show no revision of the project checkout their fixtures sit in)."""

    def with_choice(self, **changes: Any) -> Settings:
        """A copy with user choices (`theme`, `lang`, `agent_name`) changed; `save_choices` keeps them."""
        unknown = set(changes) - {"theme", "lang", "agent_name"}
        if unknown:
            raise TypeError(f"not a user choice: {', '.join(sorted(unknown))}")
        return replace(
            self,
            theme=changes.get("theme", self.theme),
            lang=changes.get("lang", self.lang),
            agent_name=changes.get("agent_name", self.agent_name),
        )


def load_settings(
    *,
    kb_dir: Path | None = None,
    data_dir: Path | None = None,
    lang: str | None = None,
    config_file: Path | None = None,
    store: str | None = None,
    agent: str | None = None,
    role: str | None = None,
) -> Settings:
    """Command-line values win over the config file, which wins over defaults."""
    config_path = config_file or locations.config_file()
    stored = _read_choices(config_path)
    chosen_lang = lang or stored.get("lang") or "zh"
    if chosen_lang not in LANGUAGES:
        chosen_lang = "zh"
    return Settings(
        kb_dir=(kb_dir or locations.bundled_kb_dir()).expanduser(),
        data_dir=locations.data_dir(data_dir),
        cache_dir=locations.cache_dir(),
        config_file=config_path,
        lang=chosen_lang,
        theme=str(stored.get("theme") or "textual-dark"),
        agent_name=str(stored.get("agent_name") or ""),
        stale_after_days=_days(stored.get("stale_after_days"), default=180),
        store=store or os.environ.get("AGENTUI_STORE") or str(stored.get("store") or ""),
        agent=agent or os.environ.get("AGENTUI_AGENT") or str(stored.get("agent") or ""),
        role=role or str(stored.get("role") or "agent"),
        live_kb=True,
    )


def _days(value: object, default: int) -> int:
    """A whole number of days from the settings file; anything else (text, 0, true) is the default."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= 36500 else default


def _read_choices(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_choices(settings: Settings) -> None:
    """Remember theme, language and agent name the way cases are saved (temp file, fsync, rename,
    directory fsync; 0600 in a 0700 dir); raises `SettingsNotSaved` with a message fit to show.
    A failure leaves the previous file whole and no temp file behind."""
    path = settings.config_file
    if path is None:
        return
    # Keys the console does not set (e.g. "store", written by a floor's IT) are kept as they are.
    payload = {**_read_choices(path), "theme": settings.theme, "lang": settings.lang, "agent_name": settings.agent_name,
               "stale_after_days": settings.stale_after_days}
    try:
        ensure_private_dir(path.parent)
        atomic_write(path, json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8"))
    except StoreError as exc:
        raise SettingsNotSaved(f"Settings not saved ({getattr(exc, 'reason', exc)}); "
                               "your choice holds until agentui closes.") from exc
    except OSError as exc:
        raise SettingsNotSaved(f"Settings not saved: cannot create {path.parent} ({exc.strerror or exc}); "
                               "your choice holds until agentui closes.") from exc


_WRITING = threading.Lock()


def save_latest_choices(latest: Callable[[], Settings]) -> None:
    """One writer at a time, each writing the choices as they are when its turn comes: a theme
    change and a language change made together both end up in the file, in either order."""
    with _WRITING:
        save_choices(latest())
