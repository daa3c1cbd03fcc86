"""Change clocks: the instant a kind of data last changed, which never moves backwards.

A domain function that changes, hides or deletes rows of a kind calls `tick(kind)` in the
same transaction; a reader that needs "when did this last change, removals included" (the
calendar feeds' Last-Modified) calls `last_change(kind)`. Callers hold the kind's write lock
(`locking.serialize_writes`), so two ticks never race to create the row.
"""

from __future__ import annotations

from datetime import datetime

from .dates import utcnow
from .extensions import db
from .models import ChangeClock


def tick(name: str, now: datetime | None = None) -> datetime:
    """Record a change now. A host whose clock is behind keeps the later instant, so that
    the clock (and a Last-Modified read from it) never goes back."""
    now = now or utcnow()
    clock = db.session.get(ChangeClock, name)
    if clock is None:
        db.session.add(ChangeClock(name=name, changed_at=now))
        return now
    clock.changed_at = max(clock.changed_at, now)
    return clock.changed_at


def last_change(name: str) -> datetime | None:
    """When `name` last changed, or None if it never did since the clock exists."""
    return db.session.execute(
        db.select(ChangeClock.changed_at).where(ChangeClock.name == name)
    ).scalar_one_or_none()
