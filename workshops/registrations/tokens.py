"""Secret tokens in URLs: manage links, sign-in links, personal calendar feeds.

A token is 256 random bits in URL-safe base64. Manage and sign-in links keep only the
token's SHA-256 in the database, so that a copy of the database opens nothing. A personal
calendar's token is derived instead (HMAC of SECRET_KEY, the participant and a nonce): the
page shows the same address at every visit, the database alone still opens nothing, and a
new nonce kills the old address.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from flask import current_app

#: What a token looks like in a URL: 43 characters for 32 bytes, with some slack.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,100}")


def new_token() -> tuple[str, str]:
    """A fresh token and the hash to store."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_token(participant_id: int, nonce: str) -> str:
    """The personal feed's token: "<id>-<mac>", checked by `calendar_participant_id`."""
    return f"{participant_id}-{_calendar_mac(participant_id, nonce)}"


def calendar_token_parts(token: str) -> tuple[int, str] | None:
    """(participant id, mac) of a well-formed calendar token, else None."""
    number, separator, mac = token.partition("-")
    if not separator or not number.isascii() or not number.isdigit() or len(number) > 12:
        return None
    if not TOKEN_PATTERN.fullmatch(mac):
        return None
    return int(number), mac


def calendar_mac_matches(participant_id: int, nonce: str, mac: str) -> bool:
    return hmac.compare_digest(_calendar_mac(participant_id, nonce), mac)


def _calendar_mac(participant_id: int, nonce: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"calendar:{participant_id}:{nonce}".encode(), "sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
