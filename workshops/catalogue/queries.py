"""How the catalogue lists and filters what the public may see (decided in events.visibility).

Each function returns a statement or a few rows with their themes eagerly loaded, so a page's
query count does not grow with the number of events it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select

from ..dates import utcnow
from ..events.visibility import PUBLIC_STATUSES, public_events
from ..extensions import db
from ..models import Event, EventKind, EventStatus, Theme, event_themes
from ..text import search_key

#: URL values of the filters (French, bookmarkable) -> internal values.
KIND_PARAMS = {"atelier": EventKind.WORKSHOP, "communaute": EventKind.COMMUNITY}
FORMAT_PARAMS = {"en-ligne": "online", "sur-place": "in_person"}


@dataclass(frozen=True)
class CatalogueFilters:
    """Parsed, valid filters; None means "no filter on this"."""

    kind: str | None = None
    theme: str | None = None
    format: str | None = None
    text: str | None = None

    @property
    def active(self) -> bool:
        return any((self.kind, self.theme, self.format, self.text))


def upcoming_events(filters: CatalogueFilters, now: datetime | None = None) -> Select[tuple[Event]]:
    """Published (and cancelled, marked) events not yet over, soonest first."""
    now = now or utcnow()
    query = filtered(public_events().where(Event.ends_at > now), filters)
    return query.order_by(Event.starts_at, Event.id)


def filtered(query: Select[tuple[Event]], filters: CatalogueFilters) -> Select[tuple[Event]]:
    """The events of `query` that match the filters (the catalogue's and the feeds')."""
    if filters.kind:
        query = query.where(Event.kind == filters.kind)
    if filters.theme:
        query = query.where(
            Event.id.in_(
                db.select(event_themes.c.event_id).join(Theme).where(Theme.slug == filters.theme)
            )
        )
    if filters.format == "online":
        query = query.where(Event.online_url.is_not(None), Event.online_url != "")
    elif filters.format == "in_person":
        query = query.where(Event.location.is_not(None), Event.location != "")
    if filters.text:
        for word in search_key(filters.text).split():
            query = query.where(Event.search_text.contains(word, autoescape=True))
    return query


def count_upcoming(filters: CatalogueFilters, now: datetime | None = None) -> dict[str, int]:
    """How many upcoming events match, by status: cancelled ones are listed but not counted
    as sessions to come."""
    ids = upcoming_events(filters, now).with_only_columns(Event.id).order_by(None)
    rows = db.session.execute(
        db.select(Event.status, db.func.count()).where(Event.id.in_(ids)).group_by(Event.status)
    )
    return {str(status): count for status, count in rows}


def past_events(now: datetime | None = None) -> Select[tuple[Event]]:
    """Events already over, most recent first."""
    now = now or utcnow()
    return (
        public_events()
        .where(Event.ends_at <= now)
        .order_by(Event.starts_at.desc(), Event.id.desc())
    )


def next_events(limit: int = 3, now: datetime | None = None) -> list[Event]:
    """The next published sessions for the landing page (cancelled ones are not advertised)."""
    now = now or utcnow()
    query = (
        public_events()
        .where(Event.status == EventStatus.PUBLISHED, Event.ends_at > now)
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
    )
    return list(db.session.execute(query).scalars())


def themes_in_use() -> list[Theme]:
    """Themes of at least one public event, for the filter's options, in the order a person
    reads them: case and accents ignored ("Machine learning" before "MLOps")."""
    query = db.select(Theme).where(
        Theme.id.in_(
            db.select(event_themes.c.theme_id).join(Event).where(Event.status.in_(PUBLIC_STATUSES))
        )
    )
    return sorted(db.session.execute(query).scalars(), key=lambda theme: search_key(theme.name))
