"""Serialize the writes whose rule depends on what other transactions write at the same time.

A rule checked by reading then writing ("keep at least one active admin", later "never more
registrations than seats") breaks when two requests both read before either writes. A
domain function that enforces such a rule calls `serialize_writes(scope)` first, then reads
what its decision depends on: the second request waits until the first one commits or rolls
back, then reads the first one's result.

- PostgreSQL: a transaction-level advisory lock on `scope`, released at commit or rollback;
  requests with other scopes, and all reads, go on concurrently.
- SQLite: `BEGIN IMMEDIATE` takes the database's single write lock before the transaction's
  first read (SQLite has no row locks and SQLAlchemy drops FOR UPDATE there); pysqlite runs
  plain reads outside any transaction, so other requests keep reading meanwhile. Every
  writer waits for the lock anyway, so the scope does not matter there.

A writer that waits longer than SQLite's busy timeout gets "database is locked": the error
handler rolls back and answers 503 with Retry-After (see `is_database_busy`).
"""

from __future__ import annotations

import hashlib
import sqlite3

from sqlalchemy.exc import DBAPIError

from .extensions import db

#: PostgreSQL errors that mean "busy, try again" rather than "bug".
_POSTGRESQL_BUSY_SQLSTATES = frozenset(
    {
        "55P03",  # lock_not_available (a lock_timeout expired)
        "40001",  # serialization_failure
        "40P01",  # deadlock_detected
    }
)


def serialize_writes(scope: str) -> None:
    """Make this transaction the only one writing in `scope` until it ends.

    Call it before reading anything the write depends on. Objects loaded earlier in the
    session are expired (after flushing pending changes) so that they are read again under
    the lock: what was read before it may be stale.
    """
    session = db.session
    connection = session.connection()
    dialect = connection.dialect.name
    # On SQLite, being in a transaction already means a write already ran in it: pysqlite
    # opened the transaction before that statement, which took the write lock (held until
    # the end). BEGIN IMMEDIATE there would fail.
    if not (dialect == "sqlite" and connection.connection.dbapi_connection.in_transaction):
        connection.exec_driver_sql(lock_statement(dialect, scope))
    session.flush()
    session.expire_all()


def lock_statement(dialect: str, scope: str) -> str:
    """The statement that makes a transaction the only writer in `scope` on this database."""
    if dialect == "postgresql":
        return f"SELECT pg_advisory_xact_lock({_lock_key(scope)})"  # an int: nothing to escape
    if dialect == "sqlite":
        return "BEGIN IMMEDIATE"
    raise NotImplementedError(f"serialize_writes does not support {dialect}")


def _lock_key(scope: str) -> int:
    """A stable signed 64-bit key for pg_advisory_xact_lock (Python's hash() is salted)."""
    digest = hashlib.blake2b(scope.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def is_database_busy(error: DBAPIError) -> bool:
    """True when the database refused because others hold the lock: worth a retry later."""
    original = error.orig
    if isinstance(original, sqlite3.OperationalError):
        message = str(original).lower()
        return "database is locked" in message or "database is busy" in message
    return getattr(original, "sqlstate", None) in _POSTGRESQL_BUSY_SQLSTATES
