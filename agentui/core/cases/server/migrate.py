"""Versioned SQL migrations, applied in order under an advisory lock so two consoles starting at
once never both migrate."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

SCHEMA = "agentui"
MIGRATE_LOCK = 0x61676E74_75690001
"""`pg_advisory_lock` key; any bigint works, as long as every agentui uses the same one."""
_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


@dataclass(frozen=True, slots=True)
class SchemaStatus:
    applied: int
    latest: int
    pending: tuple[str, ...]

    @property
    def current(self) -> bool:
        return self.applied >= self.latest


def migrations() -> list[Migration]:
    found = []
    for item in resources.files("agentui.core.cases.server.migrations").iterdir():
        match = _NAME.match(item.name)
        if match:
            found.append(Migration(int(match[1]), match[2], item.read_text(encoding="utf-8")))
    return sorted(found, key=lambda m: m.version)


def status(conn: psycopg.Connection) -> SchemaStatus:
    applied = _applied(conn)
    every = migrations()
    pending = tuple(f"{m.version:03d}_{m.name}" for m in every if m.version > applied)
    return SchemaStatus(applied=applied, latest=every[-1].version if every else 0, pending=pending)


def migrate(conn: psycopg.Connection, *, on_locked: Callable[[], None] | None = None) -> list[str]:
    """Apply what is missing; returns the names applied (none if another console did it first).

    The lock is taken before the version is read, so the second of two consoles waits, then finds
    nothing left to do. Each migration commits with its version row, so a failure leaves the
    schema at the last whole version.
    """
    if status(conn).current:
        return []
    done: list[str] = []
    conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATE_LOCK,))
    try:
        if on_locked is not None:
            on_locked()
        with conn.transaction():
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {SCHEMA}.schema_migrations ("
                "version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            )
        for migration in migrations():
            if migration.version <= _applied(conn):
                continue
            with conn.transaction():
                conn.execute(migration.sql.encode())
                conn.execute(
                    f"INSERT INTO {SCHEMA}.schema_migrations (version, name) VALUES (%s, %s)",
                    (migration.version, migration.name),
                )
            done.append(f"{migration.version:03d}_{migration.name}")
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATE_LOCK,))
    return done


def _applied(conn: psycopg.Connection) -> int:
    row = conn.execute(
        "SELECT to_regclass(%s) IS NOT NULL", (f"{SCHEMA}.schema_migrations",)
    ).fetchone()
    if not row or not row[0]:
        return 0
    version = conn.execute(f"SELECT coalesce(max(version), 0) FROM {SCHEMA}.schema_migrations").fetchone()
    return int(version[0]) if version else 0
