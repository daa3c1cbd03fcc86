import re
from html import unescape

import pytest

from workshops.text import markdown_to_text, render_markdown, sanitize_html, slugify


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


#: Everything an editor can type, and exactly what a visitor receives. Written out as data:
#: a tag, attribute or URL scheme added to or dropped from the sanitizer's allow-lists, or a
#: change to the heading shift, changes this output.
EVERY_CONSTRUCT = """# Un

## Deux

### Trois

#### Quatre

##### Cinq

Du *penché*, du **gras**, du `code`, [un lien](https://beta.gouv.fr "Titre"){lang=en},
[SQL]{lang=en}, [écrire](mailto:contact@beta.gouv.fr) et [relatif](/ateliers).\\
Ligne suivante.

> Citation

1. un

- a

---

```
bloc
```

| A | B |
|:--|--:|
| 1 | 2 |

![une image](https://beta.gouv.fr/x.png) ![data](data:image/png;base64,AAAA)

[clic]{onclick=alert(1) lang=en} [x](https://a.fr){onclick=alert(1) style="color:red"}
[js](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)
[vb](vbscript:msgbox) [ftp](ftp://beta.gouv.fr/f) [tel](tel:+33100000000)
"""
EVERY_CONSTRUCT_HTML = """<h2>Un</h2>
<h2>Deux</h2>
<h3>Trois</h3>
<h4>Quatre</h4>
Cinq
<p>Du <em>penché</em>, du <strong>gras</strong>, du <code>code</code>, \
<a href="https://beta.gouv.fr" title="Titre" lang="en" rel="noopener noreferrer">un lien</a>,
<span lang="en">SQL</span>, \
<a href="mailto:contact@beta.gouv.fr" rel="noopener noreferrer">écrire</a> et \
<a href="/ateliers" rel="noopener noreferrer">relatif</a>.<br>
Ligne suivante.</p>
<blockquote>
<p>Citation</p>
</blockquote>
<ol>
<li>un</li>
</ol>
<ul>
<li>a</li>
</ul>
<hr>
<pre><code>bloc
</code></pre>
<table>
<thead>
<tr>
<th>A</th>
<th>B</th>
</tr>
</thead>
<tbody>
<tr>
<td>1</td>
<td>2</td>
</tr>
</tbody>
</table>
<p> </p>
<p>[clic]{onclick=alert(1) lang=en} <a href="https://a.fr" rel="noopener noreferrer">x</a>\
{onclick=alert(1) style="color:red"}
[js](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=)
[vb](vbscript:msgbox) <a rel="noopener noreferrer">ftp</a> <a rel="noopener noreferrer">tel</a></p>
"""


def test_what_editors_type_is_exactly_what_visitors_get():
    html, _ = render_markdown(EVERY_CONSTRUCT)
    assert str(html) == EVERY_CONSTRUCT_HTML


#: The sanitizer's allow-list, as data. Markdown never emits most dangerous tags, so the
#: sanitizer is also fed raw HTML: it is the last line if Markdown's HTML mode is ever on.
KEPT = {
    "a": '<a href="https://beta.gouv.fr" title="t" lang="en">x</a>',
    "abbr": '<abbr title="Données">DS</abbr>',
    "blockquote": "<blockquote>x</blockquote>",
    "br": "<br>",
    "code": "<code>x</code>",
    "em": "<em>x</em>",
    "h2": '<h2 id="a">x</h2>',
    "h3": '<h3 id="a">x</h3>',
    "h4": "<h4>x</h4>",
    "hr": "<hr>",
    "li": "<ul><li>x</li></ul>",
    "ol": "<ol><li>x</li></ol>",
    "p": "<p>x</p>",
    "pre": "<pre>x</pre>",
    "span": '<span lang="de-CH">x</span>',
    "strong": "<strong>x</strong>",
    "table": '<table><thead><tr><th scope="col">x</th></tr></thead>'
    "<tbody><tr><td>y</td></tr></tbody></table>",
}
REMOVED = {
    '<img src="https://beta.gouv.fr/x.png" alt="x">': "",
    '<iframe src="https://beta.gouv.fr"></iframe>': "",
    "<script>alert(1)</script>": "",
    "<style>p{}</style>": "",
    '<object data="x"></object>': "",
    '<form action="https://evil.example"><input name="q"></form>': "",
    "<h1>x</h1>": "x",
    "<h5>x</h5>": "x",
    '<div class="fr-btn">x</div>': "x",
    '<p onclick="x()" style="color:red" class="a" id="b" lang="en" title="t">x</p>': "<p>x</p>",
    '<h4 id="a">x</h4>': "<h4>x</h4>",
    '<span title="t" lang="en" onmouseover="x()">x</span>': '<span lang="en">x</span>',
    '<span lang="en onclick">x</span>': "<span>x</span>",
    '<abbr title="t" lang="en">x</abbr>': '<abbr title="t">x</abbr>',
    '<table><tr><td scope="row">x</td></tr></table>': (
        "<table><tbody><tr><td>x</td></tr></tbody></table>"
    ),
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>': '<a rel="noopener noreferrer">x</a>',
    '<a href="javascript:alert(1)">x</a>': '<a rel="noopener noreferrer">x</a>',
    '<a href="ftp://beta.gouv.fr">x</a>': '<a rel="noopener noreferrer">x</a>',
    '<a href="https://a.fr" target="_blank" rel="opener">x</a>': (
        '<a href="https://a.fr" rel="noopener noreferrer">x</a>'
    ),
    "<p>a<!-- note -->b</p>": "<p>ab</p>",
}


def test_the_sanitizer_keeps_exactly_its_allow_list():
    for tag, html in KEPT.items():
        expected = html.replace(">x</a>", ' rel="noopener noreferrer">x</a>')
        assert sanitize_html(html) == expected, tag
    for html, expected in REMOVED.items():
        assert sanitize_html(html) == expected, html


def test_the_table_of_contents_reads_headings_without_their_markup():
    _, headings = render_markdown("## **Gras**, _penché_ et `code`", anchors=True)
    assert [(h.anchor, h.text) for h in headings] == [
        ("section-gras-penche-et-code", "Gras, penché et code")
    ]


def test_empty_text_renders_nothing_and_untitled_headings_get_an_anchor():
    assert render_markdown("") == ("", [])
    assert render_markdown(None) == ("", [])  # type: ignore[arg-type]
    html, headings = render_markdown("## 🎉\n\n## 🎉", anchors=True)
    assert [h.anchor for h in headings] == ["section-sans-titre", "section-sans-titre-2"]
    assert '<h2 id="section-sans-titre">🎉</h2>' in html


def test_a_language_mark_applies_to_spans_and_links_only():
    html, _ = render_markdown("`SELECT`{lang=en} ![x](a.png){lang=en} **gras**{lang=en}")
    assert (
        str(html)
        == "<p><code>SELECT</code>{lang=en} {lang=en} <strong>gras</strong>{lang=en}</p>\n"
    )


def test_slugs_trim_their_hyphens_and_stop_at_eighty_characters_by_default():
    assert slugify("« Atelier » !") == "atelier"
    assert slugify("--a--b--") == "a-b"
    assert slugify("x" * 100) == "x" * 80
    assert slugify("ab " * 40, max_length=10) == "ab-ab-ab-a"
    assert slugify("a" * 9 + " b", max_length=10) == "aaaaaaaaa"  # no trailing hyphen


def test_only_lang_is_read_from_the_attribute_syntax():
    """A title (allowed on links when it comes from Markdown's own syntax) cannot be slipped
    in through `{title=…}`: editors mark a language with it, nothing else."""
    html, _ = render_markdown("[l](https://a.fr){title=t lang=en} [c]{title=x lang=en}")
    assert str(html) == (
        '<p><a href="https://a.fr" lang="en" rel="noopener noreferrer">l</a> '
        '<span lang="en">c</span></p>\n'
    )


# --- Markdown as plain text (calendar descriptions, later mail) ---------------------------


def test_markdown_to_text_keeps_structure_and_link_addresses():
    source = (
        "# Programme\n\n"
        "Un **point** et *un autre*, avec `code` et [le guide](https://guide.example.org/a?b=1).\n"
        "Suite du paragraphe.\n\n"
        "- un\n- deux\n  1. a\n  2. b\n\n"
        "3. trois\n4. quatre\n\n"
        "| Jour | Sujet |\n|---|---|\n| Lundi | SQL |\n\n"
        "```\nSELECT 1;\n```\n\n"
        "---\n\n"
        "Écrire à [l’équipe](mailto:equipe@example.org), voir <https://auto.example.org> "
        "ou [https://same.example.org](https://same.example.org)."
    )
    assert markdown_to_text(source) == (
        "Programme\n\n"
        "Un point et un autre, avec code et le guide (https://guide.example.org/a?b=1).\n"
        "Suite du paragraphe.\n\n"
        "- un\n- deux\n  1. a\n  2. b\n\n"
        "3. trois\n4. quatre\n\n"
        "Jour | Sujet\nLundi | SQL\n\n"
        "SELECT 1;\n\n"
        "—\n\n"
        "Écrire à l’équipe (equipe@example.org), voir https://auto.example.org "
        "ou https://same.example.org."
    )


def test_markdown_to_text_drops_unsafe_link_addresses_and_keeps_raw_html_as_text():
    assert markdown_to_text("[clic](javascript:alert(1)) <b>gras</b>") == (
        "[clic](javascript:alert(1)) <b>gras</b>"
    )
    assert markdown_to_text("[fichier](ftp://example.org/a) et [](https://vide.example.org)") == (
        "fichier et https://vide.example.org"
    )
    assert markdown_to_text("[relatif](/ateliers)") == "relatif"


def test_markdown_to_text_of_nothing_is_nothing():
    assert markdown_to_text("") == ""
    assert markdown_to_text("   \n\n  ") == ""
    assert markdown_to_text("![schéma](https://img.example.org/a.png)") == "schéma"


@pytest.mark.parametrize("entity", ["&#x0C;", "&#x1B;", "&#x202E;", "&#x2066;", "&#8238;"])
def test_character_references_cannot_bring_back_forbidden_characters(entity):
    """Forms refuse these characters; a Markdown character reference must not let them in."""
    source = f"Avant{entity}après [lien{entity}](https://example.org)"
    text = markdown_to_text(source)
    html, _ = render_markdown(source)
    # markdown-it turns some references into U+FFFD, which is harmless; none may stay.
    assert text.replace("\ufffd", "") == "Avantaprès lien (https://example.org)"
    assert str(html).replace("\ufffd", "") == (
        '<p>Avantaprès <a href="https://example.org" rel="noopener noreferrer">lien</a></p>\n'
    )


def test_a_mailto_link_shows_its_address_only_when_it_is_one():
    assert markdown_to_text("[a](mailto:ana@example.org)") == "a (ana@example.org)"
    assert markdown_to_text("[a](mailto:javascript:alert(1))") == "a (mailto:javascript:alert(1))"


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("une ligne  \nforcée", "une ligne\nforcée"),
        ("[**gras**](https://x.org)", "gras (https://x.org)"),
        ("[un *mot* clé](https://x.org)", "un mot clé (https://x.org)"),
        ("[ana@example.org](mailto:ana@example.org)", "ana@example.org"),
        ("```\nA = MAX  \n```", "A = MAX  "),
        ("```\nMAX\n```", "MAX"),
        ("[https://*x*.org](https://x.org)", "https://x.org"),
        ("Texte\n\n    x = 1", "Texte\n\nx = 1"),
        ("avant\n\n![](https://x.org/i.png)\n\naprès", "avant\n\naprès"),
        ("1. un\n\n- deux", "1. un\n\n- deux"),
    ],
)
def test_markdown_to_text_edge_cases(source, text):
    assert markdown_to_text(source) == text
