"""The Nu Html Checker run catches invalid HTML and names the page."""

import pytest

from .conftest import BROWSER_VARIABLE, browser_tools_disabled, browser_tools_required
from .htmlcheck import HtmlCollector


def test_invalid_html_is_reported_with_its_page():
    if browser_tools_disabled():
        pytest.skip(f"HTML validation turned off by {BROWSER_VARIABLE}=off.")
    collector = HtmlCollector()
    reason = collector.unavailable_reason()
    if reason:
        if browser_tools_required():
            pytest.fail(reason)
        pytest.skip(f"HTML checker unavailable: {reason}.")
    collector.add("/valide", "<!doctype html><html lang=fr><title>ok</title><p>ok</p></html>")
    collector.add("/invalide", "<!doctype html><html lang=fr><title>x</title><p><div>x</p></html>")
    errors = collector.check()
    assert errors
    assert all(error.startswith("/invalide") for error in errors)


def test_csrf_tokens_do_not_multiply_pages():
    collector = HtmlCollector()
    page = '<input id="csrf_token" name="csrf_token" type="hidden" value="{}">'
    collector.add("/a", page.format("one"))
    collector.add("/a", page.format("two"))
    assert len(collector.documents) == 1
