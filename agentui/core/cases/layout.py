"""Where each piece of the case store lives in the data dir, and case ids that say when they began."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

from agentui.core.cases.errors import StoreError

LOCK_NAME = "agentui.lock"
CASES_DIRNAME = "cases"
ACTIVE_NAME = "active.json"
HISTORY_DIRNAME = "history"
ACTIVE_TABLE = "active"
ACTIVE_DOC_ID = 1
HISTORY_TABLE = "cases"

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""No I, L, O or U: the suffix can be read out on the phone without "is that a one or an L?"."""
_CASE_ID = re.compile(r"^C(\d{2})(\d{2})\d{2}-\d{4}-[0-9A-Z]{4}$")
_MONTH_FILE = re.compile(r"^(\d{4})-(\d{2})\.json$")


class StorePaths:
    """The files of one data dir: a small active-case file and one history file per month."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.lock = data_dir / LOCK_NAME
        self.cases_dir = data_dir / CASES_DIRNAME
        self.active = self.cases_dir / ACTIVE_NAME
        self.history_dir = self.cases_dir / HISTORY_DIRNAME

    def partition(self, month: str) -> Path:
        return self.history_dir / f"{month}.json"

    def months(self) -> list[str]:
        """History months on disk, newest first (`YYYY-MM`)."""
        try:
            names = [entry.name for entry in self.history_dir.iterdir()]
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StoreError(f"Cannot list the case history in {self.history_dir}: {exc.strerror or exc}.") from exc
        months = [f"{m[1]}-{m[2]}" for name in names if (m := _MONTH_FILE.match(name))]
        return sorted(months, reverse=True)

    def relative(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.data_dir))
        except ValueError:
            return str(path)


def new_case_id(now: datetime | None = None) -> str:
    """`C261122-0245-7F3A`: UTC date and minute, so ids sort by start time, plus 20 random bits."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    suffix = "".join(secrets.choice(_CROCKFORD) for _ in range(4))
    return f"C{now:%y%m%d-%H%M}-{suffix}"


def month_of_id(case_id: str) -> str | None:
    """The history month a case id belongs to, or None for ids this store did not make."""
    match = _CASE_ID.match(case_id)
    if not match:
        return None
    return f"20{match[1]}-{match[2]}"


def month_of_case(case_id: str, opened_at: str) -> str:
    """Partition of a case: the month its call started, the same whenever it is closed again."""
    return month_of_id(case_id) or opened_at[:7]
