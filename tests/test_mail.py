"""The outbox delivered to a real SMTP server on 127.0.0.1 (aiosmtpd), and to files."""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest

from tests.htmlcheck import ROOT
from tests.smtp import Inbox, free_port, start_smtp
from workshops.dates import utcnow
from workshops.extensions import db
from workshops.mail import outbox
from workshops.mail.transport import describe
from workshops.models import OutboxMessage, OutboxStatus


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def smtp(smtp_port) -> Iterator[Inbox]:  # type: ignore[no-untyped-def]
    inbox, controller = start_smtp(smtp_port)
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def mail_app(make_app, smtp_port):  # type: ignore[no-untyped-def]
    app = make_app(MAIL_BACKEND="smtp", MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=smtp_port)
    with app.app_context():
        yield app


def queue_one(subject: str = "Inscription confirmée : Atelier SQL") -> OutboxMessage:
    message = outbox.queue(
        "confirmed",
        "ada@example.org",
        subject,
        "Bonjour Ada,\n\nVotre place est réservée.",
        "<p>Bonjour Ada,</p>",
        attachment=("atelier-sql.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
    )
    db.session.commit()
    return message


def test_a_queued_message_reaches_the_smtp_server_with_its_parts(mail_app, smtp):
    row = queue_one()
    assert outbox.deliver_due().sent == 1
    (received,) = smtp.messages
    assert received["Subject"] == "Inscription confirmée : Atelier SQL"
    assert received["To"] == "ada@example.org"
    assert received["Message-ID"].startswith(f"<outbox-{row.id}.")
    assert received.get_body(("plain",)).get_content().startswith("Bonjour Ada,")
    assert received.get_body(("html",)).get_content().startswith("<p>Bonjour Ada,</p>")
    (attachment,) = list(received.iter_attachments())
    assert attachment.get_filename() == "atelier-sql.ics"
    assert attachment.get_content_type() == "text/calendar"
    db.session.refresh(row)
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 1, None)
    assert outbox.deliver_due().sent == 0  # never twice


def test_an_smtp_outage_loses_nothing_and_send_mail_delivers_exactly_once(mail_app, smtp_port):
    row = queue_one()
    failed = outbox.deliver_due()
    assert (failed.sent, failed.failed) == (0, 1)
    db.session.refresh(row)
    assert row.status == OutboxStatus.PENDING
    assert row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at > utcnow()
    # Not due yet: nothing is tried again before the delay.
    assert outbox.deliver_due().failed == 0
    row.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    inbox, controller = start_smtp(smtp_port)
    try:
        result = mail_app.test_cli_runner().invoke(args=["send-mail"])
        assert result.exit_code == 0, result.output
        assert "Courriels envoyés : 1, en échec (nouvel essai plus tard) : 0." in result.output
        assert mail_app.test_cli_runner().invoke(args=["send-mail"]).exit_code == 0
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    db.session.refresh(row)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)


def test_retries_wait_longer_each_time_then_stop(mail_app):
    assert [outbox.retry_delay(n) for n in (1, 2, 3)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
    ]
    assert outbox.retry_delay(30) == timedelta(hours=6)
    mail_app.config["MAIL_MAX_ATTEMPTS"] = 2
    row = queue_one()
    outbox.deliver_due()
    row.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    outbox.deliver_due()
    db.session.refresh(row)
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, 2)
    outbox.retry(row)
    db.session.commit()
    assert row.status == OutboxStatus.PENDING


def test_a_claimed_message_is_not_claimed_again_until_its_lease_ends(mail_app):
    row = queue_one()
    assert outbox.claim(10) == [row.id]
    assert outbox.claim(10) == []
    assert outbox.claim(10, now=utcnow() + outbox.LEASE + timedelta(seconds=1)) == [row.id]


def test_nothing_is_queued_when_the_transaction_rolls_back(mail_app):
    outbox.queue("confirmed", "ada@example.org", "Sujet", "Texte", "<p>Texte</p>")
    db.session.rollback()
    assert db.session.execute(db.select(OutboxMessage)).first() is None


def test_the_default_backend_writes_eml_files(make_app, tmp_path):
    app = make_app(MAIL_BACKEND="files", MAIL_FILES_FOLDER=str(tmp_path / "boite"))
    with app.app_context():
        queue_one()
        assert outbox.deliver_due().sent == 1
    (written,) = (tmp_path / "boite").glob("*.eml")
    parsed = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert parsed["Subject"] == "Inscription confirmée : Atelier SQL"


def start_worker(app, smtp_port: int, tmp_path, name: str):  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "WORKSHOPS_INSTANCE_PATH": str(tmp_path / "instance"),
        "WORKSHOPS_SECRET_KEY": "test-secret",
        "WORKSHOPS_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "WORKSHOPS_MAIL_BACKEND": "smtp",
        "WORKSHOPS_MAIL_SMTP_HOST": "127.0.0.1",
        "WORKSHOPS_MAIL_SMTP_PORT": str(smtp_port),
    }
    env.pop("DATABASE_URL", None)
    with (tmp_path / f"{name}.log").open("w") as log:
        return subprocess.Popen(  # noqa: S603 - our own command
            [
                str(Path(sys.executable).parent / "flask"),
                "--app",
                "wsgi",
                "mail-worker",
                "--interval",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def test_two_mail_workers_never_send_a_message_twice(mail_app, smtp, smtp_port, tmp_path):
    """Two long-running workers (as on two hosts) share the outbox: every message arrives
    once. On PostgreSQL the claims skip locked rows; on SQLite they take the write lock."""
    rows = [queue_one(f"Message {n}") for n in range(120)]
    workers = [start_worker(mail_app, smtp_port, tmp_path, f"worker-{n}") for n in (1, 2)]
    try:
        deadline = time.monotonic() + 90
        while len(smtp.messages) < len(rows) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # a duplicate would arrive now
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        codes = [worker.wait(timeout=30) for worker in workers]
    logs = [(tmp_path / f"worker-{n}.log").read_text() for n in (1, 2)]
    assert codes == [0, 0], logs
    assert all(log.rstrip().endswith("Arrêt de l’envoi des courriels.") for log in logs), logs
    subjects = sorted(message["Subject"] for message in smtp.messages)
    assert subjects == sorted(f"Message {n}" for n in range(120))
    db.session.expire_all()
    assert {row.status for row in rows} == {OutboxStatus.SENT}
    assert {row.attempts for row in rows} == {1}


def test_describe_says_where_mail_goes(tmp_path):
    config = {"MAIL_BACKEND": "smtp", "MAIL_SMTP_HOST": "smtp.example.org", "MAIL_SMTP_PORT": 587}
    assert describe(config, "/i") == "Courriels : envoyés par SMTP à smtp.example.org:587."
    files = {"MAIL_BACKEND": "files", "MAIL_FILES_FOLDER": str(tmp_path)}
    assert describe(files, "/i") == (
        f"Courriels : écrits en fichiers .eml dans {tmp_path}, pas envoyés "
        '(réglez MAIL_BACKEND = "smtp" pour les envoyer).'
    )


def test_a_mail_written_to_a_file_logs_one_line_without_any_logging_setup(tmp_path):
    """As under `make run`: nothing configures logging, the line still shows."""
    env = {
        **os.environ,
        "WORKSHOPS_INSTANCE_PATH": str(tmp_path / "instance"),
        "WORKSHOPS_SECRET_KEY": "test-secret",
        "WORKSHOPS_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("DATABASE_URL", None)
    script = (
        "from wsgi import app\n"
        "from workshops.extensions import db\n"
        "from workshops.mail import outbox\n"
        "with app.app_context():\n"
        "    db.create_all()\n"
        "    outbox.queue('confirmed', 'ada@example.org', 'Sujet', 'Texte', '<p>Texte</p>')\n"
        "    db.session.commit()\n"
        "    outbox.deliver_all()\n"
        "import logging\n"
        "print(len(logging.getLogger().handlers), len(logging.getLogger('workshops').handlers))\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "Courriel écrit dans" in line]
    assert line.endswith("(à ada@example.org : Sujet)")
    assert " INFO workshops.mail.transport: " in line
    # Only the app's own logger: the libraries' INFO lines stay quiet.
    assert result.stdout.split() == ["0", "1"]


def test_configured_logging_is_left_alone(app):
    """Under pytest (or gunicorn), logging is configured: the app adds no handler."""
    import logging

    assert logging.getLogger().handlers
    assert logging.getLogger("workshops").handlers == []


def test_a_sent_message_keeps_no_secret_link(mail_app, smtp):
    """Only the SHA-256 of a link's token is kept, so that a copy of the database opens
    nothing: once sent, the outbox's copy of the mail loses the tokens too."""
    link = "https://ateliers.example/inscriptions/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcdef"
    signin = (
        "https://ateliers.example/mes-inscriptions/connexion/Zz9_Yy8-Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp"
    )
    row = outbox.queue(
        "confirmed",
        "ada@example.org",
        "Sujet",
        f"Gérer : {link}\nConnexion : {signin}\n",
        f'<p><a href="{link}">Gérer</a> <a href="{signin}">Connexion</a></p>',
    )
    db.session.commit()
    assert outbox.deliver_due().sent == 1
    (received,) = smtp.messages
    assert link in received.get_body(("plain",)).get_content()
    db.session.refresh(row)
    assert row.text_body == (
        "Gérer : https://ateliers.example/inscriptions/[secret]\n"
        "Connexion : https://ateliers.example/mes-inscriptions/connexion/[secret]\n"
    )
    assert row.html_body == (
        '<p><a href="https://ateliers.example/inscriptions/[secret]">Gérer</a> '
        '<a href="https://ateliers.example/mes-inscriptions/connexion/[secret]">Connexion</a></p>'
    )


def delivery_threads() -> list:  # type: ignore[type-arg]
    import threading

    return [t for t in threading.enumerate() if t.name == "outbox-delivery"]


def test_after_a_request_commits_its_mail_leaves_at_once(make_app, tmp_path):
    app = make_app(MAIL_DELIVER_AFTER_COMMIT=True, MAIL_FILES_FOLDER=str(tmp_path / "out"))
    with app.test_request_context(), app.app_context():
        outbox.queue("confirmed", "ada@example.org", "Sujet", "Texte", "<p>Texte</p>")
        db.session.commit()
        for thread in delivery_threads():
            thread.join(timeout=30)
        db.session.expire_all()
        row = db.session.execute(db.select(OutboxMessage)).scalar_one()
        assert row.status == OutboxStatus.SENT
        db.session.remove()


def test_a_command_starts_no_background_delivery(make_app, tmp_path):
    """A command's process may end before a background thread has recorded what it sent:
    the message would stay claimed, then go a second time. Commands leave mail to
    send-mail or the worker (or deliver it themselves before they end)."""
    app = make_app(MAIL_DELIVER_AFTER_COMMIT=True, MAIL_FILES_FOLDER=str(tmp_path / "out"))
    with app.app_context():
        before = delivery_threads()
        outbox.queue("confirmed", "ada@example.org", "Sujet", "Texte", "<p>Texte</p>")
        db.session.commit()
        assert delivery_threads() == before
        row = db.session.execute(db.select(OutboxMessage)).scalar_one()
        assert (row.status, row.claimed_until) == (OutboxStatus.PENDING, None)
        db.session.remove()


@pytest.mark.parametrize("interval", ["0", "-1", "0.5"])
def test_the_worker_refuses_an_interval_under_a_second(mail_app, interval):
    result = mail_app.test_cli_runner().invoke(args=["mail-worker", "--interval", interval])
    assert result.exit_code == 2
    assert "--interval" in result.output


def test_sending_again_never_breaks_a_live_claim(mail_app):
    """A worker is sending this very message: "send now" must not let a second worker
    take it as well (the recipient would get it twice)."""
    row = queue_one()
    assert outbox.claim(10) == [row.id]
    claimed_until = row.claimed_until
    outbox.retry(row)
    db.session.commit()
    assert row.claimed_until == claimed_until
    assert outbox.claim(10) == []
