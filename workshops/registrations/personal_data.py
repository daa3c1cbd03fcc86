"""Personal data: what we keep of people, and how it goes away.

Registrations hold a name, an address, an organisation and a message, for organizing the
session and writing about it. Twelve months (PERSONAL_DATA_MONTHS) after a session ends,
`flask purge-personal-data` anonymizes its registrations: those fields are emptied, the
rows stay, so the counts (who came, who waited, who cancelled) survive for statistics.
Mails kept in the outbox say the same things: the old ones are deleted.

On request, an organizer exports one person's data (what the sign-up notice promises) and
deletes it: upcoming seats are given back (the next person waiting gets them), then every
registration of the address is anonymized and its mails and links deleted.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..dates import utcnow
from ..extensions import db
from ..models import (
    Event,
    ManageLink,
    OutboxMessage,
    Participant,
    Registration,
    RegistrationStatus,
    SignInLink,
)
from .service import cancel_registration

#: "12m" (months) or "90d" (days), as `--older-than` takes it.
AGE = re.compile(r"(?P<count>[0-9]{1,4})(?P<unit>[md])")


def parse_age(text: str) -> tuple[int, str]:
    """(count, "m" or "d") from "12m" or "90d"; ValueError with a French message."""
    match = AGE.fullmatch(text.strip().lower())
    if match is None or int(match["count"]) == 0:
        raise ValueError(
            f"Durée non comprise : « {text} ». Écrivez un nombre suivi de m (mois) ou de "
            "d (jours), par exemple 12m ou 90d."
        )
    return int(match["count"]), match["unit"]


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day when
    that day does not exist: 31 March minus one month is 28 or 29 February)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    return moment.replace(
        year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1])
    )


def cutoff(count: int, unit: str, now: datetime) -> datetime:
    return months_before(now, count) if unit == "m" else now - timedelta(days=count)


@dataclass
class Purge:
    registrations: int = 0
    messages: int = 0
    participants: int = 0
    sign_in_links: int = 0


def purge_personal_data(before: datetime, now: datetime | None = None) -> Purge:
    """Anonymize the registrations of sessions that ended before `before`, delete the
    mails queued before it, spent or expired sign-in links, and participants with nothing
    left. The caller commits."""
    now = now or utcnow()
    old_events = db.select(Event.id).where(Event.ends_at < before)
    ids = list(
        db.session.execute(
            db.select(Registration.id).where(
                Registration.event_id.in_(old_events), Registration.anonymized_at.is_(None)
            )
        ).scalars()
    )
    done = Purge(registrations=_anonymize(ids, now))
    done.messages = _delete(
        db.delete(OutboxMessage).where(
            (OutboxMessage.created_at < before) | OutboxMessage.event_id.in_(old_events)
        )
    )
    done.sign_in_links = _delete(
        db.delete(SignInLink).where(
            (SignInLink.expires_at <= now) | SignInLink.used_at.is_not(None)
        )
    )
    done.participants = _delete_lonely_participants()
    return done


def _anonymize(ids: list[int], now: datetime) -> int:
    if not ids:
        return 0
    db.session.execute(db.delete(ManageLink).where(ManageLink.registration_id.in_(ids)))
    # The address is replaced by a unique placeholder: one active registration per address
    # and session is a database rule, and anonymized rows must still satisfy it.
    db.session.execute(
        db.update(Registration)
        .where(Registration.id.in_(ids))
        .values(
            email="anonyme-" + db.cast(Registration.id, db.String) + "@invalid",
            name="",
            organisation="",
            message="",
            anonymized_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    return len(ids)


def _delete(statement: Any) -> int:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def _delete_lonely_participants() -> int:
    kept = db.select(Registration.email).where(Registration.anonymized_at.is_(None))
    return _delete(db.delete(Participant).where(Participant.email.not_in(kept)))


def person_registrations(email: str) -> list[Registration]:
    """Every registration of an address still holding its data, latest session first."""
    return list(
        db.session.execute(
            db.select(Registration)
            .join(Event, Event.id == Registration.event_id)
            .where(Registration.email == email, Registration.anonymized_at.is_(None))
            .order_by(Event.starts_at.desc(), Registration.id)
        ).scalars()
    )


def export_person(email: str) -> dict[str, Any]:
    """What we hold about an address, as a person may ask for it (JSON-ready)."""

    def moment(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    messages = db.session.execute(
        db.select(OutboxMessage).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id)
    ).scalars()
    return {
        "adresse": email,
        "exporte_le": utcnow().isoformat(),
        "inscriptions": [
            {
                "session": r.event.title,
                "debut": moment(r.event.starts_at),
                "statut": RegistrationStatus(r.status).label,
                "nom": r.name,
                "organisation": r.organisation,
                "message": r.message,
                "inscrit_le": moment(r.created_at),
                "place_confirmee_le": moment(r.confirmed_at),
                "annulee_le": moment(r.cancelled_at),
                "rappel_envoye_le": moment(r.reminded_at),
            }
            for r in person_registrations(email)
        ],
        "courriels": [
            {
                "objet": m.subject,
                "cree_le": moment(m.created_at),
                "envoye_le": moment(m.sent_at),
                "statut": m.status_label,
            }
            for m in messages
        ],
    }


def forget_person(email: str, now: datetime | None = None) -> int:
    """Delete an address's data: upcoming seats given back (and to the next person),
    registrations anonymized, mails and links to it deleted. How many registrations.
    The person is not mailed: they asked for it. The caller commits."""
    now = now or utcnow()
    registrations = person_registrations(email)
    for registration in registrations:
        if registration.is_active and not registration.event.is_past():
            cancel_registration(registration, by="organizer", now=now)
    _anonymize([r.id for r in registrations], now)
    _delete(db.delete(OutboxMessage).where(OutboxMessage.recipient == email))
    _delete(db.delete(SignInLink).where(SignInLink.email == email))
    _delete(db.delete(Participant).where(Participant.email == email))
    return len(registrations)
