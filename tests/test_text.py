import re
from html import unescape

from workshops.text import render_markdown, sanitize_html, slugify


def test_markdown_renders_lists_and_emphasis():
    html, _ = render_markdown("Du **gras** et :\n\n- un\n- deux")
    assert "<strong>gras</strong>" in html
    assert "<li>un</li>" in html


def test_raw_html_and_scripts_never_reach_the_page():
    html, _ = render_markdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">')
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;img" in html  # shown as text, never as a tag


def test_only_http_https_and_mailto_links_survive():
    html, _ = render_markdown(
        "[a](javascript:alert(1)) [b](https://beta.gouv.fr) [c](mailto:x@beta.gouv.fr) "
        "[d](data:text/html;base64,PHNjcmlwdD4=) [e](/ateliers)"
    )
    assert 'href="javascript' not in html
    assert 'href="data' not in html
    assert 'href="https://beta.gouv.fr"' in html
    assert 'href="mailto:x@beta.gouv.fr"' in html
    assert 'href="/ateliers"' in html
    assert 'rel="noopener noreferrer"' in html


def test_sanitizer_drops_event_handlers_styles_and_bad_links():
    cleaned = sanitize_html('<p onclick="x()" style="color:red">Bonjour</p>')
    assert cleaned == "<p>Bonjour</p>"
    link = sanitize_html('<a href="javascript:alert(1)">x</a><a href="vbscript:y">y</a>')
    assert "javascript" not in link and "vbscript" not in link


def test_headings_get_anchors_and_the_page_keeps_a_single_h1():
    html, headings = render_markdown("# Titre\n\n## Quésaco ?\n\n## Quésaco ?", anchors=True)
    assert "<h1" not in html
    assert [h.anchor for h in headings] == ["section-titre", "section-quesaco", "section-quesaco-2"]
    assert '<h2 id="section-quesaco">Quésaco ?</h2>' in html


def test_heading_ids_never_collide_with_the_layout_or_each_other():
    source = "## Contenu\n\n## Quésaco 2\n\n## Quésaco\n\n## Quésaco\n\n## ***\n\n## "
    html, headings = render_markdown(source, anchors=True)
    anchors = [h.anchor for h in headings]
    assert anchors[:4] == [
        "section-contenu",
        "section-quesaco-2",
        "section-quesaco",
        "section-quesaco-3",
    ]
    assert len(set(anchors)) == len(anchors)
    assert 'id="contenu"' not in html


def test_many_identical_headings_are_numbered_in_linear_work(monkeypatch):
    """A 50 KB body of identical headings took seconds: count the membership tests."""
    import workshops.text as text

    checks = 0

    class CountingSet(set):
        def __contains__(self, item):  # type: ignore[no-untyped-def]
            nonlocal checks
            checks += 1
            return super().__contains__(item)

    monkeypatch.setattr(text, "set", CountingSet, raising=False)
    _, headings = render_markdown("## Même titre\n\n" * 2000, anchors=True)
    assert headings[-1].anchor == "section-meme-titre-2000"
    assert checks < 3 * 2000


def test_slugify_is_ascii_and_readable():
    assert slugify("Atelier : SQL & données d'usage") == "atelier-sql-donnees-d-usage"
    assert slugify("  ") == ""


def test_editors_mark_a_language_change_with_the_attrs_syntax():
    html, _ = render_markdown(
        "Du [machine learning]{lang=en} et du [MLOps](https://ml-ops.org/){lang=en}"
    )
    assert '<span lang="en">machine learning</span>' in html
    assert '<a href="https://ml-ops.org/" lang="en" rel="noopener noreferrer">MLOps</a>' in html


def test_only_a_well_formed_lang_survives_on_span():
    html, _ = render_markdown('[x]{lang=en .rouge #ancre onclick="alert(1)" style="color:red"}')
    assert html.strip() == '<p><span lang="en">x</span></p>'
    bad, _ = render_markdown('[y]{lang="en onmouseover=alert(1)"}')
    assert "lang=" not in bad
    assert "<span>y</span>" in bad
    assert sanitize_html('<span lang="de-CH" class="c" style="s" title="t">z</span>') == (
        '<span lang="de-CH">z</span>'
    )


def test_the_default_offer_marks_its_english_terms(client):
    html = client.get("/").text
    assert '<span lang="en">machine learning</span>' in html
    assert 'lang="en" rel="noopener noreferrer">MLOps</a>' in html


def test_english_theme_names_are_marked(client, create_event):
    create_event("Atelier ML", theme_names=["Machine learning", "Python", "Données"])
    for url in ("/ateliers", "/ateliers/atelier-ml"):
        html = client.get(url).text
        assert re.search(r'class="fr-tag fr-tag--sm" lang="en"[^>]*>Machine learning<', html), url
        assert re.search(r'class="fr-tag fr-tag--sm"[^>]*>Données<', html)
        assert not re.search(r'lang="en"[^>]*>Données<', html)


def test_editors_are_told_how_to_mark_a_language(client, admin):
    for url in ("/organisation/sessions/nouvelle", "/organisation/page-offre"):
        assert "[machine learning]{lang=en}" in unescape(client.get(url).text), url
