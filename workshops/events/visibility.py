"""Who sees an event, and what its state lets organizers do with it.

The one home of these rules: the catalogue, the back office, the event form template and
(later) calendar feeds and registrations read them here instead of re-deciding.
"""

from __future__ import annotations

from enum import StrEnum

from flask_login import AnonymousUserMixin
from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Event, EventStatus, User
from ..permissions import is_staff

#: Statuses the public sees: a cancelled event stays visible, marked, so that people who
#: planned to come (and subscribed calendars) learn of it.
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


class EventAction(StrEnum):
    """What an organizer may ask of an event; `allowed_actions` says which apply now."""

    EDIT = "edit"
    PREVIEW = "preview"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"
    CANCEL = "cancel"
    DUPLICATE = "duplicate"
    DELETE = "delete"


def allowed_actions(event: Event) -> frozenset[EventAction]:
    """The operations the event's state allows.

    A draft can be published; a draft never published can be deleted, while one that was
    published once must be cancelled instead (calendars have seen it). A published event
    can go back to draft or be cancelled. A cancelled event is frozen: it can only be
    previewed and duplicated to reschedule it.
    """
    actions = {EventAction.PREVIEW, EventAction.DUPLICATE}
    if event.status == EventStatus.DRAFT:
        actions |= {EventAction.EDIT, EventAction.PUBLISH}
        if event.first_published_at is None:
            actions.add(EventAction.DELETE)
    elif event.status == EventStatus.PUBLISHED:
        actions |= {EventAction.EDIT, EventAction.UNPUBLISH, EventAction.CANCEL}
    return frozenset(actions)


def public_events() -> Select[tuple[Event]]:
    """Events the public may see, with their themes preloaded for listings."""
    return (
        db.select(Event)
        .where(Event.status.in_(PUBLIC_STATUSES))
        .options(selectinload(Event.themes))
    )


def is_public(event: Event) -> bool:
    """Anyone may see it (published or cancelled), as opposed to a draft."""
    return event.status in PUBLIC_STATUSES


def may_view(event: Event, viewer: User | AnonymousUserMixin | None) -> bool:
    """Drafts are for organizers only; published and cancelled events are public."""
    return is_public(event) or is_staff(viewer)


def event_for_viewer(slug: str, viewer: User | AnonymousUserMixin | None) -> Event | None:
    """The event at this slug if this viewer may see it, else None (the view answers 404)."""
    event = db.session.execute(db.select(Event).where(Event.slug == slug)).scalar_one_or_none()
    if event is None or not may_view(event, viewer):
        return None
    return event
