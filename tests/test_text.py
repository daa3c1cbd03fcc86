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
