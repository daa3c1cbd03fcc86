"""The rules about Event that every feature reads: allowed actions by state, visibility,
and the lifecycle rules the back office relies on."""

from __future__ import annotations

import ast
from dataclasses import fields as dataclass_fields
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask_login import AnonymousUserMixin

from workshops.dates import PARIS
from workshops.demo import DEMO_EVENTS, demo_start
from workshops.events import lifecycle
from workshops.events.visibility import EventAction, allowed_actions, event_for_viewer, may_view
from workshops.extensions import db
from workshops.models import Event, EventStatus

from .factories import paris

A = EventAction


def test_allowed_actions_follow_the_event_state(create_event):
    draft = create_event("Brouillon neuf", status=EventStatus.DRAFT)
    assert allowed_actions(draft) == {A.EDIT, A.PREVIEW, A.PUBLISH, A.DUPLICATE, A.DELETE}
    published = create_event("Publiée")
    assert allowed_actions(published) == {A.EDIT, A.PREVIEW, A.UNPUBLISH, A.CANCEL, A.DUPLICATE}
    cancelled = create_event("Annulée", status=EventStatus.CANCELLED)
    assert allowed_actions(cancelled) == {A.PREVIEW, A.DUPLICATE}
    # Once published, then back to draft: it must be cancelled, never deleted.
    lifecycle.unpublish_event(published)
    assert allowed_actions(published) == {A.EDIT, A.PREVIEW, A.PUBLISH, A.DUPLICATE}
    with pytest.raises(lifecycle.EventError, match="jamais publiés"):
        lifecycle.delete_event(published)


def test_the_event_form_offers_only_the_allowed_actions(client, organizer, create_event):
    draft = create_event("Brouillon neuf", status=EventStatus.DRAFT)
    html = client.get(f"/organisation/sessions/{draft.id}/modifier").text
    assert "Enregistrer et publier" in html
    assert f"/organisation/sessions/{draft.id}/supprimer" in html
    assert "Repasser en brouillon" not in html
    published = create_event("Publiée")
    html = client.get(f"/organisation/sessions/{published.id}/modifier").text
    assert "Enregistrer et publier" not in html
    assert "Repasser en brouillon" in html
    assert f"/organisation/sessions/{published.id}/supprimer" not in html
    cancelled = create_event("Annulée", status=EventStatus.CANCELLED)
    html = client.get(f"/organisation/sessions/{cancelled.id}/modifier").text
    assert "Enregistrer les modifications" not in html
    assert "Dupliquer" in html


def test_drafts_are_visible_to_active_organizers_only(app, create_event, create_user):
    draft = create_event("Brouillon", status=EventStatus.DRAFT)
    published = create_event("Publiée")
    cancelled = create_event("Annulée", status=EventStatus.CANCELLED)
    organizer = create_user()
    gone = create_user(active=False)
    for viewer in (None, AnonymousUserMixin(), gone):
        assert not may_view(draft, viewer)
        assert may_view(published, viewer)
        assert may_view(cancelled, viewer)
        assert event_for_viewer(draft.slug, viewer) is None
    assert may_view(draft, organizer)
    assert event_for_viewer(draft.slug, organizer) == draft
    assert event_for_viewer("nulle-part", organizer) is None


def test_an_unchanged_copy_cannot_be_published(client, organizer, create_event):
    original = create_event("Café data")
    client.post(f"/organisation/sessions/{original.id}/dupliquer")
    copy = db.session.execute(
        db.select(Event).where(Event.status == EventStatus.DRAFT)
    ).scalar_one()
    response = client.post(f"/organisation/sessions/{copy.id}/publier", follow_redirects=True)
    assert "Une session publiée porte déjà ce titre à la même date" in response.text
    db.session.refresh(copy)
    assert copy.status == EventStatus.DRAFT
    # A cancelled twin does not block: the session is being rescheduled at the same time.
    lifecycle.cancel_event(original, "Salle indisponible.")
    db.session.commit()
    client.post(f"/organisation/sessions/{copy.id}/publier")
    db.session.refresh(copy)
    assert copy.status == EventStatus.PUBLISHED


def form_of(event: Event, **overrides: str) -> dict[str, str]:
    data = {
        "kind": event.kind,
        "title": event.title,
        "summary": event.summary,
        "description": event.description,
        "starts_at": "2031-12-04T14:00",
        "ends_at": "2031-12-04T16:00",
        "location": event.location or "",
        "online_url": event.online_url or "",
        "capacity": str(event.capacity or ""),
        "themes": "",
    }
    data.update(overrides)
    return data


def test_save_and_publish_keeps_the_edits_typed_in_the_form(client, organizer, create_event):
    draft = create_event("Atelier à publier", status=EventStatus.DRAFT)
    response = client.post(
        f"/organisation/sessions/{draft.id}/modifier",
        data=form_of(draft, capacity="7", publier="1"),
        follow_redirects=True,
    )
    assert "La session est enregistrée et publiée." in response.text
    db.session.refresh(draft)
    assert (draft.status, draft.capacity) == (EventStatus.PUBLISHED, 7)


def test_save_and_publish_saves_even_when_publishing_is_refused(client, organizer, create_event):
    original = create_event("Café data")
    copy = lifecycle.duplicate_event(original, original.created_by)
    db.session.commit()
    starts = original.starts_at.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")
    ends = original.ends_at.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/organisation/sessions/{copy.id}/modifier",
        data=form_of(copy, starts_at=starts, ends_at=ends, capacity="3", publier="1"),
        follow_redirects=True,
    )
    assert "Modifications enregistrées, mais la session n’est pas publiée" in response.text
    db.session.refresh(copy)
    assert (copy.status, copy.capacity) == (EventStatus.DRAFT, 3)


@pytest.mark.parametrize("today", [date(2026, 11, 23) + timedelta(days=n) for n in range(7)])
def test_demo_sessions_fall_on_weekdays_at_usual_hours_whatever_the_day(today):
    for spec in DEMO_EVENTS:
        start = demo_start(spec["days"], spec["hour"], today=today)
        assert start.weekday() < 5, (today, spec["title"])
        assert 9 <= start.hour <= 18
        assert (start.date() > today) == (spec["days"] > 0)


def test_events_package_never_imports_a_feature():
    """Dependencies point one way: features read events, events read models only."""
    features = {"catalogue", "offer", "organizer", "registrations", "calendar", "materials"}
    for path in (Path(__file__).parents[1] / "workshops" / "events").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert node.module.split(".")[0] not in features, (path.name, node.module)


#: What a subscribed calendar shows, as data: changing one of these bumps SEQUENCE so that
#: calendar clients replace their copy (kind and themes are its CATEGORIES); the others
#: (capacity, closing date, organizers) do not.
CALENDAR_VISIBLE = {
    "kind",
    "theme_names",
    "title",
    "summary",
    "description",
    "starts_at",
    "ends_at",
    "location",
    "online_url",
}


def changed_value(data: lifecycle.EventData, name: str, other_user_id: int) -> object:
    value = getattr(data, name)
    if name in ("starts_at", "registration_closes_at"):
        return (value or data.starts_at) - timedelta(hours=1)
    if name == "ends_at":
        return value + timedelta(hours=1)
    if name == "capacity":
        return 40
    if name == "kind":
        return "community"
    if name == "online_url":
        return "https://visio.example.org/salle"
    if name == "theme_names":
        return ["Nouveau thème"]
    if name == "organizer_ids":
        return [other_user_id]
    return f"{value} (modifié)"


@pytest.mark.parametrize("name", [f.name for f in dataclass_fields(lifecycle.EventData)])
def test_exactly_the_calendar_visible_fields_bump_sequence(create_event, create_user, name):
    event = create_event("Atelier SQL", description="Programme.")
    other = create_user()
    data = lifecycle.EventData.from_event(event)
    before = event.sequence
    setattr(data, name, changed_value(data, name, other.id))
    assert lifecycle.update_event(event, data) is True
    db.session.commit()
    assert getattr(lifecycle.EventData.from_event(event), name) == getattr(data, name)
    assert event.sequence == before + (1 if name in CALENDAR_VISIBLE else 0)
    assert set(lifecycle.CALENDAR_FIELDS) == CALENDAR_VISIBLE


def test_every_state_change_seen_by_calendars_bumps_sequence(create_event):
    event = create_event("Atelier SQL", status=EventStatus.DRAFT)
    steps = [
        lifecycle.publish_event,
        lifecycle.unpublish_event,
        lifecycle.publish_event,
        lambda e: lifecycle.cancel_event(e, "Salle indisponible."),
    ]
    for number, step in enumerate(steps, start=1):
        step(event)
        db.session.commit()
        assert event.sequence == number


def test_a_duplicate_keeps_every_field_but_its_identity(create_event, create_user):
    author, colleague = create_user(), create_user()
    original = create_event(
        "Café data",
        kind="community",
        summary="Un café.",
        description="Programme **complet**.",
        location="Ségur",
        online_url="https://visio.example.org/cafe",
        capacity=30,
        theme_names=["Communauté", "SQL"],
        organizer_ids=[colleague.id],
    )
    original.registration_closes_at = original.starts_at - timedelta(days=1)
    db.session.commit()
    copy = lifecycle.duplicate_event(original, author)
    db.session.commit()
    assert lifecycle.EventData.from_event(copy) == lifecycle.EventData.from_event(original)
    assert copy.search_text == original.search_text
    assert (copy.status, copy.created_by, copy.sequence) == (EventStatus.DRAFT, author, 0)
    assert copy.first_published_at is None
    assert (copy.slug, copy.uid) != (original.slug, original.uid)


def test_renaming_a_draft_to_a_taken_title_gets_the_next_free_address(create_event):
    create_event("Atelier SQL")
    create_event("Atelier SQL avancé")
    draft = create_event("Brouillon", status=EventStatus.DRAFT)
    data = lifecycle.EventData.from_event(draft)
    data.title = "Atelier SQL"
    lifecycle.update_event(draft, data)
    db.session.commit()
    assert draft.slug == "atelier-sql-2"
    # A new title with the same slug keeps the draft's own address: it is not "taken".
    data.title = "Atelier : SQL"
    lifecycle.update_event(draft, data)
    assert draft.slug == "atelier-sql-2"


def test_a_cancellation_needs_a_reason_whoever_calls(create_event):
    event = create_event("Atelier SQL")
    with pytest.raises(lifecycle.EventError) as refused:
        lifecycle.cancel_event(event, " \n ")
    assert str(refused.value) == (
        "Indiquez le motif de l’annulation : il sera affiché publiquement."
    )
    db.session.rollback()
    assert event.status == EventStatus.PUBLISHED


def test_a_twin_is_a_published_session_with_the_same_title_in_the_same_minute(create_event):
    original = create_event("Café data", starts_at=paris(2031, 3, 4, 14))
    db.session.commit()

    def copy_at(start):  # type: ignore[no-untyped-def]
        data = lifecycle.EventData.from_event(original)
        data.starts_at, data.ends_at = start, start + timedelta(hours=1)
        return lifecycle.create_event(data, original.created_by)

    for start in (
        original.starts_at + timedelta(seconds=30),  # the same minute, typed otherwise
        original.starts_at + timedelta(microseconds=1),
    ):
        with pytest.raises(lifecycle.EventError) as refused:
            lifecycle.publish_event(copy_at(start))
        assert str(refused.value) == (
            "Une session publiée porte déjà ce titre à la même date : "
            "modifiez la date ou le titre de cette copie avant de la publier."
        )
        db.session.rollback()
    for start in (
        original.starts_at + timedelta(minutes=1),  # the next minute
        original.starts_at - timedelta(minutes=1),  # the minute before
        original.starts_at - timedelta(days=7),  # last week's session, same title
        original.starts_at + timedelta(days=7),
    ):
        copy = copy_at(start)
        lifecycle.publish_event(copy)
        assert copy.status == EventStatus.PUBLISHED
        db.session.rollback()


def test_publishing_stamps_one_instant(create_event):
    event = create_event("Atelier SQL", status=EventStatus.DRAFT)
    lifecycle.publish_event(event)
    assert event.first_published_at == event.updated_at
    assert (event.status, event.sequence) == (EventStatus.PUBLISHED, 1)


def test_long_titles_give_addresses_of_ninety_characters(create_event):
    event = create_event("Atelier " + "très long " * 15)  # 158 characters, under 200
    assert len(event.slug) == 90
    assert event.slug.startswith("atelier-tres-long-tres-long")
    assert create_event("!!!").slug == "session"


def test_the_search_key_is_lowercase_words_without_accents():
    from workshops.text import search_key

    assert search_key("Données", "", "  Cœur  du\tsujet ", "ÆTHER") == (
        "donnees coeur du sujet aether"
    )


def test_theme_names_are_cleaned_and_capped(create_event):
    event = create_event("Atelier SQL", theme_names=["  Séries   temporelles ", "x" * 100, "  "])
    assert sorted(theme.name for theme in event.themes) == ["Séries temporelles", "x" * 80]


def test_the_summary_is_searched_too(client, create_event):
    create_event("Régression", summary="Découvrir la méthode logistique.", description="")
    assert "Régression" in client.get("/ateliers?q=logistique").text
    assert "Régression" not in client.get("/ateliers?q=absent").text
