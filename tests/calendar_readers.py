"""Read an iCalendar document with four independent parsers, as four calendar clients would.

`icalendar` (what we write with), `vobject` (used by Radicale and many CalDAV tools), `ical`
(Home Assistant's), and Mozilla's `ical.js` (Thunderbird's, run with the machine's Node).
Each gives the same plain record per event, so a test compares them with one `==`.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import vobject
from ical.calendar_stream import IcsCalendarStream

ICALJS_SCRIPT = Path(__file__).with_name("icaljs_read.mjs")
PARSERS = ("icalendar", "vobject", "ical", "ical.js")


@dataclass(frozen=True)
class Seen:
    """An event as one parser read it; instants in UTC."""

    uid: str
    summary: str
    start: datetime
    end: datetime
    status: str
    sequence: int
    location: str | None
    description: str
    categories: tuple[str, ...]


def with_icalendar(data: bytes) -> list[Seen]:
    calendar = icalendar.Calendar.from_ical(data)
    return [
        Seen(
            uid=str(event["UID"]),
            summary=str(event["SUMMARY"]),
            start=event.decoded("DTSTART").astimezone(UTC),
            end=event.decoded("DTEND").astimezone(UTC),
            status=str(event["STATUS"]),
            sequence=int(event["SEQUENCE"]),
            location=str(event["LOCATION"]) if "LOCATION" in event else None,
            description=str(event["DESCRIPTION"]),
            categories=tuple(event.categories),
        )
        for event in calendar.walk("VEVENT")
    ]


def with_vobject(data: bytes) -> list[Seen]:
    # vobject keeps the first VTIMEZONE it saw for a TZID, process-wide, and ignores later
    # ones: forget them, so that each document is read with its own time zones.
    registry = vars(vobject.icalendar)["__tzidMap"]
    registry.clear()
    vobject.icalendar.registerTzid("UTC", vobject.icalendar.utc)
    calendar = vobject.readOne(data.decode("utf-8"))
    seen = []
    for event in calendar.contents.get("vevent", []):
        seen.append(
            Seen(
                uid=event.uid.value,
                summary=event.summary.value,
                start=event.dtstart.value.astimezone(UTC),
                end=event.dtend.value.astimezone(UTC),
                status=event.status.value,
                sequence=int(event.sequence.value),
                location=event.location.value if hasattr(event, "location") else None,
                description=event.description.value,
                categories=tuple(event.categories.value) if hasattr(event, "categories") else (),
            )
        )
    return seen


def with_ical(data: bytes) -> list[Seen]:
    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    return [
        Seen(
            uid=event.uid,
            summary=event.summary,
            start=event.dtstart.astimezone(UTC),
            end=event.dtend.astimezone(UTC),
            status=str(event.status.value),
            sequence=event.sequence,
            location=event.location,
            description=event.description,
            categories=tuple(event.categories),
        )
        for event in calendar.events
    ]


def with_icaljs(data: bytes) -> list[Seen]:
    result = subprocess.run(  # noqa: S603 - our own script
        ["node", str(ICALJS_SCRIPT)],  # noqa: S607 - the machine's Node
        input=data,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    return [
        Seen(
            uid=event["uid"],
            summary=event["summary"],
            start=datetime.fromisoformat(event["start"]),
            end=datetime.fromisoformat(event["end"]),
            status=event["status"],
            sequence=event["sequence"],
            location=event["location"],
            description=event["description"],
            categories=tuple(event["categories"]),
        )
        for event in json.loads(result.stdout)["events"]
    ]


def read_everywhere(data: bytes) -> dict[str, list[Seen]]:
    """Each parser's reading, by parser name."""
    return {
        "icalendar": with_icalendar(data),
        "vobject": with_vobject(data),
        "ical": with_ical(data),
        "ical.js": with_icaljs(data),
    }


def read_alike(data: bytes) -> list[Seen]:
    """The one reading all four parsers agree on (the test fails where they differ)."""
    readings = read_everywhere(data)
    reference = readings["icalendar"]
    for name, reading in readings.items():
        assert reading == reference, f"{name} reads differently:\n{reading}\n!=\n{reference}"
    return reference
