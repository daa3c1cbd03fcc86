"""Which events a feed holds, its name, its bytes and its version.

The public feed holds every public event (published, and cancelled ones marked as such)
not over yet, and those over for less than CALENDAR_PAST_MONTHS: a subscribed calendar
keeps the recent past and learns of cancellations. The same builder takes any list of
events (one event's download, later a participant's own calendar).

The version has two faces. The ETag is a hash of the bytes: exact, so a feed that lost an
event (unpublished, deleted, too old) is a new feed. Last-Modified is the latest of the
events clock (ticked by every change, removals included), the feed's own events, and the
instant the last too-old event left the window: it never goes back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from werkzeug.datastructures import MultiDict

from ..catalogue.forms import FEED_PARAMS, EventFilterForm
from ..catalogue.queries import FORMAT_PARAMS, KIND_PARAMS, CatalogueFilters, filtered
from ..clocks import EVENTS_CLOCK, last_change
from ..dates import utcnow
from ..events.visibility import PUBLIC_STATUSES, public_events
from ..extensions import db
from ..models import Event, EventKind, EventStatus, Theme
from ..text import markdown_to_text, search_key
from .ical import CalendarEvent, CalendarMeta, build_calendar

#: Days in a month, on average over the Gregorian cycle: the past window is a fixed span of
#: days, so an event leaves the feed at one instant and never comes back (calendar months
#: would clamp the 31st and move the edge back and forth).
DAYS_PER_MONTH = 365.2425 / 12

#: Feed names, after the service name.
KIND_NAMES = {EventKind.WORKSHOP: "Ateliers collectifs", EventKind.COMMUNITY: "Sessions communauté"}
#: Lowercase: they follow a comma or a colon in the name.
FORMAT_NAMES = {"online": "en ligne", "in_person": "sur place"}


class FeedFilterError(ValueError):
    """A filter value a feed does not know; the message (French) is the 400's body."""


@dataclass(frozen=True)
class Feed:
    """Bytes to send, with what HTTP needs to answer "not modified"."""

    body: bytes
    filename: str
    last_modified: datetime | None

    @property
    def etag(self) -> str:
        return hashlib.sha256(self.body).hexdigest()[:32]


def past_window(months: int) -> timedelta:
    """How long an event stays in the feed after it ends."""
    return timedelta(days=round(months * DAYS_PER_MONTH))


def feed_themes() -> list[Theme]:
    """Themes a public session carried at least once, in reading order: a feed filtered on
    one stays valid (maybe empty) when its sessions are over or moved to other themes,
    instead of turning into an error; a theme only drafts ever had stays unknown."""
    query = db.select(Theme).where(Theme.first_public_at.is_not(None))
    return sorted(db.session.execute(query).scalars(), key=lambda theme: search_key(theme.name))


def feed_filter_form(args: MultiDict[str, str], themes: Sequence[Theme]) -> EventFilterForm:
    """The feed filters as a form offering `themes` (see feed_themes), for /calendrier too."""
    form = EventFilterForm(args)
    form.set_themes(list(themes))
    return form


def parse_feed_filters(args: MultiDict[str, str], themes: Sequence[Theme]) -> CatalogueFilters:
    """The filters of a feed URL, or FeedFilterError saying which value is wrong.

    A parameter given twice is refused rather than half read: the person who built the URL
    meant one of the values, and we cannot tell which. Other parameters are ignored (a
    link shortener or a newsletter may add its own).
    """
    repeated = repeated_param(args)
    if repeated:
        raise FeedFilterError(repeated)
    form = feed_filter_form(args, themes)
    if not form.validate():
        name = next(iter(form.errors))
        allowed = ", ".join(
            choice.value
            for choice in form[name].choices  # type: ignore[union-attr]
            if choice.value
        )
        raise FeedFilterError(
            f"La valeur « {args[name][:100]} » du paramètre « {name} » n’est pas reconnue. "
            f"Valeurs possibles : {allowed or 'aucune pour le moment'}."
        )
    return form.to_filters()


def repeated_param(args: MultiDict[str, str]) -> str | None:
    """Why the feed parameters cannot be read, when one of them is given twice."""
    for name in FEED_PARAMS:
        if len(args.getlist(name)) > 1:
            return f"Le paramètre « {name} » ne peut être donné qu’une fois."
    return None


def feed_params(filters: CatalogueFilters) -> dict[str, str]:
    """The query parameters that give this feed, for its URL (the inverse of the form)."""
    params = {}
    kinds = {kind: param for param, kind in KIND_PARAMS.items()}
    formats = {value: param for param, value in FORMAT_PARAMS.items()}
    if filters.kind:
        params["type"] = kinds[filters.kind]  # type: ignore[index]
    if filters.theme:
        params["theme"] = filters.theme
    if filters.format:
        params["format"] = formats[filters.format]
    return params


def feed_name(service_name: str, filters: CatalogueFilters, themes: Sequence[Theme]) -> str:
    """ "Ateliers Data Science", or with the filters: "Ateliers Data Science : SQL, en ligne"."""
    parts = []
    if filters.kind:
        parts.append(KIND_NAMES[EventKind(filters.kind)])
    if filters.theme:
        parts.extend(theme.name for theme in themes if theme.slug == filters.theme)
    if filters.format:
        parts.append(FORMAT_NAMES[filters.format])
    if not parts:
        return service_name
    return f"{service_name} : {', '.join(parts)}"


def feed_events(
    filters: CatalogueFilters, window: timedelta, now: datetime | None = None
) -> list[Event]:
    """Public events matching the filters, not over or over for less than `window`, in
    order: two queries (events, then their themes), however many events there are."""
    now = now or utcnow()
    query = filtered(public_events().where(Event.ends_at > now - window), filters)
    return list(db.session.execute(query.order_by(Event.starts_at, Event.id)).scalars())


def feed_last_modified(
    events: Sequence[Event], window: timedelta, now: datetime | None = None
) -> datetime | None:
    """The latest of: the events clock, the events shown, and the moment the most recent
    event too old for the feed left it (that is a change too). None if nothing ever was."""
    now = now or utcnow()
    candidates = [event.updated_at for event in events]
    clock = last_change(EVENTS_CLOCK)
    if clock is not None:
        candidates.append(clock)
    last_gone = db.session.execute(
        db.select(db.func.max(Event.ends_at)).where(
            Event.status.in_(PUBLIC_STATUSES), Event.ends_at <= now - window
        )
    ).scalar_one()
    if last_gone is not None:
        candidates.append(last_gone + window)
    return max(candidates, default=None)


def calendar_event(event: Event, url: str) -> CalendarEvent:
    """One event as a calendar shows it: its summary, then its description as plain text."""
    description = "\n\n".join(
        part for part in (event.summary.strip(), markdown_to_text(event.description)) if part
    )
    return CalendarEvent(
        uid=event.uid,
        sequence=event.sequence,
        title=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        description=description,
        url=url,
        created_at=event.created_at,
        updated_at=event.updated_at,
        location=event.location or None,
        online_url=event.online_url or None,
        categories=(event.kind_label, *(theme.name for theme in event.themes)),
        cancelled=event.status == EventStatus.CANCELLED,
        cancellation_reason=event.cancellation_reason,
    )


def calendar_bytes(
    events: Sequence[Event], meta: CalendarMeta, event_url: Callable[[Event], str]
) -> bytes:
    """Any list of events as one calendar (the feeds, one event, a person's own calendar)."""
    return build_calendar(meta, (calendar_event(event, event_url(event)) for event in events))


def public_feed(
    filters: CatalogueFilters,
    meta: CalendarMeta,
    event_url: Callable[[Event], str],
    window: timedelta,
    now: datetime | None = None,
) -> Feed:
    now = now or utcnow()
    events = feed_events(filters, window, now)
    return Feed(
        body=calendar_bytes(events, meta, event_url),
        filename="-".join(("sessions", *feed_params(filters).values())) + ".ics",
        last_modified=feed_last_modified(events, window, now),
    )


def event_feed(event: Event, meta: CalendarMeta, event_url: Callable[[Event], str]) -> Feed:
    """One event to download, e.g. from its page ("Ajouter à mon agenda")."""
    return Feed(
        body=calendar_bytes([event], meta, event_url),
        filename=f"{event.slug}.ics",
        last_modified=event.updated_at,
    )
