"""Fixtures: a fresh app and database per test (SQLite and PostgreSQL), the HTML check,
the run summary. Data factories live in `factories.py`, logged-in actors in `actors.py`;
they are imported here so that every test module sees them."""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from sqlalchemy import event as sa_event

from workshops import create_app
from workshops.extensions import db

from . import postgres
from .actors import admin, auth, organizer  # noqa: F401 - fixtures
from .factories import create_event, create_user  # noqa: F401 - fixtures
from .htmlcheck import ROOT, HtmlCollector

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
#: Lines for the end-of-run summary (the HTML check runs in a fixture teardown).
SUMMARY: list[str] = []


#: "require" (CI) makes a missing Chromium or Java a failure; "off" leaves out the browser
#: tests and the HTML check on purpose (the fast subset, used by `make mutants`).
BROWSER_VARIABLE = "WORKSHOPS_TEST_BROWSER"


def browser_tools_required() -> bool:
    return os.environ.get(BROWSER_VARIABLE, "").lower() == "require"


def browser_tools_disabled() -> bool:
    return os.environ.get(BROWSER_VARIABLE, "").lower() == "off"


@pytest.fixture(scope="session")
def html_pages() -> Iterator[HtmlCollector]:
    """Every HTML page served to the tests; checked by the Nu Html Checker at the end."""
    collector = HtmlCollector()
    yield collector
    if browser_tools_disabled():
        SUMMARY.append(f"HTML validation turned off by {BROWSER_VARIABLE}=off.")
        return
    reason = collector.unavailable_reason()
    if reason:
        if browser_tools_required():
            pytest.fail(f"HTML validation cannot run: {reason}")
        SUMMARY.append(f"HTML validation skipped: {reason}.")
        return
    errors = collector.check()
    SUMMARY.append(
        f"Nu Html Checker: {len(collector.documents)} distinct pages served, {len(errors)} errors."
    )
    if errors:
        pytest.fail("Invalid HTML served:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[postgres.PostgresServer]:
    """A PostgreSQL server for the session, or a skip (a failure when CI requires it)."""
    if postgres.disabled():
        pytest.skip(f"PostgreSQL half of the suite turned off by {postgres.REQUIRE_VARIABLE}=off.")
    bindir = postgres.find_bindir()
    try:
        if bindir is None:
            raise postgres.PostgresUnavailable(postgres.SKIP_REASON)
        server = postgres.PostgresServer(bindir)
    except postgres.PostgresUnavailable as error:
        if postgres.required():
            pytest.fail(str(error))
        pytest.skip(str(error))
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Every test that touches the database runs once on SQLite and once on PostgreSQL,
    each time on a fresh, empty database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    server = request.getfixturevalue("postgresql_server")
    name = f"test_{uuid.uuid4().hex[:16]}"
    server.create_database(name)
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def make_app(tmp_path, database_url, html_pages) -> Iterator[Callable[..., Flask]]:  # type: ignore[no-untyped-def]
    """Build an app on the test's database; keyword arguments override the test config."""
    apps: list[Flask] = []

    def factory(create_tables: bool = True, **overrides: Any) -> Flask:
        config = {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            # The test client's default scheme; production builds https links.
            "PREFERRED_URL_SCHEME": "http",
            # Mail tests turn delivery on with a real SMTP server; elsewhere the outbox
            # only fills up (no thread outliving the test's database).
            "MAIL_DELIVER_AFTER_COMMIT": False,
            **overrides,
        }
        app = create_app(config)
        apps.append(app)

        @app.after_request
        def collect_html(response):  # type: ignore[no-untyped-def]
            # Pages a person reads: HEAD and OPTIONS answers have no document to check.
            if (
                request.method == "GET"
                and response.mimetype == "text/html"
                and not response.direct_passthrough
            ):
                html_pages.add(request.full_path, response.get_data(as_text=True))
            return response

        if create_tables:
            with app.app_context():
                db.create_all()
        return app

    yield factory
    for app in apps:  # close connections so that the database can be dropped
        with app.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()


@pytest.fixture
def app(make_app) -> Iterator[Flask]:
    app = make_app()
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def server_in_new_york(monkeypatch) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The server's own time zone (here New York) must never leak into what is stored or
    shown: every conversion names its zone."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], Any]:
    """`with count_queries() as queries:` collects the SQL statements run inside the block."""

    @contextmanager
    def counter() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
            statements.append(statement)

        engine = db.engine
        sa_event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa_event.remove(engine, "before_cursor_execute", record)

    return counter


def pytest_ignore_collect(collection_path, config) -> bool | None:  # type: ignore[no-untyped-def]
    """WORKSHOPS_TEST_BROWSER=off: the browser tests are not even collected (no Playwright
    import, no gunicorn started); see also pytest_collection_modifyitems."""
    if browser_tools_disabled() and collection_path.name == "e2e":
        SUMMARY.append(f"Browser tests (tests/e2e) left out by {BROWSER_VARIABLE}=off.")
        return True
    return None


def pytest_collection_modifyitems(config, items) -> None:  # type: ignore[no-untyped-def]
    """The `off` switches leave their tests out instead of skipping them one at a time, so
    that the fast subset reports only what it ran: the PostgreSQL half (a `database_url` or
    `live_server` on PostgreSQL) and the browser tests, even when tests/e2e is named on the
    command line (pytest_ignore_collect does not see those paths)."""
    left_out = {"PostgreSQL": [], "Browser": []}  # type: ignore[var-annotated]
    kept = []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        on_postgresql = "postgresql" in (params.get("database_url"), params.get("live_server"))
        if browser_tools_disabled() and "e2e" in item.path.parts:
            left_out["Browser"].append(item)
        elif postgres.disabled() and on_postgresql:
            left_out["PostgreSQL"].append(item)
        else:
            kept.append(item)
    switches = {"PostgreSQL": postgres.REQUIRE_VARIABLE, "Browser": BROWSER_VARIABLE}
    for kind, tests in left_out.items():
        if tests:
            config.hook.pytest_deselected(items=tests)
            SUMMARY.append(f"{len(tests)} {kind} tests left out by {switches[kind]}=off.")
    items[:] = kept


def pytest_sessionstart(session) -> None:  # type: ignore[no-untyped-def]
    """Screenshots are this run's only: a stale picture would mislead the reader."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """One line per reason for skipped tests (pytest would list every test location)."""
    reasons: dict[str, int] = {}
    for report in terminalreporter.stats.get("skipped", []):
        if isinstance(report.longrepr, tuple):
            reason = report.longrepr[2].removeprefix("Skipped: ")
            reasons[reason] = reasons.get(reason, 0) + 1
    for reason, count in reasons.items():
        terminalreporter.write_line(f"{count} tests skipped. {reason}", yellow=True)
    for line in SUMMARY:
        terminalreporter.write_line(line)
    if SCREENSHOTS.exists() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_line(f"Screenshots of the main pages: {SCREENSHOTS}")
