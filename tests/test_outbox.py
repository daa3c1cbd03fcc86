"""The outbox's claims and deliveries at their edges: batch sizes, the lease's last
instant, counts, errors kept and logged, and the background delivery after a request."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event as sa_event

from workshops.dates import utcnow
from workshops.extensions import db
from workshops.mail import outbox
from workshops.models import OutboxMessage, OutboxStatus


def queue(n: int = 1) -> list[OutboxMessage]:
    rows = [
        outbox.queue("confirmed", f"p{i}@example.org", f"Sujet {i}", "Texte", "<p>Texte</p>")
        for i in range(n)
    ]
    db.session.commit()
    return rows


@pytest.fixture
def files_app(make_app):  # type: ignore[no-untyped-def]
    """The embedded default: .eml files in the instance folder."""
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def refused_app(make_app):  # type: ignore[no-untyped-def]
    """SMTP on a port where nothing listens: every attempt fails."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = make_app(MAIL_BACKEND="smtp", MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=port)
    with app.app_context():
        yield app


def test_a_claim_takes_the_oldest_due_messages_up_to_its_limit(files_app):
    rows = queue(3)
    assert outbox.claim(2) == [rows[0].id, rows[1].id]
    assert outbox.claim(2) == [rows[2].id]


def test_the_lease_and_the_retry_time_at_their_last_instant(files_app):
    (row,) = queue()
    due = row.next_attempt_at
    assert outbox.claim(5, now=due - timedelta(microseconds=1)) == []
    assert outbox.claim(5, now=due) == [row.id]
    until = db.session.get(OutboxMessage, row.id).claimed_until
    assert until == due + outbox.LEASE
    assert outbox.claim(5, now=until) == []
    assert outbox.claim(5, now=until + timedelta(microseconds=1)) == [row.id]


def test_on_sqlite_a_claim_first_takes_the_write_lock(files_app):
    """Two senders must not both read the same due rows: on SQLite the claim starts with
    BEGIN IMMEDIATE (PostgreSQL skips locked rows instead)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    queue()
    statements: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement.split()[0].upper() + " " + statement.split()[1].upper())

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        outbox.claim(5)
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    assert statements[0] == "BEGIN IMMEDIATE"


def test_a_delivery_sends_fifty_at_most_and_counts_them(files_app):
    queue(51)
    done = outbox.deliver_due()
    assert (done.sent, done.failed) == (50, 0)
    sent = (
        db.session.execute(
            db.select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENT)
        )
        .scalars()
        .all()
    )
    assert len(sent) == 50 and all(row.sent_at is not None for row in sent)


def test_files_go_to_the_instance_folder_by_default(files_app):
    from pathlib import Path

    (row,) = queue()
    assert outbox.deliver_due().sent == 1
    written = list((Path(files_app.instance_path) / "outbox").iterdir())
    assert [p.name for p in written] == [
        f"outbox-{row.id}.{row.created_at:%Y%m%d%H%M%S}_ateliers-data.beta.gouv.fr.eml"
    ]
    text = written[0].read_text()
    assert "From: Ateliers Data Science <ne-pas-repondre@ateliers-data.beta.gouv.fr>" in text


def test_a_delivery_at_a_later_moment_sends_what_is_due_then(files_app):
    (row,) = queue()
    row.next_attempt_at = utcnow() + timedelta(hours=1)
    db.session.commit()
    assert outbox.deliver_due().sent == 0
    assert outbox.deliver_due(now=utcnow() + timedelta(hours=2)).sent == 1


def test_a_message_purged_after_its_claim_is_skipped(files_app, monkeypatch):
    (row,) = queue()
    real_claim = outbox.claim
    monkeypatch.setattr(outbox, "claim", lambda limit, now=None: [999999, *real_claim(limit, now)])
    assert outbox.deliver_due().sent == 1
    db.session.refresh(row)
    assert row.status == OutboxStatus.SENT


def test_every_batch_is_delivered_and_counted(files_app):
    queue(100)  # two full batches: the loop goes on after a full one
    done = outbox.deliver_all()
    assert (done.sent, done.failed) == (100, 0)


def test_failures_are_counted_kept_and_logged(refused_app, caplog):
    rows = queue(60)
    with caplog.at_level(logging.WARNING, logger="workshops.mail.outbox"):
        done = outbox.deliver_all()
    assert (done.sent, done.failed) == (0, 60)
    first = db.session.get(OutboxMessage, rows[0].id)
    assert first.last_error.startswith("ConnectionRefusedError: ")
    assert caplog.records[0].getMessage() == (
        f"Échec d'envoi du courriel {rows[0].id} (essai 1) : {first.last_error}"
    )
    assert len(caplog.records) == 60


def test_a_long_error_is_kept_to_two_thousand_characters(files_app, monkeypatch):
    (row,) = queue()

    def refuse(config, instance_path):  # type: ignore[no-untyped-def]
        def send(message):  # type: ignore[no-untyped-def]
            raise outbox.TransportError("x" * 3000)

        return send

    monkeypatch.setattr(outbox, "configured_transport", refuse)
    assert outbox.deliver_due().failed == 1
    db.session.refresh(row)
    assert row.last_error == "x" * 2000


def test_a_background_delivery_that_fails_is_logged(make_app, monkeypatch, caplog):
    app = make_app(MAIL_DELIVER_AFTER_COMMIT=True)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(outbox, "deliver_due", broken)
    with (
        caplog.at_level(logging.ERROR, logger="workshops.mail.outbox"),
        app.test_request_context(),
        app.app_context(),
    ):
        outbox.queue("confirmed", "ada@example.org", "Sujet", "Texte", "<p>Texte</p>")
        db.session.commit()
        for thread in threading.enumerate():
            if thread.name == "outbox-delivery":
                thread.join(timeout=30)
        db.session.remove()
    assert [r.getMessage() for r in caplog.records] == [
        "Envoi des courriels après validation interrompu"
    ]


def test_a_message_is_due_from_the_moment_it_is_queued(files_app):
    moment = (utcnow() - timedelta(minutes=3)).replace(microsecond=0)
    row = outbox.queue("confirmed", "a@example.org", "Sujet", "t", "<p>t</p>", now=moment)
    db.session.commit()
    assert (row.created_at, row.next_attempt_at, row.attempts) == (moment, moment, 0)
