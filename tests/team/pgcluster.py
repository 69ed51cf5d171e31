"""A throwaway PostgreSQL cluster for the tests and the benchmark: a temp dir, a Unix socket, a free port.

initdb refuses to run as root, so as root the server runs as the `postgres` system user (the
Debian package creates it) through `runuser`; the temp dir is handed to that user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("AGENTUI_PG_BIN", "/usr/lib/postgresql/15/bin"))


class ClusterUnavailable(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    def __init__(self, *, settings: dict[str, str] | None = None, base: Path | None = None) -> None:
        if not (PG_BIN / "initdb").exists():
            raise ClusterUnavailable(f"no PostgreSQL server in {PG_BIN} (Debian: apt-get install postgresql-15)")
        self.as_user: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError as exc:
                raise ClusterUnavailable("running as root and there is no `postgres` system user") from exc
            self.as_user = "postgres"
        self.base = base or Path(tempfile.mkdtemp(prefix="agentui-pg-"))
        self.base.mkdir(parents=True, exist_ok=True)
        self.data = self.base / "data"
        self.socket_dir = self.base
        self.port = free_port()
        self.settings = {"fsync": "off", "max_connections": "60", "shared_buffers": "64MB", **(settings or {})}
        if self.as_user:
            entry = pwd.getpwnam(self.as_user)
            os.chown(self.base, entry.pw_uid, entry.pw_gid)
        os.chmod(self.base, 0o700)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@/postgres?host={self.socket_dir}&port={self.port}"

    def tcp_url(self, dbname: str = "postgres", port: int | None = None) -> str:
        return f"postgresql://postgres@127.0.0.1:{port or self.port}/{dbname}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    def init(self) -> None:
        try:
            self._run("initdb", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "-D", str(self.data))
        except subprocess.CalledProcessError as exc:
            raise ClusterUnavailable(f"initdb failed: {exc.stderr.strip()}") from exc

    def start(self) -> None:
        options = " ".join(
            [f"-k {self.socket_dir}", f"-p {self.port}", "-c listen_addresses=127.0.0.1"]
            + [f"-c {k}={v}" for k, v in self.settings.items()]
        )
        try:
            self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.base / "log"), "-w", "-t", "60",
                      "start")  # fmt: skip
        except subprocess.CalledProcessError as exc:
            log = (self.base / "log").read_text(errors="replace") if (self.base / "log").exists() else ""
            raise ClusterUnavailable(f"pg_ctl start failed: {exc.stderr.strip()} {log[-2000:]}") from exc

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = subprocess.run([str(PG_BIN / "pg_isready"), "-h", str(self.socket_dir), "-p", str(self.port)],
                                  capture_output=True)  # fmt: skip
            if done.returncode == 0:
                return
            time.sleep(0.05)
        raise ClusterUnavailable("server did not become ready")

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


def start_cluster(settings: dict[str, str] | None = None, base: Path | None = None) -> Cluster:
    """A new cluster in a temp dir, or in `base` (kept: an existing one there is started again)."""
    cluster = Cluster(settings=settings, base=base)
    if base is not None and (cluster.data / "PG_VERSION").exists():
        cluster.start()
        return cluster
    try:
        cluster.init()
        cluster.start()
    except BaseException:
        shutil.rmtree(cluster.base, ignore_errors=True)
        raise
    return cluster
