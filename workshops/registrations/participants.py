"""A person's own space, /mes-inscriptions: no account, no password, a link by mail.

A person types their address and receives a single-use link valid for an hour
(SIGNIN_LINK_MINUTES). Opening it (a POST from the page the link shows: mail scanners only
follow GETs) starts a participant session of PARTICIPANT_SESSION_HOURS in the signed
cookie. The answer to the request is the same whether or not the address is known, and
only a known address (one with registrations) gets a mail: the form cannot be used to
send mail to strangers, nor to learn who is registered.

The personal calendar feed's token is derived (see tokens.calendar_token): the same
address at every visit, and a new nonce kills the old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import render_template, url_for
from sqlalchemy import func

from .. import throttle
from ..dates import utcnow
from ..events.visibility import PUBLIC_STATUSES
from ..extensions import db
from ..mail.outbox import queue
from ..models import (
    Event,
    Participant,
    Registration,
    RegistrationStatus,
    SignInLink,
    new_session_token,
)
from .tokens import (
    calendar_mac_matches,
    calendar_token,
    calendar_token_parts,
    new_token,
    token_hash,
)


def request_sign_in(
    email: str,
    *,
    minutes: int,
    max_per_email: int,
    window: timedelta,
    now: datetime | None = None,
) -> bool:
    """Mail a sign-in link to `email` if it has registrations; True when a mail was queued.

    At most `max_per_email` links per address in `window`: beyond, nothing is sent (the
    page says the same), so nobody can flood a mailbox through this form.
    """
    now = now or utcnow()
    if not _has_registrations(email):
        return False
    key = f"signin-email:{email}"
    if throttle.retry_after([throttle.Limit(key, max_per_email, window)], now):
        return False
    throttle.hit(key, now, keep_for=window)
    token, hashed = new_token()
    db.session.add(
        SignInLink(
            email=email,
            token_hash=hashed,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    link = url_for("participants.sign_in", token=token, _external=True)
    subject = "Votre lien pour retrouver vos inscriptions"
    values = {"link": link, "minutes": minutes}
    queue(
        "sign_in",
        email,
        subject,
        render_template("mail/sign_in.txt", **values),
        render_template("mail/sign_in.html", subject=subject, **values),
        now=now,
    )
    return True


def _has_registrations(email: str) -> bool:
    return (
        db.session.execute(
            db.select(Registration.id)
            .where(Registration.email == email, Registration.anonymized_at.is_(None))
            .limit(1)
        ).first()
        is not None
    )


def valid_sign_in_link(token: str, now: datetime | None = None) -> SignInLink | None:
    """The link if it exists, is unused and has not expired, else None."""
    now = now or utcnow()
    return db.session.execute(
        db.select(SignInLink).where(
            SignInLink.token_hash == token_hash(token),
            SignInLink.used_at.is_(None),
            SignInLink.expires_at > now,
        )
    ).scalar_one_or_none()


def sign_in_link_email(token: str) -> str | None:
    """The address a link was sent to, valid or not (None for a link never sent)."""
    return db.session.execute(
        db.select(SignInLink.email).where(SignInLink.token_hash == token_hash(token))
    ).scalar_one_or_none()


def use_sign_in_link(token: str, now: datetime | None = None) -> Participant | None:
    """Spend the link (once, even with two clicks at the same moment) and return the
    participant it signs in, created on first use; None when it is not valid."""
    now = now or utcnow()
    spent = db.session.execute(
        db.update(SignInLink)
        .where(
            SignInLink.token_hash == token_hash(token),
            SignInLink.used_at.is_(None),
            SignInLink.expires_at > now,
        )
        .values(used_at=now)
        .returning(SignInLink.email)
    ).scalar_one_or_none()
    if spent is None:
        return None
    return participant_for(spent, now)


def participant_for(email: str, now: datetime | None = None) -> Participant:
    """The participant of this address, created when first needed."""
    found = db.session.execute(
        db.select(Participant).where(Participant.email == email)
    ).scalar_one_or_none()
    if found is None:
        found = Participant(email=email, created_at=now or utcnow())
        db.session.add(found)
        db.session.flush()
    return found


@dataclass(frozen=True)
class Listed:
    """One registration as the person's list shows it."""

    registration: Registration
    position: int | None

    @property
    def event(self) -> Event:
        return self.registration.event


def my_registrations(email: str, now: datetime | None = None) -> tuple[list[Listed], list[Listed]]:
    """(upcoming, past) registrations of an address, soonest first then latest first,
    with each waiting-list position, one per session (the latest); drafts (an event taken
    back) are left out."""
    now = now or utcnow()
    registrations = db.session.execute(
        db.select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.email == email,
            Registration.anonymized_at.is_(None),
            Event.status.in_(PUBLIC_STATUSES),
        )
        .order_by(Event.starts_at, Registration.id)
    ).scalars()
    # A session signed up to again after cancelling: its latest registration only.
    latest = {r.event_id: r for r in registrations}  # ordered by id within each session
    rows = sorted(latest.values(), key=lambda r: (r.event.starts_at, r.id))
    positions = _positions([r for r in rows if r.status == RegistrationStatus.WAITLISTED])
    upcoming = [Listed(r, positions.get(r.id)) for r in rows if r.event.ends_at > now]
    past = [Listed(r, positions.get(r.id)) for r in reversed(rows) if r.event.ends_at <= now]
    return upcoming, past


def _positions(waiting: list[Registration]) -> dict[int, int]:
    """Waiting-list positions of several registrations in one query."""
    if not waiting:
        return {}
    ahead = db.aliased(Registration)
    query = (
        db.select(Registration.id, func.count(ahead.id))
        .join(
            ahead,
            (ahead.event_id == Registration.event_id)
            & (ahead.status == RegistrationStatus.WAITLISTED)
            & (ahead.id <= Registration.id),
        )
        .where(Registration.id.in_([r.id for r in waiting]))
        .group_by(Registration.id)
    )
    return {row[0]: row[1] for row in db.session.execute(query)}


def owned_registration(email: str, registration_id: int) -> Registration | None:
    """The registration if it belongs to this address (else None: someone else's)."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.email != email or registration.anonymized_at:
        return None
    return registration


def feed_token(participant: Participant) -> str:
    return calendar_token(participant.id, participant.calendar_nonce)


def participant_for_feed(token: str) -> Participant | None:
    """The participant whose current feed token this is; None for a forged or old one."""
    parts = calendar_token_parts(token)
    if parts is None:
        return None
    participant = db.session.get(Participant, parts[0])
    if participant is None or not calendar_mac_matches(
        participant.id, participant.calendar_nonce, parts[1]
    ):
        return None
    return participant


def end_sessions(participant: Participant) -> None:
    """Sign out everywhere: every cookie holding the old session token stops working."""
    participant.session_token = new_session_token()
    db.session.flush()


def new_feed_token(participant: Participant) -> str:
    """Kill the old personal feed address and return the new token."""
    participant.calendar_nonce = new_session_token()
    db.session.flush()
    return feed_token(participant)


def feed_events(email: str) -> list[Event]:
    """The sessions an address holds a seat at (cancelled sessions too: a calendar then
    shows them cancelled), soonest first. A cancelled registration leaves the feed, so
    the person's calendar drops it."""
    return list(
        db.session.execute(
            db.select(Event)
            .join(Registration, Registration.event_id == Event.id)
            .where(
                Registration.email == email,
                Registration.status == RegistrationStatus.CONFIRMED,
                Registration.anonymized_at.is_(None),
                Event.status.in_(PUBLIC_STATUSES),
            )
            .order_by(Event.starts_at, Event.id)
        ).scalars()
    )
