"""How a message leaves: SMTP, or `.eml` files in a folder (the embedded default).

Chosen by MAIL_BACKEND: "files" writes each message to MAIL_FILES_FOLDER (default
instance/outbox/) and logs one line, so that `make run` works with no mail server and a
developer can open what would have been sent; "smtp" talks to MAIL_SMTP_HOST.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from ..models import OutboxMessage

log = logging.getLogger(__name__)

#: Sends one message or raises; the outbox records the error and tries again later.
Transport = Callable[[EmailMessage], None]


class TransportError(Exception):
    """The message could not be handed over; it stays pending."""


def build_message(row: OutboxMessage, sender: str, domain: str) -> EmailMessage:
    """The MIME message of an outbox row: text, HTML alternative, and the attachment.

    The Message-ID is derived from the row, so that a message sent again after a crash
    between sending and recording it is recognized as the same one by mail clients.
    """
    message = EmailMessage()
    message["Subject"] = row.subject
    message["From"] = sender
    message["To"] = row.recipient
    message["Date"] = format_datetime(row.created_at)
    message["Message-ID"] = f"<outbox-{row.id}.{row.created_at:%Y%m%d%H%M%S}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.text_body)
    message.add_alternative(row.html_body, subtype="html")
    if row.attachment is not None and row.attachment_name:
        message.add_attachment(
            row.attachment.encode(),
            maintype="text",
            subtype="calendar",
            filename=row.attachment_name,
            params={"method": "PUBLISH", "charset": "utf-8"},
        )
    return message


def file_transport(folder: Path) -> Transport:
    """Write each message to `folder/<Message-ID>.eml` (written whole, then renamed)."""

    def send(message: EmailMessage) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        name = str(message["Message-ID"]).strip("<>").replace("@", "_").replace("/", "_")
        path = folder / f"{name}.eml"
        temporary = path.with_suffix(".eml.tmp")
        temporary.write_bytes(bytes(message))
        os.replace(temporary, path)
        log.info("Courriel écrit dans %s (à %s : %s)", path, message["To"], message["Subject"])

    return send


def smtp_transport(config: dict[str, Any]) -> Transport:
    """Send through the configured SMTP server (STARTTLS or implicit TLS when asked)."""

    def send(message: EmailMessage) -> None:
        host, port = config["MAIL_SMTP_HOST"], int(config["MAIL_SMTP_PORT"])
        timeout = float(config["MAIL_SMTP_TIMEOUT_SECONDS"])
        try:
            if config["MAIL_SMTP_SSL"]:
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    host, port, timeout=timeout, context=ssl.create_default_context()
                )
            else:
                client = smtplib.SMTP(host, port, timeout=timeout)
            with client:
                if config["MAIL_SMTP_STARTTLS"]:
                    client.starttls(context=ssl.create_default_context())
                if config["MAIL_SMTP_USERNAME"]:
                    client.login(config["MAIL_SMTP_USERNAME"], config["MAIL_SMTP_PASSWORD"] or "")
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise TransportError(f"{type(error).__name__}: {error}") from error

    return send


def files_folder(config: dict[str, Any], instance_path: str) -> Path:
    return Path(config["MAIL_FILES_FOLDER"] or os.path.join(instance_path, "outbox"))


def configured_transport(config: dict[str, Any], instance_path: str) -> Transport:
    backend = config["MAIL_BACKEND"]
    if backend == "smtp":
        return smtp_transport(config)
    if backend == "files":
        return file_transport(files_folder(config, instance_path))
    raise ValueError(f"MAIL_BACKEND must be 'smtp' or 'files', not {backend!r}")


def describe(config: dict[str, Any], instance_path: str) -> str:
    """Where mail goes, in a sentence for the person starting the app."""
    if config["MAIL_BACKEND"] == "smtp":
        return (
            f"Courriels : envoyés par SMTP à {config['MAIL_SMTP_HOST']}:{config['MAIL_SMTP_PORT']}."
        )
    return (
        f"Courriels : écrits en fichiers .eml dans {files_folder(config, instance_path)}, "
        'pas envoyés (réglez MAIL_BACKEND = "smtp" pour les envoyer).'
    )
