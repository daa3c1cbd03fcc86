"""The back office's lists: what organizers see, not what the public sees."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from ..dates import utcnow
from ..extensions import db
from ..models import Event, EventStatus

#: Back-office list views: URL value -> label.
BACKOFFICE_VIEWS = {
    "a-venir": "À venir",
    "brouillons": "Brouillons",
    "annulees": "Annulées",
    "passees": "Passées",
    "toutes": "Toutes",
}


def backoffice_events(view: str, now: datetime | None = None) -> Select[tuple[Event]]:
    """Statement listing events for the back office, with themes and organizers preloaded."""
    now = now or utcnow()
    query = db.select(Event).options(selectinload(Event.themes), selectinload(Event.organizers))
    if view == "a-venir":
        query = query.where(Event.ends_at > now).order_by(Event.starts_at, Event.id)
    elif view == "brouillons":
        query = query.where(Event.status == EventStatus.DRAFT).order_by(Event.starts_at, Event.id)
    elif view == "annulees":
        query = query.where(Event.status == EventStatus.CANCELLED).order_by(
            Event.starts_at.desc(), Event.id.desc()
        )
    elif view == "passees":
        query = query.where(Event.ends_at <= now).order_by(Event.starts_at.desc(), Event.id.desc())
    else:
        query = query.order_by(Event.starts_at.desc(), Event.id.desc())
    return query
