"""Change clocks: the instant a kind of data last changed, which never moves backwards.

A domain function that changes, hides or deletes rows of a kind calls `tick(kind)` in the
same transaction; a reader that needs "when did this last change, removals included" (the
calendar feeds' Last-Modified) calls `last_change(kind)`. Callers hold the kind's write lock
(`locking.serialize_writes`), so two ticks never race to create the row.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .dates import utcnow
from .extensions import db
from .models import ChangeClock

#: The clock every event change ticks (events.lifecycle): calendar feeds read their
#: Last-Modified from it, since a removed event is no longer there to be read.
EVENTS_CLOCK = "events"


def advance(previous: datetime | None, now: datetime) -> datetime:
    """The instant of a change that follows one made at `previous`: `now`, unless that is
    not in a later second (a host whose clock is behind, or two changes in one second),
    then the next second. HTTP dates (Last-Modified) have whole seconds: every change must
    give a later one, or a client asking If-Modified-Since keeps a stale copy."""
    if previous is None:
        return now
    return max(now, previous.replace(microsecond=0) + timedelta(seconds=1))


def tick(name: str, now: datetime | None = None) -> datetime:
    """Record a change now (see `advance`): the clock, and a Last-Modified read from it,
    never go back and move on at every change."""
    now = now or utcnow()
    clock = db.session.get(ChangeClock, name)
    if clock is None:
        db.session.add(ChangeClock(name=name, changed_at=now))
        return now
    clock.changed_at = advance(clock.changed_at, now)
    return clock.changed_at


def last_change(name: str) -> datetime | None:
    """When `name` last changed, or None if it never did since the clock exists."""
    return db.session.execute(
        db.select(ChangeClock.changed_at).where(ChangeClock.name == name)
    ).scalar_one_or_none()
