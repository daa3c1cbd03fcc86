"""Password checks, login throttling and the safe `next` redirect."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy.dialects import postgresql, sqlite

from ..addresses import email_key
from ..dates import utcnow
from ..extensions import db
from ..models import LoginFailure, User
from .passwords import hash_password, verify_password

# Checked when the email is unknown, so that a wrong email costs as long as a wrong password.
_DUMMY_HASH = hash_password("not-a-real-password")


class LoginError(Exception):
    """Wrong email or password, without saying which."""


class LoginThrottled(Exception):
    """Too many recent failures: the next attempt is allowed in `wait` seconds."""

    def __init__(self, wait: int) -> None:
        super().__init__(wait)
        self.wait = wait


def authenticate(
    email: str,
    password: str,
    address: str,
    *,
    free_failures: int,
    free_failures_per_address: int,
    delay: int,
    max_delay: int,
    now: datetime | None = None,
) -> User:
    """Return the active user for these credentials, or raise LoginError / LoginThrottled.

    After `free_failures` failures on an account (or `free_failures_per_address` from one
    address) each further attempt must wait `delay` seconds, doubling up to `max_delay`,
    counted from the last failure. A success clears the account's counter.
    """
    now = now or utcnow()
    email = email_key(email)
    keys = {f"email:{email}": free_failures, f"ip:{address}": free_failures_per_address}
    rows = db.session.execute(db.select(LoginFailure).where(LoginFailure.key.in_(keys))).scalars()
    for row in rows:
        wait = _wait(row, keys[row.key], delay, max_delay, now)
        if wait > 0:
            raise LoginThrottled(wait)

    user = db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()
    valid = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if not (user and valid and user.active):
        for key in keys:
            _record_failure(key, now)
        raise LoginError()

    db.session.execute(db.delete(LoginFailure).where(LoginFailure.key == f"email:{email}"))
    user.last_login_at = now
    return user


def _wait(row: LoginFailure, free: int, delay: int, max_delay: int, now: datetime) -> int:
    if row.failures < free:
        return 0
    step = min(row.failures - free, 20)
    allowed_at = row.last_failure_at + timedelta(seconds=min(delay * 2**step, max_delay))
    return max(0, int((allowed_at - now).total_seconds() + 0.999))


def _record_failure(key: str, now: datetime) -> None:
    """Count a failure with an upsert, so concurrent attempts on any worker all count."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(LoginFailure).values(key=key, failures=1, last_failure_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=[LoginFailure.key],
        set_={"failures": LoginFailure.failures + 1, "last_failure_at": now},
    )
    db.session.execute(statement)


def is_safe_next(target: str | None) -> bool:
    """Accept only a local path ('/organisation/…'), never another host or scheme.

    Control characters are refused too: CR/LF cannot go into a Location header, and
    browsers silently drop tabs and newlines, turning "/<tab>/evil.example" into "//evil.example".
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and "\\" not in target


def wait_message(seconds: int) -> str:
    minutes = (seconds + 59) // 60
    if seconds < 60:
        return f"Trop de tentatives de connexion. Réessayez dans {seconds} secondes."
    unit = "minute" if minutes == 1 else "minutes"
    return f"Trop de tentatives de connexion. Réessayez dans {minutes} {unit}."
