"""Keep secret tokens out of the logs.

Manage links, sign-in links and personal calendar feeds carry their secret in the path;
an access log line is read by more people, and kept longer, than the mail that carried
it. A filter on the loggers that write request lines (werkzeug's development server,
gunicorn's access and error logs) replaces each token with "[secret]" before anything is
written. It is installed by the app itself (`create_app`), so that no deployment flag can
be forgotten: gunicorn's loggers exist before the app is loaded in each worker. The
outbox applies the same `redact` to the copy it keeps of a mail once it is sent.
"""

from __future__ import annotations

import logging
import re

#: Paths whose next segment is a secret token (see registrations.tokens).
SECRET_PATH = re.compile(
    r"(/(?:inscriptions|mes-inscriptions/connexion|mon-calendrier)/)[^/\s?#\"']+"
)
REDACTED = "[secret]"
#: Loggers that write request lines.
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def redact(text: str) -> str:
    return SECRET_PATH.sub(rf"\g<1>{REDACTED}", text)


class RedactTokens(logging.Filter):
    """Rewrite the record's message with tokens replaced; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True


_FILTER = RedactTokens()


def redact_access_logs() -> None:
    """Install the filter on the request loggers, once however many apps are created."""
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def log_to_stderr_by_default() -> None:
    """Show the app's own INFO lines (a mail written to a file, a delivery failure) when
    nothing else configured logging: Python would print only warnings and above."""
    logger = logging.getLogger("workshops")
    if logger.handlers or logging.getLogger().handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
