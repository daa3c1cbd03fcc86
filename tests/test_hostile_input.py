"""What a hostile client may put in a URL or a form: the app answers 4xx in French, never 500."""

import io
import re
from datetime import timedelta
from html import unescape
from urllib.parse import quote

import pytest
from flask import Response, request
from werkzeug.exceptions import NotFound

from workshops import security
from workshops.accounts import users as accounts
from workshops.dates import utcnow
from workshops.events import lifecycle as events
from workshops.extensions import db
from workshops.models import Event, EventKind, ThrottleHit
from workshops.urls import page_number

from .factories import PASSWORD


def pager_links(html: str) -> list[str]:
    return [
        unescape(href)
        for href in re.findall(r'class="fr-pagination__link[^"]*" href="([^"]+)"', html)
    ]


@pytest.fixture
def paged_catalogue(make_app):
    """Three upcoming events, one per catalogue page, so that every page has a pager."""
    app = make_app(CATALOGUE_PER_PAGE=1, BACKOFFICE_PER_PAGE=1)
    with app.app_context():
        author = accounts.create_user("a@example.org", "A", "organizer", PASSWORD)
        for n in range(3):
            start = utcnow() + timedelta(days=n + 1)
            event = events.create_event(
                events.EventData(
                    kind=EventKind.WORKSHOP,
                    title=f"Atelier {n}",
                    summary="s",
                    description="",
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                    location="Paris",
                    theme_names=["SQL"],
                ),
                author,
            )
            events.publish_event(event)
        db.session.commit()
    return app


@pytest.mark.parametrize(
    "query", ["endpoint=x", "_method=POST", "_anchor=x", "_scheme=ftp", "values=1"]
)
def test_the_pager_ignores_url_for_arguments_in_the_query_string(paged_catalogue, query):
    client = paged_catalogue.test_client()
    response = client.get(f"/ateliers?{query}")
    assert response.status_code in (200, 400)
    links = pager_links(response.text)
    assert links
    assert all(link.startswith("/ateliers?page=") for link in links), links


def test_the_pager_builds_no_link_to_a_forged_host(paged_catalogue):
    client = paged_catalogue.test_client()
    response = client.get("/ateliers?_external=1&theme=sql", headers={"Host": "evil.example.org"})
    links = pager_links(response.text)
    assert links
    assert all(link.startswith("/ateliers?theme=sql&page=") for link in links), links


def test_the_pager_keeps_the_catalogue_filters_only(paged_catalogue):
    client = paged_catalogue.test_client()
    response = client.get("/ateliers?type=atelier&theme=sql&format=sur-place&q=atelier&utm=x")
    assert response.status_code == 200
    links = pager_links(response.text)
    assert links
    for link in links:
        assert link.startswith("/ateliers?type=atelier&theme=sql&format=sur-place&q=atelier&page=")
        assert "utm" not in link


def test_the_back_office_pager_keeps_the_view_only(paged_catalogue):
    client = paged_catalogue.test_client()
    client.post(
        "/organisation/connexion",
        data={"email": "a@example.org", "password": PASSWORD},
    )
    response = client.get("/organisation/?vue=toutes&endpoint=x&_external=1")
    assert response.status_code == 200
    links = pager_links(response.text)
    assert links
    assert all(link.startswith("/organisation/?vue=toutes&page=") for link in links), links


HUGE = ["2147483648", "9223372036854775808", "99999999999999999999"]


@pytest.mark.parametrize("number", HUGE)
def test_huge_page_numbers_are_404(client, admin, create_event, number):
    create_event()
    for url in ("/ateliers", "/ateliers/passes", "/organisation/"):
        response = client.get(f"{url}?page={number}")
        assert response.status_code == 404, url
        assert "Page non trouvée" in response.text


@pytest.mark.parametrize("number", HUGE)
def test_ids_past_the_column_range_are_404(client, admin, number):
    for url in (
        f"/organisation/sessions/{number}/modifier",
        f"/organisation/sessions/{number}/apercu",
        f"/organisation/comptes/{number}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/organisation/sessions/{number}/publier").status_code == 404


def test_the_largest_id_is_still_a_plain_404(client, admin):
    assert client.get("/organisation/sessions/2147483647/modifier").status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/ateliers?q=%00", "/ateliers?%00=1", "/ateliers/passes?page=1%00", "/?x=a%00b"],
)
def test_a_nul_byte_in_the_query_string_is_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "caractère nul" in response.text


@pytest.mark.parametrize("url", ["/ateliers/atelier%00", "/organisation/sessions/1%00/modifier"])
def test_a_nul_byte_in_the_path_is_404(client, create_event, url):
    create_event("Atelier")
    response = client.get(url)
    assert response.status_code == 404
    assert "Page non trouvée" in response.text


def test_a_nul_byte_in_the_login_form_is_422_and_nothing_is_stored(client, create_user):
    create_user(email="orga@example.org")
    for data in (
        {"email": "orga\x00@example.org", "password": "x"},
        {"email": "orga@example.org", "password": "x\x00"},
        {"email": "orga@example.org", "password": "x", "next\x00": "1"},
    ):
        response = client.post("/organisation/connexion", data=data)
        assert response.status_code == 422, data
        assert "caractère nul" in response.text
    assert_nothing_holds_a_nul_byte()


def test_a_nul_byte_in_an_event_form_is_422_and_nothing_is_stored(client, organizer):
    response = client.post(
        "/organisation/sessions/nouvelle",
        data={
            "kind": "workshop",
            "title": "Atelier\x00",
            "summary": "Résumé",
            "starts_at": "2031-03-04T14:00",
            "ends_at": "2031-03-04T16:00",
            "location": "Paris",
        },
    )
    assert response.status_code == 422
    assert "caractère nul" in response.text
    assert db.session.execute(db.select(Event)).first() is None
    assert_nothing_holds_a_nul_byte()


def test_a_nul_byte_in_a_forwarded_address_is_400(make_app):
    app = make_app(TRUSTED_PROXY_COUNT=1)
    response = app.test_client().post(
        "/organisation/connexion",
        data={"email": "orga@example.org", "password": "x"},
        headers={"X-Forwarded-For": "10.0.0.1\x00"},
    )
    assert response.status_code == 400
    with app.app_context():
        assert_nothing_holds_a_nul_byte()


def assert_nothing_holds_a_nul_byte() -> None:
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(db.select(table)):
            assert not any(isinstance(value, str) and "\x00" in value for value in row), table


@pytest.mark.parametrize("digits", ["١", "１", "०"])
def test_ids_are_ascii_digits_only(client, organizer, create_event, digits):
    create_event()
    assert client.get(f"/organisation/sessions/{digits}/modifier").status_code == 404


def test_source_maps_are_not_served_even_with_a_trailing_slash(client):
    assert client.get("/dsfr/dsfr.module.min.js.map/").status_code == 404
    assert client.get("/dsfr/dsfr.module.min.js.map").status_code == 404


def a_file() -> tuple[io.BytesIO, str]:
    return io.BytesIO(b"pas un texte"), "hostname"


def test_a_file_in_the_login_form_is_400_and_nothing_is_stored(client, create_user):
    create_user(email="orga@example.org")
    for data in (
        {"email": a_file(), "password": "x"},
        {"email": "orga@example.org", "password": a_file()},
        {"email": "orga@example.org", "password": "x", "extra": a_file()},
    ):
        response = client.post("/organisation/connexion", data=data)
        assert response.status_code == 400, data
        assert "n’accepte pas de fichier" in response.text
    assert db.session.execute(db.select(ThrottleHit)).first() is None


def test_a_file_in_an_event_form_is_400_and_nothing_is_stored(client, organizer):
    response = client.post(
        "/organisation/sessions/nouvelle",
        data={
            "kind": "workshop",
            "title": a_file(),
            "summary": "Résumé",
            "starts_at": "2031-03-04T14:00",
            "ends_at": "2031-03-04T16:00",
            "location": "Paris",
        },
    )
    assert response.status_code == 400
    assert "n’accepte pas de fichier" in response.text
    assert db.session.execute(db.select(Event)).first() is None


def test_a_view_that_accepts_files_opts_in(make_app):
    app = make_app()

    @security.accepts_files
    def upload() -> Response:
        text = f"{request.files['document'].filename} {request.form['title']}"
        return Response(text, mimetype="text/plain")

    app.add_url_rule("/televersement", "upload", upload, methods=["POST"])
    response = app.test_client().post(
        "/televersement", data={"document": a_file(), "title": "Compte rendu"}
    )
    assert response.status_code == 200
    assert response.text == "hostname Compte rendu"


#: Invisible characters that no one types on purpose: C0 controls other than tab and line
#: breaks, DEL, and the bidi embeddings, overrides and isolates (they reorder what is shown).
CONTROLS = ["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\u202a", "\u202e", "\u2066"]
CONTROLS += ["\u2069"]


@pytest.mark.parametrize("char", CONTROLS)
def test_a_control_character_in_the_query_string_is_400(client, char):
    for url in (f"/ateliers?q=a{quote(char)}b", f"/ateliers?{quote(char)}=1", f"/?x={quote(char)}"):
        response = client.get(url)
        assert response.status_code == 400, url
        code = f"U+{ord(char):04X}"  # "U+001B": which character, to find it in the text
        assert f"caractère de contrôle invisible ({code})" in unescape(response.text)


@pytest.mark.parametrize("char", CONTROLS)
def test_a_control_character_in_the_login_form_is_422_and_nothing_is_stored(
    client, create_user, char
):
    create_user(email="orga@example.org")
    for data in (
        {"email": f"orga{char}@example.org", "password": "x"},
        {"email": "orga@example.org", "password": f"x{char}"},
        {"email": "orga@example.org", "password": "x", f"next{char}": "1"},
    ):
        response = client.post("/organisation/connexion", data=data)
        assert response.status_code == 422, data
        assert "caractère de contrôle" in response.text
    assert db.session.execute(db.select(ThrottleHit)).first() is None


EVENT_FORM = {
    "kind": "workshop",
    "title": "Atelier",
    "summary": "Résumé",
    "description": "Programme",
    "starts_at": "2031-03-04T14:00",
    "ends_at": "2031-03-04T16:00",
    "location": "Paris",
    "themes": "SQL",
}


@pytest.mark.parametrize(
    ("field", "char"),
    [
        ("title", "\x1b"),
        ("summary", "\u202e"),
        ("description", "\x0b"),
        ("location", "\x7f"),
        ("themes", "\u2066"),
        ("online_url", "\x01"),
    ],
)
def test_a_control_character_in_an_event_form_is_422_and_nothing_is_stored(
    client, organizer, field, char
):
    data = {**EVENT_FORM, field: EVENT_FORM.get(field, "https://exemple.fr/") + char}
    response = client.post("/organisation/sessions/nouvelle", data=data)
    assert response.status_code == 422
    assert "caractère de contrôle" in response.text
    assert db.session.execute(db.select(Event)).first() is None


def test_control_characters_in_account_and_cancel_forms_are_422(client, admin, create_event):
    event = create_event()
    response = client.post(
        "/organisation/comptes/nouveau",
        data={
            "email": "new@example.org",
            "name": "Nom\u202dinversé",
            "role": "organizer",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 422
    assert "caractère de contrôle" in response.text
    response = client.post(
        f"/organisation/sessions/{event.id}/annuler", data={"reason": "Motif\x1b[31m"}
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert accounts.find_user("new@example.org") is None
    assert db.session.get(Event, event.id).status == "published"


def test_a_control_character_in_a_forwarded_address_is_400(make_app):
    app = make_app(TRUSTED_PROXY_COUNT=1)
    response = app.test_client().post(
        "/organisation/connexion",
        data={"email": "orga@example.org", "password": "x"},
        headers={"X-Forwarded-For": "10.0.0.1\u202e"},
    )
    assert response.status_code == 400
    assert "caractère de contrôle" in response.text
    with app.app_context():
        assert db.session.execute(db.select(ThrottleHit)).first() is None


def test_tabs_and_line_breaks_are_still_accepted(client, organizer):
    data = {**EVENT_FORM, "description": "Programme\r\n\t- SQL\n- Python\r"}
    assert client.post("/organisation/sessions/nouvelle", data=data).status_code == 302
    assert "\t- SQL" in db.session.execute(db.select(Event.description)).scalar_one()


@pytest.mark.parametrize(
    ("raw", "page"),
    [
        ("1", 1),
        ("0001", 1),
        ("1000000", 1_000_000),
        ("1000001", None),
        ("00000001", None),  # longer than any page number needs
        ("0", None),
        ("-1", None),
        ("abc", None),
        ("1a", None),
        ("²", None),  # a digit for isdigit(), not for a URL
        ("١", None),
        ("", None),
    ],
)
def test_page_numbers_are_ascii_digits_from_1_to_a_million(app, raw, page):
    with app.test_request_context("/", query_string={"page": raw}):
        if page is None:
            with pytest.raises(NotFound):
                page_number()
        else:
            assert page_number() == page
    with app.test_request_context("/"):
        assert page_number() == 1


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_safe_methods_are_not_judged_by_a_body_they_never_read(client, method):
    body = {"attachment": (io.BytesIO(b"x"), "x.txt"), "q": "a\x01b"}
    response = client.open("/ateliers", method=method, data=body)
    assert response.status_code == 200


def test_every_value_of_a_repeated_parameter_is_checked(client):
    assert client.get("/ateliers?q=ok&q=a%01b").status_code == 400


def test_a_nul_in_any_path_is_a_404_before_any_view(make_app):
    app = make_app()

    @app.get("/echo/<value>")
    def echo(value: str) -> Response:
        return Response(value, mimetype="text/plain")

    client = app.test_client()
    assert client.get("/echo/abc").status_code == 200
    assert client.get("/echo/a%00b").status_code == 404
