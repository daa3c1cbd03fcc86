"""How a message is built and leaves: the MIME message, the .eml files, and the SMTP
settings (plain, STARTTLS, implicit TLS, login) as they reach smtplib."""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import pytest

from workshops.mail import transport

CREATED = datetime(2026, 12, 6, 9, 30, 15, tzinfo=UTC)


def row(**fields):  # type: ignore[no-untyped-def]
    values = {
        "id": 42,
        "subject": "Inscription confirmée : Atelier SQL",
        "recipient": "ada@example.org",
        "created_at": CREATED,
        "text_body": "Bonjour Ada,\n",
        "html_body": "<p>Bonjour Ada,</p>\n",
        "attachment": "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        "attachment_name": "atelier-sql.ics",
    }
    return SimpleNamespace(**{**values, **fields})


def test_the_message_has_its_headers_written_as_mail_clients_expect():
    message = transport.build_message(row(), "Ateliers <ne-pas-repondre@ex.fr>", "ex.fr")
    assert list(message.items())[:6] == [
        ("Subject", "Inscription confirmée : Atelier SQL"),
        ("From", "Ateliers <ne-pas-repondre@ex.fr>"),
        ("To", "ada@example.org"),
        ("Date", "Sun, 06 Dec 2026 09:30:15 +0000"),
        ("Message-ID", "<outbox-42.20261206093015@ex.fr>"),
        ("Auto-Submitted", "auto-generated"),
    ]
    raw = bytes(message).decode()
    assert 'Content-Type: text/plain; charset="utf-8"' in raw
    assert 'Content-Type: text/html; charset="utf-8"' in raw
    (attachment,) = list(message.iter_attachments())
    assert attachment["Content-Type"] == 'text/calendar; method="PUBLISH"; charset="utf-8"'
    assert attachment.get_filename() == "atelier-sql.ics"
    assert attachment.get_content() == "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


@pytest.mark.parametrize(
    "fields", [{"attachment": None}, {"attachment": None, "attachment_name": "x.ics"}]
)
def test_no_attachment_without_its_text(fields):
    message = transport.build_message(row(**fields), "a@ex.fr", "ex.fr")
    assert list(message.iter_attachments()) == []


def test_files_land_in_a_new_nested_folder_named_after_the_message_id(tmp_path, caplog):
    folder = tmp_path / "deep" / "outbox"
    send = transport.file_transport(folder)
    first = transport.build_message(row(), "a@ex.fr", "ex.fr/x")
    with caplog.at_level(logging.INFO, logger="workshops.mail.transport"):
        send(first)
        send(transport.build_message(row(id=43), "a@ex.fr", "ex.fr"))  # the folder exists
    names = sorted(path.name for path in folder.iterdir())
    assert names == ["outbox-42.20261206093015_ex.fr_x.eml", "outbox-43.20261206093015_ex.fr.eml"]
    written = BytesParser(policy=policy.default).parsebytes(
        (folder / "outbox-42.20261206093015_ex.fr_x.eml").read_bytes()
    )
    assert written["Subject"] == "Inscription confirmée : Atelier SQL"
    assert [record.getMessage() for record in caplog.records] == [
        f"Courriel écrit dans {folder / name} (à ada@example.org : "
        "Inscription confirmée : Atelier SQL)"
        for name in ("outbox-42.20261206093015_ex.fr_x.eml", "outbox-43.20261206093015_ex.fr.eml")
    ]


class RecordingSMTP:
    """Stands for smtplib's clients: records how the transport drives them (the real
    server exchange is tests/test_mail.py's, against aiosmtpd)."""

    calls: ClassVar[list[tuple]] = []

    def __init__(self, host, port, **kwargs):  # type: ignore[no-untyped-def]
        type(self).calls.append(("connect", type(self).__name__, host, port, kwargs))

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *args):  # type: ignore[no-untyped-def]
        type(self).calls.append(("quit",))

    def starttls(self, context):  # type: ignore[no-untyped-def]
        type(self).calls.append(("starttls", context))

    def login(self, user, password):  # type: ignore[no-untyped-def]
        type(self).calls.append(("login", user, password))

    def send_message(self, message):  # type: ignore[no-untyped-def]
        type(self).calls.append(("send", message["To"]))


class SMTP(RecordingSMTP):
    pass


class SMTP_SSL(RecordingSMTP):
    pass


SETTINGS = {
    "MAIL_SMTP_HOST": "smtp.example.org",
    "MAIL_SMTP_PORT": "587",
    "MAIL_SMTP_TIMEOUT_SECONDS": 7,
    "MAIL_SMTP_SSL": False,
    "MAIL_SMTP_STARTTLS": False,
    "MAIL_SMTP_USERNAME": "",
    "MAIL_SMTP_PASSWORD": "",
}


@pytest.fixture
def smtp_calls(monkeypatch):  # type: ignore[no-untyped-def]
    RecordingSMTP.calls = []
    monkeypatch.setattr(smtplib, "SMTP", SMTP)
    monkeypatch.setattr(smtplib, "SMTP_SSL", SMTP_SSL)
    return RecordingSMTP.calls


def strict(context) -> bool:  # type: ignore[no-untyped-def]
    return (
        isinstance(context, ssl.SSLContext)
        and context.verify_mode == ssl.CERT_REQUIRED
        and context.check_hostname
    )


def test_plain_smtp_with_its_timeout(smtp_calls):
    transport.smtp_transport(SETTINGS)(transport.build_message(row(), "a@ex.fr", "ex.fr"))
    assert smtp_calls == [
        ("connect", "SMTP", "smtp.example.org", 587, {"timeout": 7.0}),
        ("send", "ada@example.org"),
        ("quit",),
    ]


def test_starttls_then_login(smtp_calls):
    settings = {
        **SETTINGS,
        "MAIL_SMTP_STARTTLS": True,
        "MAIL_SMTP_USERNAME": "ateliers",
        "MAIL_SMTP_PASSWORD": "s3cret",
    }
    transport.smtp_transport(settings)(transport.build_message(row(), "a@ex.fr", "ex.fr"))
    assert [call[0] for call in smtp_calls] == ["connect", "starttls", "login", "send", "quit"]
    assert strict(smtp_calls[1][1])
    assert smtp_calls[2] == ("login", "ateliers", "s3cret")


def test_implicit_tls_with_a_login_and_no_password(smtp_calls):
    settings = {
        **SETTINGS,
        "MAIL_SMTP_SSL": True,
        "MAIL_SMTP_PORT": 465,
        "MAIL_SMTP_USERNAME": "ateliers",
        "MAIL_SMTP_PASSWORD": None,
    }
    transport.smtp_transport(settings)(transport.build_message(row(), "a@ex.fr", "ex.fr"))
    kind, name, host, port, kwargs = smtp_calls[0]
    assert (kind, name, host, port) == ("connect", "SMTP_SSL", "smtp.example.org", 465)
    assert kwargs["timeout"] == 7.0 and strict(kwargs["context"])
    assert set(kwargs) == {"timeout", "context"}
    assert smtp_calls[1] == ("login", "ateliers", "")


def test_the_files_folder_defaults_to_the_instance(tmp_path):
    config = {"MAIL_BACKEND": "files", "MAIL_FILES_FOLDER": ""}
    send = transport.configured_transport(config, str(tmp_path))
    send(transport.build_message(row(), "a@ex.fr", "ex.fr"))
    assert [p.name for p in (tmp_path / "outbox").iterdir()] == [
        "outbox-42.20261206093015_ex.fr.eml"
    ]
    assert transport.files_folder(config, "/srv/instance") == Path("/srv/instance/outbox")


def test_an_unknown_backend_is_named_in_the_error():
    with pytest.raises(ValueError) as error:
        transport.configured_transport({"MAIL_BACKEND": "pigeon"}, "/i")
    assert str(error.value) == "MAIL_BACKEND must be 'smtp' or 'files', not 'pigeon'"
