"""Who is looking at materials in this request: an organizer, a signed-in participant, or a
browser that opened a manage link.

A manage link proves that the person holds that registration, like a sign-in link proves
an address. Opening it remembers the registration in the (signed) session cookie, so that
the materials it opens stay reachable from the session's page for the session's life;
each download checks again that the seat is still confirmed.
"""

from __future__ import annotations

from flask import session
from flask_login import current_user

from ..models import Registration, RegistrationStatus
from ..permissions import is_staff
from ..registrations.participant_views import current_participant
from .access import Viewer
from .service import confirmed_at_event, granted_registration

#: Session key: [[registration id, its created_at timestamp], …], most recent last.
GRANTS_KEY = "material_grants"
#: Registrations remembered at most (the cookie stays small).
MAX_GRANTS = 20


def remember_registration(registration: Registration) -> None:
    """Called by the manage page: a confirmed seat opens the registrants' materials."""
    if registration.status != RegistrationStatus.CONFIRMED:
        return
    entry = [registration.id, registration.created_at.timestamp()]
    # Lists, not tuples: the session's serializer would bring tuples back as tuples.
    grants = [list(grant) for grant in _grants() if grant[0] != registration.id]
    session[GRANTS_KEY] = [*grants, entry][-MAX_GRANTS:]


def _grants() -> list[tuple[int, float]]:
    raw = session.get(GRANTS_KEY)
    if not isinstance(raw, list):
        return []
    grants = []
    for item in raw:
        if (
            isinstance(item, list)
            and len(item) == 2
            and isinstance(item[0], int)
            and isinstance(item[1], int | float)
        ):
            grants.append((item[0], float(item[1])))
    return grants


def current_viewer() -> Viewer:
    staff = is_staff(current_user)

    def registered(event_id: int) -> bool:
        participant = current_participant()
        if participant is not None and confirmed_at_event(event_id, participant.email):
            return True
        return granted_registration(event_id, _grants())

    return Viewer(staff=staff, registered=registered)
