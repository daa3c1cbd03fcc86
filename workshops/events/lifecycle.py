"""Event operations: create, edit, publish, unpublish, cancel, duplicate, delete.

They take plain values, only flush, and raise EventError with a French message the view
shows; the view commits once per request. Which operation a state allows is decided once,
in `visibility.allowed_actions`; each operation checks it before acting.

Operations that change an existing event first take the events write lock
(`serialize_writes(EVENTS_LOCK)`) and then the event's seats lock (seats depend on its
state and capacity), then check the state read again under it: two organizers acting at
once (unpublish and cancel, edit and cancel, publishing two identical copies) would
otherwise both pass their check against the old state and both write. One scope for
every event: organizer actions are rare, and the publish rule spans several events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta

from ..clocks import EVENTS_CLOCK, advance, tick
from ..dates import utcnow
from ..extensions import db
from ..locking import serialize_writes
from ..models import Event, EventStatus, Registration, RegistrationStatus, Theme, User
from ..text import search_key, slugify
from .visibility import EventAction, allowed_actions, is_public

#: The serialize_writes scope of every change to an existing event.
EVENTS_LOCK = "events"

#: Fields a subscribed calendar shows: changing one bumps the iCalendar SEQUENCE.
CALENDAR_FIELDS = (
    "kind",
    "title",
    "summary",
    "description",
    "starts_at",
    "ends_at",
    "location",
    "online_url",
    "theme_names",
)


#: Fields whose change people registered are told of by mail.
PRACTICAL_FIELDS = ("starts_at", "ends_at", "location", "online_url")


def seats_lock(event_id: int) -> str:
    """The serialize_writes scope of one event's seats: registrations take it, and so does
    every event operation (after EVENTS_LOCK), since seats depend on the state and capacity."""
    return f"registrations:{event_id}"


@dataclass(frozen=True)
class EventChange:
    """What an operation did, for the features that react to it (see `on_change`)."""

    action: EventAction
    before: EventData | None = None
    after: EventData | None = None

    def changed(self, *names: str) -> bool:
        return any(getattr(self.before, n) != getattr(self.after, n) for n in names)


#: Called in the transaction after each operation. Events never import a feature: the
#: features that depend on an event's changes (registrations: mails, the waiting list)
#: register here, once, when they are imported.
_listeners: list[Callable[[Event, EventChange], None]] = []


def on_change(
    listener: Callable[[Event, EventChange], None],
) -> Callable[[Event, EventChange], None]:
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def _changed(event: Event, change: EventChange) -> None:
    for listener in _listeners:
        listener(event, change)


class EventError(Exception):
    """An operation the event's state does not allow; the message is for the organizer.
    `field` names the form field the refusal is about, when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class EventData:
    """What an organizer types in the event form, already validated and in UTC."""

    kind: str
    title: str
    summary: str
    description: str
    starts_at: datetime
    ends_at: datetime
    location: str | None = None
    online_url: str | None = None
    capacity: int | None = None
    registration_closes_at: datetime | None = None
    theme_names: list[str] = field(default_factory=list)
    organizer_ids: list[int] = field(default_factory=list)

    @classmethod
    def from_event(cls, event: Event) -> EventData:
        return cls(
            kind=event.kind,
            title=event.title,
            summary=event.summary,
            description=event.description,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            location=event.location,
            online_url=event.online_url,
            capacity=event.capacity,
            registration_closes_at=event.registration_closes_at,
            theme_names=[theme.name for theme in event.themes],
            organizer_ids=[user.id for user in event.organizers],
        )


#: The event columns the form edits directly (themes and organizers are relationships).
SCALAR_FIELDS = tuple(
    f.name for f in fields(EventData) if f.name not in ("theme_names", "organizer_ids")
)


def create_event(data: EventData, author: User) -> Event:
    """A new draft; its author organizes it unless other organizers were chosen."""
    # A new event is a draft: the model's default status.
    event = Event(created_by=author, slug=unique_slug(data.title, exclude_id=None))
    _apply(event, data, default_organizer=author)
    db.session.add(event)
    db.session.flush()
    return event


def update_event(event: Event, data: EventData) -> bool:
    """Apply the form; return whether anything changed. Cancelled events are frozen.

    People registered are told by mail when the date or the place changes. Seats follow
    the capacity: raising it gives the new seats to the waiting list; lowering it below
    the seats already confirmed is refused.
    """
    _lock_and_require(event, EventAction.EDIT)
    if data.capacity is not None and data.capacity < event.confirmed_count:
        who = (
            "1 personne a"
            if event.confirmed_count == 1
            else f"{event.confirmed_count} personnes ont"
        )
        raise EventError(
            f"{who} déjà une place confirmée : le nombre de places ne peut pas être "
            "inférieur. Annulez d’abord des inscriptions depuis la liste des personnes "
            "inscrites.",
            field="capacity",
        )
    before = EventData.from_event(event)
    _apply(event, data, default_organizer=None)
    after = EventData.from_event(event)
    if before == after:
        return False
    if event.first_published_at is None and before.title != after.title:
        event.slug = unique_slug(event.title, exclude_id=event.id)
    _touch(event, calendar_visible=_calendar_changed(before, after))
    db.session.flush()
    _changed(event, EventChange(EventAction.EDIT, before, after))
    return True


def publish_event(event: Event) -> None:
    """Make a draft public. A copy left unchanged (same title, same start as another public
    session) is refused: the catalogue would show the same session twice."""
    _lock_and_require(event, EventAction.PUBLISH)
    minute = event.starts_at.replace(second=0, microsecond=0)  # the form's precision
    twin = db.session.execute(
        # The event itself is a draft: only the others can be published twins.
        db.select(Event.id).where(
            Event.status == EventStatus.PUBLISHED,
            Event.title == event.title,
            Event.starts_at >= minute,
            Event.starts_at < minute + timedelta(minutes=1),
        )
    ).first()
    if twin is not None:
        raise EventError(
            "Une session publiée porte déjà ce titre à la même date : "
            "modifiez la date ou le titre de cette copie avant de la publier."
        )
    event.status = EventStatus.PUBLISHED
    _touch(event, calendar_visible=True)
    if event.first_published_at is None:
        event.first_published_at = event.updated_at
    db.session.flush()


def unpublish_event(event: Event) -> None:
    """Take a published event back to draft; its address stays frozen. Not once people
    registered: they would hold seats to a session nobody sees (cancel it instead)."""
    _lock_and_require(event, EventAction.UNPUBLISH)
    if _has_registrations(event):
        raise EventError(
            "Des personnes sont inscrites à cette session : elle ne peut plus redevenir un "
            "brouillon. Annulez-la pour les prévenir, ou modifiez-la."
        )
    event.status = EventStatus.DRAFT
    _touch(event, calendar_visible=True)
    db.session.flush()


def cancel_event(event: Event, reason: str) -> None:
    """Cancel a published event; it stays visible, marked, with the reason."""
    _lock_and_require(event, EventAction.CANCEL)
    reason = reason.strip()
    if not reason:
        raise EventError("Indiquez le motif de l’annulation : il sera affiché publiquement.")
    event.status = EventStatus.CANCELLED
    event.cancellation_reason = reason
    _touch(event, calendar_visible=True)
    db.session.flush()
    _changed(event, EventChange(EventAction.CANCEL))


def duplicate_event(event: Event, author: User) -> Event:
    """A new draft with the same content, for a recurring community session."""
    return create_event(EventData.from_event(event), author)


def delete_event(event: Event) -> None:
    """Delete a draft that was never published; published ones must be cancelled instead,
    so that calendars which saw them learn of it."""
    _lock_and_require(event, EventAction.DELETE)
    db.session.delete(event)
    tick(EVENTS_CLOCK)
    db.session.flush()


#: Why an operation is refused, by operation, for the organizer.
REFUSALS = {
    EventAction.EDIT: (
        "Une session annulée ne peut plus être modifiée. Dupliquez-la pour la reprogrammer."
    ),
    EventAction.PUBLISH: "Seul un brouillon peut être publié.",
    EventAction.UNPUBLISH: "Seule une session publiée peut être dépubliée.",
    EventAction.CANCEL: (
        "Seule une session publiée peut être annulée. Un brouillon peut être supprimé."
    ),
    EventAction.DELETE: (
        "Seuls les brouillons jamais publiés peuvent être supprimés. "
        "Annulez la session pour prévenir les personnes qui l’ont vue."
    ),
}


def _lock_and_require(event: Event, action: EventAction) -> None:
    """Take the events write lock, then check `action` against the state as it is now.

    serialize_writes expires the session, so the check reads the event again: a change
    committed by another request while this one waited is seen (a row deleted meanwhile
    raises ObjectDeletedError, answered 409).
    """
    serialize_writes(EVENTS_LOCK)
    serialize_writes(seats_lock(event.id))
    _require(event, action)


def _has_registrations(event: Event) -> bool:
    return (
        db.session.execute(
            db.select(Registration.id).where(
                Registration.event_id == event.id,
                Registration.status != RegistrationStatus.CANCELLED,
            )
        ).first()
        is not None
    )


def _require(event: Event, action: EventAction) -> None:
    if action not in allowed_actions(event):
        raise EventError(REFUSALS[action])


#: Names the public URLs under /ateliers/ already use: an event titled "Passés" must not
#: take /ateliers/passes, the archive.
RESERVED_SLUGS = frozenset({"passes"})


def unique_slug(title: str, exclude_id: int | None) -> str:
    """The title's slug, with -2, -3… appended when another event (or a page) has it."""
    base = slugify(title, max_length=90) or "session"
    query = db.select(Event.slug).where(
        # A slug is [a-z0-9-] only: nothing in it is a LIKE wildcard.
        (Event.slug == base) | Event.slug.like(base + "-%")
    )
    if exclude_id is not None:
        query = query.where(Event.id != exclude_id)
    taken = set(db.session.execute(query).scalars()) | RESERVED_SLUGS
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def resolve_themes(names: Iterable[str]) -> list[Theme]:
    """Existing themes matched by slug (case and accents ignored); missing ones created."""
    wanted: dict[str, str] = {}
    for name in names:
        clean = " ".join(name.split())[:80]
        if clean and slugify(clean) and slugify(clean) not in wanted:
            wanted[slugify(clean)] = clean
    if not wanted:
        return []
    existing = {
        theme.slug: theme
        for theme in db.session.execute(db.select(Theme).where(Theme.slug.in_(wanted))).scalars()
    }
    themes = []
    for slug, name in wanted.items():
        theme = existing.get(slug)
        if theme is None:
            theme = Theme(name=name, slug=slug)
            db.session.add(theme)
        themes.append(theme)
    return themes


def organizers_by_id(ids: Iterable[int]) -> list[User]:
    ids = list(ids)
    if not ids:
        return []
    return list(db.session.execute(db.select(User).where(User.id.in_(ids))).scalars())


def _apply(event: Event, data: EventData, default_organizer: User | None) -> None:
    for name in SCALAR_FIELDS:
        setattr(event, name, getattr(data, name))
    event.themes = resolve_themes(data.theme_names)
    event.search_text = search_key(
        event.title, event.summary, event.description, *(theme.name for theme in event.themes)
    )
    organizers = organizers_by_id(data.organizer_ids)
    if not organizers and default_organizer is not None:
        organizers = [default_organizer]
    event.organizers = organizers


def _calendar_changed(before: EventData, after: EventData) -> bool:
    return any(getattr(before, name) != getattr(after, name) for name in CALENDAR_FIELDS)


def _touch(event: Event, *, calendar_visible: bool, now: datetime | None = None) -> None:
    """Record a change: a later updated_at (never earlier, even from a host behind in time,
    and in a later second: HTTP dates have whole seconds), the clock, the SEQUENCE, and the
    themes the public now sees."""
    event.updated_at = tick(EVENTS_CLOCK, advance(event.updated_at, now or utcnow()))
    if calendar_visible:
        event.sequence = (event.sequence or 0) + 1
    if is_public(event):
        for theme in event.themes:
            if theme.first_public_at is None:
                theme.first_public_at = event.updated_at
