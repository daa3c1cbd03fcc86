"""The app as gunicorn serves it in tests/test_concurrent_signups.py, plus, only when
WORKSHOPS_TEST_UNLOCKED_PATH is set, a sign-up path that reads the seats then writes
without any lock: the negative control that shows the test catches an overbooking.
It exists only here, never in the app."""

from __future__ import annotations

import os
import time

from workshops import create_app
from workshops.extensions import db
from workshops.models import Event, Registration, RegistrationStatus

app = create_app()

if os.environ.get("WORKSHOPS_TEST_UNLOCKED_PATH"):

    @app.post("/test-only/unlocked/<slug>")
    def unlocked_sign_up(slug: str) -> str:
        event = db.session.execute(db.select(Event).where(Event.slug == slug)).scalar_one()
        confirmed = db.session.execute(
            db.select(db.func.count()).where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
        ).scalar_one()
        time.sleep(0.05)  # the others read the same count meanwhile
        free = event.capacity is None or confirmed < event.capacity
        db.session.add(
            Registration(
                event_id=event.id,
                email=os.urandom(6).hex() + "@example.org",
                name="Sans verrou",
                status=RegistrationStatus.CONFIRMED if free else RegistrationStatus.WAITLISTED,
            )
        )
        db.session.commit()
        return "ok"
