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
    assert [h.anchor for h in headings] == ["titre", "quesaco", "quesaco-2"]
    assert '<h2 id="quesaco">Quésaco ?</h2>' in html


def test_slugify_is_ascii_and_readable():
    assert slugify("Atelier : SQL & données d'usage") == "atelier-sql-donnees-d-usage"
    assert slugify("  ") == ""
