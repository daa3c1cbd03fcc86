"""Forms tell every user, screen readers included, what is required, in which format, and
where the errors are."""

import re
from html import unescape


def tag(html: str, element_id: str) -> str:
    match = re.search(rf'<(?:input|fieldset|textarea)\b[^>]*\bid="{element_id}"[^>]*>', html)
    assert match, element_id
    return match.group(0)


def test_required_fields_say_so_to_screen_readers(client, organizer):
    html = client.get("/organisation/sessions/nouvelle").text
    for name in ("starts_at", "ends_at", "title"):
        field = tag(html, name)
        assert " required" in field and 'aria-required="true"' in field, field
        label = re.search(rf'<label class="fr-label" for="{name}">(.*?)</label>', html, re.S)
        assert 'class="fr-sr-only">(obligatoire)</span>' in label.group(1)
    kind = tag(html, "kind")
    assert 'role="radiogroup"' in kind and 'aria-required="true"' in kind
    legend = re.search(r'<legend[^>]*id="kind-legend">(.*?)</legend>', html, re.S).group(1)
    assert "(obligatoire)" in legend
    # An optional field says nothing.
    assert "required" not in tag(html, "location")


def test_date_fields_give_the_expected_format(client, organizer):
    html = unescape(client.get("/organisation/sessions/nouvelle").text)
    for name in ("starts_at", "ends_at", "registration_closes_at"):
        label = re.search(rf'<label class="fr-label" for="{name}">(.*?)</label>', html, re.S)
        assert "Format : jj/mm/aaaa hh:mm" in label.group(1), name


def test_error_summary_links_a_radio_group_to_its_first_option(client, organizer):
    html = client.post("/organisation/sessions/nouvelle", data={}).text
    assert 'href="#kind-0"' in html
    assert 'id="kind-0"' in html
    assert 'href="#title"' in html


def test_login_form_explains_the_asterisk(client):
    html = unescape(client.get("/organisation/connexion").text)
    assert "marqués d’un astérisque" in html


def test_pages_load_the_script_that_focuses_the_error_summary(client):
    html = client.get("/organisation/connexion").text
    assert re.search(r'<script src="/static/app\.js" defer></script>', html)
    with client.get("/static/app.js") as script:
        assert script.status_code == 200
        assert b"#erreurs" in script.data
