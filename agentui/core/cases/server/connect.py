"""Connections to the server: libpq settings that notice a dead peer, and errors with no password."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from agentui.core.cases.errors import StoreError
from agentui.core.cases.server.url import mask_secrets, mask_url

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")

CONNECT_TIMEOUT_S = 3
LIBPQ_OPTIONS: dict[str, Any] = {
    "connect_timeout": CONNECT_TIMEOUT_S,
    "application_name": "agentui",
    # A cut cable or a dropped NAT entry sends nothing: without these a push would wait for
    # TCP's own timeout (minutes) while the header still says "online".
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 2,
    "tcp_user_timeout": 8000,
    "options": "-c statement_timeout=15000 -c timezone=UTC",
}


class ServerUnavailable(StoreError):
    """The server cannot be reached or dropped the connection; the change waits in the outbox."""


def connect(url: str, **extra: Any) -> psycopg.Connection:
    """An autocommit connection (transactions are explicit); libpq's PG* variables and ~/.pgpass
    fill in whatever the URL leaves out."""
    import psycopg

    try:
        return psycopg.connect(url, autocommit=True, **{**LIBPQ_OPTIONS, **extra})
    except psycopg.Error as exc:
        raise ServerUnavailable(describe(exc, url)) from exc


def describe(exc: BaseException, url: str) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return mask_secrets(f"PostgreSQL at {mask_url(url)}: {first}", url)


class Link:
    """One connection used from several threads in turn, reopened after a failure.

    psycopg serialises a connection's use itself; the lock here also covers reconnecting and
    whole transactions, so two threads never interleave statements of different transactions.
    """

    def __init__(self, url: str, *, on_connect: Callable[[psycopg.Connection], None] | None = None) -> None:
        self.url = url
        self._conn: psycopg.Connection | None = None
        self._lock = threading.RLock()
        self._on_connect = on_connect

    @contextmanager
    def use(self) -> Iterator[psycopg.Connection]:
        import psycopg

        with self._lock:
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = connect(self.url)
                    if self._on_connect is not None:
                        self._on_connect(self._conn)
                yield self._conn
            except psycopg.OperationalError as exc:
                self._drop()
                raise ServerUnavailable(describe(exc, self.url)) from exc
            except psycopg.InterfaceError as exc:  # used after the peer went away
                self._drop()
                raise ServerUnavailable(describe(exc, self.url)) from exc
            except psycopg.Error as exc:
                self._drop()
                raise StoreError(describe(exc, self.url)) from exc

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - closing a broken connection may raise anything
                pass
