"""The reminder the day before a session, sent by `flask send-reminders` (cron).

Who gets it: people holding a seat at a published session that starts before the end of
tomorrow (Paris time) and has not started yet. So a run at any hour of day D reminds the
sessions of D+1, and those of D that an earlier run could not (the command was not run, or
the person got their seat since). People who got their seat less than RECENT ago are left
out: their confirmation, with the same details and file, has just arrived.

Idempotent, even with two runs at once: each registration is marked `reminded_at` by a
conditional UPDATE that only one run can win, in the transaction that queues its mail.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from ..dates import PARIS, utcnow
from ..extensions import db
from ..models import Event, EventStatus, Registration, RegistrationStatus
from . import notices
from .service import mint_link

#: A seat given this recently needs no reminder (the confirmation just said it all).
RECENT = timedelta(hours=12)


def reminder_horizon(now: datetime) -> datetime:
    """The end of tomorrow in Paris, in UTC: sessions starting before it are reminded."""
    day_after = (now.astimezone(PARIS) + timedelta(days=2)).date()
    return datetime.combine(day_after, time(0), tzinfo=PARIS).astimezone(now.tzinfo)


def due_reminders(now: datetime) -> list[Registration]:
    return list(
        db.session.execute(
            db.select(Registration)
            .join(Event, Event.id == Registration.event_id)
            .where(
                Registration.status == RegistrationStatus.CONFIRMED,
                Registration.reminded_at.is_(None),
                Registration.anonymized_at.is_(None),
                Registration.confirmed_at <= now - RECENT,
                Event.status == EventStatus.PUBLISHED,
                Event.starts_at > now,
                Event.starts_at < reminder_horizon(now),
            )
            .order_by(Event.starts_at, Registration.id)
        ).scalars()
    )


def send_reminders(now: datetime | None = None) -> int:
    """Queue each due reminder, committing one registration at a time; how many."""
    now = now or utcnow()
    sent = 0
    for registration in due_reminders(now):
        won = db.session.execute(
            db.update(Registration)
            .where(Registration.id == registration.id, Registration.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if won == 1:
            notices.reminder(registration, mint_link(registration))
            sent += 1
        db.session.commit()
    return sent
