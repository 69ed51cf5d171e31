"""Rescue files: the agent's unsaved typing, put somewhere safe when the case store cannot save it.

When saves keep failing (a full disk, an I/O error) and the console must exit anyway (Ctrl+Q
confirmed, SIGTERM, SIGHUP), what was typed goes into a rescue file: in the data dir if it has
room, else in the runtime dir (usually a tmpfs, so it has room when the disk has none), else in a
private folder in the temp dir. The next start finds the data dir's rescue files and offers them.
Rescue files are 0600, redacted like the store (no card numbers or CVVs), and written atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from agentui.core.cases.atomic import DIR_MODE, atomic_write
from agentui.core.cases.errors import StoreError
from agentui.core.cases.redact import redact_text

FORMAT = 1
PREFIX = "agentui-rescue-"
FIELDS = ("name", "phone", "operator", "category", "notes", "summary")
"""What a rescue may hold: the case pane's fields and the wrap-up summary's draft."""


class RescueFailed(Exception):
    """No place took the rescue file; the message names each place and why."""


@dataclass(frozen=True, slots=True)
class Rescue:
    path: Path
    case_id: str | None
    """The active case the text belongs to (None: typed before a case could be opened)."""
    written_at: str
    """UTC ISO-8601."""
    fields: dict[str, str]
    """Only the fields that were unsaved (a subset of `FIELDS`)."""
    reason: str
    """Why the store could not save it (shown to the agent)."""


def data_dir_key(data_dir: Path) -> str:
    """A short name for a data dir, so rescue files in shared places are found by their own console."""
    return hashlib.sha256(os.fsencode(os.path.abspath(data_dir))).hexdigest()[:16]


def rescue_dirs(data_dir: Path, environ: Mapping[str, str] = os.environ) -> list[Path]:
    """Where rescue files go, in order of preference (and where the next start looks)."""
    uid = os.getuid()
    candidates = [data_dir / "rescue"]
    runtime = environ.get("XDG_RUNTIME_DIR")
    if runtime:
        candidates.append(Path(runtime) / "agentui")
    candidates.append(Path("/dev/shm") / f"agentui-{uid}")
    candidates.append(Path(tempfile.gettempdir()) / f"agentui-{uid}")
    unique: list[Path] = []
    for candidate in candidates:
        if candidate not in unique:
            unique.append(candidate)
    return unique


def write_rescue(
    data_dir: Path,
    *,
    case_id: str | None,
    fields: Mapping[str, str],
    reason: str,
    now: datetime | None = None,
    dirs: Sequence[Path] | None = None,
) -> Path:
    """Write the unsaved `fields` into the first place that takes them; returns the file's path."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    payload = {
        "format": FORMAT,
        "data_dir": os.path.abspath(data_dir),
        "written_at": moment.isoformat(timespec="seconds"),
        "case_id": case_id,
        "reason": _storable(reason),
        "fields": {name: _storable(redact_text(value)[0]) for name, value in fields.items() if name in FIELDS},
    }
    data = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
    name = f"{PREFIX}{data_dir_key(data_dir)}-{moment:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}.json"
    failures: list[str] = []
    for folder in dirs if dirs is not None else rescue_dirs(data_dir):
        try:
            _private_dir(folder)
            atomic_write(folder / name, data)
        except (OSError, StoreError) as error:
            failures.append(f"{folder}: {getattr(error, 'strerror', None) or error}")
            continue
        return folder / name
    raise RescueFailed("; ".join(failures))


def find_rescues(data_dir: Path, dirs: Sequence[Path] | None = None) -> list[Rescue]:
    """This data dir's rescue files, oldest first; files that cannot be read are left alone."""
    pattern = f"{PREFIX}{data_dir_key(data_dir)}-*.json"
    found: list[Rescue] = []
    for folder in dirs if dirs is not None else rescue_dirs(data_dir):
        if not _is_private_dir(folder):
            continue
        for path in folder.glob(pattern):
            rescue = read_rescue(path)
            if rescue is not None:
                found.append(rescue)
    return sorted(found, key=lambda r: (r.written_at, r.path.name))


def read_rescue(path: Path) -> Rescue | None:
    try:
        with open(path, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            data = json.loads(handle.read(16 << 20).decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    fields = data.get("fields")
    case_id = data.get("case_id")
    if not isinstance(fields, dict) or not (case_id is None or isinstance(case_id, str)):
        return None
    return Rescue(
        path=path,
        case_id=case_id,
        written_at=str(data.get("written_at", "")),
        fields={k: v for k, v in fields.items() if k in FIELDS and isinstance(v, str)},
        reason=str(data.get("reason", "")),
    )


def remove_rescue(rescue: Rescue) -> None:
    """Delete a rescue file once its text is safely in the store (or the agent discarded it)."""
    try:
        os.unlink(rescue.path)
    except FileNotFoundError:
        pass


def _storable(text: str) -> str:
    """Valid UTF-8: a lone surrogate (from a broken paste) would make the write fail."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _private_dir(folder: Path) -> None:
    """Create `folder` 0700, or accept it only if it is ours and private (the temp dir is shared:
    another user must not have made it, nor pointed it elsewhere with a symlink)."""
    try:
        os.mkdir(folder, DIR_MODE)
    except FileExistsError:
        pass
    if not _is_private_dir(folder):
        raise OSError(f"{folder} is not a private folder of this user")


def _is_private_dir(folder: Path) -> bool:
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077
