"""Errors the case store raises; each message is fit to show the agent as it is."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """A save or load failed; the previous state on disk is intact."""


class StoreLocked(StoreError):
    def __init__(self, data_dir: Path, pid: int | None) -> None:
        holder = f"process {pid}" if pid else "another process"
        super().__init__(
            f"agentui is already running on data dir {data_dir} ({holder}). "
            "Close that console first, or start with another --data DIR."
        )
        self.data_dir = data_dir
        self.pid = pid


class CaseAlreadyOpen(StoreError):
    pass


class NoActiveCase(StoreError):
    pass


class CaseNotFound(StoreError):
    pass


class SaveNotConfirmed(StoreError):
    """The new version is in place but its flush to disk failed: it may not survive a power cut."""
