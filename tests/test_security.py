"""Security headers on every route, trusted hosts, and the proxy setup."""

import io
from datetime import timedelta

import pytest
from flask import Response, request, url_for

from workshops.extensions import db
from workshops.materials import samples
from workshops.materials import service as materials_service
from workshops.models import OutboxMessage, ThrottleHit
from workshops.registrations import participants, service
from workshops.security import secret_url


def sample_urls(app, event, user, tokens: dict[str, str] | None = None, material=None) -> list[str]:  # type: ignore[no-untyped-def]
    """One concrete URL for every GET route of the app (`tokens`: a real token for each
    endpoint whose URL holds one; `material`: one of the event's materials)."""
    tokens = tokens or {}
    filenames = {"static": "app.css", "core.dsfr_asset": "dsfr.min.css"}
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in ("boom", "secret"):
                continue
            values = {
                "slug": event.slug,
                "event_id": event.id,
                "user_id": user.id,
                "token": tokens.get(rule.endpoint, ""),
                "material_id": material.id if material else None,
                "name": material.original_name if material else None,
            }
            args = {name: values.get(name) or filenames[rule.endpoint] for name in rule.arguments}
            urls.append(url_for(rule.endpoint, **args))
    return urls


#: The policy, directive by directive, written out as data: a directive dropped, loosened
#: ('unsafe-inline', 'unsafe-eval', a host) or added fails the tests below.
CSP_DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]
#: Every security header of an ordinary page, with its exact value.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "; ".join(CSP_DIRECTIVES),
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


#: A downloaded material is never a page: nothing in it may run, whatever a browser does.
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def assert_secure_headers(response, url: str, secret: bool = False) -> None:
    """The headers of an ordinary page; a page whose URL holds a secret sends no Referer;
    a download has the strictest policy."""
    expected = {**SECURITY_HEADERS, **({"Referrer-Policy": "no-referrer"} if secret else {})}
    if url.startswith("/supports/"):
        expected["Content-Security-Policy"] = DOWNLOAD_CSP
    sent = {name: response.headers.get(name) for name in SECURITY_HEADERS}
    assert sent == expected, url


def test_every_route_sends_the_security_headers(app, client, admin, create_event):
    event = create_event()
    with app.test_request_context():
        registration = service.sign_up(
            event, service.SignUp(name="Ada", email="ada@example.org", organisation="DINUM")
        ).registration
        tokens = {"registrations.manage": service.mint_link(registration)}
        participants.request_sign_in(
            "ada@example.org", minutes=60, max_per_email=5, window=timedelta(hours=1)
        )
        mail = db.session.execute(
            db.select(OutboxMessage).where(OutboxMessage.kind == "sign_in")
        ).scalar_one()
        tokens["participants.sign_in"] = mail.text_body.split("/connexion/")[1].split()[0]
        tokens["participants.feed"] = participants.feed_token(
            participants.participant_for("ada@example.org")
        )
    db.session.commit()
    with materials_service.files_transaction() as transaction:
        [material] = materials_service.add_files(
            event,
            [materials_service.Upload("slides.pdf", io.BytesIO(samples.pdf("x", [])))],
            materials_service.Details("Slides", "", "public"),
            None,
            transaction,
            materials_service.Limits.from_config(),
        )
    urls = sample_urls(app, event, admin, tokens, material)
    assert len(urls) >= 15 and f"/supports/{material.id}/slides.pdf" in urls
    for url in urls:
        with client.get(url) as response:
            assert response.status_code in (200, 302), url  # the login page redirects
            secret = any(token in url for token in tokens.values())
            assert_secure_headers(response, url, secret=secret)
            assert "Strict-Transport-Security" not in response.headers, url


def test_anonymous_and_error_responses_send_them_too(client, create_event):
    event = create_event()
    for url in ("/", "/nulle-part", f"/ateliers/{event.slug}", "/organisation/"):
        assert_secure_headers(client.get(url), url)
    assert_secure_headers(client.post("/organisation/deconnexion"), "logout")
    assert_secure_headers(client.get("/organisation/deconnexion"), "405")


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_pages_with_a_secret_in_the_url_send_no_referrer(make_app):
    app = make_app()

    @app.get("/secret/<token>")
    @secret_url
    def secret(token: str) -> Response:
        return Response(token, mimetype="text/plain")

    response = app.test_client().get("/secret/abc")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert app.test_client().get("/").headers["Referrer-Policy"] != "no-referrer"


def test_untrusted_host_is_refused(make_app):
    app = make_app(TRUSTED_HOSTS=["ateliers.beta.gouv.fr"])
    client = app.test_client()
    assert client.get("/", headers={"Host": "ateliers.beta.gouv.fr"}).status_code == 200
    refused = client.get("/", headers={"Host": "evil.example.org"})
    assert refused.status_code == 400
    assert refused.text == "Hôte non autorisé."
    sent = {name: refused.headers.get(name) for name in SECURITY_HEADERS}
    # Referrer-Policy is set by Flask's own hook, which a refused host never reaches.
    assert sent == {**SECURITY_HEADERS, "Referrer-Policy": None}


def test_links_built_outside_a_request_use_server_name(make_app):
    app = make_app(SERVER_NAME="ateliers.beta.gouv.fr", PREFERRED_URL_SCHEME="https")
    with app.app_context():
        assert (
            url_for("catalogue.index", _external=True) == "https://ateliers.beta.gouv.fr/ateliers"
        )


@pytest.mark.parametrize(("count", "expected"), [(0, "http"), (1, "http"), (2, "https")])
def test_forwarded_proto_is_trusted_only_behind_a_configured_proxy(make_app, count, expected):
    """The nearest proxy appended "http" (it was reached over plain http); the outer one
    saw "https": read exactly as many values as there are trusted proxies."""
    app = make_app(TRUSTED_PROXY_COUNT=count)

    @app.get("/scheme")
    def scheme() -> Response:
        return Response(request.scheme, mimetype="text/plain")

    response = app.test_client().get("/scheme", headers={"X-Forwarded-Proto": "https, http"})
    assert response.text == expected
    with app.app_context():
        db.session.remove()


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "127.0.0.1"), (1, "203.0.113.9"), (2, "198.51.100.7")],
)
def test_the_client_address_is_read_through_exactly_the_trusted_proxies(make_app, count, expected):
    """Per-address login throttling counts this address: trusting one proxy too many lets
    anyone pick their address, one too few puts everyone behind the proxy's."""
    app = make_app(TRUSTED_PROXY_COUNT=count)

    @app.get("/address")
    def address() -> Response:
        return Response(request.remote_addr, mimetype="text/plain")

    forwarded = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9"}
    response = app.test_client().get("/address", headers=forwarded)
    assert response.text == expected
    with app.app_context():
        db.session.remove()


def test_405_keeps_the_allow_header_and_the_french_page(client):
    response = client.get("/organisation/deconnexion")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert "Méthode non autorisée" in response.text
    publish = client.delete("/organisation/sessions/1/publier")
    assert publish.status_code == 405
    assert set(publish.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}


def test_back_office_and_draft_pages_are_not_stored_by_caches(client, organizer, create_event):
    draft = create_event("Brouillon", status="draft")
    published = create_event("Publiée")
    for url in (
        "/organisation/",
        "/organisation/comptes",  # 403 for an organizer: still private
        f"/organisation/sessions/{draft.id}/modifier",
        f"/organisation/sessions/{published.id}/apercu",
        f"/ateliers/{draft.slug}",
    ):
        response = client.get(url)
        assert response.headers.get("Cache-Control") == "no-store", url
    for url in ("/", "/ateliers", f"/ateliers/{published.slug}", "/ateliers/passes"):
        assert "no-store" not in client.get(url).headers.get("Cache-Control", ""), url


def test_the_login_page_is_not_stored_either(client):
    assert client.get("/organisation/connexion").headers["Cache-Control"] == "no-store"


def test_every_page_under_organisation_is_private_whatever_its_blueprint(client, admin):
    # The offer editor (its preview shows unsaved content) belongs to the offer blueprint.
    for url in ("/organisation/page-offre", "/organisation/nulle-part"):
        assert client.get(url).headers.get("Cache-Control") == "no-store", url


def test_request_bodies_are_limited_to_one_megabyte_by_default(app, client):
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    # Raw bodies: the test client would spool a big multipart body to an unclosed temp file.
    multipart = (
        b'--b\r\nContent-Disposition: form-data; name="email"\r\n\r\na@example.org\r\n'
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n\r\n'
        + big
        + b"\r\n--b--\r\n"
    )
    for body, content_type in (
        (b"email=a%40example.org&password=" + big, "application/x-www-form-urlencoded"),
        (multipart, "multipart/form-data; boundary=b"),
    ):
        response = client.post("/organisation/connexion", data=body, content_type=content_type)
        assert response.status_code == 413
        assert "Envoi trop volumineux" in response.text
    assert db.session.execute(db.select(ThrottleHit)).first() is None


def call_wsgi(app, **environ) -> tuple[str, dict[str, str], bytes]:
    """Call the app as a server would, with exactly these environ keys (no Host added)."""
    base = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/healthz",
        "SERVER_PROTOCOL": "HTTP/1.0",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
    }
    captured: dict[str, object] = {}

    def start_response(status, headers, exc_info=None):  # type: ignore[no-untyped-def]
        captured.update(status=status, headers=dict(headers))

    body = b"".join(app.wsgi_app({**base, **environ}, start_response))
    return captured["status"], captured["headers"], body  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("environ", "status"),
    [
        # HTTP/1.0 without a Host header: the server's own name and port decide.
        ({"SERVER_NAME": "ateliers.example.org", "SERVER_PORT": "443"}, "200 OK"),
        # Trust is about the name (werkzeug ignores the port).
        ({"SERVER_NAME": "ateliers.example.org", "SERVER_PORT": "8443"}, "200 OK"),
        ({"SERVER_NAME": "evil.example", "SERVER_PORT": "443"}, "400 BAD REQUEST"),
        ({}, "400 BAD REQUEST"),
        ({"HTTP_HOST": "ateliers.example.org:443"}, "200 OK"),
        ({"HTTP_HOST": "evil.example:443"}, "400 BAD REQUEST"),
    ],
)
def test_trusted_hosts_hold_without_a_host_header_too(make_app, environ, status):
    app = make_app(TRUSTED_HOSTS=["ateliers.example.org"])
    got, headers, body = call_wsgi(app, **{"wsgi.url_scheme": "https", **environ})
    assert got == status
    if status.startswith("400"):
        assert body.decode() == "Hôte non autorisé."
        assert headers["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize(
    "host",
    ["a" * 64 + ".example.org", "a b", "exa mple.org:80", "x" * 300, "h\u00f4te..org", ":80"],
)
def test_a_malformed_host_is_a_400_even_without_trusted_hosts(make_app, host):
    """Links are built from the Host header: one that is not a host name gave a 500 (IDNA
    refuses a label over 63 characters) or links to "http:///…"."""
    app = make_app(TRUSTED_HOSTS=None)
    response = app.test_client().get("/calendrier", headers={"Host": host})
    assert response.status_code == 400
    assert response.text == "Hôte non valide."


@pytest.mark.parametrize(
    "host", ["localhost", "127.0.0.1:5000", "[::1]:5000", "Ateliers.Example.org"]
)
def test_a_well_formed_host_is_served_without_trusted_hosts(make_app, host):
    app = make_app(TRUSTED_HOSTS=None)
    assert app.test_client().get("/calendrier", headers={"Host": host}).status_code == 200


def test_host_names_are_trusted_whatever_their_case(make_app):
    app = make_app(TRUSTED_HOSTS=["ateliers.example.org"])
    response = app.test_client().get("/", headers={"Host": "ATELIERS.Example.ORG"})
    assert response.status_code == 200
