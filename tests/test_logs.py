"""Secret tokens never reach a log line: werkzeug's development server and gunicorn's
access log, both really serving the app."""

from __future__ import annotations

import logging
import threading
import urllib.error
import urllib.request

import pytest
from werkzeug.serving import make_server

from tests.test_concurrent_signups import start_server, stop
from workshops.logs import RedactTokens, redact

TOKEN = "s3cr3t-T0ken_abcdefghijklmnopqrstuvwxyz0123456"
SECRET_PATHS = [
    f"/inscriptions/{TOKEN}",
    f"/mes-inscriptions/connexion/{TOKEN}",
    f"/mon-calendrier/12-{TOKEN}.ics",
]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f'"GET /inscriptions/{TOKEN} HTTP/1.1" 200', '"GET /inscriptions/[secret] HTTP/1.1" 200'),
        (
            f"POST /mes-inscriptions/connexion/{TOKEN}?x=1",
            "POST /mes-inscriptions/connexion/[secret]?x=1",
        ),
        (f"/mon-calendrier/12-{TOKEN}.ics", "/mon-calendrier/[secret]"),
        (f"https://h/inscriptions/{TOKEN}#a", "https://h/inscriptions/[secret]#a"),
        # Not secrets: a session's sign-up, the person's own list, an id.
        ("/ateliers/sql/inscription", "/ateliers/sql/inscription"),
        ("/mes-inscriptions/12/annuler", "/mes-inscriptions/12/annuler"),
        ("/mes-inscriptions/lien-envoye", "/mes-inscriptions/lien-envoye"),
    ],
)
def test_redact(line, expected):
    assert redact(line) == expected


def record(msg: str, args) -> logging.LogRecord:  # type: ignore[no-untyped-def]
    return logging.LogRecord("x", logging.INFO, __file__, 1, msg, args, None)


def test_the_filter_rewrites_both_argument_styles_and_keeps_other_records():
    gunicorn_style = record("%(r)s %(s)s", {"r": f"GET /inscriptions/{TOKEN} HTTP/1.1", "s": "200"})
    werkzeug_style = record('"%s" %s', (f"GET /mon-calendrier/1-{TOKEN}.ics HTTP/1.1", "200"))
    plain = record("%s sessions", (3,))
    assert all(RedactTokens().filter(r) for r in (gunicorn_style, werkzeug_style, plain))
    assert gunicorn_style.getMessage() == "GET /inscriptions/[secret] HTTP/1.1 200"
    assert werkzeug_style.getMessage() == '"GET /mon-calendrier/[secret] HTTP/1.1" 200'
    assert (plain.msg, plain.args, plain.getMessage()) == ("%s sessions", (3,), "3 sessions")


def test_the_development_server_log_shows_no_token(app, caplog):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            for path in SECRET_PATHS:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=10)
                except urllib.error.HTTPError as error:
                    assert error.code == 404
    finally:
        server.shutdown()
        thread.join()
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert len([line for line in lines if "[secret]" in line]) == len(SECRET_PATHS), lines
    assert not [line for line in lines if "s3cr3t" in line]


def test_gunicorn_access_log_shows_no_token(tmp_path):
    server = start_server(f"sqlite:///{tmp_path / 'logs.sqlite3'}", tmp_path)
    try:
        for path in SECRET_PATHS:
            try:
                urllib.request.urlopen(server.url + path, timeout=10)  # noqa: S310
            except urllib.error.HTTPError as error:
                assert error.code == 404
    finally:
        stop(server)
    log = server.log.read_text()
    assert log.count("[secret]") == len(SECRET_PATHS), log
    assert "s3cr3t" not in log
