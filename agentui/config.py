"""The one typed settings object, built from the config file, environment and command line."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from agentui import locations

LANGUAGES = ("zh", "en")


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
    # Team mode: `--store`/$AGENTUI_STORE/"store" select a PostgreSQL server (empty: the embedded
    # store); `--agent` names this agent on the floor (default: the OS login).
    store: str = ""
    agent: str = ""
    role: str = "agent"

    def with_choice(self, **changes: str) -> Settings:
        """A copy with user choices changed, persisted to the config file when there is one."""
        updated = replace(self, **changes)
        if updated.config_file is not None:
            save_choices(updated)
        return updated


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
        store=store or os.environ.get("AGENTUI_STORE") or str(stored.get("store") or ""),
        agent=agent or os.environ.get("AGENTUI_AGENT") or str(stored.get("agent") or ""),
        role=role or str(stored.get("role") or "agent"),
    )


def _read_choices(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_choices(settings: Settings) -> None:
    """Atomically remember theme, language and agent name; a failure only loses the preference."""
    path = settings.config_file
    if path is None:
        return
    # Keys the console does not set (e.g. "store", written by a floor's IT) are kept as they are.
    payload = {**_read_choices(path), "theme": settings.theme, "lang": settings.lang, "agent_name": settings.agent_name}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError:
        pass
