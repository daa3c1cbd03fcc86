"""The outbox: queue a message with the change that causes it, deliver it after commit.

A domain function calls `queue(...)` in its transaction; the message exists if and only if
the change was committed. Delivery never runs inside a request's transaction:

- right after a request's commit that queued messages, a background thread delivers what
  is due (the request does not wait on SMTP);
- `flask send-mail` (cron) and `flask mail-worker` (long-running) deliver what is left,
  retrying failed messages with an exponential backoff.

Several senders (threads, workers, hosts) may run at once: each first *claims* due rows
for a lease (`claimed_until`) in a short transaction of its own, with `FOR UPDATE SKIP
LOCKED` on PostgreSQL and the database write lock on SQLite, then sends them. Two senders
never claim the same row, so nobody gets a message twice; a sender that dies mid-way
leaves rows whose lease expires and that another sender takes again.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app, has_request_context
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from ..dates import utcnow
from ..extensions import db
from ..locking import serialize_writes
from ..logs import redact
from ..models import OutboxMessage, OutboxStatus
from .transport import TransportError, build_message, configured_transport

log = logging.getLogger(__name__)

#: serialize_writes scope of claims (SQLite only: PostgreSQL skips locked rows instead).
OUTBOX_LOCK = "outbox"
#: How long a claim holds a row: longer than any SMTP exchange.
LEASE = timedelta(minutes=5)
#: First retry after a minute, then twice as long each time, at most six hours apart.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)


def queue(
    kind: str,
    recipient: str,
    subject: str,
    text_body: str,
    html_body: str,
    *,
    attachment: tuple[str, str] | None = None,
    event_id: int | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    """Add a message to send once this transaction commits. `attachment` is (name, text)."""
    now = now or utcnow()
    message = OutboxMessage(
        kind=kind,
        recipient=recipient,
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        attachment_name=attachment[0] if attachment else None,
        attachment=attachment[1] if attachment else None,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        event_id=event_id,
    )
    db.session.add(message)
    db.session.info["outbox_queued"] = True
    return message


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure."""
    return min(LONGEST_RETRY, FIRST_RETRY * 2 ** max(0, attempts - 1))


def claim(limit: int, now: datetime | None = None) -> list[int]:
    """Take up to `limit` due messages for this sender, and commit the claim."""
    now = now or utcnow()
    if db.session.connection().dialect.name == "sqlite":
        serialize_writes(OUTBOX_LOCK)
    ids = list(
        db.session.execute(
            db.select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
                (OutboxMessage.claimed_until.is_(None)) | (OutboxMessage.claimed_until < now),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).scalars()
    )
    if ids:
        db.session.execute(
            db.update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(claimed_until=now + LEASE)
        )
    db.session.commit()
    return ids


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0


def deliver_due(limit: int = 50, now: datetime | None = None) -> Delivery:
    """Claim due messages and send them, recording each outcome as soon as it is known."""
    config = current_app.config
    transport = configured_transport(config, current_app.instance_path)
    delivery = Delivery()
    for message_id in claim(limit, now):
        row = db.session.get(OutboxMessage, message_id)
        if row is None:  # purged meanwhile
            continue
        sent_now = utcnow()
        row.attempts += 1
        row.claimed_until = None
        try:
            transport(build_message(row, config["MAIL_SENDER"], config["MAIL_MESSAGE_ID_DOMAIN"]))
        except TransportError as error:
            delivery.failed += 1
            row.last_error = str(error)[:2000]
            row.next_attempt_at = sent_now + retry_delay(row.attempts)
            if row.attempts >= config["MAIL_MAX_ATTEMPTS"]:
                row.status = OutboxStatus.FAILED
            log.warning("Échec d'envoi du courriel %s (essai %s) : %s", row.id, row.attempts, error)
        else:
            delivery.sent += 1
            row.status = OutboxStatus.SENT
            row.sent_at = sent_now
            row.last_error = None
            # The links' tokens were for the recipient: the copy kept here loses them.
            row.text_body = redact(row.text_body)
            row.html_body = redact(row.html_body)
        db.session.commit()
    return delivery


def deliver_all(batch: int = 50) -> Delivery:
    """Deliver until nothing is due (what `flask send-mail` runs)."""
    total = Delivery()
    while True:
        done = deliver_due(batch)
        total.sent += done.sent
        total.failed += done.failed
        if done.sent + done.failed < batch:
            return total


def retry(message: OutboxMessage) -> None:
    """An organizer asks for a failed or waiting message to be tried again now. A claim
    in progress is left alone: the worker holding it is sending it."""
    if message.status == OutboxStatus.SENT:
        return
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = utcnow()


def _deliver_in_background(app: Flask) -> None:
    def run() -> None:
        with app.app_context():
            try:
                deliver_due()
            except Exception:  # the message stays pending: send-mail will take it
                log.exception("Envoi des courriels après validation interrompu")
            finally:
                db.session.remove()

    threading.Thread(target=run, name="outbox-delivery", daemon=True).start()


# Registered once, for every session of every app: what was queued in a transaction is
# delivered right after it commits, when MAIL_DELIVER_AFTER_COMMIT is on.
@sa_event.listens_for(Session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    if not session.info.pop("outbox_queued", False):
        return
    # Only under a request: a command's process may end while a background thread is
    # between sending and recording, and the message would go twice. Commands leave their
    # mail to send-mail or the worker, or deliver it themselves (send-reminders).
    if not has_request_context():
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config["MAIL_DELIVER_AFTER_COMMIT"]:
        _deliver_in_background(app)


@sa_event.listens_for(Session, "after_rollback")
def _forget_queued(session: Session) -> None:
    session.info.pop("outbox_queued", None)
