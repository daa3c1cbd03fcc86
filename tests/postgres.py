"""A throwaway PostgreSQL server for the tests: `initdb` and `pg_ctl` in a temporary folder.

pytest-postgresql does the same but runs `initdb` as the current user, and PostgreSQL
refuses to run as root, which CI is. Here, when running as root, the server runs as the
`postgres` account that Debian's package creates. Nothing needs a pre-existing service.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import psycopg

#: "require" (CI) makes a missing PostgreSQL a failure instead of a skip; "off" skips it.
REQUIRE_VARIABLE = "WORKSHOPS_TEST_POSTGRESQL"
SKIP_REASON = (
    "PostgreSQL not found (no initdb/pg_ctl): the PostgreSQL half of the suite is skipped. "
    "Install Debian's `postgresql` package to run it; CI sets "
    f"{REQUIRE_VARIABLE}=require so that a missing server fails instead."
)


class PostgresUnavailable(Exception):
    """This machine cannot run a PostgreSQL server for the tests."""


def disabled() -> bool:
    return os.environ.get(REQUIRE_VARIABLE, "").lower() == "off"


def required() -> bool:
    return os.environ.get(REQUIRE_VARIABLE, "").lower() == "require"


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl: $WORKSHOPS_PG_BINDIR, $PATH, or Debian's layout."""
    candidates: list[Path] = []
    if os.environ.get("WORKSHOPS_PG_BINDIR"):
        candidates.append(Path(os.environ["WORKSHOPS_PG_BINDIR"]))
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)

    def version(path: Path) -> int:
        match = re.search(r"/(\d+)/bin$", str(path))
        return int(match.group(1)) if match else 0

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """One server for the whole test session; one fresh database per test."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.base = Path(tempfile.mkdtemp(prefix="workshops-pg-"))
        self.data = self.base / "data"
        self.log = self.base / "server.log"
        self.port = _free_port()
        self._run_as: dict[str, Any] = {}
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(
                    "running as root and no 'postgres' account to run the server"
                ) from None
            self._run_as = {"user": account.pw_uid, "group": account.pw_gid}
            os.chown(self.base, account.pw_uid, account.pw_gid)

    def _run(self, *args: str) -> None:
        result = subprocess.run(  # noqa: S603 - fixed binaries, our own arguments
            [str(self.bindir / args[0]), *args[1:]],
            cwd=self.base,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            **self._run_as,
        )
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {result.stderr}{result.stdout}\n{log}")

    def start(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True
        )

    def create_database(self, name: str) -> None:
        with self._admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

    def drop_database(self, name: str) -> None:
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
