"""All tables, and the enumerations their columns hold.

The main entity is `Event`, never "Session": Flask and SQLAlchemy both own that word.
Statuses, kinds and roles are `StrEnum`s: each value is written once, here, and compares
equal to the plain string stored in the database.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .dates import utcnow
from .extensions import db


class EventKind(StrEnum):
    WORKSHOP = "workshop"
    COMMUNITY = "community"

    @property
    def label(self) -> str:
        return {"workshop": "Atelier collectif", "community": "Session communauté"}[self]


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        # Feminine: the word beside it is "session".
        return {"draft": "Brouillon", "published": "Publiée", "cancelled": "Annulée"}[self]


class UserRole(StrEnum):
    ADMIN = "admin"
    ORGANIZER = "organizer"

    @property
    def label(self) -> str:
        return {
            "admin": "Administrateur ou administratrice",
            "organizer": "Organisateur ou organisatrice",
        }[self]


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def _in(column: str, values: type[StrEnum]) -> str:
    """`kind IN ('workshop', 'community')`: the same SQL the first migration wrote."""
    return f"{column} IN {tuple(member.value for member in values)!r}"


class UTCDateTime(TypeDecorator):
    """An aware datetime stored in UTC.

    PostgreSQL keeps the offset (timestamptz); SQLite has no time zone type, so values are
    stored as naive UTC and given their UTC tzinfo back on load. Naive values are refused
    on the way in: a naive datetime is a bug waiting for a daylight-saving change.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


event_themes = Table(
    "event_themes",
    db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)

event_organizers = Table(
    "event_organizers",
    db.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    """An organizer or admin account. Participants are not users: they have no password."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", UserRole), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Normalized (lowercase, validated) email; the login.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Werkzeug scrypt hash.
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=UserRole.ORGANIZER.value)
    #: Deactivated accounts cannot log in; their past events keep their name.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Part of every session cookie of this account (see get_id); replacing it on logout,
    #: password change or deactivation ends every session, copies of the cookie included.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)

    def get_id(self) -> str:
        """What Flask-Login stores in the session; the user loader checks both parts."""
        return f"{self.id}:{self.session_token}"

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == UserRole.ADMIN

    @property
    def role_label(self) -> str:
        return UserRole(self.role).label


class Theme(db.Model):
    """A theme ("thématique") events are tagged with, used by the catalogue filter."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: When a public session first carried it; from then on a calendar feed may be filtered
    #: on it forever (a subscribed URL never starts failing), and before, nobody learns of it.
    first_public_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Event(db.Model):
    """One collective workshop or community session."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_positive"),
        CheckConstraint(_in("kind", EventKind), name="kind"),
        CheckConstraint(_in("status", EventStatus), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: iCalendar UID: random, fixed at creation, never changes (not even when the slug does).
    uid: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: str(uuid.uuid4()))
    #: An EventKind: atelier collectif or session communauté.
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    #: URL name; follows the title while a draft, frozen once first published.
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    #: One or two sentences for cards and listings.
    summary: Mapped[str] = mapped_column(String(500), default="")
    #: Markdown, sanitized on render.
    description: Mapped[str] = mapped_column(Text, default="")
    #: Title, summary, description and themes without accents or case (text.search_key),
    #: kept up to date by events.lifecycle; what the catalogue's free-text search reads.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: Address or room; None for an online-only event.
    location: Mapped[str | None] = mapped_column(String(300))
    #: Video-conference link; None for an in-person-only event.
    online_url: Mapped[str | None] = mapped_column(String(500))
    #: Seats; None means unlimited.
    capacity: Mapped[int | None] = mapped_column(Integer)
    #: After this instant nobody can sign up; None means "until the event starts".
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.DRAFT.value, index=True)
    #: Shown publicly on a cancelled event.
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    #: Set at the first publication; from then on the slug is stable.
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: iCalendar SEQUENCE: bumped on every change a calendar client must see.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    themes: Mapped[list[Theme]] = relationship(secondary=event_themes, order_by=Theme.name)
    organizers: Mapped[list[User]] = relationship(secondary=event_organizers, order_by=User.name)
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def kind_label(self) -> str:
        return EventKind(self.kind).label

    @property
    def status_label(self) -> str:
        return EventStatus(self.status).label

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def is_online(self) -> bool:
        return bool(self.online_url)

    @property
    def is_in_person(self) -> bool:
        return bool(self.location)

    @property
    def format_label(self) -> str:
        if self.is_online and self.is_in_person:
            return "Hybride (en ligne et sur place)"
        return "En ligne" if self.is_online else "Sur place"

    @property
    def place_label(self) -> str:
        """Where to go, for cards: the location, "En ligne", or "<location> et en ligne"."""
        if self.is_in_person and self.is_online:
            return f"{self.location} et en ligne"
        return self.location if self.is_in_person else "En ligne"  # type: ignore[return-value]

    def is_past(self, now: datetime | None = None) -> bool:
        return self.ends_at <= (now or utcnow())


class Page(db.Model):
    """Editable Markdown content of a public page (the offer landing page)."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Fixed key, e.g. "offre".
    key: Mapped[str] = mapped_column(String(50), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    #: The lead paragraph under the title.
    lead: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()


class ThrottleHit(db.Model):
    """One counted attempt (a failed login…) under a throttle key; see workshops.throttle.

    Kept in the database, not in process memory, so every worker on every host slows
    down the same attacker.
    """

    __tablename__ = "throttle_hits"
    __table_args__ = (Index("ix_throttle_hits_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "<purpose>:<value>", e.g. "login-email:ada@example.org" or "login-ip:192.0.2.1".
    key: Mapped[str] = mapped_column(String(400))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When the hit no longer counts for any window and may be pruned.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ChangeClock(db.Model):
    """When a kind of data last changed, for what must notice a removal (see workshops.clocks).

    A calendar feed's Last-Modified cannot be read from the rows it shows: an event that
    left the feed (unpublished, deleted) is no longer among them. Every change ticks the
    clock of its kind instead.
    """

    __tablename__ = "change_clocks"

    #: The kind of data, e.g. "events".
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
