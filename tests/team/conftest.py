"""PostgreSQL for the team-mode tests: a throwaway cluster per session, a clean schema per test.

`AGENTUI_TEST_PG_URL` points the tests at an existing server instead (a database `agentui_test`
is created there and dropped at the end). Without a server the tests are skipped, unless
`AGENTUI_PG_TESTS=require` (as `.ci/run` sets it): then they fail, so CI always runs them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pgcluster import Cluster, ClusterUnavailable, start_cluster

TEST_DB = "agentui_test"
TABLES = ("cases", "events", "clients", "refusals")


@dataclass
class PgServer:
    admin_url: str
    cluster: Cluster | None

    def url_for(self, dbname: str) -> str:
        from psycopg.conninfo import make_conninfo

        return make_conninfo(self.admin_url, dbname=dbname)


def _unavailable(reason: str) -> None:
    if os.environ.get("AGENTUI_PG_TESTS") == "require":
        pytest.fail(f"PostgreSQL tests are required here but cannot run: {reason}", pytrace=False)
    pytest.skip(f"no PostgreSQL server: {reason}")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    external = os.environ.get("AGENTUI_TEST_PG_URL")
    if external:
        yield PgServer(external, None)
        return
    try:
        cluster = start_cluster()
    except ClusterUnavailable as exc:
        _unavailable(str(exc))
        raise
    try:
        yield PgServer(cluster.url, cluster)
    finally:
        cluster.destroy()


def create_database(server: PgServer, name: str) -> str:
    import psycopg

    with psycopg.connect(server.admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.url_for(name)


def drop_database(server: PgServer, name: str) -> None:
    import psycopg

    with psycopg.connect(server.admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_db(pg_server: PgServer) -> Iterator[str]:
    import psycopg

    from agentui.core.cases.server.migrate import migrate

    url = create_database(pg_server, TEST_DB)
    with psycopg.connect(url, autocommit=True) as conn:
        migrate(conn)
    yield url
    drop_database(pg_server, TEST_DB)


@pytest.fixture
def pg_url(pg_db: str) -> str:
    """The migrated test database, emptied: each test starts with a floor of no cases."""
    import psycopg

    with psycopg.connect(pg_db, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {', '.join('agentui.' + t for t in TABLES)} RESTART IDENTITY")
    return pg_db
