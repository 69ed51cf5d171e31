"""The embedded store's usage and search-miss records: one small atomic JSON file per UTC day."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from agentui.core.cases.atomic import atomic_write, ensure_private_dir
from agentui.core.cases.errors import StoreError
from agentui.core.cases.records import EVENT_KINDS, Event
from agentui.core.cases.redact import redact_text

_DAY_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")
QUERY_KINDS = ("miss", "zero")


def normalise_at(at: str | None, now: datetime) -> str:
    """UTC ISO-8601 to the second, the one form records are compared in (as text)."""
    if not at:
        return now.astimezone(UTC).isoformat(timespec="seconds")
    moment = datetime.fromisoformat(at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def make_event(kind: str, ref: str, *, agent: str, case_id: str, at: str | None, now: datetime) -> Event:
    """Checked and redacted: a query the agent typed may hold a card number, like a note."""
    if kind not in EVENT_KINDS:
        raise StoreError(f"Unknown record kind {kind!r} (expected one of {', '.join(EVENT_KINDS)}).")
    if kind in QUERY_KINDS:
        ref, _ = redact_text(ref)
    try:
        stamp = normalise_at(at, now)
    except ValueError as exc:
        raise StoreError(f"Not a time: {at!r}.") from exc
    return Event(kind=kind, ref=ref, at=stamp, agent=agent, case_id=case_id)


def event_to_dict(event: Event) -> dict[str, str]:
    return {"kind": event.kind, "ref": event.ref, "at": event.at, "agent": event.agent, "case_id": event.case_id}


def event_from_dict(doc: object) -> Event | None:
    if not isinstance(doc, dict) or not all(isinstance(doc.get(k), str) for k in ("kind", "ref", "at")):
        return None
    return Event(kind=doc["kind"], ref=doc["ref"], at=doc["at"], agent=str(doc.get("agent") or ""),
                 case_id=str(doc.get("case_id") or ""))


class EventLog:
    """Appends rewrite only that day's file (a few hundred records), never the whole log; the
    store's data-dir lock makes this process the only writer."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._day: str = ""
        self._records: list[dict[str, str]] = []

    def append(self, event: Event) -> None:
        day = event.at[:10]
        records = self._load_day(day)
        updated = [*records, event_to_dict(event)]
        ensure_private_dir(self.directory)
        atomic_write(self._path(day), json.dumps(updated, ensure_ascii=False, separators=(",", ":")).encode())
        self._day, self._records = day, updated

    def query(self, kind: str, since: str, until: str | None, agent: str | None) -> list[Event]:
        found: list[Event] = []
        for day in self._days():
            if day < since[:10] or (until is not None and day > until[:10]):
                continue
            for doc in self._load_day(day):
                event = event_from_dict(doc)
                if event is None or event.kind != kind or event.at < since:
                    continue
                if (until is not None and event.at >= until) or (agent is not None and event.agent != agent):
                    continue
                found.append(event)
        found.sort(key=lambda e: e.at)
        return found

    def _days(self) -> list[str]:
        try:
            names = [p.name for p in self.directory.iterdir()]
        except FileNotFoundError:
            return []
        return sorted(m[1] for name in names if (m := _DAY_FILE.match(name)))

    def _path(self, day: str) -> Path:
        return self.directory / f"{day}.json"

    def _load_day(self, day: str) -> list[dict[str, str]]:
        if day == self._day:
            return self._records
        try:
            data = json.loads(self._path(day).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            raise StoreError(f"Records file {self._path(day)} cannot be read ({exc}); it was left untouched.") from exc
        return data if isinstance(data, list) else []


class EventLogReader:
    """`protocol.EventReader` over a data dir's records, read without its lock: each day file is
    replaced whole by rename, so a read never sees half a write."""

    def __init__(self, directory: Path) -> None:
        self._log = EventLog(directory)

    def events(self, kind: str, *, since: str, until: str | None = None, agent: str | None = None) -> list[Event]:
        return self._log.query(kind, since, until, agent)

    def close_store(self) -> None:
        """Nothing is held."""
