"""Factory fixtures: closures that create accounts and events through the domain functions,
so test data obeys the same rules as real data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from workshops.accounts import users as accounts
from workshops.dates import PARIS, utcnow
from workshops.events import lifecycle as events
from workshops.extensions import db
from workshops.models import Event, EventKind, EventStatus, User, UserRole

PASSWORD = "correct horse battery staple"


@pytest.fixture
def create_user(app: Flask) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def factory(
        email: str | None = None,
        name: str | None = None,
        role: str = UserRole.ORGANIZER,
        password: str = PASSWORD,
        active: bool = True,
    ) -> User:
        n = next(counter)
        user = accounts.create_user(
            email or f"user{n}@example.org", name or f"Personne {n}", role, password
        )
        user.active = active
        db.session.commit()
        return user

    return factory


def paris(year: int, month: int, day: int, hour: int = 14, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def create_event(app: Flask, create_user) -> Callable[..., Event]:  # type: ignore[no-untyped-def]
    """Create an event (published unless `status` says otherwise), starting in `days` days."""
    owner: list[User] = []

    def factory(
        title: str = "Atelier SQL",
        *,
        status: str = EventStatus.PUBLISHED,
        days: float = 7,
        hours: float = 2,
        starts_at: datetime | None = None,
        author: User | None = None,
        theme_names: list[str] | None = None,
        reason: str = "Intervenant indisponible.",
        **fields: Any,
    ) -> Event:
        if author is None:
            if not owner:
                owner.append(create_user(email="owner@example.org", name="Alice Martin"))
            author = owner[0]
        start = starts_at or (utcnow() + timedelta(days=days)).replace(microsecond=0)
        data = events.EventData(
            kind=fields.pop("kind", EventKind.WORKSHOP),
            title=title,
            # Not derived from the title: a search for the title must find it in the title.
            summary=fields.pop("summary", "Une session pour progresser ensemble."),
            description=fields.pop("description", ""),
            starts_at=start,
            ends_at=fields.pop("ends_at", start + timedelta(hours=hours)),
            location=fields.pop("location", "Ségur, Paris"),
            online_url=fields.pop("online_url", None),
            capacity=fields.pop("capacity", 12),
            theme_names=theme_names or [],
            organizer_ids=fields.pop("organizer_ids", []),
        )
        assert not fields, f"unknown fields {fields}"
        event = events.create_event(data, author)
        if status in (EventStatus.PUBLISHED, EventStatus.CANCELLED):
            events.publish_event(event)
        if status == EventStatus.CANCELLED:
            events.cancel_event(event, reason)
        db.session.commit()
        return event

    return factory
