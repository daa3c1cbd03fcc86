"""Legal pages every French public site owes its visitors, linked from the footer."""

import re
from html import unescape


def headings(html: str) -> list[str]:
    return [unescape(h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)]


def test_footer_links_to_each_legal_page(client):
    html = client.get("/ateliers").text
    footer = html[html.index('<div class="fr-footer__bottom">') :]
    for href, text in (
        ("/accessibilite", "Accessibilité : non conforme"),
        ("/mentions-legales", "Mentions légales"),
        ("/donnees-personnelles", "Données personnelles"),
    ):
        assert f'<a class="fr-footer__bottom-link" href="{href}">{text}</a>' in unescape(footer)


def test_legal_notice_names_the_publisher_and_the_host(make_app):
    app = make_app(LEGAL_HOSTING="Hébergeur Exemple SAS, 1 rue de l’Exemple, 75000 Paris")
    response = app.test_client().get("/mentions-legales")
    assert response.status_code == 200
    html = unescape(response.text)
    assert "<title>Mentions légales - " in html
    assert headings(html)[:3] == ["Éditeur", "Directeur de la publication", "Hébergement"]
    assert "Hébergeur Exemple SAS" in html


def test_personal_data_page_says_what_why_how_long_who_and_rights(client):
    response = client.get("/donnees-personnelles")
    assert response.status_code == 200
    html = unescape(response.text)
    assert "<title>Données personnelles - " in html
    for section in (
        "Données collectées",
        "Pourquoi ces données ?",
        "Durée de conservation",
        "Qui y a accès ?",
        "Vos droits",
        "Cookies",
        "Contact",
    ):
        assert section in headings(html), section
    for collected in ("nom", "adresse électronique", "organisation"):
        assert collected in html
    assert 'href="mailto:vincent.viers@beta.gouv.fr"' in html
    assert "CNIL" in html


def test_accessibility_statement_has_the_rgaa_sections(make_app):
    app = make_app(ACCESSIBILITY_STATEMENT_DATE="28 novembre 2026")
    html = unescape(app.test_client().get("/accessibilite").text)
    assert headings(html) == [
        "État de conformité",
        "Contenus non accessibles",
        "Établissement de cette déclaration d’accessibilité",
        "Retour d’information et contact",
        "Voies de recours",
    ]
    assert "28 novembre 2026" in html
    assert "Défenseur des droits" in html
    # The scope lists the pages covered.
    for page in ("/ateliers", "/mentions-legales", "/donnees-personnelles", "/organisation/"):
        assert page in html, page
