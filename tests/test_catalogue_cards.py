"""The catalogue as a first-time visitor reads it: date first, place, months, honest counts,
collapsible filters that say which are active, and page titles that tell pages apart."""

import re
from datetime import datetime
from html import unescape

from workshops.dates import PARIS

from .test_catalogue import titles


def at(year: int, month: int, day: int, hour: int = 14) -> datetime:
    return datetime(year, month, day, hour, tzinfo=PARIS)


def cards(html: str) -> list[str]:
    return re.findall(r'<div class="fr-card .*?</div>\s*</div>\s*</div>\s*</div>', html, re.S)


def page_title(html: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1))


def test_cards_put_the_date_first_and_show_the_place(client, create_event):
    create_event("Sur place", starts_at=at(2031, 12, 4), location="Ségur, salle 4.312")
    create_event(
        "En visio", starts_at=at(2031, 12, 5), location=None, online_url="https://visio.example/a"
    )
    create_event(
        "Hybride", starts_at=at(2031, 12, 8), location="Ségur", online_url="https://visio.example/b"
    )
    html = unescape(client.get("/ateliers").text)
    on_site, online, hybrid = cards(html)
    start = re.search(r'<div class="fr-card__start">(.*?)</div>', on_site, re.S).group(1)
    assert 'class="event-card__date fr-icon-calendar-line"' in start
    assert "Jeudi 4\u00a0décembre 2031, de 14\u00a0h à 16\u00a0h" in start
    assert 'map-pin-2-line">Ségur, salle 4.312</p>' in on_site
    assert re.search(r"map-pin-2-line\">En ligne</p>", online)
    assert "Ségur et en ligne" in hybrid


def test_upcoming_sessions_are_grouped_by_month(client, create_event):
    create_event("Janvier", starts_at=at(2032, 1, 12))
    create_event("Décembre A", starts_at=at(2031, 12, 4))
    create_event("Décembre B", starts_at=at(2031, 12, 18))
    html = unescape(client.get("/ateliers").text)
    months = re.findall(r'<h3 class="fr-h5 fr-mt-4w catalogue-month"[^>]*>([^<]+)</h3>', html)
    assert months == ["Décembre 2031", "Janvier 2032"]
    assert titles(html) == ["Décembre A", "Décembre B", "Janvier"]
    assert '<h4 class="fr-card__title">' in html


def test_cancelled_sessions_are_listed_but_not_counted(client, create_event):
    create_event("Prévue", days=3)
    create_event("Autre", days=4)
    create_event("Annulée", days=5, status="cancelled")
    html = unescape(client.get("/ateliers").text)
    assert re.search(r'id="resultats"[^>]*>\s*2 sessions à venir\s*<', html)
    assert titles(html) == ["Prévue", "Autre", "Annulée"]
    assert "Annulée</p>" in html  # the badge
    only_cancelled = unescape(client.get("/ateliers?q=annulee").text)
    assert re.search(
        r'id="resultats"[^>]*>\s*Aucune session ne correspond à vos filtres', only_cancelled
    )
    assert titles(only_cancelled) == ["Annulée"]


def test_filters_collapse_behind_a_button_that_shows_the_active_ones(client, create_event):
    create_event("Café data", kind="community", theme_names=["Communauté"])
    plain = unescape(client.get("/ateliers").text)
    button = re.search(r'<button[^>]*aria-controls="filtres"[^>]*>(.*?)</button>', plain, re.S)
    assert button and 'aria-expanded="false"' in button.group(0)
    assert button.group(1).strip() == "Filtrer"
    assert '<div class="fr-collapse" id="filtres">' in plain
    filtered = unescape(client.get("/ateliers?type=communaute&theme=communaute").text)
    button = re.search(r'<button[^>]*aria-controls="filtres"[^>]*>(.*?)</button>', filtered, re.S)
    assert re.sub(r"<[^>]+>", "", button.group(1)) == "Filtrer (2 filtres actifs)"
    active = re.search(
        r'<ul class="fr-tags-group[^"]*" aria-label="Filtres actifs">(.*?)</ul>', filtered, re.S
    )
    tags = re.findall(r'<p class="fr-tag fr-tag--sm">([^<]+)</p>', active.group(1))
    assert tags == ["Type : Sessions communauté", "Thématique : Communauté"]
    # An invalid filter opens the panel so that the message is seen.
    invalid = client.get("/ateliers?format=teleportation").text
    assert re.search(
        r'<button[^>]*aria-controls="filtres"[^>]*aria-expanded="true"', invalid
    ) or re.search(r'<button[^>]*aria-expanded="true"[^>]*aria-controls="filtres"', invalid)


def test_page_titles_tell_filtered_and_empty_catalogues_apart(client, create_event):
    assert page_title(client.get("/ateliers").text).startswith("Aucune session à venir - ")
    create_event("Atelier SQL", theme_names=["SQL"])
    assert page_title(client.get("/ateliers").text).startswith("Ateliers et sessions à venir - ")
    assert page_title(client.get("/ateliers?theme=sql").text).startswith(
        "1 session correspondant à vos filtres - Ateliers et sessions à venir - "
    )
    assert page_title(client.get("/ateliers?q=rien").text).startswith(
        "Aucune session ne correspond à vos filtres - Ateliers et sessions à venir - "
    )
