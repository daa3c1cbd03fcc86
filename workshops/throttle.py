"""Count attempts per key in a sliding time window, in the database.

Any feature that must slow down repeated attempts (failed logins, later sign-ups and help
requests from one address) records a hit under its own key, e.g. "login-email:<address>"
or "login-ip:<address>", and asks `retry_after` before acting. Hits live in the database,
not in process memory, so that every gunicorn worker on every host counts the same
attempts; each hit is a row of its own, so concurrent attempts all count without locking.
Old hits stop counting when they leave the window, and are deleted once expired.

A key holds what a client sent (an email, a forwarded address), so it may be of any length;
`stored_key` fits it in the column, and every function here looks hits up through it.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func

from .extensions import db
from .models import ThrottleHit

#: Keys up to this length are stored as they are (the column holds 400 characters).
MAX_PLAIN_KEY_LENGTH = 256
#: How much of a longer key is kept, readable, in front of its digest.
DIGESTED_KEY_PREFIX_LENGTH = 200


def stored_key(key: str) -> str:
    """The form of `key` kept in the database: itself when short, else a readable prefix and
    a SHA-256 digest of the whole key.

    A failure whose key did not fit would not be counted at all (PostgreSQL refuses it:
    a 500, and unlimited guesses through a long email or a forged forwarded address).
    Digested keys are longer than any plain key, so the two kinds never collide.
    """
    if len(key) <= MAX_PLAIN_KEY_LENGTH:
        return key
    # Keys come from decoded requests (werkzeug replaces invalid UTF-8): always encodable.
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{key[:DIGESTED_KEY_PREFIX_LENGTH]}~sha256:{digest}"


@dataclass(frozen=True)
class Limit:
    """At most `max_hits` hits under `key` in any `window`."""

    key: str
    max_hits: int
    window: timedelta


def hit(key: str, now: datetime, *, keep_for: timedelta) -> None:
    """Record one attempt under `key`, kept `keep_for` (the longest window it counts in)."""
    db.session.add(ThrottleHit(key=stored_key(key), at=now, expires_at=now + keep_for))
    db.session.flush()


def retry_after(limits: Iterable[Limit], now: datetime) -> int:
    """Seconds to wait before the next attempt is allowed by every limit; 0 if it is now.

    A limit is reached when `max_hits` hits fall in the window ending now; it frees up when
    the oldest of those leaves the window.
    """
    wait = 0.0
    for limit in limits:
        hits = list(
            db.session.execute(
                db.select(ThrottleHit.at)
                .where(
                    ThrottleHit.key == stored_key(limit.key),
                    ThrottleHit.at > now - limit.window,
                )
                .order_by(ThrottleHit.at.desc())
                .limit(limit.max_hits)
            ).scalars()
        )
        if len(hits) >= limit.max_hits:
            freed_at = hits[-1] + limit.window
            wait = max(wait, (freed_at - now).total_seconds())
    return max(0, math.ceil(wait))


def count(key: str, window: timedelta, now: datetime) -> int:
    """Hits under `key` in the window ending now."""
    return db.session.execute(
        db.select(func.count()).where(
            ThrottleHit.key == stored_key(key), ThrottleHit.at > now - window
        )
    ).scalar_one()


def reset(key: str) -> None:
    """Forget every hit under `key` (a successful login clears its account's failures)."""
    db.session.execute(db.delete(ThrottleHit).where(ThrottleHit.key == stored_key(key)))


def prune(now: datetime) -> int:
    """Delete expired hits, of every key; returns how many. Cheap: `expires_at` is indexed."""
    result = db.session.execute(db.delete(ThrottleHit).where(ThrottleHit.expires_at <= now))
    return result.rowcount or 0


def wait_words(seconds: int) -> str:
    """ "45 secondes", or whole minutes rounded up from one minute on ("60 minutes"): how
    long a throttled person waits, for their message."""
    if seconds < 60:
        amount, unit = seconds, "seconde"
    else:
        amount, unit = -(-seconds // 60), "minute"
    plural = "s" if amount > 1 else ""
    return f"{amount} {unit}{plural}"
