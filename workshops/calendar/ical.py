"""iCalendar (RFC 5545) from plain values: pure functions, no database, no request.

Every calendar client must read the same instants. Three choices make that so:

- Times are written in Europe/Paris with a VTIMEZONE in the RRULE form that calendar
  clients emit themselves (icalendar's `add_missing_timezones()` lists RDATEs instead, which
  ical.js, Thunderbird's parser, and vobject read one hour off in summer).
- A local time the October change makes happen twice (02:00 to 02:59) means its first
  occurrence in RFC 5545: an instant in the second one is written in UTC instead.
- Nothing depends on "now": DTSTAMP and LAST-MODIFIED come from the event's last change,
  so two fetches of an unchanged feed are byte-identical (and their ETag equal).

Text is escaped here (`Text`: backslashes, commas, semicolons, line breaks, in the RFC's
order) and folded by icalendar at 75 octets without splitting a UTF-8 character: a title
holding CR or LF stays one property. Control characters are dropped: a strict parser
refuses a whole calendar for one of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

from icalendar import (
    Calendar,
    Component,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCategory,
    vDuration,
    vText,
)

from ..dates import PARIS
from ..text import strip_forbidden

TZID = "Europe/Paris"


@dataclass(frozen=True)
class CalendarEvent:
    """What a calendar needs to know of one event, already decided by the caller."""

    uid: str
    sequence: int
    title: str
    starts_at: datetime
    ends_at: datetime
    #: Plain text (see text.markdown_to_text), without the event's URL: added here.
    description: str
    url: str
    created_at: datetime
    updated_at: datetime
    location: str | None = None
    online_url: str | None = None
    categories: tuple[str, ...] = ()
    cancelled: bool = False
    cancellation_reason: str | None = None


class Text(vText):
    """An iCalendar TEXT value escaped as RFC 5545 says, without control characters.

    icalendar 7.3 turns a typed backslash followed by N ("C:\\Nouveau") into a line break
    before escaping backslashes; here backslashes are escaped first.
    """

    def __new__(cls, value: str) -> Text:
        return super().__new__(cls, strip_forbidden(value))

    def to_ical(self) -> bytes:
        escaped = (
            str(self)
            .replace("\\", "\\\\")
            .replace(";", "\\;")
            .replace(",", "\\,")
            .replace("\r\n", "\\n")
            .replace("\n", "\\n")
            .replace("\r", "\\n")
        )
        return escaped.encode(self.encoding)


class Categories(vCategory):
    """CATEGORIES whose values are escaped as `Text` (vCategory makes plain vText of them)."""

    def __init__(self, values: Iterable[str]) -> None:
        super().__init__([])
        self.cats = [Text(value) for value in values]


@dataclass(frozen=True)
class CalendarMeta:
    """The calendar's own properties: its name, and how often clients should refresh.

    Without a name, the file is one event to import, not a calendar to subscribe to: it
    carries no name, description or refresh interval (Outlook would file it as a new
    calendar of its own instead of adding the event to the person's agenda).
    """

    name: str | None = None
    description: str = ""
    refresh: timedelta = timedelta(hours=1)
    prodid: str = "-//beta.gouv.fr//Ateliers Data Science//FR"


def paris_timezone() -> Timezone:
    """Europe/Paris as recurring rules (EU rules since 1996): last Sunday of March at 02:00
    to summer time, last Sunday of October at 03:00 back to winter time."""
    timezone = Timezone()
    timezone.add("tzid", TZID)
    timezone.add("x-lic-location", TZID)
    timezone.add_component(_observance(TimezoneDaylight(), "CEST", 1, 2, month=3, day=29, hour=2))
    timezone.add_component(_observance(TimezoneStandard(), "CET", 2, 1, month=10, day=25, hour=3))
    return timezone


def _observance(
    component: Component,
    name: str,
    offset_from: int,
    offset_to: int,
    month: int,
    day: int,
    hour: int,
) -> Component:
    """Offsets in hours; from the last Sunday of `month` in 1970 (`day`), every year."""
    component.add("tzname", name)
    component.add("tzoffsetfrom", timedelta(hours=offset_from))
    component.add("tzoffsetto", timedelta(hours=offset_to))
    # Observance starts are local times without zone, as RFC 5545 requires.
    component.add("dtstart", datetime(1970, month, day, hour, 0, 0))  # noqa: DTZ001
    component.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
    return component


def calendar_time(moment: datetime) -> datetime:
    """The value to write for an instant: Paris wall-clock time with TZID, unless that
    wall-clock time happens twice (then UTC).

    RFC 5545 says a repeated time means its first occurrence, but ical.js reads the second
    one: only UTC is read the same way by every client.
    """
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the calendar")
    local = moment.astimezone(PARIS)
    if local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset():
        return moment.astimezone(UTC)
    return local


def event_description(event: CalendarEvent) -> str:
    """The DESCRIPTION: why it is cancelled (first, when it is), the text, the video link,
    and the event's page last, so that every client shows a way back to the details."""
    parts = []
    if event.cancelled:
        reason = (event.cancellation_reason or "").strip()
        parts.append(f"Session annulée : {reason}" if reason else "Session annulée.")
    if event.description.strip():
        parts.append(event.description.strip())
    if event.online_url:
        parts.append(f"Lien de connexion : {event.online_url}")
    parts.append(f"Page de la session : {event.url}")
    return "\n\n".join(parts)


#: The longest details a link to a calendar service carries: services refuse very long
#: addresses, and the event's page, always at the end, has the rest.
LINK_DETAILS_LIMIT = 1000


def link_details(event: CalendarEvent) -> str:
    """The description for a Google or Outlook link: the text cut at a word to fit
    LINK_DETAILS_LIMIT, then the video link and the page as in the calendar."""
    full = event_description(event)
    if len(full) <= LINK_DETAILS_LIMIT:
        return full
    # The video link and the page, which always end the description.
    tail = event_description(replace(event, description="", cancelled=False))
    head = full.removesuffix("\n\n" + tail)
    cut = head[: LINK_DETAILS_LIMIT - len(tail) - len("…\n\n")]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return f"{cut.rstrip()}…\n\n{tail}"


def event_location(event: CalendarEvent) -> str | None:
    """The place, or the video link for an online-only session (clients make it a link)."""
    return event.location or event.online_url or None


def build_event(event: CalendarEvent) -> Event:
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", event.updated_at.astimezone(UTC))
    vevent.add("created", event.created_at.astimezone(UTC))
    vevent.add("last-modified", event.updated_at.astimezone(UTC))
    vevent.add("dtstart", calendar_time(event.starts_at))
    vevent.add("dtend", calendar_time(event.ends_at))
    vevent.add("summary", Text(event.title))
    vevent.add("description", Text(event_description(event)))
    location = event_location(event)
    if location:
        vevent.add("location", Text(location))
    vevent.add("url", event.url)
    if event.categories:
        vevent.add("categories", Categories(event.categories))
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("transp", "TRANSPARENT" if event.cancelled else "OPAQUE")
    vevent.add("class", "PUBLIC")
    return vevent


def _one_line(text: str) -> str:
    return " ".join(strip_forbidden(text).split())


def build_calendar(meta: CalendarMeta, events: Iterable[CalendarEvent]) -> bytes:
    """A complete VCALENDAR, valid even with no event (the VTIMEZONE is its component)."""
    calendar = Calendar()
    calendar.add("prodid", meta.prodid)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if meta.name is not None:
        # One line, written as icalendar writes it: commas unescaped, since ical.js (so
        # Thunderbird) and icalendar read these names without unescaping them.
        name = _one_line(meta.name)
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        if meta.description:
            calendar.add("description", _one_line(meta.description))
            calendar.add("x-wr-caldesc", _one_line(meta.description))
        calendar.add("x-wr-timezone", TZID)
        calendar.add("refresh-interval", meta.refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(meta.refresh))
    calendar.add_component(paris_timezone())
    for event in events:
        calendar.add_component(build_event(event))
    return calendar.to_ical()


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google_event_link(event: CalendarEvent) -> str:
    """Google Agenda's "add this event" page, pre-filled (times in UTC, shown in Paris)."""
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{_utc_stamp(event.starts_at)}/{_utc_stamp(event.ends_at)}",
        "ctz": TZID,
        "details": link_details(event),
        "location": event_location(event) or "",
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query, quote_via=quote)


def outlook_event_link(event: CalendarEvent) -> str:
    """Outlook's (Microsoft 365) new-event page, pre-filled; times in UTC ISO 8601."""
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": event.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "enddt": event.ends_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "body": link_details(event),
        "location": event_location(event) or "",
    }
    return "https://outlook.office.com/calendar/deeplink/compose?" + urlencode(
        query, quote_via=quote
    )


def webcal_link(feed_url: str) -> str:
    """The same feed for the `webcal:` scheme, which opens the system's calendar app."""
    scheme, separator, rest = feed_url.partition("://")
    if not separator or scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {feed_url!r}")
    return "webcal://" + rest


def google_subscription_link(feed_url: str) -> str:
    """Google Agenda's "add by URL" page for this feed (it takes the webcal form)."""
    return "https://calendar.google.com/calendar/render?" + urlencode(
        {"cid": webcal_link(feed_url)}, quote_via=quote
    )


def outlook_subscription_link(feed_url: str, name: str) -> str:
    """Outlook's (Microsoft 365) "subscribe from the web" page for this feed."""
    return "https://outlook.office.com/calendar/addfromweb?" + urlencode(
        {"url": feed_url, "name": name}, quote_via=quote
    )
