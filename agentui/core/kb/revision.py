"""The git revision a KB folder is checked out at (short hash, commit date), read without network."""

from __future__ import annotations

import os
import re
import subprocess
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

GIT_TIMEOUT_S = 2.0
_HASH = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")  # SHA-1, or SHA-256 repositories
_COMMITTER = re.compile(rb"^committer .* ([0-9]+) ([+-])([0-9]{2})([0-9]{2})$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Revision:
    commit: str
    """Short hash of the checked-out commit."""
    committed: datetime | None
    """Its commit date (with the committer's UTC offset); None when it cannot be read without git."""

    def __str__(self) -> str:
        when = self.committed.strftime("%Y-%m-%d %H:%M %z") if self.committed else "date unknown"
        return f"{self.commit} ({when})"


def kb_revision(root: Path, timeout: float = GIT_TIMEOUT_S) -> Revision | None:
    """The revision of the git checkout holding `root` (the KB folder or a folder above it), or None
    when it is no checkout, git refuses it, or git takes longer than `timeout`. Without a `git`
    program, the commit is read from the `.git` files (worktrees included)."""
    try:
        result = subprocess.run(
            # `log` with no signature check: no gpg, pager, hook or fsmonitor a checkout's config names.
            ["git", "-C", str(root), "--no-pager", "log", "-1", "--no-show-signature", "--format=%h%x00%cI", "HEAD"],
            capture_output=True, stdin=subprocess.DEVNULL, timeout=timeout, check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )
    except FileNotFoundError:  # no git installed
        return read_git_dir(root)
    except (OSError, subprocess.SubprocessError):  # a timeout, or git cannot be run
        return None
    if result.returncode != 0:
        return None
    short, _, when = result.stdout.decode("utf-8", "replace").strip().partition("\0")
    try:
        committed = datetime.fromisoformat(when)
    except ValueError:
        committed = None
    return Revision(short, committed) if short else None


def read_git_dir(root: Path) -> Revision | None:
    """`kb_revision` from the files of `.git` alone: HEAD, loose and packed refs, and the commit date
    when the commit is a loose object (a packed one would need the pack format: date unknown)."""
    git_dir = _find_git_dir(root)
    if git_dir is None:
        return None
    common = git_dir
    try:
        common = (git_dir / (git_dir / "commondir").read_text(encoding="utf-8").strip()).resolve()
    except OSError:
        pass  # not a linked worktree: refs and objects are in git_dir itself
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    commit = _resolve(head, git_dir, common)
    if commit is None:
        return None
    return Revision(commit[:7], _loose_commit_date(common, commit))


def _find_git_dir(root: Path) -> Path | None:
    for folder in (root.resolve(), *root.resolve().parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():  # a linked worktree or submodule: "gitdir: <path>"
            try:
                text = dot_git.read_text(encoding="utf-8").strip()
            except OSError:
                return None
            if not text.startswith("gitdir:"):
                return None
            target = Path(text.removeprefix("gitdir:").strip())
            return target if target.is_absolute() else (folder / target).resolve()
    return None


def _resolve(head: str, git_dir: Path, common: Path) -> str | None:
    if _HASH.fullmatch(head):  # detached HEAD
        return head
    if not head.startswith("ref: "):
        return None
    ref = head.removeprefix("ref: ").strip()
    for base in (git_dir, common):
        try:
            value = (base / ref).read_text(encoding="utf-8").strip()
        except OSError:
            continue
        if _HASH.fullmatch(value):
            return value
    try:
        packed = (common / "packed-refs").read_text(encoding="utf-8")
    except OSError:
        return None
    for line in packed.splitlines():
        value, _, name = line.partition(" ")
        if name == ref and _HASH.fullmatch(value):
            return value
    return None


def _loose_commit_date(common: Path, commit: str) -> datetime | None:
    try:
        raw = zlib.decompress((common / "objects" / commit[:2] / commit[2:]).read_bytes())
    except (OSError, zlib.error):
        return None
    match = _COMMITTER.search(raw.split(b"\n\n", 1)[0])
    if match is None:
        return None
    seconds, sign, hours, minutes = match.groups()
    offset = timedelta(hours=int(hours), minutes=int(minutes)) * (-1 if sign == b"-" else 1)
    return datetime.fromtimestamp(int(seconds), UTC).astimezone(timezone(offset))
