import re
from html import unescape

from workshops.extensions import db
from workshops.models import Page


def test_landing_page_presents_the_offer_from_the_seed(client):
    response = client.get("/")
    assert response.status_code == 200
    html = unescape(response.text)
    for heading in (
        "Quésaco ?",
        "Deux approches complémentaires",
        "Offre de service",
        "Quelles startups d’État sont concernées ?",
        "Le format",
        "Qui propose de l’aide ?",
        "Comment demander de l’aide ?",
    ):
        assert heading in html, heading
    assert "<h1>Aide transverse Data Science</h1>" in html
    assert html.count("<h1") == 1
    # The seed's unreachable images are expressed in text, never as broken images.
    assert "<img" not in html
    assert 'class="fr-summary sticky-summary"' in html


def test_contact_details_come_from_settings(make_app):
    app = make_app(
        CONTACT_NAME="Jeanne Data",
        CONTACT_EMAIL="jeanne@beta.gouv.fr",
        CONTACT_MATTERMOST_URL="https://chat.example.org/data",
    )
    html = app.test_client().get("/").text
    assert "Jeanne Data" in html
    assert 'href="mailto:jeanne@beta.gouv.fr"' in html
    assert 'href="https://chat.example.org/data"' in html


def test_landing_shows_the_next_three_published_sessions(client, create_event):
    create_event("Quatrième", days=4)
    create_event("Première", days=1)
    create_event("Troisième", days=3)
    create_event("Deuxième", days=2)
    create_event("Brouillon", days=1, status="draft")
    create_event("Annulée", days=1, status="cancelled")
    create_event("Passée", days=-1)
    html = client.get("/").text
    cards = re.findall(r'class="fr-card__title">\s*<a href="[^"]+">([^<]+)</a>', html)
    assert cards == ["Première", "Deuxième", "Troisième"]
    assert 'href="/ateliers"' in html


def test_landing_without_sessions_says_so(client):
    assert "Aucune session n’est programmée pour le moment" in unescape(client.get("/").text)


def test_reading_the_landing_page_writes_nothing(client):
    client.get("/")
    assert db.session.execute(db.select(Page)).first() is None


def test_admin_previews_without_saving_then_saves(client, admin):
    form = {"title": "Data Science à beta", "lead": "Chapô", "body": "## Nouveau\n\nTexte **fort**"}
    preview = client.post("/organisation/page-offre", data={**form, "preview": "Prévisualiser"})
    assert preview.status_code == 200
    assert "Aperçu : cette version n’est pas encore enregistrée." in unescape(preview.text)
    assert "<strong>fort</strong>" in preview.text
    assert "Data Science à beta" not in client.get("/").text

    saved = client.post("/organisation/page-offre", data={**form, "save": "Enregistrer"})
    assert saved.status_code == 302
    html = client.get("/").text
    assert "<h1>Data Science à beta</h1>" in html
    assert '<h2 id="section-nouveau">Nouveau</h2>' in html
    assert 'href="#section-nouveau"' in html
    page = db.session.execute(db.select(Page)).scalar_one()
    assert page.updated_by.email == "admin@example.org"


def test_offer_content_is_sanitized(client, admin):
    client.post(
        "/organisation/page-offre",
        data={
            "title": "T",
            "lead": "",
            "body": "[x](javascript:alert(1))\n\n<script>x</script>",
            "save": "Enregistrer",
        },
    )
    html = client.get("/").text
    assert 'href="javascript' not in html
    assert "<script>x" not in html


def test_empty_offer_body_is_refused_with_a_message(client, admin):
    response = client.post(
        "/organisation/page-offre", data={"title": "T", "lead": "", "body": "  ", "save": "1"}
    )
    assert response.status_code == 422
    assert "Le contenu de la page ne peut pas être vide." in response.text
    assert db.session.execute(db.select(Page)).first() is None


def test_only_admins_edit_the_offer_page(client, organizer):
    response = client.get("/organisation/page-offre")
    assert response.status_code == 403
    assert "Accès refusé" in response.text
    assert 'class="fr-header"' in response.text


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/organisation/page-offre")
    assert response.status_code == 302
    assert "/organisation/connexion?next=" in response.headers["Location"]


def test_who_helps_links_to_the_contact_linkedin_profile(make_app):
    html = unescape(make_app().test_client().get("/").text)
    section = html[html.index('id="qui-propose-de-l-aide"') : html.index('id="demander-de-l-aide"')]
    assert "Vincent Viers" in section and "Data Scientist transverse @beta.gouv" in section
    assert 'href="https://www.linkedin.com/in/vincent-viers/"' in section
    other = make_app(CONTACT_LINKEDIN_URL="https://www.linkedin.com/in/jeanne-data/")
    assert 'href="https://www.linkedin.com/in/jeanne-data/"' in other.test_client().get("/").text


def test_french_text_uses_the_typographic_apostrophe(client, create_event):
    create_event("Atelier SQL")
    for url in (
        "/",
        "/ateliers",
        "/ateliers?format=inconnu",
        "/ateliers/passes",
        "/ateliers/atelier-sql",
        "/accessibilite",
        "/mentions-legales",
        "/donnees-personnelles",
        "/organisation/connexion",
        "/n-existe-pas",
    ):
        html = client.get(url).text
        body = html[html.index("<body") :]
        text = unescape(re.sub(r"<[^>]+>", " ", body))
        straight = re.findall(r"\w+'\w+", text)
        assert not straight, (url, straight)


def test_saving_again_updates_the_one_offer_page(client, admin):
    first = {"title": " Offre ", "lead": " Chapô ", "body": "Texte\n\n\n", "save": "1"}
    assert client.post("/organisation/page-offre", data=first).status_code == 302
    page = db.session.execute(db.select(Page)).scalar_one()
    saved_at = page.updated_at
    second = {"title": "Offre 2", "lead": "Autre chapô", "body": "Autre texte", "save": "1"}
    assert client.post("/organisation/page-offre", data=second).status_code == 302
    db.session.expire_all()
    page = db.session.execute(db.select(Page)).scalar_one()
    assert (page.key, page.title, page.lead, page.body) == (
        "offre",
        "Offre 2",
        "Autre chapô",
        "Autre texte\n",
    )
    assert page.updated_at > saved_at
    html = client.get("/").text
    assert "Autre chapô" in html and "Chapô" not in html.replace("Autre chapô", "")


def test_the_default_offer_page_has_its_lead(client):
    html = unescape(client.get("/").text)
    assert "Un data scientist transverse accompagne les startups d’État de beta.gouv" in html
