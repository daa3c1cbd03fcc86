"""Signing up, cancelling and promoting: the seat rules, exact under concurrency.

Every operation that changes who holds a seat first takes the event's registrations lock
(`serialize_writes(seats_lock(event_id))`), then reads the event and the counts
again under it: forty people clicking "S'inscrire" in the same second for the last five
seats are served one after the other, on every worker and host. The database is the
backstop: triggers keep `events.confirmed_count` and a CHECK keeps it within capacity, so
a path that forgot the lock fails instead of overbooking.

Functions only flush; the view commits once. Each change queues its mail in the same
transaction (workshops.mail.outbox): committed together, or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func

from .. import throttle
from ..dates import french_datetime, utcnow
from ..events.lifecycle import PRACTICAL_FIELDS, EventChange, on_change, seats_lock
from ..events.visibility import EventAction, is_public
from ..extensions import db
from ..locking import serialize_writes
from ..models import Event, EventStatus, ManageLink, Registration, RegistrationStatus
from . import notices
from .tokens import new_token, token_hash


@on_change
def _follow_event(event: Event, change: EventChange) -> None:
    """Tell registered people of a cancellation or a new date or place; give seats added
    by a higher capacity to the waiting list."""
    if change.action == EventAction.CANCEL:
        notices.event_cancelled(event, active_registrations(event))
    elif change.action == EventAction.EDIT and change.before and change.after:
        if is_public(event) and change.changed(*PRACTICAL_FIELDS):
            notices.event_changed(event, [(r, mint_link(r)) for r in active_registrations(event)])
        before, after = change.before.capacity, change.after.capacity
        if after is None or (before is not None and after > before):
            fill_free_seats(event)


class RegistrationError(Exception):
    """An operation the registration or event does not allow; the message is French."""


@dataclass(frozen=True)
class SignUp:
    """What a person typed in the sign-up form, validated (email normalized)."""

    name: str
    email: str
    organisation: str = ""
    message: str = ""


def closed_reason(event: Event, now: datetime | None = None) -> str | None:
    """Why nobody can sign up to this event now, for the page; None when one can."""
    now = now or utcnow()
    if event.status == EventStatus.CANCELLED:
        return "Les inscriptions sont fermées : la session est annulée."
    if event.status != EventStatus.PUBLISHED:
        return "Cette session n’est pas publiée : les inscriptions ne sont pas ouvertes."
    if event.ends_at <= now:
        return "Cette session est terminée : les inscriptions sont closes."
    if event.starts_at <= now:
        return "Cette session a commencé : les inscriptions sont closes."
    if event.registration_closes_at is not None and event.registration_closes_at <= now:
        return (
            "Les inscriptions sont closes depuis le "
            f"{french_datetime(event.registration_closes_at)}."
        )
    return None


def seats_left(event: Event) -> int | None:
    """Free seats, None when unlimited. Read from the trigger-kept counter."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - event.confirmed_count)


@dataclass(frozen=True)
class SignUpResult:
    registration: Registration
    #: False when the person was already registered (nothing new was written).
    created: bool


def count_attempt(
    address: str, max_attempts: int, window: timedelta, now: datetime | None = None
) -> int:
    """Count one sign-up attempt from this client address (the shared throttle); seconds
    to wait when it already made `max_attempts` in `window`, else 0."""
    return _count(f"signup-ip:{address}", max_attempts, window, now)


def count_mail_to(
    email: str, max_mails: int, window: timedelta, now: datetime | None = None
) -> int:
    """Count one sign-up mail to this address; seconds to wait when it already got
    `max_mails` in `window` (someone signing a stranger up again and again), else 0."""
    return _count(f"signup-email:{email}", max_mails, window, now)


def _count(key: str, max_attempts: int, window: timedelta, now: datetime | None) -> int:
    now = now or utcnow()
    wait = throttle.retry_after([throttle.Limit(key, max_attempts, window)], now)
    if not wait:
        throttle.prune(now)
        throttle.hit(key, now, keep_for=window)
    return wait


def too_many_message(wait: int) -> str:
    """What a throttled sign-up or sign-in request reads, with the real wait."""
    return (
        "Vous avez envoyé beaucoup de demandes en peu de temps. "
        f"Réessayez dans {throttle.wait_words(wait)}."
    )


def sign_up(event: Event, data: SignUp, now: datetime | None = None) -> SignUpResult:
    """Register `data.email` to `event`: a seat if one is free, else the waiting list.

    Idempotent: an address already registered gets no second registration, only a mail
    with a fresh link to the one it has. The caller shows the same page either way.
    """
    serialize_writes(seats_lock(event.id))
    now = now or utcnow()
    reason = closed_reason(event, now)
    if reason:
        raise RegistrationError(reason)
    existing = active_registration(event.id, data.email)
    if existing is not None:
        notices.already_registered(existing, mint_link(existing), waitlist_position(existing))
        return SignUpResult(existing, created=False)
    free = seats_left(event)
    status = (
        RegistrationStatus.CONFIRMED if free is None or free > 0 else RegistrationStatus.WAITLISTED
    )
    registration = Registration(
        event=event,
        email=data.email,
        name=data.name,
        organisation=data.organisation,
        message=data.message,
        status=status,
        created_at=now,
        confirmed_at=now if status == RegistrationStatus.CONFIRMED else None,
    )
    db.session.add(registration)
    db.session.flush()
    link = mint_link(registration)
    if status == RegistrationStatus.CONFIRMED:
        notices.confirmed(registration, link)
    else:
        notices.waitlisted(registration, link, waitlist_position(registration))
    return SignUpResult(registration, created=True)


def active_registration(event_id: int, email: str) -> Registration | None:
    return db.session.execute(
        db.select(Registration).where(
            Registration.event_id == event_id,
            Registration.email == email,
            Registration.status != RegistrationStatus.CANCELLED,
        )
    ).scalar_one_or_none()


def active_registrations(event: Event) -> list[Registration]:
    """Confirmed then waiting registrations of `event`, each in arrival order."""
    return list(
        db.session.execute(
            db.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status != RegistrationStatus.CANCELLED,
            )
            .order_by(Registration.status, Registration.id)
        ).scalars()
    )


def registrations_by_status(event: Event) -> dict[str, list[Registration]]:
    """Every registration of `event` by status, each in arrival order (for the waiting
    list, its order), for the organizers' page and export."""
    groups: dict[str, list[Registration]] = {status.value: [] for status in RegistrationStatus}
    rows = db.session.execute(
        db.select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
    ).scalars()
    for row in rows:
        groups[row.status].append(row)
    return groups


def mint_link(registration: Registration) -> str:
    """A new secret link token to this registration (one per mail that carries one)."""
    token, hashed = new_token()
    db.session.add(ManageLink(registration=registration, token_hash=hashed))
    db.session.flush()
    return token


def registration_for_token(token: str) -> Registration | None:
    """The registration a manage link opens, or None (unknown, or data purged)."""
    return db.session.execute(
        db.select(Registration)
        .join(ManageLink, ManageLink.registration_id == Registration.id)
        .where(ManageLink.token_hash == token_hash(token), Registration.anonymized_at.is_(None))
    ).scalar_one_or_none()


def waitlist_position(registration: Registration) -> int | None:
    """1 for the next person to get a seat; None when not on the waiting list."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return db.session.execute(
        db.select(func.count()).where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            Registration.id <= registration.id,
        )
    ).scalar_one()


def cancel_registration(
    registration: Registration, *, by: str, now: datetime | None = None
) -> bool:
    """Cancel; a freed seat goes to the first person waiting, in the same transaction.

    Returns False when it was cancelled already (a double click, a second tab): nothing
    changes and nobody is mailed twice. `by` is "participant" or "organizer".
    """
    serialize_writes(seats_lock(registration.event_id))
    if registration.status == RegistrationStatus.CANCELLED:
        return False
    now = now or utcnow()
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.cancelled_by = by
    db.session.flush()
    notices.cancelled(registration, by=by)
    fill_free_seats(registration.event, now)
    return True


def fill_free_seats(event: Event, now: datetime | None = None) -> list[Registration]:
    """Give free seats to the people waiting, first come first served, and tell them.

    Only for an event people can still sign up to: once it started, was cancelled or
    closed, nobody is moved in without being asked. The caller holds the lock.
    """
    now = now or utcnow()
    if closed_reason(event, now):
        return []
    db.session.refresh(event)  # the counter the triggers just changed
    promoted = []
    free = seats_left(event)
    waiting = db.session.execute(
        db.select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        .order_by(Registration.id)
        .limit(free)
    ).scalars()
    for registration in waiting:
        _confirm(registration, now)
        promoted.append(registration)
    return promoted


def promote(registration: Registration, now: datetime | None = None) -> None:
    """An organizer gives a seat to this person, ahead of the waiting list's order; also
    after sign-ups closed (their call), never to a cancelled or started session."""
    serialize_writes(seats_lock(registration.event_id))
    now = now or utcnow()
    if registration.status != RegistrationStatus.WAITLISTED:
        raise RegistrationError("Seule une personne sur liste d’attente peut recevoir une place.")
    event = registration.event
    if event.status == EventStatus.CANCELLED:
        raise RegistrationError("La session est annulée : personne ne peut y recevoir de place.")
    if event.starts_at <= now:
        raise RegistrationError("La session a commencé : personne ne peut y recevoir de place.")
    if seats_left(event) == 0:
        raise RegistrationError(
            "Aucune place n’est libre : augmentez le nombre de places ou annulez d’abord "
            "une inscription confirmée."
        )
    _confirm(registration, now)


def _confirm(registration: Registration, now: datetime) -> None:
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = now
    db.session.flush()
    notices.promoted(registration, mint_link(registration))
