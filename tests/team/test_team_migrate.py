"""Migrations under an advisory lock, `agentui db`, and passwords never shown."""

from __future__ import annotations

import threading
import uuid

import pytest
from conftest import create_database, drop_database

from agentui.cli import main
from agentui.core.cases.server.connect import connect
from agentui.core.cases.server.migrate import migrate, migrations, status
from agentui.core.cases.server.url import mask_secrets, mask_url


@pytest.fixture
def fresh_db(pg_server):
    name = f"agentui_mig_{uuid.uuid4().hex[:8]}"
    url = create_database(pg_server, name)
    yield url
    drop_database(pg_server, name)


def test_two_consoles_starting_at_once_migrate_once(fresh_db: str) -> None:
    """The first holds the lock until the second is seen waiting for it; the second then finds
    nothing left to do (without the lock it would run CREATE TABLE a second time and fail)."""
    first, second = connect(fresh_db), connect(fresh_db)
    results: dict[str, list[str]] = {}
    second_pid = second.info.backend_pid

    def wait_for_second() -> None:
        watcher = connect(fresh_db)
        for _ in range(200):
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND pid = %s", (second_pid,)
            ).fetchone()
            if waiting and waiting[0]:
                break
            watcher.execute("SELECT pg_sleep(0.02)")
        else:
            raise AssertionError("the second console never waited for the lock")
        watcher.close()

    runner = threading.Thread(target=lambda: results.__setitem__("second", migrate(second)))
    results["first"] = migrate(first, on_locked=lambda: (runner.start(), wait_for_second()))
    runner.join(30)
    assert results["first"] == [f"{m.version:03d}_{m.name}" for m in migrations()]
    assert results["second"] == []
    assert status(first).current
    assert first.execute("SELECT count(*) FROM agentui.schema_migrations").fetchone() == (len(migrations()),)
    first.close()
    second.close()


def test_db_status_and_migrate_commands(fresh_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "status", "--store", fresh_db]) == 1
    assert "pending: 001_cases" in capsys.readouterr().out
    assert main(["db", "migrate", "--store", fresh_db]) == 0
    assert "applied 001_cases" in capsys.readouterr().out
    assert main(["--store", fresh_db, "db", "status"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_no_password_in_any_message(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql://floor:S3cr3t-pw@127.0.0.1:1/agentui?sslmode=disable"
    assert mask_url(url) == "postgresql://floor:***@127.0.0.1:1/agentui?sslmode=disable"
    assert "S3cr3t" not in mask_url("postgresql://h/db?password=S3cr3t-pw&user=x")
    assert "S3cr3t" not in mask_secrets("host=h password=S3cr3t-pw dbname=x")
    assert main(["db", "status", "--store", url]) == 1
    out = capsys.readouterr()
    assert "S3cr3t" not in out.out + out.err and "floor:***@127.0.0.1" in out.err


def test_no_server_configured_is_a_clear_error(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.delenv("AGENTUI_STORE", raising=False)
    assert main(["db", "status"]) == 2
    assert "no server configured" in capsys.readouterr().err
