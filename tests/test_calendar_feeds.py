"""Calendar feeds over HTTP: which events, filters, versions (ETag, Last-Modified, 304), one
event's download, and the /calendrier page. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import icalendar
import pytest

from tests.calendar_readers import read_alike
from workshops import clocks
from workshops.calendar import feeds
from workshops.dates import utcnow
from workshops.events import lifecycle
from workshops.extensions import db
from workshops.models import EventKind, EventStatus


def feed(client, query: str = "", **headers):  # type: ignore[no-untyped-def]
    response = client.get(f"/calendrier.ics{query}", headers=headers)
    return response


def uids(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return [seen.uid for seen in read_alike(response.data)]


# --- What the public feed holds -----------------------------------------------------------


def test_the_feed_holds_public_events_upcoming_and_recent_with_cancelled_ones(client, create_event):
    upcoming = create_event("À venir", days=3)
    cancelled = create_event("Annulée", days=5, status=EventStatus.CANCELLED, reason="Grève.")
    recent = create_event("Passée récente", days=-300)
    create_event("Trop ancienne", days=-400)
    create_event("Brouillon", days=4, status=EventStatus.DRAFT)
    response = feed(client)
    seen = read_alike(response.data)
    assert [s.uid for s in seen] == [recent.uid, upcoming.uid, cancelled.uid]
    assert [s.status for s in seen] == ["CONFIRMED", "CONFIRMED", "CANCELLED"]
    assert seen[2].description.startswith("Session annulée : Grève.\n\n")
    assert seen[1].summary == "À venir"
    assert seen[1].start == upcoming.starts_at
    assert seen[1].description.endswith(
        f"Page de la session : http://localhost/ateliers/{upcoming.slug}"
    )


def test_the_past_window_is_a_setting(app, client, create_event):
    app.config["CALENDAR_PAST_MONTHS"] = 1
    kept = create_event("Il y a 20 jours", days=-20)
    create_event("Il y a 40 jours", days=-40)
    assert uids(feed(client)) == [kept.uid]


def test_past_window_in_days():
    assert feeds.past_window(12) == timedelta(days=365)
    assert feeds.past_window(1) == timedelta(days=30)
    assert feeds.past_window(6) == timedelta(days=183)
    assert feeds.past_window(0) == timedelta(0)


def test_an_event_leaves_the_feed_exactly_at_the_end_of_the_window(app, create_event):
    event = create_event("Bord", days=-30)
    window = timedelta(days=10)
    edge = event.ends_at + window
    assert feeds.feed_events(feeds.CatalogueFilters(), window, now=edge - timedelta(seconds=1))
    assert not feeds.feed_events(feeds.CatalogueFilters(), window, now=edge)


def test_the_description_is_the_summary_then_the_markdown_as_text(client, create_event):
    create_event(
        "Atelier",
        summary="Résumé.",
        description="## Programme\n\n- un **point**\n- [le guide](https://guide.example.org)",
        online_url="https://visio.example.org/salle",
    )
    (seen,) = read_alike(feed(client).data)
    assert seen.description.split("\n\nPage de la session")[0] == (
        "Résumé.\n\nProgramme\n\n- un point\n- le guide (https://guide.example.org)"
        "\n\nLien de connexion : https://visio.example.org/salle"
    )
    assert seen.categories == ("Atelier collectif",)


def test_categories_are_the_kind_and_the_themes(client, create_event):
    create_event("Café", kind=EventKind.COMMUNITY, theme_names=["SQL", "Données ouvertes"])
    (seen,) = read_alike(feed(client).data)
    assert seen.categories == ("Session communauté", "Données ouvertes", "SQL")


def test_an_edited_event_keeps_its_uid_and_raises_its_sequence(client, create_event):
    event = create_event("Atelier SQL")
    (before,) = read_alike(feed(client).data)
    data = lifecycle.EventData.from_event(event)
    data.starts_at += timedelta(days=1)
    data.ends_at += timedelta(days=1)
    lifecycle.update_event(event, data)
    db.session.commit()
    (after,) = read_alike(feed(client).data)
    assert after.uid == before.uid == event.uid
    assert after.sequence == before.sequence + 1
    assert after.start == before.start + timedelta(days=1)


def test_two_fetches_of_an_unchanged_feed_are_byte_identical(client, create_event):
    create_event("Un")
    create_event("Deux", status=EventStatus.CANCELLED)
    first, second = feed(client), feed(client)
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]
    assert first.headers["Last-Modified"] == second.headers["Last-Modified"]


def test_an_empty_feed_is_a_valid_calendar(client):
    response = feed(client)
    assert response.status_code == 200
    assert read_alike(response.data) == []
    assert "Last-Modified" not in response.headers  # nothing ever changed
    assert response.headers["ETag"]


# --- Filters ------------------------------------------------------------------------------


@pytest.fixture
def varied(create_event):  # type: ignore[no-untyped-def]
    return {
        "sql": create_event("SQL sur place", theme_names=["SQL"], days=1),
        "online": create_event(
            "Python en ligne",
            theme_names=["Python"],
            location=None,
            online_url="https://visio.example.org/a",
            days=2,
        ),
        "hybrid": create_event(
            "Café hybride",
            kind=EventKind.COMMUNITY,
            theme_names=["SQL"],
            online_url="https://visio.example.org/b",
            days=3,
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["sql", "online", "hybrid"]),
        ("?type=atelier", ["sql", "online"]),
        ("?type=communaute", ["hybrid"]),
        ("?theme=sql", ["sql", "hybrid"]),
        ("?theme=python", ["online"]),
        ("?format=en-ligne", ["online", "hybrid"]),
        ("?format=sur-place", ["sql", "hybrid"]),
        ("?type=atelier&theme=sql&format=sur-place", ["sql"]),
        ("?type=communaute&theme=python", []),
        ("?type=&theme=&format=", ["sql", "online", "hybrid"]),
        # Parameters a feed does not know are ignored (a newsletter adds its own).
        ("?utm_source=lettre&q=ignored", ["sql", "online", "hybrid"]),
    ],
)
def test_filtered_feeds(client, varied, query, expected):
    assert uids(feed(client, query)) == [varied[key].uid for key in expected]


def test_a_filtered_feed_is_named_after_its_filters(client, varied):
    calendar = icalendar.Calendar.from_ical(
        feed(client, "?type=atelier&theme=sql&format=en-ligne").data
    )
    assert (
        str(calendar["X-WR-CALNAME"])
        == "Ateliers Data Science : Ateliers collectifs, SQL, en ligne"
    )
    assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"])
    calendar = icalendar.Calendar.from_ical(feed(client, "?type=communaute&format=sur-place").data)
    assert str(calendar["X-WR-CALNAME"]) == "Ateliers Data Science : Sessions communauté, sur place"
    calendar = icalendar.Calendar.from_ical(feed(client).data)
    assert str(calendar["X-WR-CALNAME"]) == "Ateliers Data Science"


def test_the_filename_says_which_feed(client, varied):
    assert feed(client).headers["Content-Disposition"] == 'attachment; filename="sessions.ics"'
    assert (
        feed(client, "?format=en-ligne&theme=sql&type=atelier").headers["Content-Disposition"]
        == 'attachment; filename="sessions-atelier-sql-en-ligne.ics"'
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "?type=conference",
            "La valeur « conference » du paramètre « type » n’est pas reconnue. "
            "Valeurs possibles : atelier, communaute.",
        ),
        (
            "?format=hybride",
            "La valeur « hybride » du paramètre « format » n’est pas reconnue. "
            "Valeurs possibles : en-ligne, sur-place.",
        ),
        (
            "?theme=cuisine",
            "La valeur « cuisine » du paramètre « theme » n’est pas reconnue. "
            "Valeurs possibles : python, sql.",
        ),
        ("?type=atelier&type=communaute", "Le paramètre « type » ne peut être donné qu’une fois."),
        ("?theme=sql&theme=sql", "Le paramètre « theme » ne peut être donné qu’une fois."),
        ("?format=en-ligne&format=", "Le paramètre « format » ne peut être donné qu’une fois."),
        (
            "?type=" + "x" * 300,
            f"La valeur « {'x' * 100} » du paramètre « type » n’est pas reconnue. "
            "Valeurs possibles : atelier, communaute.",
        ),
        (
            "?type=%3Cscript%3E",
            "La valeur « <script> » du paramètre « type » n’est pas reconnue. "
            "Valeurs possibles : atelier, communaute.",
        ),
    ],
)
def test_an_invalid_filter_is_a_400_in_french_plain_text(client, varied, query, message):
    response = feed(client, query)
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.text == message + "\n"


def test_no_theme_yet_is_said_plainly(client):
    response = feed(client, "?theme=sql")
    assert response.status_code == 400
    assert response.text == (
        "La valeur « sql » du paramètre « theme » n’est pas reconnue. "
        "Valeurs possibles : aucune pour le moment.\n"
    )


def test_a_theme_stays_valid_once_published_even_with_no_event_left(client, create_event):
    """A subscribed URL must not start failing when the theme's last session is over, or
    went back to draft: it gives an empty calendar."""
    old = create_event("Ancienne", theme_names=["Géographie"], days=-500)
    back = create_event("Dépubliée", theme_names=["Météo"])
    lifecycle.unpublish_event(back)
    db.session.commit()
    assert uids(feed(client, "?theme=geographie")) == []
    assert uids(feed(client, "?theme=meteo")) == []
    assert old.uid


def test_a_theme_only_on_drafts_is_unknown_to_feeds(client, create_event):
    create_event("Secret", theme_names=["Projet secret"], status=EventStatus.DRAFT)
    response = feed(client, "?theme=projet-secret")
    assert response.status_code == 400
    assert "projet-secret" not in response.text.split("Valeurs possibles")[1]


# --- HTTP: type, validators, 304 -----------------------------------------------------------


def test_feed_headers(client, create_event):
    event = create_event()
    response = feed(client)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="sessions.ics"'
    assert response.headers["Cache-Control"] == "no-cache"
    etag = response.headers["ETag"]
    assert etag.startswith('"') and len(etag) == 34 and '"W/' not in etag
    assert parsedate_to_datetime(response.headers["Last-Modified"]) == event.updated_at.replace(
        microsecond=0
    )


def test_if_none_match_gives_304_until_the_feed_changes(client, create_event):
    event = create_event()
    etag = feed(client).headers["ETag"]
    not_modified = feed(client, **{"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.data == b""
    assert not_modified.headers["ETag"] == etag
    assert feed(client, **{"If-None-Match": '"autre"'}).status_code == 200
    lifecycle.cancel_event(event, "Salle indisponible.")
    db.session.commit()
    assert feed(client, **{"If-None-Match": etag}).status_code == 200


def test_if_modified_since_gives_304_until_the_feed_changes(client, create_event):
    event = create_event()
    # The last change an hour ago: Last-Modified counts whole seconds.
    event.updated_at = utcnow() - timedelta(hours=1)
    db.session.execute(db.update(clocks.ChangeClock).values(changed_at=event.updated_at))
    db.session.commit()
    last_modified = feed(client).headers["Last-Modified"]
    assert feed(client, **{"If-Modified-Since": last_modified}).status_code == 304
    earlier = format_datetime(
        parsedate_to_datetime(last_modified) - timedelta(seconds=1), usegmt=True
    )
    assert feed(client, **{"If-Modified-Since": earlier}).status_code == 200
    lifecycle.unpublish_event(event)
    db.session.commit()
    assert feed(client, **{"If-Modified-Since": last_modified}).status_code == 200


def test_if_none_match_wins_over_if_modified_since(client, create_event):
    create_event()
    response = feed(client)
    headers = {"If-None-Match": '"autre"', "If-Modified-Since": response.headers["Last-Modified"]}
    assert feed(client, **headers).status_code == 200


def test_head_gives_the_headers_without_the_body(client, create_event):
    create_event()
    get, head = client.get("/calendrier.ics"), client.head("/calendrier.ics")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["ETag"] == get.headers["ETag"]


def test_unpublishing_changes_the_version_and_last_modified_never_goes_back(client, create_event):
    """The unpublished event was the most recently changed one: reading Last-Modified from
    the events left would move it back in time, and a client would keep its stale copy."""
    older = create_event("Ancienne modification")
    older.updated_at = utcnow() - timedelta(days=3)
    newer = create_event("Récente")
    db.session.commit()
    before = feed(client)
    lifecycle.unpublish_event(newer)
    db.session.commit()
    after = feed(client)
    assert uids(after) == [older.uid]
    assert after.headers["ETag"] != before.headers["ETag"]
    assert parsedate_to_datetime(after.headers["Last-Modified"]) >= parsedate_to_datetime(
        before.headers["Last-Modified"]
    )
    assert parsedate_to_datetime(after.headers["Last-Modified"]) == newer.updated_at.replace(
        microsecond=0
    )


def test_deleting_an_event_ticks_the_clock(client, create_event):
    kept = create_event("Publiée")
    kept.updated_at = utcnow() - timedelta(days=3)
    db.session.commit()
    draft = create_event("Brouillon", status=EventStatus.DRAFT)
    before = clocks.last_change(lifecycle.EVENTS_CLOCK)
    lifecycle.delete_event(draft)
    db.session.commit()
    after = clocks.last_change(lifecycle.EVENTS_CLOCK)
    assert after > before
    assert parsedate_to_datetime(feed(client).headers["Last-Modified"]) == after.replace(
        microsecond=0
    )


def test_an_event_too_old_for_the_feed_moves_last_modified_when_it_leaves(app, create_event):
    window = timedelta(days=10)
    event = create_event("Bord", days=-30)
    event.updated_at = utcnow() - timedelta(days=60)
    db.session.execute(db.delete(clocks.ChangeClock))
    db.session.commit()
    left_at = event.ends_at + window
    inside = feeds.feed_events(feeds.CatalogueFilters(), window, now=left_at - timedelta(seconds=1))
    assert feeds.feed_last_modified(inside, window, now=left_at - timedelta(seconds=1)) == (
        event.updated_at
    )
    assert feeds.feed_last_modified([], window, now=left_at) == left_at
    assert feeds.feed_last_modified([], window, now=left_at + timedelta(days=5)) == left_at


def test_last_modified_is_the_latest_of_clock_events_and_departures(app, create_event):
    event = create_event()
    window = timedelta(days=365)
    clock = clocks.last_change(lifecycle.EVENTS_CLOCK)
    assert feeds.feed_last_modified([event], window) == max(clock, event.updated_at)
    event.updated_at = clock + timedelta(hours=1)  # as if a change skipped the clock
    assert feeds.feed_last_modified([event], window) == clock + timedelta(hours=1)


def test_the_clock_never_goes_back(app):
    now = utcnow().replace(microsecond=500)
    second = now.replace(microsecond=0) + timedelta(seconds=1)
    assert clocks.tick("essai", now) == now
    assert clocks.tick("essai", now - timedelta(minutes=5)) == second  # a host behind in time
    assert clocks.last_change("essai") == second
    assert clocks.tick("essai", now + timedelta(seconds=3)) == now + timedelta(seconds=3)
    assert clocks.last_change("autre") is None


def test_advance_moves_to_a_later_second_only_when_needed():
    now = datetime(2026, 12, 6, 10, 0, 0, 999_000, tzinfo=UTC)
    assert clocks.advance(None, now) == now
    assert clocks.advance(now - timedelta(seconds=1), now) == now
    assert clocks.advance(now, now) == datetime(2026, 12, 6, 10, 0, 1, tzinfo=UTC)
    assert clocks.advance(now + timedelta(hours=1), now) == datetime(
        2026, 12, 6, 11, 0, 1, tzinfo=UTC
    )


def test_every_event_change_ticks_the_clock(app, create_event, create_user):
    event = create_event(status=EventStatus.DRAFT)
    steps = [
        lambda: lifecycle.publish_event(event),
        lambda: lifecycle.unpublish_event(event),
        lambda: lifecycle.publish_event(event),
        lambda: lifecycle.cancel_event(event, "Motif."),
    ]
    assert clocks.last_change(lifecycle.EVENTS_CLOCK) is None  # a new draft is in no feed
    for step in steps:
        before = event.updated_at
        step()
        db.session.commit()
        assert event.updated_at > before
        assert clocks.last_change(lifecycle.EVENTS_CLOCK) == event.updated_at


def test_the_number_of_queries_does_not_grow_with_the_events(client, create_event, count_queries):
    create_event("Un", theme_names=["SQL"])
    create_event("Deux", status=EventStatus.CANCELLED, days=-20)
    feed(client, "?theme=sql")
    with count_queries() as few:
        assert len(uids(feed(client, "?theme=sql"))) == 1
        assert len(uids(feed(client))) == 2
    for n in range(8):
        create_event(f"Session {n}", theme_names=["SQL", f"Thème {n}"], days=n + 1)
    with count_queries() as many:
        assert len(uids(feed(client, "?theme=sql"))) == 9
        assert len(uids(feed(client))) == 10
    assert len(many) == len(few)


# --- One event ------------------------------------------------------------------------------


def test_one_event_to_download(client, create_event):
    event = create_event("Atelier SQL")
    create_event("Une autre")
    response = client.get(f"/ateliers/{event.slug}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    assert parsedate_to_datetime(response.headers["Last-Modified"]) == event.updated_at.replace(
        microsecond=0
    )
    (seen,) = read_alike(response.data)
    assert (seen.uid, seen.summary, seen.start, seen.end) == (
        event.uid,
        "Atelier SQL",
        event.starts_at,
        event.ends_at,
    )
    etag = response.headers["ETag"]
    assert (
        client.get(f"/ateliers/{event.slug}.ics", headers={"If-None-Match": etag}).status_code
        == 304
    )


def test_a_cancelled_or_past_event_can_be_downloaded(client, create_event):
    cancelled = create_event("Annulée", status=EventStatus.CANCELLED)
    past = create_event("Passée", days=-900)
    (seen,) = read_alike(client.get(f"/ateliers/{cancelled.slug}.ics").data)
    assert seen.status == "CANCELLED"
    assert uids(client.get(f"/ateliers/{past.slug}.ics")) == [past.uid]


def test_a_draft_is_never_in_a_calendar_even_for_organizers(client, create_event, auth):
    draft = create_event("Brouillon", status=EventStatus.DRAFT)
    assert client.get(f"/ateliers/{draft.slug}.ics").status_code == 404
    auth.login("owner@example.org")
    assert client.get(f"/ateliers/{draft.slug}").status_code == 200
    assert client.get(f"/ateliers/{draft.slug}.ics").status_code == 404
    assert client.get("/ateliers/inconnue.ics").status_code == 404


# --- Pages ----------------------------------------------------------------------------------


def test_the_event_page_offers_to_add_it_to_a_calendar(client, create_event):
    event = create_event("Atelier SQL")
    page = client.get(f"/ateliers/{event.slug}").text
    assert '<h2 class="fr-h5">Ajouter à mon agenda</h2>' in page
    assert f'download href="/ateliers/{event.slug}.ics"' in page
    assert (
        'href="https://calendar.google.com/calendar/render?action=TEMPLATE&amp;text=Atelier%20SQL'
        in page
    )
    assert 'href="https://outlook.office.com/calendar/deeplink/compose?' in page
    assert 'href="/calendrier"' in page


def test_a_cancelled_event_page_offers_the_file_that_cancels_it(client, create_event):
    event = create_event("Atelier SQL", status=EventStatus.CANCELLED)
    page = client.get(f"/ateliers/{event.slug}").text
    assert "Mettre à jour mon agenda" in page
    assert f'download href="/ateliers/{event.slug}.ics"' in page
    assert "Ajouter à mon agenda" not in page
    assert "calendar.google.com" not in page


def test_past_and_draft_event_pages_offer_no_calendar(client, create_event, auth):
    past = create_event("Passée", days=-30)
    assert "Ajouter à mon agenda" not in client.get(f"/ateliers/{past.slug}").text
    draft = create_event("Brouillon", status=EventStatus.DRAFT)
    auth.login("owner@example.org")
    assert "Ajouter à mon agenda" not in client.get(f"/ateliers/{draft.slug}").text


def test_the_calendar_page_gives_the_feed_and_every_way_to_subscribe(client, create_event):
    create_event(theme_names=["SQL"])
    response = client.get("/calendrier")
    assert response.status_code == 200
    page = response.text
    assert "<h1>S’abonner au calendrier des sessions</h1>" in page
    assert 'value="http://localhost/calendrier.ics" readonly' in page
    assert 'href="webcal://localhost/calendrier.ics"' in page
    assert (
        'href="https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Flocalhost%2Fcalendrier.ics"'
        in page
    )
    assert (
        'href="https://outlook.office.com/calendar/addfromweb?url=http%3A%2F%2Flocalhost%2F'
        'calendrier.ics&amp;name=Ateliers%20Data%20Science"' in page
    )
    assert "data-copy=" in page
    assert "Votre calendrier" not in page  # no filter chosen yet


def test_the_feed_builder_gives_a_filtered_feed(client, create_event):
    create_event(theme_names=["SQL"])
    page = client.get("/calendrier?type=atelier&theme=sql&format=sur-place").text
    url = "http://localhost/calendrier.ics?type=atelier&amp;theme=sql&amp;format=sur-place"
    assert '<h2 class="fr-h4">Votre calendrier</h2>' in page
    assert f'value="{url}" readonly' in page
    assert "Nom du calendrier : Ateliers Data Science : Ateliers collectifs, SQL, sur place" in page
    assert '<option selected value="sql">SQL</option>' in page


def test_the_feed_builder_refuses_an_unknown_value(client, create_event):
    create_event(theme_names=["SQL"])
    response = client.get("/calendrier?theme=cuisine")
    assert response.status_code == 400
    assert "Un choix n’est pas valide et n’a pas été appliqué. Corrigez-le dans le formulaire." in (
        response.text
    )
    assert "Votre calendrier" not in response.text


def test_the_calendar_is_linked_from_the_header_the_landing_page_and_the_catalogue(
    client, create_event
):
    create_event(theme_names=["SQL"])
    assert '<a class="fr-nav__link" href="/calendrier" aria-current="page">Calendrier</a>' in (
        client.get("/calendrier").text
    )
    assert 'href="/calendrier">Recevoir les sessions dans mon agenda</a>' in client.get("/").text
    catalogue = client.get("/ateliers").text
    assert 'href="/calendrier#toutes-les-sessions">Recevoir les sessions dans mon agenda</a>' in (
        catalogue
    )
    filtered = client.get("/ateliers?type=atelier&theme=sql&q=requ%C3%AAtes").text
    assert (
        'href="/calendrier?type=atelier&amp;theme=sql#calendrier-choisi">'
        "Recevoir les sessions de ces filtres dans mon agenda</a>" in filtered
    )


# --- Found by trying and attacking the feeds ------------------------------------------------


def test_a_theme_added_to_a_draft_after_unpublishing_stays_private(client, create_event):
    """The theme was never on a public session: neither the page, the 400's list nor the
    feed's name may show it."""
    event = create_event("Dépubliée", theme_names=["SQL"])
    lifecycle.unpublish_event(event)
    data = lifecycle.EventData.from_event(event)
    data.theme_names = ["SQL", "Projet Merle bleu"]
    lifecycle.update_event(event, data)
    db.session.commit()
    response = feed(client, "?theme=projet-merle-bleu")
    assert response.status_code == 400
    assert response.text.endswith("Valeurs possibles : sql.\n")
    assert "Merle" not in client.get("/calendrier").text


def test_a_theme_left_by_every_session_keeps_its_feed(client, create_event):
    event = create_event("Atelier", theme_names=["Éphémère"])
    assert uids(feed(client, "?theme=ephemere")) == [event.uid]
    data = lifecycle.EventData.from_event(event)
    data.theme_names = ["Autre"]
    lifecycle.update_event(event, data)
    db.session.commit()
    assert uids(feed(client, "?theme=ephemere")) == []
    assert client.get("/calendrier?theme=ephemere").status_code == 200


def test_the_feed_name_reads_as_one_sentence(client, varied):
    calendar = icalendar.Calendar.from_ical(feed(client, "?theme=sql&format=sur-place").data)
    assert str(calendar["X-WR-CALNAME"]) == "Ateliers Data Science : SQL, sur place"
    calendar = icalendar.Calendar.from_ical(feed(client, "?format=en-ligne").data)
    assert str(calendar["X-WR-CALNAME"]) == "Ateliers Data Science : en ligne"


def test_the_builder_page_refuses_a_repeated_choice_as_the_feed_does(client, varied):
    response = client.get("/calendrier?type=atelier&type=communaute")
    assert response.status_code == 400
    assert "Le paramètre « type » ne peut être donné qu’une fois." in response.text
    assert "calendrier.ics?type=atelier" not in response.text


def test_one_event_file_names_no_calendar(client, create_event):
    """Outlook makes a new calendar of a file that names one: a single event's file must
    add to the person's own agenda."""
    event = create_event("Atelier SQL")
    calendar = icalendar.Calendar.from_ical(client.get(f"/ateliers/{event.slug}.ics").data)
    for name in ("NAME", "X-WR-CALNAME", "X-WR-CALDESC", "REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
        assert name not in calendar
    assert str(calendar["METHOD"]) == "PUBLISH"


def test_every_change_moves_last_modified_by_a_whole_second(app, create_event):
    """HTTP dates have whole seconds: two changes in one second must not share one."""
    now = utcnow().replace(microsecond=100)
    first = clocks.tick("essai", now)
    second = clocks.tick("essai", now + timedelta(microseconds=10))
    assert second.replace(microsecond=0) > first.replace(microsecond=0)


def test_an_event_edited_from_a_host_behind_in_time_never_goes_back(app, create_event, monkeypatch):
    event = create_event("Atelier SQL")
    before = event.updated_at
    monkeypatch.setattr(lifecycle, "utcnow", lambda: before - timedelta(hours=1))
    data = lifecycle.EventData.from_event(event)
    data.title = "Atelier SQL avancé"
    lifecycle.update_event(event, data)
    assert event.updated_at.replace(microsecond=0) > before.replace(microsecond=0)


def test_the_catalogue_says_its_calendar_ignores_the_search(client, varied):
    page = client.get("/ateliers?type=atelier&q=requetes").text
    assert "pas la recherche par mots" in page
    assert "pas la recherche par mots" not in client.get("/ateliers?type=atelier").text


def test_the_feed_gives_the_place_and_orders_same_time_sessions_by_creation(client, create_event):
    start = utcnow().replace(microsecond=0) + timedelta(days=3)
    first = create_event("Première", starts_at=start)
    second = create_event("Seconde", starts_at=start, location="Autre salle")
    seen = read_alike(feed(client).data)
    assert [s.uid for s in seen] == [first.uid, second.uid]
    assert [s.location for s in seen] == ["Ségur, Paris", "Autre salle"]


def test_feeds_answer_with_csrf_protection_on(make_app, create_event):
    """A feed URL is a GET with no token: its filter form must not ask for one."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        create_event("Atelier", theme_names=["SQL"])
        client = app.test_client()
        assert client.get("/calendrier.ics?theme=sql").status_code == 200
        assert client.get("/calendrier?theme=sql").status_code == 200


def test_an_old_draft_does_not_move_last_modified(app, create_event):
    window = timedelta(days=30)
    create_event("Brouillon ancien", status=EventStatus.DRAFT, days=-40)
    assert feeds.feed_last_modified([], window) is None
