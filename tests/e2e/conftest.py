"""Browser tests: Playwright drives Debian's Chromium against gunicorn on 127.0.0.1.

The server runs the real app (migrations and demo data from `flask init`) on SQLite and
again on PostgreSQL. Every page a test visits is checked with axe-core (WCAG 2.1 A and AA)
and its HTML goes to the Nu Html Checker with the rest of the suite.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ..conftest import SCREENSHOTS, browser_tools_required
from ..htmlcheck import ROOT
from ..smtp import Inbox, free_port, start_smtp

CHROMIUM = os.environ.get("WORKSHOPS_CHROMIUM", "/usr/bin/chromium")
#: Flags for this closed network: no background requests to Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    # French UI (Debian's chromium-l10n): date inputs read jj/mm/aaaa hh:mm, 24-hour,
    # as a French organizer types them.
    "--lang=fr",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "mobile": {"width": 375, "height": 812}}


@dataclass
class LiveServer:
    url: str
    backend: str
    email: str
    password: str
    process: subprocess.Popen = field(repr=False)  # type: ignore[type-arg]
    log: Path = field(repr=False)
    #: Mail the app sent, received by a real SMTP server on 127.0.0.1.
    inbox: Inbox = field(repr=False)


def _skip_or_fail(reason: str) -> None:
    if browser_tools_required():
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def live_server(request, tmp_path_factory) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    """gunicorn serving the app with demo data, once per database backend."""
    instance = tmp_path_factory.mktemp(f"instance-{request.param}")
    smtp_port = free_port()
    inbox, smtp = start_smtp(smtp_port)
    request.addfinalizer(smtp.stop)
    env = {
        **os.environ,
        "WORKSHOPS_INSTANCE_PATH": str(instance),
        "WORKSHOPS_SECRET_KEY": secrets.token_hex(16),
        # Plain http on 127.0.0.1: a Secure cookie would never be sent back.
        "WORKSHOPS_SESSION_COOKIE_SECURE": "false",
        "WORKSHOPS_PREFERRED_URL_SCHEME": '"http"',
        "WORKSHOPS_MAIL_BACKEND": "smtp",
        "WORKSHOPS_MAIL_SMTP_HOST": "127.0.0.1",
        "WORKSHOPS_MAIL_SMTP_PORT": str(smtp_port),
    }
    env.pop("DATABASE_URL", None)
    database = None
    if request.param == "postgresql":
        server = request.getfixturevalue("postgresql_server")
        database = f"e2e_{uuid.uuid4().hex[:12]}"
        server.create_database(database)
        env["DATABASE_URL"] = server.url(database)
    bin_dir = Path(sys.executable).parent
    init = subprocess.run(  # noqa: S603 - our own command
        [str(bin_dir / "flask"), "--app", "wsgi", "init"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert init.returncode == 0, init.stdout + init.stderr
    email, password = (instance / "demo-login.txt").read_text().split()
    port = free_port()
    log = instance / "gunicorn.log"
    with log.open("w") as output:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(  # noqa: S603 - our own command
            [
                str(bin_dir / "gunicorn"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--access-logfile",
                "-",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"gunicorn did not start:\n{log.read_text()}")
        time.sleep(0.2)
    yield LiveServer(url, request.param, email, password, process, log, inbox)
    process.terminate()
    process.wait(timeout=10)
    if database:
        request.getfixturevalue("postgresql_server").drop_database(database)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        _skip_or_fail(f"{CHROMIUM} not found: install Debian's chromium package.")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("playwright is not installed (pip install -e '.[dev]').")
    with sync_playwright() as playwright:
        # On Linux, Chromium picks its UI language from LANGUAGE; --lang alone is not enough.
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, env={**os.environ, "LANGUAGE": "fr"}
        )
        yield browser
        browser.close()


class Visitor:
    """One person in one browser context: navigates, audits each page, keeps the console."""

    def __init__(self, page: Any, server: LiveServer, html_pages: Any, request: Any) -> None:
        self.page = page
        self.server = server
        self.html_pages = html_pages
        self.test_name = request.node.name
        self.console_errors: list[tuple[str, str]] = []
        self.documents: list[Any] = []
        #: Pages the server answered with an error status on purpose (404, form errors):
        #: the test asserts them; the browser's console line about them is not a bug.
        self.error_documents: set[str] = set()
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append((f"{error}", "")))
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append((message.text, (message.location or {}).get("url", "")))

    def _response(self, response: Any) -> None:
        if response.request.resource_type != "document":
            return
        if response.status >= 400:
            self.error_documents.add(response.url)
        if response.status < 300 or response.status >= 400:
            self.documents.append(response)

    def goto(self, path: str, status: int = 200) -> Any:
        """Open a page, check its status, audit it."""
        response = self.page.goto(self.server.url + path)
        assert response.status == status, f"{path}: {response.status}"
        self.audit()
        return response

    def collect_html(self) -> None:
        """Hand the documents served since the last call to the HTML check. Done at each
        audit, while the page is still open: once the browser has navigated away, the
        body of a document is often gone and the page would escape validation."""
        documents, self.documents = self.documents, []
        for response in documents:
            try:
                self.html_pages.add(f"e2e {response.url}", response.text())
            except Exception:  # noqa: S112 - the body can be gone after a redirect
                continue

    def audit(self) -> None:
        """axe-core with the WCAG 2.1 A and AA rules on the current page."""
        self.page.wait_for_load_state("load")
        self.collect_html()
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol, so the page's CSP does not block it.
            self.page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        problems = []
        for violation in result["violations"]:
            for node in violation["nodes"]:
                problems.append(
                    f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
                    f"    element: {', '.join(map(str, node['target']))}\n"
                    f"    html: {node['html'][:200]}\n"
                    f"    help: {violation['helpUrl']}"
                )
        assert not problems, f"axe on {self.page.url}:\n" + "\n".join(problems)

    def screenshot(self, name: str) -> None:
        """Full-page screenshots at desktop and mobile widths, for a person to look at."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        original = self.page.viewport_size
        for label, size in VIEWPORTS.items():
            self.page.set_viewport_size(size)
            self.page.screenshot(
                path=SCREENSHOTS / f"{self.server.backend}-{name}-{label}.png", full_page=True
            )
        self.page.set_viewport_size(original)

    def finish(self) -> None:
        self.collect_html()
        errors = [
            f"{text} ({url})"
            for text, url in self.console_errors
            # The console names the page with its #fragment (a form posted to "…#inscription").
            if not (
                text.startswith("Failed to load resource")
                and url.split("#")[0] in self.error_documents
            )
        ]
        assert not errors, "browser console errors:\n" + "\n".join(errors)


@pytest.fixture
def visitor(browser, live_server, html_pages, request) -> Iterator[Visitor]:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport=VIEWPORTS["desktop"], locale="fr-FR", timezone_id="Europe/Paris"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    person = Visitor(page, live_server, html_pages, request)
    yield person
    person.finish()
    context.close()
