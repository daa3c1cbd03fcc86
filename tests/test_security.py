"""Security headers on every route, trusted hosts, and the proxy setup."""

import pytest
from flask import Response, request, url_for

from workshops.extensions import db
from workshops.models import ThrottleHit
from workshops.security import secret_url


def sample_urls(app, event, user) -> list[str]:
    """One concrete URL for every GET route of the app."""
    values = {"slug": event.slug, "event_id": event.id, "user_id": user.id}
    filenames = {"static": "app.css", "core.dsfr_asset": "dsfr.min.css"}
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in ("boom", "secret"):
                continue
            args = {name: values.get(name) or filenames[rule.endpoint] for name in rule.arguments}
            urls.append(url_for(rule.endpoint, **args))
    return urls


def assert_secure_headers(response, url: str) -> None:
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff", url
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp, url
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, url
    assert headers["X-Frame-Options"] == "DENY", url


def test_every_route_sends_the_security_headers(app, client, admin, create_event):
    event = create_event()
    urls = sample_urls(app, event, admin)
    assert len(urls) >= 15
    for url in urls:
        with client.get(url) as response:
            assert response.status_code in (200, 302), url  # the login page redirects
            assert_secure_headers(response, url)
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
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


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
    assert refused.headers["X-Content-Type-Options"] == "nosniff"


def test_links_built_outside_a_request_use_server_name(make_app):
    app = make_app(SERVER_NAME="ateliers.beta.gouv.fr", PREFERRED_URL_SCHEME="https")
    with app.app_context():
        assert (
            url_for("catalogue.index", _external=True) == "https://ateliers.beta.gouv.fr/ateliers"
        )


@pytest.mark.parametrize(("count", "expected"), [(0, "http"), (1, "https")])
def test_forwarded_proto_is_trusted_only_behind_a_configured_proxy(make_app, count, expected):
    app = make_app(TRUSTED_PROXY_COUNT=count)

    @app.get("/scheme")
    def scheme() -> Response:
        return Response(request.scheme, mimetype="text/plain")

    response = app.test_client().get("/scheme", headers={"X-Forwarded-Proto": "https"})
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
