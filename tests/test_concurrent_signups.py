"""Forty people click "S'inscrire" in the same second for five seats, on gunicorn with three
workers, on SQLite and PostgreSQL: exactly five seats, the others waiting in arrival order,
no 5xx. The same harness against a deliberately unlocked path overbooks: the check below
would notice."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.htmlcheck import ROOT
from workshops import create_app
from workshops.dates import utcnow
from workshops.events import lifecycle
from workshops.extensions import db
from workshops.models import EventKind, User

PEOPLE = 40
SEATS = 5
WORKERS = 3


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, url: str, database_url: str, process: subprocess.Popen, log: Path) -> None:  # type: ignore[type-arg]
        self.url, self.database_url, self.process, self.log = url, database_url, process, log


@pytest.fixture(params=["sqlite", "postgresql"])
def database_for_server(request, tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
        return
    server = request.getfixturevalue("postgresql_server")
    name = f"conc_{uuid.uuid4().hex[:12]}"
    server.create_database(name)
    yield server.url(name)
    server.drop_database(name)


def start_server(database_url: str, tmp_path: Path, *, unlocked: bool = False) -> Server:
    env = {
        **os.environ,
        "WORKSHOPS_INSTANCE_PATH": str(tmp_path / "instance"),
        "WORKSHOPS_SECRET_KEY": secrets.token_hex(16),
        "WORKSHOPS_SQLALCHEMY_DATABASE_URI": database_url,
        # Forty sign-ups from one address: the throttle is another test's subject, and so
        # is CSRF; mail stays in the outbox.
        "WORKSHOPS_SIGNUP_MAX_PER_ADDRESS": "1000",
        "WORKSHOPS_WTF_CSRF_ENABLED": "false",
        "WORKSHOPS_MAIL_DELIVER_AFTER_COMMIT": "false",
    }
    env.pop("DATABASE_URL", None)
    if unlocked:
        env["WORKSHOPS_TEST_UNLOCKED_PATH"] = "1"
    bin_dir = Path(sys.executable).parent
    init = subprocess.run(  # noqa: S603 - our own command
        [str(bin_dir / "flask"), "--app", "wsgi", "init", "--no-demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert init.returncode == 0, init.stdout + init.stderr
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - our own command
            [
                str(bin_dir / "gunicorn"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(WORKERS),
                # The access log goes to the same file: tests/test_logs.py reads it.
                "--access-logfile",
                "-",
                "tests.concurrency_wsgi:app",
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
    return Server(url, database_url, process, log)


def create_five_seat_event(database_url: str) -> str:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        author = User(email="orga@example.org", name="Orga", password_hash="x", role="admin")
        db.session.add(author)
        start = (utcnow() + timedelta(days=5)).replace(microsecond=0)
        event = lifecycle.create_event(
            lifecycle.EventData(
                kind=EventKind.WORKSHOP,
                title="Cinq places",
                summary="",
                description="",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                location="Paris",
                capacity=SEATS,
            ),
            author,
        )
        lifecycle.publish_event(event)
        db.session.commit()
        slug = event.slug
        db.session.remove()
        db.engine.dispose()  # no connection left for the garbage collector
    return slug


def fire(paths: list[str], url: str) -> list[int]:
    """POST every path at once (threads held at a barrier); the status codes."""
    barrier = threading.Barrier(len(paths))
    statuses: list[int] = [0] * len(paths)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(NoRedirect)

    def one(index: int) -> None:
        path, body = paths[index].split("?", 1)
        barrier.wait()
        try:
            with opener.open(url + path, data=body.encode(), timeout=60) as response:
                statuses[index] = response.status
        except urllib.error.HTTPError as error:
            statuses[index] = error.code

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(paths))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def seats(database_url: str) -> list[tuple[int, str]]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, status FROM registrations ORDER BY id")).all()
    engine.dispose()
    return [(row[0], row[1]) for row in rows]


def overbooked(rows: list[tuple[int, str]]) -> bool:
    return sum(1 for _, status in rows if status == "confirmed") > SEATS


def stop(server: Server) -> None:
    server.process.terminate()
    server.process.wait(timeout=10)


def test_forty_simultaneous_sign_ups_for_five_seats(database_for_server, tmp_path):
    server = start_server(database_for_server, tmp_path)
    try:
        slug = create_five_seat_event(database_for_server)
        paths = [
            f"/ateliers/{slug}/inscription?"
            + urllib.parse.urlencode(
                {"name": f"Personne {n}", "email": f"p{n}@example.org", "organisation": "DINUM"}
            )
            for n in range(PEOPLE)
        ]
        statuses = fire(paths, server.url)
    finally:
        stop(server)
    assert statuses == [302] * PEOPLE, server.log.read_text()[-3000:]
    rows = seats(database_for_server)
    assert len(rows) == PEOPLE
    assert not overbooked(rows)
    confirmed = [id_ for id_, status in rows if status == "confirmed"]
    waiting = [id_ for id_, status in rows if status == "waitlisted"]
    assert len(confirmed) == SEATS
    # First come, first served: every seat went before anybody was put on the list.
    assert max(confirmed) < min(waiting)
    assert len(waiting) == PEOPLE - SEATS


def test_negative_control_an_unlocked_path_overbooks(database_for_server, tmp_path):
    """Without the lock (and with the database backstop removed), the same burst gives
    more confirmed seats than there are: `overbooked` notices."""
    server = start_server(database_for_server, tmp_path, unlocked=True)
    try:
        slug = create_five_seat_event(database_for_server)
        engine = create_engine(database_for_server)
        with engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                for name in ("insert", "delete", "update"):
                    connection.execute(text(f"DROP TRIGGER registrations_count_{name}"))
            else:
                connection.execute(text("DROP TRIGGER registrations_count ON registrations"))
        engine.dispose()
        statuses = fire([f"/test-only/unlocked/{slug}?x=1"] * PEOPLE, server.url)
    finally:
        stop(server)
    assert statuses == [200] * PEOPLE, server.log.read_text()[-3000:]
    assert overbooked(seats(database_for_server))


def register_people(database_url: str, slug: str, count: int) -> dict[str, str]:
    """Sign `count` people up through the domain; each address's manage-link token."""
    from workshops.models import Event, OutboxMessage
    from workshops.registrations import service

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "x",
            "TESTING": True,
            "MAIL_DELIVER_AFTER_COMMIT": False,  # no thread left holding a connection
        }
    )
    tokens = {}
    with app.app_context(), app.test_request_context():
        event = db.session.execute(db.select(Event).where(Event.slug == slug)).scalar_one()
        for n in range(count):
            service.sign_up(
                event,
                service.SignUp(name=f"Avant {n}", email=f"a{n}@example.org", organisation="X"),
            )
        db.session.commit()
        for message in db.session.execute(db.select(OutboxMessage)).scalars():
            tokens[message.recipient] = message.text_body.split("/inscriptions/")[1].split()[0]
        db.session.remove()
        db.engine.dispose()
    return tokens


def test_cancellations_and_sign_ups_together_leave_no_seat_free_while_people_wait(
    database_for_server, tmp_path
):
    """Five seats, ten people waiting. At the same instant, three people with a seat and
    three waiting cancel while twenty more sign up: afterwards nobody waits while a seat is
    free, the seats went in arrival order, and the counter matches the rows."""
    server = start_server(database_for_server, tmp_path)
    try:
        slug = create_five_seat_event(database_for_server)
        tokens = register_people(database_for_server, slug, SEATS + 10)
        leaving = [f"a{n}@example.org" for n in (0, 2, 4, 6, 8, 10)]
        paths = [f"/inscriptions/{tokens[email]}?" for email in leaving] + [
            f"/ateliers/{slug}/inscription?"
            + urllib.parse.urlencode(
                {"name": f"Nouveau {n}", "email": f"n{n}@example.org", "organisation": "DINUM"}
            )
            for n in range(20)
        ]
        statuses = fire(paths, server.url)
    finally:
        stop(server)
    assert statuses == [302] * len(paths), server.log.read_text()[-3000:]
    rows = seats(database_for_server)
    by_status = {
        status: [id_ for id_, s in rows if s == status]
        for status in ("confirmed", "waitlisted", "cancelled")
    }
    assert len(by_status["cancelled"]) == len(leaving)
    assert len(by_status["confirmed"]) == SEATS  # nobody waits while a seat is free
    assert len(by_status["waitlisted"]) == (SEATS + 10) - len(leaving) - SEATS + 20
    assert max(by_status["confirmed"]) < min(by_status["waitlisted"])  # in arrival order
    engine = create_engine(database_for_server)
    with engine.connect() as connection:
        counter = connection.execute(text("SELECT confirmed_count FROM events")).scalar_one()
    engine.dispose()
    assert counter == SEATS
