import re
from datetime import timedelta
from html import unescape

from workshops.catalogue import queries
from workshops.dates import utcnow
from workshops.extensions import db

from .factories import PASSWORD, paris


def titles(html: str) -> list[str]:
    return re.findall(r'class="fr-card__title">\s*<a href="[^"]+">([^<]+)</a>', html)


def test_upcoming_events_soonest_first_without_drafts_or_past(client, create_event):
    create_event("Plus tard", days=20)
    create_event("Bientôt", days=2)
    create_event("Brouillon", days=3, status="draft")
    create_event("Déjà passé", days=-3)
    response = client.get("/ateliers")
    assert response.status_code == 200
    assert titles(response.text) == ["Bientôt", "Plus tard"]


def test_an_event_in_progress_is_still_upcoming(client, create_event):
    create_event("En cours", starts_at=utcnow() - timedelta(hours=1), hours=3)
    assert titles(client.get("/ateliers").text) == ["En cours"]


def test_cancelled_events_stay_listed_and_marked(client, create_event):
    create_event("Annulé", status="cancelled")
    html = client.get("/ateliers").text
    assert titles(html) == ["Annulé"]
    assert "fr-badge--error" in html


def test_filter_by_kind_theme_format_and_text(client, create_event):
    create_event(
        "SQL en ligne",
        kind="workshop",
        theme_names=["SQL"],
        location=None,
        online_url="https://visio.example.org/a",
    )
    create_event("Café data", kind="community", theme_names=["Communauté"])
    create_event(
        "Python hybride",
        theme_names=["Python"],
        online_url="https://visio.example.org/b",
        description="Avec **pandas**",
    )
    assert titles(client.get("/ateliers?type=communaute").text) == ["Café data"]
    assert titles(client.get("/ateliers?theme=sql").text) == ["SQL en ligne"]
    assert titles(client.get("/ateliers?format=en-ligne").text) == [
        "SQL en ligne",
        "Python hybride",
    ]
    assert titles(client.get("/ateliers?format=sur-place").text) == ["Café data", "Python hybride"]
    assert titles(client.get("/ateliers?q=PANDAS").text) == ["Python hybride"]
    assert titles(client.get("/ateliers?type=atelier&q=sql").text) == ["SQL en ligne"]


def test_text_search_treats_wildcards_literally(client, create_event):
    create_event("Atelier SQL")
    response = client.get("/ateliers?q=%25")
    assert response.status_code == 200
    assert titles(response.text) == []
    assert "Aucune session à venir ne correspond à ces filtres" in response.text


def test_invalid_filter_is_reported_and_ignored(client, create_event):
    create_event("Atelier SQL")
    response = client.get("/ateliers?type=inconnu")
    assert response.status_code == 400
    assert "Un filtre n’est pas valide" in unescape(response.text)
    assert titles(response.text) == ["Atelier SQL"]


def test_empty_catalogue_helps_the_visitor(client):
    response = client.get("/ateliers")
    assert response.status_code == 200
    assert "Aucune session n’est programmée pour le moment" in unescape(response.text)
    assert 'href="/ateliers/passes"' in response.text


def test_pagination_keeps_filters_and_refuses_pages_past_the_end(make_app):
    app = make_app(CATALOGUE_PER_PAGE=2)
    client = app.test_client()
    with app.app_context():
        from workshops.accounts import users as accounts
        from workshops.events import lifecycle as events

        author = accounts.create_user("a@example.org", "A", "organizer", PASSWORD)
        for n in range(5):
            event = events.create_event(
                events.EventData(
                    kind="workshop",
                    title=f"Atelier {n}",
                    summary="s",
                    description="",
                    starts_at=utcnow() + timedelta(days=n + 1),
                    ends_at=utcnow() + timedelta(days=n + 1, hours=1),
                    location="Paris",
                    theme_names=["SQL"],
                ),
                author,
            )
            events.publish_event(event)
        db.session.commit()
    first = client.get("/ateliers?theme=sql")
    assert titles(first.text) == ["Atelier 0", "Atelier 1"]
    assert "/ateliers?theme=sql&amp;page=2" in first.text
    assert titles(client.get("/ateliers?theme=sql&page=3").text) == ["Atelier 4"]
    assert client.get("/ateliers?page=4").status_code == 404
    assert client.get("/ateliers?page=0").status_code == 404


def test_past_events_most_recent_first(client, create_event):
    create_event("Il y a longtemps", days=-30)
    create_event("Récemment", days=-2)
    create_event("À venir", days=2)
    response = client.get("/ateliers/passes")
    assert response.status_code == 200
    assert titles(response.text) == ["Récemment", "Il y a longtemps"]


def test_detail_page_shows_everything_in_french(client, create_event, create_user):
    host = create_user(name="Karim Benali")
    event = create_event(
        "Explorer ses données",
        starts_at=paris(2031, 12, 4, 14),
        hours=2.5,
        capacity=15,
        theme_names=["SQL", "Exploration"],
        online_url="https://visio.example.org/sql",
        description="## Programme\n\n- Requêtes\n\n<script>alert(1)</script>",
        organizer_ids=[host.id],
    )
    response = client.get(f"/ateliers/{event.slug}")
    assert response.status_code == 200
    html = response.text.replace("\u00a0", " ")
    assert "Jeudi 4 décembre 2031, de 14 h à 16 h 30" in html
    assert "2 h 30" in html
    assert "15 places" in html
    assert "Hybride" in html
    assert "Ségur, Paris" in html
    assert 'href="https://visio.example.org/sql"' in html
    assert "Karim Benali" in html
    assert ">SQL<" in html and ">Exploration<" in html
    assert "<h2>Programme</h2>" in html
    assert "<script>alert" not in html


def test_unlimited_capacity_is_said_plainly(client, create_event):
    event = create_event(capacity=None)
    assert "Sans limite de places" in client.get(f"/ateliers/{event.slug}").text


def test_cancelled_event_page_shows_the_reason(client, create_event):
    event = create_event(status="cancelled", reason="Grève des transports.")
    html = client.get(f"/ateliers/{event.slug}").text
    assert "Cette session est annulée" in html
    assert "Grève des transports." in html


def test_past_event_page_has_a_banner(client, create_event):
    event = create_event(days=-3)
    assert "Cette session est passée" in client.get(f"/ateliers/{event.slug}").text


def test_drafts_answer_404_to_the_public(client, create_event):
    event = create_event(status="draft")
    response = client.get(f"/ateliers/{event.slug}")
    assert response.status_code == 404
    assert "Page non trouvée" in response.text


def test_organizers_see_drafts_with_a_banner(client, create_event, organizer):
    event = create_event(status="draft")
    response = client.get(f"/ateliers/{event.slug}")
    assert response.status_code == 200
    assert "Brouillon" in response.text


def test_unknown_slug_is_404(client):
    assert client.get("/ateliers/n-existe-pas").status_code == 404


def test_catalogue_query_count_does_not_grow_with_events(client, create_event, count_queries):
    def load() -> int:
        with count_queries() as queries:
            assert client.get("/ateliers").status_code == 200
        return len(queries)

    create_event("Un", theme_names=["SQL", "Python"])
    few = load()
    for n in range(8):
        create_event(f"Atelier {n}", theme_names=[f"Thème {n}", "SQL", "MLOps"])
    assert load() == few


def test_past_and_landing_query_counts_do_not_grow(client, create_event, count_queries):
    def load(url: str) -> int:
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    create_event("Passé", days=-2, theme_names=["SQL"])
    create_event("Futur", days=2, theme_names=["SQL"])
    before = (load("/ateliers/passes"), load("/"))
    for n in range(6):
        create_event(f"Passé {n}", days=-3 - n, theme_names=[f"T{n}", "SQL"])
        create_event(f"Futur {n}", days=3 + n, theme_names=[f"T{n}", "Python"])
    assert (load("/ateliers/passes"), load("/")) == before


def test_search_ignores_accents_and_case_and_reads_themes(client, create_event):
    create_event("Explorer ses données", theme_names=["MLOps"], description="Cœur du sujet")
    create_event("Café data")
    for query in ("donnees", "DONNÉES", "mlops", "coeur", "explorer   DONNEES"):
        assert titles(client.get(f"/ateliers?q={query}").text) == ["Explorer ses données"], query
    assert titles(client.get("/ateliers?q=cafe").text) == ["Café data"]
    assert titles(client.get("/ateliers?q=donnees cafe").text) == []


def test_detail_alerts_come_after_the_h1_without_headings(client, organizer, create_event):
    """Past, cancelled and draft banners must not open the page with an h2."""
    pages = [
        f"/ateliers/{create_event('Passé', days=-3).slug}",
        f"/ateliers/{create_event('Annulé', status='cancelled').slug}",
        f"/organisation/sessions/{create_event('Brouillon', status='draft').id}/apercu",
    ]
    for url in pages:
        html = client.get(url).text
        main = html[html.index('<main id="contenu"') :]
        first_heading = re.search(r"<h([1-6])\b", main)
        assert first_heading.group(1) == "1", url
        assert '<p class="fr-alert__title">' in main, url


def test_an_upcoming_session_offers_to_sign_up(client, create_event):
    event = create_event("Atelier SQL")
    html = client.get(f"/ateliers/{event.slug}").text
    assert f'action="/ateliers/{event.slug}/inscription#inscription"' in html
    cancelled = create_event("Annulé", status="cancelled")
    html = client.get(f"/ateliers/{cancelled.slug}").text
    assert "Les inscriptions sont fermées : la session est annulée." in html
    assert "/inscription#inscription" not in html
    past = create_event("Passé", starts_at=utcnow() - timedelta(days=3))
    html = client.get(f"/ateliers/{past.slug}").text
    assert "Cette session est terminée : les inscriptions sont closes." in html


def test_theme_options_ignore_case_and_accents_in_their_order(client, create_event):
    create_event("A", theme_names=["MLOps", "Machine learning", "Éthique", "data"])
    html = client.get("/ateliers").text
    options = re.findall(r'<option value="([a-z-]+)">', html)
    assert [o for o in options if o in {"mlops", "machine-learning", "ethique", "data"}] == [
        "data",
        "ethique",
        "machine-learning",
        "mlops",
    ]


def test_catalogue_wording_when_nothing_scheduled_matches(client, create_event):
    create_event("Segmentation", status="cancelled")
    create_event("Atelier SQL")
    html = unescape(client.get("/ateliers?q=segmentation").text)
    assert "<title>Aucune session ne correspond à vos filtres" in html
    assert re.search(r'id="resultats"[^>]*>Aucune session ne correspond à vos filtres</h2>', html)
    html = unescape(client.get("/ateliers?type=zzz&format=zzz").text)
    assert "Des filtres ne sont pas valides et n’ont pas été appliqués." in html
    html = unescape(client.get("/ateliers?type=zzz").text)
    assert "Un filtre n’est pas valide et n’a pas été appliqué." in html


def upcoming_titles(filters=None, now=None) -> list[str]:
    query = queries.upcoming_events(filters or queries.CatalogueFilters(), now)
    return [event.title for event in db.session.execute(query).scalars()]


def past_titles(now=None) -> list[str]:
    return [event.title for event in db.session.execute(queries.past_events(now)).scalars()]


def test_a_session_leaves_the_catalogue_at_its_exact_end(create_event):
    start = paris(2031, 3, 4, 14)
    create_event("Atelier SQL", starts_at=start, hours=2)
    end = start + timedelta(hours=2)
    assert upcoming_titles(now=end - timedelta(microseconds=1)) == ["Atelier SQL"]
    assert past_titles(now=end - timedelta(microseconds=1)) == []
    assert upcoming_titles(now=end) == []
    assert past_titles(now=end) == ["Atelier SQL"]


def test_the_landing_page_advertises_the_next_three_published_sessions(client, create_event):
    create_event("Annulée", days=1, status="cancelled")
    create_event("Brouillon", days=1, status="draft")
    create_event("Finie", days=-1)
    for n in range(1, 6):
        create_event(f"Session {n}", days=n + 1)
    assert [e.title for e in queries.next_events()] == ["Session 1", "Session 2", "Session 3"]
    html = client.get("/").text
    assert all(f"Session {n}" in html for n in (1, 2, 3))
    assert "Session 4" not in html and "Annulée" not in html


def test_the_theme_filter_offers_only_themes_the_public_can_see(client, create_event):
    create_event("Brouillon", status="draft", theme_names=["Secret"])
    create_event("Annulée", status="cancelled", theme_names=["Éthique"])
    create_event("Publiée", theme_names=["SQL"])
    assert [theme.name for theme in queries.themes_in_use()] == ["Éthique", "SQL"]
    html = client.get("/ateliers").text
    assert 'value="sql"' in html and 'value="secret"' not in html


def test_the_title_alone_is_searched_too(client, create_event):
    create_event("Segmentation client", summary="Une session.", description="")
    create_event("Atelier SQL", summary="Une session.", description="")
    assert titles(client.get("/ateliers?q=segmentation").text) == ["Segmentation client"]


def test_the_filters_say_what_they_show(client, create_event):
    create_event("Café data", kind="community", theme_names=["Communauté"])
    html = unescape(client.get("/ateliers?type=communaute&theme=communaute&q=%20café%20").text)
    assert '<option value="">Toutes les thématiques</option>' in html
    active = re.search(r'aria-label="Filtres actifs">(.*?)</ul>', html, re.S).group(1)
    tags = re.findall(r'<p class="fr-tag fr-tag--sm">([^<]+)</p>', active)
    assert tags == [
        "Rechercher : « café »",
        "Type : Sessions communauté",
        "Thématique : Communauté",
    ]


def test_an_unknown_theme_is_reported_and_ignored(client, create_event):
    create_event("Atelier SQL", theme_names=["SQL"])
    response = client.get("/ateliers?theme=inexistante")
    assert response.status_code == 400
    assert titles(response.text) == ["Atelier SQL"]


def test_counts_are_taken_at_the_moment_asked(create_event):
    create_event("Atelier SQL", days=2)
    create_event("Annulée", days=3, status="cancelled")
    every = queries.CatalogueFilters()
    assert queries.count_upcoming(every) == {"published": 1, "cancelled": 1}
    assert queries.count_upcoming(every, now=utcnow() + timedelta(days=10)) == {}


def test_an_empty_place_or_link_does_not_count_as_a_format(client, create_event):
    create_event("Sans lieu", location="", online_url="https://visio.example.org/a")
    create_event("Sans lien", location="Ségur", online_url="")
    assert titles(client.get("/ateliers?format=sur-place").text) == ["Sans lien"]
    assert titles(client.get("/ateliers?format=en-ligne").text) == ["Sans lieu"]


def test_the_landing_page_stops_advertising_a_session_at_its_end(create_event):
    event = create_event("Atelier SQL", days=1)
    assert queries.next_events(now=event.ends_at - timedelta(seconds=1)) == [event]
    assert queries.next_events(now=event.ends_at) == []
