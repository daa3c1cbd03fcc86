"""Rules whose PostgreSQL half the fast SQLite subset never reaches, proved with the real
driver's exception classes (psycopg's carry their SQLSTATE) instead of a server, and the
other small rules the mutation run showed unpinned."""

from __future__ import annotations

import sqlite3

import psycopg.errors as pg
import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from workshops import create_app
from workshops.accounts.passwords import hash_password, password_problem
from workshops.config import database_url_from_env
from workshops.errors import is_unique_violation
from workshops.locking import _lock_key, is_database_busy, lock_statement
from workshops.models import EventKind, EventStatus, UserRole, _in
from workshops.security import FORBIDDEN_CHARACTERS


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
        (ConnectionResetError("another driver's error, without a SQLSTATE"), False),
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


def test_the_forbidden_characters_are_exactly_these():
    """Every code point of the Basic Multilingual Plane, checked against the list written
    out here: tab, line feed and carriage return pass, the bidi marks LRM/RLM pass."""
    expected = {*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F}
    expected |= {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}
    found = {cp for cp in range(0x10000) if FORBIDDEN_CHARACTERS.search(chr(cp))}
    assert found == expected


#: The defaults a deployment relies on without setting them, written out as data.
SAFE_DEFAULTS = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,  # create_app: Secure unless in debug mode
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
    "MAX_CONTENT_LENGTH": 1_048_576,
    "WTF_CSRF_ENABLED": True,
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "LOGIN_THROTTLE_WINDOW_SECONDS": 900,
    "LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS": 5,
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 50,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 30,
    "TRUSTED_PROXY_COUNT": 0,
    "HSTS_SECONDS": 365 * 24 * 3600,
    "PREFERRED_URL_SCHEME": "https",
    "SQLITE_BUSY_TIMEOUT_MS": 5000,
}


def test_a_deployment_that_sets_nothing_gets_the_safe_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("WORKSHOPS_SECRET_KEY", "x")
    monkeypatch.setenv("WORKSHOPS_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert {name: app.config[name] for name in SAFE_DEFAULTS} == SAFE_DEFAULTS


def test_passwords_are_hashed_with_scrypt_and_the_length_rule_is_twelve():
    assert hash_password("une phrase de passe").startswith("scrypt:")
    assert password_problem("abcdefghijk") is not None  # 11 characters
    assert password_problem("abcdefghijkl") is None
    assert password_problem("abcdabcdabcd") == (  # 4 different characters
        "Le mot de passe est trop simple : utilisez au moins 5 caractères différents, hors espaces."
    )
    assert password_problem("court") == "Le mot de passe doit contenir au moins 12 caractères."
    assert password_problem("abcdeabcdeab") is None


def test_each_database_serializes_writers_its_own_way():
    assert lock_statement("postgresql", "events") == (
        "SELECT pg_advisory_xact_lock(6962288933581589540)"
    )
    assert lock_statement("sqlite", "events") == "BEGIN IMMEDIATE"
    with pytest.raises(NotImplementedError, match=r"^serialize_writes does not support mysql$"):
        lock_statement("mysql", "events")
