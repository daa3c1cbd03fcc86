"""The checks themselves must be able to fail: a planted defect is caught and explained."""

from __future__ import annotations

import pytest


def test_axe_reports_the_rule_the_element_and_the_help_url(visitor):
    visitor.page.set_content(
        '<!doctype html><html lang="fr"><head><title>t</title></head>'
        '<body><main><img src="data:," id="sans-alternative"></main></body></html>'
    )
    with pytest.raises(AssertionError) as failure:
        visitor.audit()
    message = str(failure.value)
    assert "image-alt" in message
    assert "#sans-alternative" in message
    assert "https://dequeuniversity.com/rules/axe/" in message
