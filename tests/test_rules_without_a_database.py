"""Rules whose PostgreSQL half the fast SQLite subset never reaches, proved with the real
driver's exception classes (psycopg's carry their SQLSTATE) instead of a server, and the
other small rules the mutation run showed unpinned."""

from __future__ import annotations

import sqlite3

import psycopg.errors as pg
import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from workshops.config import database_url_from_env
from workshops.errors import is_unique_violation
from workshops.locking import _lock_key, is_database_busy
from workshops.models import EventKind, EventStatus, UserRole, _in


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        (pg.UniqueViolation("doublon"), True),
        (pg.ForeignKeyViolation("clé étrangère"), False),
        (pg.CheckViolation("contrainte"), False),
        (pg.NotNullViolation("vide"), False),
        (sqlite3.IntegrityError("CHECK constraint failed"), False),
    ],
)
def test_only_a_duplicate_value_counts_as_a_unique_violation(original, expected):
    assert is_unique_violation(IntegrityError("INSERT", {}, original)) is expected


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        (pg.LockNotAvailable("lock_timeout"), True),
        (pg.SerializationFailure("retry"), True),
        (pg.DeadlockDetected("deadlock"), True),
        (pg.QueryCanceled("statement_timeout"), False),
        (pg.UndefinedTable("typo"), False),
        (sqlite3.OperationalError("database is locked"), True),
        (sqlite3.OperationalError("Database is busy"), True),
        (sqlite3.OperationalError("no such table: events"), False),
    ],
)
def test_busy_means_try_again_later_on_both_databases(original, expected):
    assert is_database_busy(OperationalError("UPDATE", {}, original)) is expected


def test_lock_keys_are_stable_signed_64_bit_numbers():
    """Every worker and host must compute the same key for a scope (hash() is salted)."""
    assert _lock_key("events") == 6962288933581589540
    assert _lock_key("accounts") == -6366108573114939565


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@db:5432/ateliers", "postgresql+psycopg://u:p@db:5432/ateliers"),
        ("postgresql://u:p@db/ateliers", "postgresql+psycopg://u:p@db/ateliers"),
        ("postgresql+psycopg://u@db/a", "postgresql+psycopg://u@db/a"),
        ("sqlite:////srv/ateliers.sqlite3", "sqlite:////srv/ateliers.sqlite3"),
        ("", None),
    ],
)
def test_database_url_picks_the_psycopg_3_driver(monkeypatch, url, expected):
    monkeypatch.setenv("DATABASE_URL", url)
    assert database_url_from_env() == expected


def test_check_constraints_list_every_enum_value():
    assert _in("kind", EventKind) == "kind IN ('workshop', 'community')"
    assert _in("status", EventStatus) == "status IN ('draft', 'published', 'cancelled')"
    assert _in("role", UserRole) == "role IN ('admin', 'organizer')"
