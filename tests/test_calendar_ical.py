"""The iCalendar builder (pure functions): what every calendar client reads from it.

No database: events are plain values. Each scenario is read back by four independent parsers
(tests/calendar_readers.py) that must give the same UTC instants, texts, statuses and UIDs.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest

from tests.calendar_readers import PARSERS, Seen, read_alike, read_everywhere
from workshops.calendar import ical
from workshops.calendar.ical import CalendarEvent, CalendarMeta
from workshops.dates import PARIS

META = CalendarMeta(name="Ateliers Data Science")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def event(uid: str = "uid-1", **fields) -> CalendarEvent:  # type: ignore[no-untyped-def]
    starts_at = fields.pop("starts_at", utc(2026, 12, 1, 13, 0))
    values = {
        "sequence": 1,
        "title": "Atelier SQL",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "description": "Une session pour progresser ensemble.",
        "url": "https://ateliers.example.org/ateliers/atelier-sql",
        "created_at": utc(2026, 11, 1, 9, 0),
        "updated_at": utc(2026, 11, 2, 10, 30),
        "location": "Ségur, Paris",
        "categories": ("Atelier collectif", "SQL"),
    }
    values.update(fields)
    return CalendarEvent(uid=uid, **values)


def lines(data: bytes) -> list[bytes]:
    """Content lines as sent (folded)."""
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def unfolded(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")


# --- Instants: the same in every client --------------------------------------------------

SCENARIOS = {
    "summer time": (utc(2026, 7, 1, 8, 0), utc(2026, 7, 1, 10, 0)),
    "winter time": (utc(2026, 12, 1, 9, 0), utc(2026, 12, 1, 11, 0)),
    # 00:00 to 05:00 in Paris on 25 October 2026: the clocks go back at 03:00.
    "across the October change": (utc(2026, 10, 24, 22, 0), utc(2026, 10, 25, 4, 0)),
    "02:30 first occurrence": (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 3, 0)),
    "02:30 second occurrence": (utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 3, 0)),
    # 01:30 to 03:30 in Paris on 28 March 2027: 02:00 to 02:59 does not exist.
    "across the March change": (utc(2027, 3, 28, 0, 30), utc(2027, 3, 28, 1, 30)),
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_parser_reads_the_same_instants(name):
    starts_at, ends_at = SCENARIOS[name]
    data = ical.build_calendar(META, [event(starts_at=starts_at, ends_at=ends_at)])
    (seen,) = read_alike(data)
    assert (seen.start, seen.end) == (starts_at, ends_at)


def test_all_scenarios_in_one_feed_read_alike_and_in_order():
    events = [
        event(f"uid-{n}", starts_at=start, ends_at=end)
        for n, (start, end) in enumerate(SCENARIOS.values())
    ]
    seen = read_alike(ical.build_calendar(META, events))
    assert [(s.uid, s.start, s.end) for s in seen] == [
        (e.uid, e.starts_at, e.ends_at) for e in events
    ]


def test_times_are_written_in_paris_time_with_the_timezone():
    data = ical.build_calendar(META, [event(starts_at=utc(2026, 7, 1, 8, 0))])
    text = unfolded(data)
    assert "DTSTART;TZID=Europe/Paris:20260701T100000" in text
    assert "DTEND;TZID=Europe/Paris:20260701T120000" in text


def test_a_time_that_happens_twice_is_written_in_utc_both_times():
    first = ical.calendar_time(utc(2026, 10, 25, 0, 30))
    second = ical.calendar_time(utc(2026, 10, 25, 1, 30))
    assert (first, second) == (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30))
    assert first.tzinfo is UTC and second.tzinfo is UTC
    # One minute before and after the repeated hour: Paris time again.
    before = ical.calendar_time(utc(2026, 10, 24, 23, 59))
    after = ical.calendar_time(utc(2026, 10, 25, 2, 0))
    assert (before.tzinfo, before.hour, before.minute) == (PARIS, 1, 59)
    assert (after.tzinfo, after.hour) == (PARIS, 3)
    text = unfolded(ical.build_calendar(META, [event(starts_at=utc(2026, 10, 25, 1, 30))]))
    assert "DTSTART:20261025T013000Z" in text


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match=r"^naive datetime given to the calendar$"):
        ical.calendar_time(datetime(2026, 12, 1, 14, 0))


def test_the_timezone_is_one_pair_of_yearly_rules_not_a_list_of_dates():
    data = ical.build_calendar(META, [])
    text = unfolded(data)
    start = text.index("BEGIN:VTIMEZONE")
    block = text[start : text.index("END:VTIMEZONE") + 1]
    assert block == [
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Paris",
        "X-LIC-LOCATION:Europe/Paris",
        "BEGIN:DAYLIGHT",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
        "TZNAME:CEST",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
        "TZNAME:CET",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    assert not any(line.startswith("RDATE") for line in text)


def test_the_timezone_matches_the_tz_database_every_hour_from_2000_to_2100():
    """The written rules, read back by icalendar, against Python's zoneinfo: the same UTC
    offset at every hour of a hundred years (the app refuses dates outside this range)."""
    timezone = icalendar.Calendar.from_ical(ical.build_calendar(META, [])).timezones[0]
    written = timezone.to_tz()
    moment = utc(2000, 1, 1)
    while moment < utc(2101, 1, 1):
        assert moment.astimezone(written).utcoffset() == moment.astimezone(PARIS).utcoffset(), (
            moment
        )
        moment += timedelta(hours=1)


# --- Text: escaped, folded, never injected -----------------------------------------------

NASTY = "Données, SQL; C:\\chemin\\Nouveau \\n\n« guillemets » — émoji 🧪📊 et 日本語"
INJECTION = "Titre\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:pirate\r\nSUMMARY:Faux"


def test_special_characters_come_back_exactly_in_every_parser():
    data = ical.build_calendar(
        META,
        [
            event(
                title=NASTY,
                location="Salle 4; étage 2, bâtiment \\ B",
                description=NASTY * 3,
                categories=("Atelier collectif", "Données; qualité", "C:\\Nouveau"),
            )
        ],
    )
    (seen,) = read_alike(data)
    assert seen.summary == NASTY
    assert seen.location == "Salle 4; étage 2, bâtiment \\ B"
    assert seen.description.startswith(NASTY * 3)
    assert seen.categories == ("Atelier collectif", "Données; qualité", "C:\\Nouveau")


def test_cr_or_lf_in_any_text_cannot_add_a_property_or_an_event():
    data = ical.build_calendar(
        META,
        [
            event(
                title=INJECTION,
                location=INJECTION,
                description=INJECTION,
                categories=(INJECTION,),
                cancelled=True,
                cancellation_reason=INJECTION,
            )
        ],
    )
    readings = read_everywhere(data)
    for name in PARSERS:
        assert [seen.uid for seen in readings[name]] == ["uid-1"], name
        assert readings[name][0].status == "CANCELLED", name
    text = unfolded(data)
    assert text.count("BEGIN:VEVENT") == 1
    assert not any(line.startswith(("UID:pirate", "SUMMARY:Faux")) for line in text)
    # CR LF, CR and LF alike become the escaped "\n" of a TEXT value.
    assert "SUMMARY:Titre\\nEND:VEVENT\\nBEGIN:VEVENT\\nUID:pirate\\nSUMMARY:Faux" in text
    assert icalendar.Calendar.from_ical(data).events[0]["SUMMARY"] == INJECTION.replace(
        "\r\n", "\n"
    )


@pytest.mark.parametrize("text", ["é" * 200, "🧪" * 100, "a" + "€" * 120, NASTY * 5])
def test_lines_are_folded_at_75_octets_between_whole_characters(text):
    data = ical.build_calendar(META, [event(title=text, description=text)])
    for line in lines(data):
        assert len(line) <= 75, line
        line.decode("utf-8")  # each physical line is valid UTF-8 on its own
    (seen,) = read_alike(data)
    assert seen.summary == text


# --- What each event holds ----------------------------------------------------------------


def test_an_event_holds_every_property_a_client_needs():
    data = ical.build_calendar(META, [event(sequence=4, online_url="https://visio.example.org/a")])
    (vevent,) = icalendar.Calendar.from_ical(data).events
    assert str(vevent["UID"]) == "uid-1"
    assert vevent["SEQUENCE"] == 4
    assert vevent.decoded("DTSTAMP") == utc(2026, 11, 2, 10, 30)
    assert vevent.decoded("LAST-MODIFIED") == utc(2026, 11, 2, 10, 30)
    assert vevent.decoded("CREATED") == utc(2026, 11, 1, 9, 0)
    assert str(vevent["URL"]) == "https://ateliers.example.org/ateliers/atelier-sql"
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["TRANSP"]) == "OPAQUE"
    assert str(vevent["CLASS"]) == "PUBLIC"
    assert str(vevent["LOCATION"]) == "Ségur, Paris"
    assert vevent.categories == ["Atelier collectif", "SQL"]
    assert str(vevent["DESCRIPTION"]) == (
        "Une session pour progresser ensemble.\n\n"
        "Lien de connexion : https://visio.example.org/a\n\n"
        "Page de la session : https://ateliers.example.org/ateliers/atelier-sql"
    )


def test_a_cancelled_event_stays_with_its_status_and_reason_first():
    cancelled = event(sequence=3, cancelled=True, cancellation_reason="  Salle indisponible. ")
    (seen,) = read_alike(ical.build_calendar(META, [cancelled]))
    assert seen.status == "CANCELLED"
    assert seen.sequence == 3
    assert seen.summary == "Atelier SQL"  # not rewritten: the status says it
    assert seen.description == (
        "Session annulée : Salle indisponible.\n\n"
        "Une session pour progresser ensemble.\n\n"
        "Page de la session : https://ateliers.example.org/ateliers/atelier-sql"
    )
    (vevent,) = icalendar.Calendar.from_ical(ical.build_calendar(META, [cancelled])).events
    assert str(vevent["TRANSP"]) == "TRANSPARENT"  # no longer makes anyone busy


def test_a_cancelled_event_without_reason_still_says_so():
    assert ical.event_description(event(cancelled=True, description="")) == (
        "Session annulée.\n\nPage de la session : https://ateliers.example.org/ateliers/atelier-sql"
    )


def test_an_edited_event_keeps_its_uid_with_a_higher_sequence():
    before = event(sequence=1)
    after = replace(
        before,
        sequence=2,
        starts_at=before.starts_at + timedelta(days=1),
        ends_at=before.ends_at + timedelta(days=1),
        title="Atelier SQL (nouvelle date)",
        updated_at=utc(2026, 11, 20, 8, 0),
    )
    (old,) = read_alike(ical.build_calendar(META, [before]))
    (new,) = read_alike(ical.build_calendar(META, [after]))
    assert new.uid == old.uid
    assert (old.sequence, new.sequence) == (1, 2)
    assert new.start == old.start + timedelta(days=1)
    assert new.summary == "Atelier SQL (nouvelle date)"


def test_an_online_only_event_gives_its_link_as_location():
    online = event(location=None, online_url="https://visio.example.org/salle")
    (seen,) = read_alike(ical.build_calendar(META, [online]))
    assert seen.location == "https://visio.example.org/salle"
    (seen,) = read_alike(ical.build_calendar(META, [event(location=None, categories=())]))
    assert seen.location is None
    assert seen.categories == ()


# --- The calendar itself -----------------------------------------------------------------


def test_an_empty_calendar_is_valid_and_read_by_every_parser():
    data = ical.build_calendar(META, [])
    assert read_alike(data) == []
    calendar = icalendar.Calendar.from_ical(data)
    assert [component.name for component in calendar.subcomponents] == ["VTIMEZONE"]
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"\r\nEND:VCALENDAR\r\n")


def test_the_calendar_names_itself_and_asks_to_be_refreshed():
    meta = CalendarMeta(
        name="Ateliers Data Science : SQL", description="Les sessions.", refresh=timedelta(hours=2)
    )
    text = unfolded(ical.build_calendar(meta, []))
    header = text[: text.index("BEGIN:VTIMEZONE")]
    assert header == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//beta.gouv.fr//Ateliers Data Science//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "DESCRIPTION:Les sessions.",
        "X-WR-CALDESC:Les sessions.",
        "NAME:Ateliers Data Science : SQL",
        "X-WR-CALNAME:Ateliers Data Science : SQL",
        "REFRESH-INTERVAL;VALUE=DURATION:PT2H",
        "X-PUBLISHED-TTL:PT2H",
        "X-WR-TIMEZONE:Europe/Paris",
    ]
    assert "DESCRIPTION" not in "".join(unfolded(ical.build_calendar(META, []))[:12])


def test_the_same_events_give_the_same_bytes():
    """Nothing depends on the time of the request: a client's copy stays valid."""
    events = [event("a"), event("b", cancelled=True)]
    assert ical.build_calendar(META, events) == ical.build_calendar(META, list(events))


# --- Links to calendar services ------------------------------------------------------------


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def test_google_event_link_is_prefilled_in_utc():
    link = ical.google_event_link(event(starts_at=utc(2026, 7, 1, 8, 0)))
    assert link.startswith("https://calendar.google.com/calendar/render?")
    assert query(link) == {
        "action": ["TEMPLATE"],
        "text": ["Atelier SQL"],
        "dates": ["20260701T080000Z/20260701T100000Z"],
        "ctz": ["Europe/Paris"],
        "details": [ical.event_description(event())],
        "location": ["Ségur, Paris"],
    }
    assert " " not in link and "+" not in link  # spaces as %20, read the same everywhere


def test_outlook_event_link_is_prefilled_in_utc():
    link = ical.outlook_event_link(event(location=None, online_url="https://visio.example.org"))
    assert link.startswith("https://outlook.office.com/calendar/deeplink/compose?")
    assert query(link) == {
        "path": ["/calendar/action/compose"],
        "rru": ["addevent"],
        "subject": ["Atelier SQL"],
        "startdt": ["2026-12-01T13:00:00Z"],
        "enddt": ["2026-12-01T15:00:00Z"],
        "body": [ical.event_description(event(online_url="https://visio.example.org"))],
        "location": ["https://visio.example.org"],
    }


def test_subscription_links():
    url = "https://ateliers.example.org/calendrier.ics?type=atelier&theme=sql"
    assert (
        ical.webcal_link(url)
        == "webcal://ateliers.example.org/calendrier.ics?type=atelier&theme=sql"
    )
    assert ical.webcal_link("http://127.0.0.1:5000/calendrier.ics") == (
        "webcal://127.0.0.1:5000/calendrier.ics"
    )
    google = ical.google_subscription_link(url)
    assert google.startswith("https://calendar.google.com/calendar/render?")
    assert query(google) == {"cid": [ical.webcal_link(url)]}
    outlook = ical.outlook_subscription_link(url, "Ateliers : SQL")
    assert outlook.startswith("https://outlook.office.com/calendar/addfromweb?")
    assert query(outlook) == {"url": [url], "name": ["Ateliers : SQL"]}


@pytest.mark.parametrize("url", ["ftp://x/a.ics", "/calendrier.ics", "javascript://x"])
def test_webcal_needs_an_http_url(url):
    with pytest.raises(ValueError, match="not an http"):
        ical.webcal_link(url)


def test_no_line_holds_a_bare_cr_or_lf():
    data = ical.build_calendar(META, [event(title=INJECTION, description=INJECTION)])
    assert re.search(rb"\r(?!\n)|(?<!\r)\n", data) is None


def test_seen_records_compare_every_field():
    """The readers' record is what the tests compare: a difference in any field shows."""
    one = Seen("u", "s", utc(2026, 1, 1), utc(2026, 1, 1, 1), "CONFIRMED", 1, None, "d", ())
    assert one != replace(one, start=utc(2026, 1, 1, 0, 1))
    assert one != replace(one, status="CANCELLED")


def test_the_readers_catch_the_timezone_icalendar_would_add_by_itself():
    """Negative control: with `add_missing_timezones()` (observances as lists of RDATEs),
    vobject and ical.js read a summer session one hour off. The comparison sees it, so a
    wrong VTIMEZONE of ours could not pass either."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//test//control//FR")
    calendar.add("version", "2.0")
    vevent = icalendar.Event()
    for name, value in {
        "uid": "control",
        "dtstamp": utc(2026, 1, 1),
        "summary": "Contrôle",
        "description": "Témoin",
        "status": "CONFIRMED",
        "sequence": 0,
        "dtstart": datetime(2026, 7, 1, 10, 0, tzinfo=PARIS),
        "dtend": datetime(2026, 7, 1, 12, 0, tzinfo=PARIS),
    }.items():
        vevent.add(name, value)
    calendar.add_component(vevent)
    calendar.add_missing_timezones()
    readings = read_everywhere(calendar.to_ical())
    starts = {name: reading[0].start for name, reading in readings.items()}
    assert starts["icalendar"] == utc(2026, 7, 1, 8, 0)
    assert starts["vobject"] == starts["ical.js"] == utc(2026, 7, 1, 9, 0)
    with pytest.raises(AssertionError, match="reads differently"):
        read_alike(calendar.to_ical())


def test_a_file_for_one_event_names_no_calendar():
    """Outlook files an imported calendar that has a name as a new calendar of its own."""
    text = unfolded(ical.build_calendar(CalendarMeta(), [event()]))
    assert text[: text.index("BEGIN:VTIMEZONE")] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//beta.gouv.fr//Ateliers Data Science//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    (seen,) = read_alike(ical.build_calendar(CalendarMeta(), [event()]))
    assert seen.summary == "Atelier SQL"


def test_control_characters_never_reach_the_bytes():
    """A strict parser (ical) refuses a whole calendar for one control character; bidi
    overrides would show a title as something else."""
    odd = "Form\x0cfeed \u202etxt.exe \x1b[31m \u2066x\u2069 fin\x7f"
    data = ical.build_calendar(
        META,
        [
            event(
                title=odd,
                location=odd,
                description=odd,
                categories=(odd,),
                cancelled=True,
                cancellation_reason=odd,
            )
        ],
    )
    for character in ("\x0c", "\u202e", "\x1b", "\u2066", "\u2069", "\x7f"):
        assert character.encode() not in data
    (seen,) = read_alike(data)
    assert seen.summary == "Formfeed txt.exe [31m x fin"


@pytest.mark.parametrize("link", [ical.google_event_link, ical.outlook_event_link])
def test_links_to_calendar_services_keep_the_details_short(link):
    """Services refuse very long addresses: the details stop at about 1,000 characters,
    with the way back to the full page always at the end."""
    long = event(description="Un mot. " * 3000, online_url="https://visio.example.org/x")
    details = next(
        values[0] for key, values in query(link(long)).items() if key in ("details", "body")
    )
    assert len(details) <= ical.LINK_DETAILS_LIMIT
    assert details.endswith(
        "…\n\nLien de connexion : https://visio.example.org/x\n\n"
        "Page de la session : https://ateliers.example.org/ateliers/atelier-sql"
    )
    assert details.startswith("Un mot. Un mot.")
    assert len(link(long)) < 2000
    short = event(description="Court.")
    assert query(ical.google_event_link(short))["details"] == [ical.event_description(short)]


def test_the_calendar_name_is_one_line_without_controls():
    meta = CalendarMeta(name="Ateliers : SQL,\r\nBEGIN:VEVENT\x0c", description="Les\nsessions.")
    text = unfolded(ical.build_calendar(meta, []))
    assert "NAME:Ateliers : SQL, BEGIN:VEVENT" in text
    assert "X-WR-CALDESC:Les sessions." in text
    assert read_alike(ical.build_calendar(meta, [])) == []


def test_link_details_are_cut_at_a_word_once_only_when_too_long():
    shaped = event(
        description="abcdefghij " * 150,
        online_url="https://v.example/x",
        cancelled=True,
        cancellation_reason="Grève.",
    )
    details = ical.link_details(shaped)
    tail = "\n\nLien de connexion : https://v.example/x\n\nPage de la session : " + shaped.url
    assert details.startswith("Session annulée : Grève.\n\nabcdefghij abcdefghij")
    assert details.count("Session annulée") == 1
    assert details.endswith("abcdefghij…" + tail)
    assert ical.LINK_DETAILS_LIMIT - 11 <= len(details) <= ical.LINK_DETAILS_LIMIT
    # Exactly at the limit, nothing is cut.
    bare = len(ical.event_description(event(description="")))
    exact = event(description="x" * (ical.LINK_DETAILS_LIMIT - bare - 2))
    assert len(ical.event_description(exact)) == ical.LINK_DETAILS_LIMIT
    assert ical.link_details(exact) == ical.event_description(exact)


def test_links_to_calendar_services_are_in_utc_whatever_the_machine_zone(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        summer = event(starts_at=utc(2026, 7, 1, 8, 0), location=None, online_url=None)
        assert query(ical.google_event_link(summer))["dates"] == [
            "20260701T080000Z/20260701T100000Z"
        ]
        outlook = query(ical.outlook_event_link(summer))
        assert (outlook["startdt"], outlook["enddt"]) == (
            ["2026-07-01T08:00:00Z"],
            ["2026-07-01T10:00:00Z"],
        )
        # Neither a place nor a link: the field is there, empty.
        assert query(ical.google_event_link(summer))["location"] == [""]
        assert outlook["location"] == [""]
    finally:
        monkeypatch.undo()
        time.tzset()


def test_webcal_keeps_an_address_inside_the_query():
    assert (
        ical.webcal_link("https://ateliers.example.org/c.ics?retour=http://x")
        == "webcal://ateliers.example.org/c.ics?retour=http://x"
    )


def test_stamps_are_in_utc_whatever_the_machine_zone(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        text = unfolded(ical.build_calendar(META, [event()]))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert "DTSTAMP:20261102T103000Z" in text
    assert "LAST-MODIFIED:20261102T103000Z" in text
    assert "CREATED:20261101T090000Z" in text


def test_text_is_escaped_in_the_bytes_as_the_rfc_writes_it():
    """Parsers are lenient with a bare ';' or a lone CR: the bytes themselves are checked."""
    text = unfolded(
        ical.build_calendar(META, [event(title="SQL; R, C:\\Nouveau\ra", location="x;y")])
    )
    assert "SUMMARY:SQL\\; R\\, C:\\\\Nouveau\\na" in text
    assert "LOCATION:x\\;y" in text


def test_link_details_cut_at_a_space_only_and_never_end_with_one():
    newline = event(description="a " * 10 + "b\n" + "x" * 2000)
    assert ical.link_details(newline).startswith("a a a a a a a a a a…\n\n")
    spaced = event(description="abc  " * 400)
    details = ical.link_details(spaced)
    assert details.split("…")[0].endswith("abc")


def test_outlook_links_write_spaces_as_percent_20():
    link = ical.outlook_event_link(event(title="Atelier SQL avancé"))
    assert "subject=Atelier%20SQL%20avanc%C3%A9" in link
    assert "+" not in link
