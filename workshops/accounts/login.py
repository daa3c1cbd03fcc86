"""Password checks, login throttling (with workshops.throttle) and the safe `next` redirect."""

from __future__ import annotations

from datetime import datetime, timedelta

from .. import throttle
from ..addresses import email_key
from ..dates import utcnow
from ..extensions import db
from ..models import User
from .passwords import hash_password, verify_password

# Checked when the email is unknown, so that a wrong email costs as long as a wrong password.
_DUMMY_HASH = hash_password("not-a-real-password")


class LoginError(Exception):
    """Wrong email or password, without saying which."""


class LoginThrottled(Exception):
    """Too many recent failures: the next attempt is allowed in `wait` seconds; the message
    says so in French."""

    def __init__(self, wait: int) -> None:
        super().__init__(wait_message(wait))
        self.wait = wait


def authenticate(
    email: str,
    password: str,
    address: str,
    *,
    max_failures_per_account_and_address: int,
    max_failures_per_account: int,
    max_failures_per_address: int,
    window: timedelta,
    now: datetime | None = None,
) -> User:
    """Return the active user for these credentials, or raise LoginError / LoginThrottled.

    Failures are counted within `window` under three keys: this account from this address
    (a few: someone guessing), this account from anywhere (many more: guessing from many
    addresses), and this address on any account (spraying). Past a limit, attempts are
    refused until the oldest counted failure leaves the window: the block lifts by itself.
    Someone who only knows an account's address cannot lock its owner out from another
    address unless they reach the much higher account-wide limit. A success clears the
    account's counts, not the address's.
    """
    now = now or utcnow()
    email = email_key(email)
    pair_key = f"login-email-ip:{email}|{address}"
    account_key, address_key = f"login-email:{email}", f"login-ip:{address}"
    wait = throttle.retry_after(
        (
            throttle.Limit(pair_key, max_failures_per_account_and_address, window),
            throttle.Limit(account_key, max_failures_per_account, window),
            throttle.Limit(address_key, max_failures_per_address, window),
        ),
        now,
    )
    if wait:
        raise LoginThrottled(wait)

    user = db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()
    valid = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if not (user and valid and user.active):
        throttle.prune(now)
        for key in (pair_key, account_key, address_key):
            throttle.hit(key, now, keep_for=window)
        raise LoginError()

    throttle.reset(pair_key)
    throttle.reset(account_key)
    user.last_login_at = now
    return user


def is_safe_next(target: str | None) -> bool:
    """Accept only a local path ('/organisation/…'), never another host or scheme.

    Control characters are refused too: CR/LF cannot go into a Location header, and
    browsers silently drop tabs and newlines, turning "/<tab>/evil.example" into "//evil.example".
    """
    # "//evil.example" is another host; so is "////evil.example" once a server or browser
    # collapses the slashes, though urlsplit sees no host in it.
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in target):
        return False
    # A path that starts with one "/" has no scheme and no host; but browsers read
    # "/\\evil.example" as "//evil.example".
    return "\\" not in target


def wait_message(seconds: int) -> str:
    """'Réessayez dans 45 secondes', or in whole minutes, rounded up, from one minute on."""
    return f"Trop de tentatives de connexion. Réessayez dans {throttle.wait_words(seconds)}."
