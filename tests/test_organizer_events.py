import re
from datetime import UTC, datetime, timedelta
from html import unescape
from urllib.parse import quote

import pytest
from wtforms.validators import ValidationError

from workshops.catalogue import queries as catalogue_queries
from workshops.dates import utcnow
from workshops.events import lifecycle as events
from workshops.extensions import db
from workshops.models import Event
from workshops.organizer import forms
from workshops.organizer.queries import BACKOFFICE_VIEWS, backoffice_events


def form_data(**overrides):
    data = {
        "kind": "workshop",
        "title": "Atelier SQL",
        "summary": "Écrire ses premières requêtes.",
        "description": "## Programme",
        "starts_at": "2031-12-04T14:00",
        "ends_at": "2031-12-04T16:00",
        "location": "Ségur, Paris",
        "online_url": "",
        "capacity": "12",
        "registration_closes_at": "",
        "themes": "SQL, Exploration de données, sql",
    }
    data.update(overrides)
    return data


def only_event() -> Event:
    return db.session.execute(db.select(Event)).scalar_one()


def test_organizer_creates_a_draft_with_paris_times(client, organizer):
    response = client.post("/organisation/sessions/nouvelle", data=form_data())
    assert response.status_code == 302
    event = only_event()
    assert event.status == "draft"
    assert event.slug == "atelier-sql"
    # 14:00 in Paris in December is 13:00 UTC.
    assert event.starts_at == datetime(2031, 12, 4, 13, tzinfo=UTC)
    assert [t.name for t in event.themes] == ["Exploration de données", "SQL"]
    assert [u.email for u in event.organizers] == ["orga@example.org"]
    assert client.get("/ateliers/atelier-sql").status_code == 200  # organizers see drafts
    client.post("/organisation/deconnexion")
    assert client.get("/ateliers/atelier-sql").status_code == 404


def test_the_edit_form_shows_paris_times_back(client, organizer):
    client.post("/organisation/sessions/nouvelle", data=form_data())
    html = client.get(f"/organisation/sessions/{only_event().id}/modifier").text
    assert 'value="2031-12-04T14:00"' in html


INVALID_DATE = "Saisissez une date et une heure valides, par exemple 03/12/2026 14:00."
YEAR_RANGE = "Saisissez une année comprise entre 2000 et 2100."


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "2031-12-04T13:00"}, "ends_at", "La fin doit être postérieure au début."),
        ({"ends_at": "2031-12-04T14:00"}, "ends_at", "La fin doit être postérieure au début."),
        ({"starts_at": "demain"}, "starts_at", INVALID_DATE),
        ({"starts_at": "2031-02-30T14:00"}, "starts_at", INVALID_DATE),
        # Year 1 overflowed the time zone conversion (a 500); far years are typos.
        ({"starts_at": "0001-01-01T14:00"}, "starts_at", YEAR_RANGE),
        ({"ends_at": "9999-12-31T23:59"}, "ends_at", YEAR_RANGE),
        ({"starts_at": "1999-12-31T14:00"}, "starts_at", YEAR_RANGE),
        ({"registration_closes_at": "2101-01-01T00:00"}, "registration_closes_at", YEAR_RANGE),
        (
            {"starts_at": "2032-03-28T02:30", "ends_at": "2032-03-28T04:00"},
            "starts_at",
            "Cette heure n’existe pas en France : ce jour-là, les horloges passent de 2 h à 3 h. "
            "Choisissez une autre heure.",
        ),
        ({"starts_at": ""}, "starts_at", "Indiquez la date et l’heure de début."),
        ({"capacity": "0"}, "capacity", "Indiquez un nombre de places d’au moins 1."),
        ({"capacity": "-4"}, "capacity", "Indiquez un nombre de places d’au moins 1."),
        ({"capacity": "douze"}, "capacity", "N'est pas un entier valide."),
        (
            {"location": "", "online_url": ""},
            "location",
            "Indiquez un lieu, un lien de visioconférence, ou les deux.",
        ),
        (
            {"online_url": "javascript:alert(1)"},
            "online_url",
            "Le lien doit commencer par https://",
        ),
        *(
            ({"online_url": url}, "online_url", "Le lien doit indiquer l’adresse d’un site")
            for url in (
                "https://",
                "http://",
                "https:///chemin",
                "https://:443/x",
                "https://exa_mple..org/",
                "https://-visio.example.org/",
            )
        ),
        *(
            ({"online_url": url}, "online_url", "Le lien ne doit pas contenir")
            for url in (
                "https://visio.example.org@evil.example.org/",
                "https://user:pass@visio.example.org/",
                "https://visio.example.org/a b",
                "https://visio.example.org/a\tb",
                # DEL and other control characters are refused before the form: see
                # test_hostile_input.py.
            )
        ),
        (
            {"online_url": "https://visio.example.org:99999/"},
            "online_url",
            "Le numéro de port du lien n’est pas valide.",
        ),
        ({"title": "   "}, "title", "Indiquez le titre de la session."),
        ({"title": "x" * 201}, "title", "Le titre ne doit pas dépasser 200 caractères."),
        ({"kind": "conference"}, "kind", "Choisissez une des options proposées."),
        (
            {"registration_closes_at": "2031-12-05T10:00"},
            "registration_closes_at",
            "La clôture des inscriptions doit précéder la fin de la session.",
        ),
    ],
)
def test_bad_event_input_gets_a_french_message_and_nothing_is_saved(
    client, organizer, overrides, field, message
):
    response = client.post("/organisation/sessions/nouvelle", data=form_data(**overrides))
    assert response.status_code == 422
    # Next to the field, from its first word (and to its end when the message is whole).
    whole = r"</p>" if message.endswith(".") else ""
    shown = rf'<p class="fr-message fr-message--error">{re.escape(message)}{whole}'
    assert re.search(shown, unescape(response.text)), message
    # The error summary links to the field (to its first option for a radio group).
    anchor = f"{field}-0" if field == "kind" else field
    assert f'href="#{anchor}"' in response.text
    assert "<title>Erreur - " in response.text
    assert db.session.execute(db.select(Event)).first() is None


def test_unlimited_capacity_and_online_only(client, organizer):
    client.post(
        "/organisation/sessions/nouvelle",
        data=form_data(capacity="", location="", online_url="https://visio.example.org/x"),
    )
    event = only_event()
    assert event.capacity is None
    assert event.location is None
    assert event.format_label == "En ligne"


@pytest.mark.parametrize(
    "url",
    [
        "https://visio.example.org/salle?code=1#x",
        "http://visio.example.org:8443/x",
        "https://webconf.numerique.gouv.fr/abc-def",
        "https://[2001:db8::1]/salle",
    ],
)
def test_real_online_links_are_accepted(client, organizer, url):
    response = client.post("/organisation/sessions/nouvelle", data=form_data(online_url=url))
    assert response.status_code == 302
    assert only_event().online_url == url


def test_publish_makes_the_event_public_and_bumps_sequence(client, organizer, create_event):
    event = create_event(status="draft")
    before = (event.sequence, event.updated_at)
    response = client.post(f"/organisation/sessions/{event.id}/publier")
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.status == "published"
    assert event.first_published_at is not None
    assert event.sequence == before[0] + 1
    assert event.updated_at > before[1]
    client.post("/organisation/deconnexion")
    assert client.get(f"/ateliers/{event.slug}").status_code == 200
    assert event.title in client.get("/ateliers").text


def test_calendar_visible_edits_bump_sequence_others_do_not(app, create_event, create_user):
    event = create_event(capacity=10)
    seq = event.sequence
    data = events.EventData.from_event(event)
    data.capacity = 20
    assert events.update_event(event, data) is True
    assert event.sequence == seq
    data.location = "Autre salle"
    events.update_event(event, data)
    assert event.sequence == seq + 1
    assert events.update_event(event, data) is False
    assert event.sequence == seq + 1


def test_slug_follows_the_title_while_draft_and_freezes_once_published(client, organizer):
    client.post("/organisation/sessions/nouvelle", data=form_data())
    event = only_event()
    client.post(f"/organisation/sessions/{event.id}/modifier", data=form_data(title="SQL avancé"))
    db.session.refresh(event)
    assert event.slug == "sql-avance"
    client.post(f"/organisation/sessions/{event.id}/publier")
    client.post(f"/organisation/sessions/{event.id}/modifier", data=form_data(title="SQL expert"))
    db.session.refresh(event)
    assert event.title == "SQL expert"
    assert event.slug == "sql-avance"
    # Even back in draft, a once-published event keeps its address.
    client.post(f"/organisation/sessions/{event.id}/depublier")
    client.post(f"/organisation/sessions/{event.id}/modifier", data=form_data(title="Autre"))
    db.session.refresh(event)
    assert (event.status, event.slug) == ("draft", "sql-avance")


def test_slugs_are_unique(client, organizer, create_event):
    create_event("Atelier SQL")
    client.post("/organisation/sessions/nouvelle", data=form_data(title="Atelier SQL"))
    client.post("/organisation/sessions/nouvelle", data=form_data(title="Atelier SQL"))
    slugs = sorted(db.session.execute(db.select(Event.slug)).scalars())
    assert slugs == ["atelier-sql", "atelier-sql-2", "atelier-sql-3"]


def test_cancel_needs_a_reason_and_is_shown_publicly(client, organizer, create_event):
    event = create_event()
    empty = client.post(f"/organisation/sessions/{event.id}/annuler", data={"reason": " "})
    assert empty.status_code == 422
    assert "Indiquez le motif de l’annulation." in unescape(empty.text)
    db.session.refresh(event)
    assert event.status == "published"
    seq = event.sequence
    client.post(
        f"/organisation/sessions/{event.id}/annuler", data={"reason": "Salle indisponible."}
    )
    db.session.refresh(event)
    assert (event.status, event.cancellation_reason) == ("cancelled", "Salle indisponible.")
    assert event.sequence == seq + 1
    html = client.get(f"/ateliers/{event.slug}").text
    assert "Salle indisponible." in html


def test_cancelled_events_cannot_be_edited_or_republished(client, organizer, create_event):
    event = create_event(status="cancelled")
    response = client.post(
        f"/organisation/sessions/{event.id}/modifier",
        data=form_data(title="Changé"),
        follow_redirects=True,
    )
    assert "Une session annulée ne peut plus être modifiée" in response.text
    response = client.post(f"/organisation/sessions/{event.id}/publier", follow_redirects=True)
    assert "Seul un brouillon peut être publié." in response.text
    db.session.refresh(event)
    assert (event.status, event.title) == ("cancelled", "Atelier SQL")


def test_drafts_cannot_be_cancelled(client, organizer, create_event):
    event = create_event(status="draft")
    response = client.post(
        f"/organisation/sessions/{event.id}/annuler", data={"reason": "x"}, follow_redirects=True
    )
    assert "Seule une session publiée peut être annulée" in response.text
    db.session.refresh(event)
    assert event.status == "draft"


def test_duplicate_creates_a_new_draft(client, organizer, create_event):
    event = create_event("Café data", theme_names=["Communauté"], status="cancelled")
    response = client.post(f"/organisation/sessions/{event.id}/dupliquer")
    copy = db.session.execute(db.select(Event).where(Event.id != event.id)).scalar_one()
    assert response.headers["Location"] == f"/organisation/sessions/{copy.id}/modifier"
    assert (copy.status, copy.title, copy.slug) == ("draft", "Café data", "cafe-data-2")
    assert [t.name for t in copy.themes] == ["Communauté"]
    assert copy.uid != event.uid
    assert copy.sequence == 0


def test_only_never_published_drafts_can_be_deleted(client, organizer, create_event):
    draft = create_event("Brouillon", status="draft")
    published = create_event("Publié")
    assert client.post(f"/organisation/sessions/{draft.id}/supprimer").status_code == 302
    response = client.post(
        f"/organisation/sessions/{published.id}/supprimer", follow_redirects=True
    )
    assert "Seuls les brouillons jamais publiés peuvent être supprimés." in response.text
    remaining = list(db.session.execute(db.select(Event.title)).scalars())
    assert remaining == ["Publié"]


def test_dashboard_lists_events_by_view(client, organizer, create_event):
    create_event("Brouillon", status="draft")
    create_event("Publié")
    create_event("Annulé", status="cancelled")
    create_event("Ancien", days=-10)
    upcoming = client.get("/organisation/").text
    assert all(t in upcoming for t in ("Brouillon", "Publié", "Annulé"))
    assert "Ancien" not in upcoming
    assert "Ancien" in client.get("/organisation/?vue=passees").text
    drafts = client.get("/organisation/?vue=brouillons").text
    assert "Brouillon" in drafts and "Publié" not in drafts
    assert client.get("/organisation/?vue=inconnue").status_code == 404


def test_dashboard_query_count_does_not_grow(client, organizer, create_event, count_queries):
    def load() -> int:
        with count_queries() as queries:
            assert client.get("/organisation/?vue=toutes").status_code == 200
        return len(queries)

    create_event("Un", theme_names=["A"])
    before = load()
    for n in range(6):
        create_event(f"E{n}", theme_names=[f"T{n}", "A"])
    assert load() == before


def test_back_office_needs_login(client, create_event):
    event = create_event()
    for url in (
        "/organisation/",
        "/organisation/sessions/nouvelle",
        f"/organisation/sessions/{event.id}/modifier",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/organisation/connexion")
    assert client.post(f"/organisation/sessions/{event.id}/publier").status_code == 302


def test_unknown_event_is_404_in_back_office(client, organizer):
    assert client.get("/organisation/sessions/999/modifier").status_code == 404
    assert client.post("/organisation/sessions/999/publier").status_code == 404


def test_state_changes_refuse_get(client, organizer, create_event):
    event = create_event(status="draft")
    assert client.get(f"/organisation/sessions/{event.id}/publier").status_code == 405


def test_a_concurrent_duplicate_slug_is_a_409_and_nothing_is_written(
    app, client, organizer, create_event, monkeypatch
):
    create_event("Atelier SQL")
    # Simulate the race: the slug check ran before the other request committed.
    monkeypatch.setattr(events, "unique_slug", lambda title, exclude_id: "atelier-sql")
    response = client.post("/organisation/sessions/nouvelle", data=form_data())
    assert response.status_code == 409
    assert "Modification concurrente" in response.text
    assert db.session.execute(db.select(db.func.count(Event.id))).scalar_one() == 1


def test_a_check_constraint_failure_is_a_logged_500_not_a_conflict(
    app, client, organizer, monkeypatch, caplog
):
    # A bug that lets a bad value reach the database (here: the form's capacity check
    # bypassed) is not "someone else was faster": a 500, logged, and nothing written.
    original = events.EventData

    def without_capacity_check(*args, **kwargs):  # type: ignore[no-untyped-def]
        data = original(*args, **kwargs)
        data.capacity = -3
        return data

    monkeypatch.setattr("workshops.organizer.forms.EventData", without_capacity_check)
    response = client.post("/organisation/sessions/nouvelle", data=form_data())
    assert response.status_code == 500
    assert "Modification concurrente" not in response.text
    assert "integrity error" in caplog.text
    assert db.session.execute(db.select(db.func.count(Event.id))).scalar_one() == 0


def test_deactivated_organizers_are_kept_when_editing(client, organizer, create_event, create_user):
    former = create_user(name="Ancienne Orga")
    event = create_event(organizer_ids=[former.id, organizer.id])
    former.active = False
    db.session.commit()
    page = client.get(f"/organisation/sessions/{event.id}/modifier").text
    assert "Ancienne Orga" in page
    data = form_data(title=event.title)
    data["organizers"] = [str(former.id), str(organizer.id)]
    response = client.post(f"/organisation/sessions/{event.id}/modifier", data=data)
    assert response.status_code == 302
    db.session.refresh(event)
    assert {u.name for u in event.organizers} == {"Ancienne Orga", "Olivia Organise"}


def test_dates_typed_the_french_way_are_accepted(client, organizer):
    response = client.post(
        "/organisation/sessions/nouvelle",
        data=form_data(starts_at="04/12/2031 14:00", ends_at=" 04/12/2031  16h30 "),
    )
    assert response.status_code == 302
    event = only_event()
    assert event.starts_at == datetime(2031, 12, 4, 13, tzinfo=UTC)
    assert event.ends_at == datetime(2031, 12, 4, 15, 30, tzinfo=UTC)


def test_a_date_refused_for_its_year_is_shown_back_as_typed(client, organizer):
    response = client.post(
        "/organisation/sessions/nouvelle",
        data=form_data(starts_at="0001-12-04T14:00", ends_at="2999-12-04T16:00"),
    )
    assert response.status_code == 422
    assert 'value="0001-12-04T14:00"' in response.text
    assert 'value="2999-12-04T16:00"' in response.text


@pytest.mark.parametrize("url", ["https://[::1", "https://[", "http://]", "https://a.fr]"])
def test_unbalanced_brackets_in_a_link_are_a_message_not_a_500(client, organizer, url):
    response = client.post("/organisation/sessions/nouvelle", data=form_data(online_url=url))
    assert response.status_code == 422
    assert "Le lien doit indiquer l’adresse d’un site" in unescape(response.text)


def test_an_organizer_id_repeated_many_times_counts_once(client, organizer):
    data = form_data()
    body = "&".join(
        [f"{key}={quote(value)}" for key, value in data.items()]
        + [f"organizers={organizer.id}"] * 70_000
    )
    response = client.post(
        "/organisation/sessions/nouvelle",
        data=body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    assert [user.id for user in only_event().organizers] == [organizer.id]


def test_an_event_titled_like_a_catalogue_page_gets_another_address(client, organizer):
    client.post("/organisation/sessions/nouvelle", data=form_data(title="Passés"))
    event = only_event()
    assert event.slug == "passes-2"
    client.post(f"/organisation/sessions/{event.id}/publier")
    assert "Passés" in client.get("/ateliers/passes-2").text


def test_publishing_a_session_already_over_warns_the_organizer(client, organizer, create_event):
    past = create_event("Atelier 2021", status="draft", days=-400)
    response = client.post(f"/organisation/sessions/{past.id}/publier", follow_redirects=True)
    assert "La session est publiée. Attention : elle est déjà passée" in unescape(response.text)
    upcoming = create_event("Atelier à venir", status="draft")
    response = client.post(f"/organisation/sessions/{upcoming.id}/publier", follow_redirects=True)
    assert "La session est publiée." in response.text
    assert "déjà passée" not in unescape(response.text)


SCHEME = "Le lien doit commencer par https:// (ou http://)."
SPACE = "Le lien ne doit pas contenir d’espace."
INVISIBLE = "Le lien ne doit pas contenir de caractère invisible."
NO_HOST = (
    "Le lien doit indiquer l’adresse d’un site après https://, "
    "par exemple https://webconf.numerique.gouv.fr/…"
)
USERINFO = "Le lien ne doit pas contenir d’identifiant ou de @ avant l’adresse du site."
PORT = "Le numéro de port du lien n’est pas valide."


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://webconf.numerique.gouv.fr/salle", None),
        ("HTTP://visio.example.org", None),
        ("https://[2001:db8::1]:8443/salle", None),
        ("https://[::1]/", None),
        ("https://visio.example.org:8443/", None),
        ("https://visio.example.org/\u00a0salle", INVISIBLE),  # the first non-ASCII space
        ("https://visio.example.org/\u00a1salle", None),  # the first printable one after it
        ("ftp://visio.example.org", SCHEME),
        ("//visio.example.org", SCHEME),
        ("https://visio.example.org/ma salle", SPACE),
        ("https://visio.example.org/\x1fsalle", INVISIBLE),
        ("https://visio.example.org/\x7fsalle", INVISIBLE),
        ("https://visio.example.org/\x80salle", INVISIBLE),
        ("https://visio.example.org/\x9fsalle", INVISIBLE),
        ("https://visio.example.org/\u2028salle", INVISIBLE),
        ("https://visio.example.org/!salle", None),  # 0x21, the first printable ASCII
        ("https://[::1", NO_HOST),
        ("https://", NO_HOST),
        ("https://-visio.example.org", NO_HOST),
        ("https://[::1]x/", NO_HOST),
        ("https://[v1.abc]/", NO_HOST),
        ("https://visio.gouv.fr@evil.example", USERINFO),
        ("https://visio.example.org:99999/", PORT),
    ],
)
def test_every_link_rule_has_its_own_french_message(url, message):
    class Field:
        data = url

    if message is None:
        forms.validate_http_url(None, Field())
    else:
        with pytest.raises(ValidationError) as refused:
            forms.validate_http_url(None, Field())
        assert str(refused.value) == message


def test_every_field_typed_is_saved_and_shown_back(client, organizer, create_user):
    colleague = create_user(name="Camille Collègue")
    data = form_data(
        kind="community",
        online_url="https://visio.example.org/salle",
        registration_closes_at="2031-12-03T18:00",
        organizers=[str(colleague.id), str(organizer.id)],
        themes="SQL, Python",
    )
    assert client.post("/organisation/sessions/nouvelle", data=data).status_code == 302
    event = only_event()
    saved = events.EventData.from_event(event)
    assert sorted(saved.organizer_ids) == sorted([colleague.id, organizer.id])
    assert saved == events.EventData(
        kind="community",
        title="Atelier SQL",
        summary="Écrire ses premières requêtes.",
        description="## Programme",
        starts_at=datetime(2031, 12, 4, 13, tzinfo=UTC),
        ends_at=datetime(2031, 12, 4, 15, tzinfo=UTC),
        location="Ségur, Paris",
        online_url="https://visio.example.org/salle",
        capacity=12,
        registration_closes_at=datetime(2031, 12, 3, 17, tzinfo=UTC),
        theme_names=["Python", "SQL"],
        organizer_ids=saved.organizer_ids,
    )
    html = unescape(client.get(f"/organisation/sessions/{event.id}/modifier").text)
    assert 'value="2031-12-03T18:00"' in html
    assert 'value="https://visio.example.org/salle"' in html
    assert 'value="Ségur, Paris"' in html
    assert re.search(r'name="themes"[^>]*value="(Python, SQL|SQL, Python)"', html)
    for user in (colleague, organizer):
        box = rf'<input[^>]*checked[^>]*value="{user.id}"|value="{user.id}"[^>]*checked'
        assert re.search(box, html), user


def test_fields_left_empty_are_saved_empty(client, organizer):
    data = form_data(description="", location="", online_url="https://visio.example.org/x")
    del data["themes"]
    assert client.post("/organisation/sessions/nouvelle", data=data).status_code == 302
    event = only_event()
    assert (event.description, event.location, event.themes) == ("", None, [])
    assert event.registration_closes_at is None


def test_each_back_office_view_lists_its_sessions_in_its_order(client, organizer, create_event):
    create_event("Brouillon lointain", days=5, status="draft")
    create_event("Brouillon proche", days=2, status="draft")
    create_event("Session ouverte", days=3)
    create_event("Annulée proche", days=4, status="cancelled")
    create_event("Annulée lointaine", days=8, status="cancelled")
    create_event("Annulée passée", days=-5, status="cancelled")
    create_event("Passée", days=-2)
    expected = {
        "a-venir": [
            "Brouillon proche",
            "Session ouverte",
            "Annulée proche",
            "Brouillon lointain",
            "Annulée lointaine",
        ],
        "brouillons": ["Brouillon proche", "Brouillon lointain"],
        "annulees": ["Annulée lointaine", "Annulée proche", "Annulée passée"],
        "passees": ["Passée", "Annulée passée"],
        "toutes": [
            "Annulée lointaine",
            "Brouillon lointain",
            "Annulée proche",
            "Session ouverte",
            "Brouillon proche",
            "Passée",
            "Annulée passée",
        ],
    }
    assert set(expected) == set(BACKOFFICE_VIEWS)
    for view, titles in expected.items():
        listed = db.session.execute(backoffice_events(view)).scalars()
        assert [event.title for event in listed] == titles, view
        html = client.get(f"/organisation/?vue={view}").text
        positions = [html.index(f">{title}<") for title in titles]
        assert positions == sorted(positions), view
        others = set(expected["toutes"]) - set(titles)
        assert not any(f">{title}<" in html for title in others), view


def test_a_session_leaves_the_upcoming_view_at_its_exact_end(create_event):
    event = create_event("Atelier SQL", days=1)
    for view, at_end in (("a-venir", []), ("passees", ["Atelier SQL"])):
        listed = db.session.execute(backoffice_events(view, now=event.ends_at)).scalars()
        assert [e.title for e in listed] == at_end


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [("2000-01-03T14:00", "2000-01-03T16:00"), ("2100-12-31T10:00", "2100-12-31T12:00")],
)
def test_the_first_and_last_years_accepted_are_2000_and_2100(client, organizer, starts_at, ends_at):
    data = form_data(starts_at=starts_at, ends_at=ends_at)
    assert client.post("/organisation/sessions/nouvelle", data=data).status_code == 302
    assert only_event().starts_at.year == int(starts_at[:4])


def test_empty_optional_fields_are_shown_empty_when_editing(client, organizer, create_event):
    event = create_event("Atelier SQL", capacity=None)
    html = client.get(f"/organisation/sessions/{event.id}/modifier").text
    for name in ("capacity", "registration_closes_at"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'value=""' in tag or "value=" not in tag, tag
    event = create_event("Atelier Python", capacity=12)
    html = client.get(f"/organisation/sessions/{event.id}/modifier").text
    assert re.search(r'<input[^>]*name="capacity"[^>]*value="12"', html)


def test_registrations_may_close_at_the_very_end_not_after(client, organizer):
    at_end = form_data(registration_closes_at="2031-12-04T16:00")
    assert client.post("/organisation/sessions/nouvelle", data=at_end).status_code == 302
    after = form_data(registration_closes_at="2031-12-04T16:01")
    assert client.post("/organisation/sessions/nouvelle", data=after).status_code == 422


def test_text_fields_are_trimmed_and_organizers_offered_by_name(client, organizer, create_user):
    create_user(name="Zoé Zèbre")
    create_user(name="Bruno Biche")
    html = client.get("/organisation/sessions/nouvelle").text
    assert re.search(r"<label[^>]*>\s*Début", html), "the date field keeps its label"
    boxes = html[html.index("Organisateurs et organisatrices") :]
    names = [boxes.index(name) for name in ("Bruno Biche", "Olivia Organise", "Zoé Zèbre")]
    assert names == sorted(names)
    data = form_data(title="  Atelier SQL  ", summary="\tRésumé. ", location=" Ségur ")
    client.post("/organisation/sessions/nouvelle", data=data)
    event = only_event()
    assert (event.title, event.summary, event.location) == ("Atelier SQL", "Résumé.", "Ségur")


def test_sessions_at_the_same_time_keep_a_stable_order_newest_first(create_event):
    """Descending lists break ties by id, newest first, on both databases (SQLite alone
    would give the oldest first)."""
    same_past = utcnow().replace(microsecond=0) - timedelta(days=3)
    same_future = utcnow().replace(microsecond=0) + timedelta(days=3)
    create_event("Passée A", starts_at=same_past)
    create_event("Passée B", starts_at=same_past)
    create_event("Annulée A", starts_at=same_future, status="cancelled")
    create_event("Annulée B", starts_at=same_future, status="cancelled")
    create_event("Plus ancienne", starts_at=same_past - timedelta(days=30))  # created last
    expected = {
        "passees": ["Passée B", "Passée A", "Plus ancienne"],
        "annulees": ["Annulée B", "Annulée A"],
        "toutes": ["Annulée B", "Annulée A", "Passée B", "Passée A", "Plus ancienne"],
    }
    for view, titles in expected.items():
        listed = db.session.execute(backoffice_events(view)).scalars()
        assert [event.title for event in listed] == titles, view
    past = db.session.execute(catalogue_queries.past_events()).scalars()
    assert [event.title for event in past] == ["Passée B", "Passée A", "Plus ancienne"]


def test_one_line_fields_keep_one_line(client, organizer):
    """A title or place pasted with line breaks is one line everywhere it shows (card,
    calendar, mail subject): the breaks become spaces."""
    data = form_data(
        title="Atelier\r\nSQL  avancé\n", location="Ségur,\r\n salle 4\t", themes="SQL,\nR"
    )
    assert client.post("/organisation/sessions/nouvelle", data=data).status_code == 302
    event = only_event()
    assert (event.title, event.location) == ("Atelier SQL avancé", "Ségur, salle 4")
    assert [t.name for t in event.themes] == ["R", "SQL"]
