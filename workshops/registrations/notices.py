"""The mails registrations send, queued in the outbox with the change that causes them.

Each function renders `templates/mail/<kind>.txt` and `.html` with the registration, its
event and the links the person needs, and queues the message. The text part is the
reference; the HTML part says the same with links.
"""

from __future__ import annotations

from flask import render_template, url_for

from ..calendar.feeds import calendar_bytes
from ..calendar.ical import CalendarMeta
from ..dates import french_datetime
from ..mail.outbox import queue
from ..models import Event, Registration


def event_url(event: Event) -> str:
    return url_for("catalogue.detail", slug=event.slug, _external=True)


def manage_url(token: str) -> str:
    return url_for("registrations.manage", token=token, _external=True)


def event_ics(event: Event) -> tuple[str, str]:
    """The event as a file to add to a calendar, attached to the mails that confirm a seat."""
    body = calendar_bytes([event], CalendarMeta(), event_url)
    return f"{event.slug}.ics", body.decode()


def _send(
    kind: str,
    registration: Registration,
    subject: str,
    *,
    ics: tuple[str, str] | None = None,
    **context: object,
) -> None:
    event = registration.event
    values = {"registration": registration, "event": event, "event_url": event_url(event)}
    values.update(context)
    queue(
        kind,
        registration.email,
        subject,
        render_template(f"mail/{kind}.txt", **values),
        render_template(f"mail/{kind}.html", subject=subject, **values),
        attachment=ics,
        event_id=event.id,
    )


def confirmed(registration: Registration, token: str) -> None:
    _send(
        "confirmed",
        registration,
        f"Inscription confirmée : {registration.event.title}",
        ics=event_ics(registration.event),
        manage_url=manage_url(token),
    )


def waitlisted(registration: Registration, token: str, position: int | None) -> None:
    _send(
        "waitlisted",
        registration,
        f"Liste d’attente : {registration.event.title}",
        manage_url=manage_url(token),
        position=position,
    )


def already_registered(registration: Registration, token: str, position: int | None) -> None:
    _send(
        "already_registered",
        registration,
        f"Votre inscription : {registration.event.title}",
        manage_url=manage_url(token),
        position=position,
    )


def promoted(registration: Registration, token: str) -> None:
    _send(
        "promoted",
        registration,
        f"Une place s’est libérée pour vous : {registration.event.title}",
        ics=event_ics(registration.event),
        manage_url=manage_url(token),
    )


def cancelled(registration: Registration, *, by: str) -> None:
    _send(
        "cancelled",
        registration,
        f"Inscription annulée : {registration.event.title}",
        by=by,
    )


def event_cancelled(event: Event, registrations: list[Registration]) -> None:
    """Everyone registered learns of the cancellation; the file marks it in their agenda."""
    if not registrations:
        return
    ics = event_ics(event)
    for registration in registrations:
        _send("event_cancelled", registration, f"Session annulée : {event.title}", ics=ics)


def event_changed(event: Event, links: list[tuple[Registration, str]]) -> None:
    """Everyone registered (seat or waiting list) learns the new date or place; `links`
    pairs each registration with a fresh manage link token."""
    if not links:
        return
    ics = event_ics(event)
    for registration, token in links:
        _send(
            "event_changed",
            registration,
            f"Session modifiée : {event.title}",
            ics=ics if registration.status == "confirmed" else None,
            manage_url=manage_url(token),
        )


def reminder(registration: Registration, token: str) -> None:
    _send(
        "reminder",
        registration,
        f"Rappel : {registration.event.title}, {french_datetime(registration.event.starts_at)}",
        ics=event_ics(registration.event),
        manage_url=manage_url(token),
    )
