"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), and what it received."""

from __future__ import annotations

import email
import socket
import time
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class Inbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[arg-type]
        )
        return "250 OK"

    def wait_for(self, recipient: str, subject_start: str, timeout: float = 20) -> EmailMessage:
        """The first message to `recipient` whose subject starts so, waiting for it: the app
        sends after its commit, in the background."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.messages:
                if message["To"] == recipient and message["Subject"].startswith(subject_start):
                    return message
            if time.monotonic() > deadline:
                seen = [(m["To"], m["Subject"]) for m in self.messages if m["To"] == recipient]
                raise AssertionError(f"no mail {subject_start!r} to {recipient}; got {seen}")
            time.sleep(0.1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_smtp(port: int) -> tuple[Inbox, Controller]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return inbox, controller
