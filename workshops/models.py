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
    BigInteger,
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
    text,
)
from sqlalchemy import event as sa_event
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


class RegistrationStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            "confirmed": "Inscription confirmée",
            "waitlisted": "Liste d’attente",
            "cancelled": "Inscription annulée",
        }[self]


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"pending": "En attente", "sent": "Envoyé", "failed": "Échec"}[self]


class MaterialKind(StrEnum):
    FILE = "file"
    LINK = "link"


class MaterialVisibility(StrEnum):
    """Who may see and download a material; the one home of the rule is
    workshops.materials.access."""

    PUBLIC = "public"
    REGISTRANTS = "registrants"
    ORGANIZERS = "organizers"

    @property
    def label(self) -> str:
        return {
            "public": "Tout le monde",
            "registrants": "Personnes inscrites à la session",
            "organizers": "Équipe d’organisation seulement",
        }[self]


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
        # The backstop of "never more confirmed seats than capacity": confirmed_count is
        # kept by triggers on registrations (see CAPACITY_TRIGGERS), so that a code path
        # that forgot the lock still cannot overbook. On PostgreSQL the counter's row lock
        # also serializes two such paths.
        CheckConstraint(
            "confirmed_count >= 0 AND (capacity IS NULL OR confirmed_count <= capacity)",
            name="seats_within_capacity",
        ),
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
    #: Confirmed registrations, kept by database triggers (never written by the app).
    confirmed_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
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


#: Triggers that keep events.confirmed_count equal to the event's confirmed registrations,
#: by dialect. With the events CHECK above, they make overbooking impossible in the
#: database itself. The migration that created them holds its own copy. A migration that
#: rebuilds `events` on SQLite (batch mode) must drop them first and create them again.
CAPACITY_TRIGGERS: dict[str, list[str]] = {
    "sqlite": [
        """CREATE TRIGGER registrations_count_insert AFTER INSERT ON registrations
        WHEN NEW.status = 'confirmed'
        BEGIN
            UPDATE events SET confirmed_count = confirmed_count + 1 WHERE id = NEW.event_id;
        END""",
        """CREATE TRIGGER registrations_count_delete AFTER DELETE ON registrations
        WHEN OLD.status = 'confirmed'
        BEGIN
            UPDATE events SET confirmed_count = confirmed_count - 1 WHERE id = OLD.event_id;
        END""",
        """CREATE TRIGGER registrations_count_update AFTER UPDATE OF status, event_id
        ON registrations
        WHEN (OLD.status = 'confirmed') != (NEW.status = 'confirmed')
            OR (NEW.status = 'confirmed' AND OLD.event_id != NEW.event_id)
        BEGIN
            UPDATE events SET confirmed_count = confirmed_count - 1
            WHERE id = OLD.event_id AND OLD.status = 'confirmed';
            UPDATE events SET confirmed_count = confirmed_count + 1
            WHERE id = NEW.event_id AND NEW.status = 'confirmed';
        END""",
    ],
    "postgresql": [
        """CREATE FUNCTION registrations_count() RETURNS trigger AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'confirmed' THEN
                UPDATE events SET confirmed_count = confirmed_count - 1 WHERE id = OLD.event_id;
            END IF;
            IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = 'confirmed' THEN
                UPDATE events SET confirmed_count = confirmed_count + 1 WHERE id = NEW.event_id;
            END IF;
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER registrations_count
        AFTER INSERT OR DELETE OR UPDATE OF status, event_id ON registrations
        FOR EACH ROW EXECUTE FUNCTION registrations_count()""",
    ],
}


class Registration(db.Model):
    """One person's sign-up to one event: confirmed, on the waiting list, or cancelled.

    Participants have no account: they are known by their (normalized) email, and reach
    their registration through secret links sent by mail (see ManageLink). The waiting
    list is in `id` order (first come, first served).
    """

    __tablename__ = "registrations"
    __table_args__ = (
        CheckConstraint(_in("status", RegistrationStatus), name="status"),
        # One active registration per person and event, whatever the code does.
        Index(
            "uq_registrations_active_email",
            "event_id",
            "email",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
        Index("ix_registrations_event_status", "event_id", "status", "id"),
        Index("ix_registrations_email", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    #: Normalized by addresses.normalize_email; "" once anonymized.
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200))
    #: The startup or organization the person comes from.
    organisation: Mapped[str] = mapped_column(String(200), default="")
    #: What the person expects from the session (optional, for the organizers).
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Who cancelled: "participant" or "organizer".
    cancelled_by: Mapped[str | None] = mapped_column(String(20))
    #: When the reminder of the day before was queued (send-reminders is idempotent).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set when the personal data was removed; the row stays for the counts.
    anonymized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()

    @property
    def status_label(self) -> str:
        return RegistrationStatus(self.status).label

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED


class ManageLink(db.Model):
    """A secret link to one registration, minted for each mail that carries one.

    Only the token's SHA-256 is kept, so a mail's link cannot be sent again: every message
    that needs one (confirmation, promotion, reminder…) gets its own, and all of them stay
    valid until the person's data is purged.
    """

    __tablename__ = "manage_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[Registration] = relationship()


class Participant(db.Model):
    """What is kept of a person across events: the key of their personal calendar feed.

    The feed's token is derived from SECRET_KEY and `calendar_nonce` (see
    registrations.tokens); a new nonce kills the old address.
    """

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    calendar_nonce: Mapped[str] = mapped_column(String(64), default=new_session_token)
    #: What a /mes-inscriptions session cookie must hold besides the id: ids are reused
    #: after a deletion, and signing out draws a new one, which ends every copy.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SignInLink(db.Model):
    """A single-use link to /mes-inscriptions, mailed to an address; only its hash is kept."""

    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(db.Model):
    """A mail to send, written in the transaction of the change that causes it.

    Delivery happens after commit (workshops.mail.outbox): a crash or an SMTP outage leaves
    the row pending, to be sent by the next `flask send-mail` or the mail worker. A worker
    claims rows (claimed_until) before sending, so that two never send the same one.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(_in("status", OutboxStatus), name="status"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the message is, e.g. "confirmation" (see mail.messages).
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    #: One attachment at most (an event's .ics): its file name and text.
    attachment_name: Mapped[str | None] = mapped_column(String(200))
    attachment: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: A worker sending it until then; after, it counts as pending again (worker died).
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))

    @property
    def status_label(self) -> str:
        return OutboxStatus(self.status).label


class Material(db.Model):
    """A session's material: a stored file (slides, notebook, data…) or a link (repository,
    replay). Files live in the materials storage under `storage_key`, never under their
    uploaded name; replacing the file changes the key, not the id, so its URL stays."""

    __tablename__ = "materials"
    __table_args__ = (
        CheckConstraint(_in("kind", MaterialKind), name="kind"),
        CheckConstraint(_in("visibility", MaterialVisibility), name="visibility"),
        CheckConstraint(
            "(kind = 'file' AND storage_key IS NOT NULL AND original_name IS NOT NULL"
            " AND size IS NOT NULL AND sha256 IS NOT NULL AND content_type IS NOT NULL)"
            " OR (kind = 'link' AND url IS NOT NULL AND storage_key IS NULL)",
            name="file_or_link",
        ),
        Index("ix_materials_event_position", "event_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    #: A MaterialKind.
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: A MaterialVisibility.
    visibility: Mapped[str] = mapped_column(String(20))
    #: Order on the session's page, smallest first.
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: The format's key (workshops.materials.formats: "pdf", "ipynb"… or "link").
    file_format: Mapped[str] = mapped_column(String(10))
    #: A link's address (http or https).
    url: Mapped[str | None] = mapped_column(String(2000))
    #: Random name of the file in the storage (32 hex digits).
    storage_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: The uploaded file's name, cleaned (no folder, no control character).
    original_name: Mapped[str | None] = mapped_column(String(255))
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    #: Detected from the content, not taken from the browser.
    content_type: Mapped[str | None] = mapped_column(String(100))
    #: Title, description and file name without accents or case (text.search_key), kept
    #: by the materials service: what /ressources' free-text search reads.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the title, description, visibility, link or file last changed.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def is_file(self) -> bool:
        return self.kind == MaterialKind.FILE

    @property
    def visibility_label(self) -> str:
        return MaterialVisibility(self.visibility).label

    @property
    def link_host(self) -> str:
        """Where a link leads ("github.com"), shown beside it."""
        from urllib.parse import urlsplit

        return (urlsplit(self.url or "").hostname or "").removeprefix("www.")


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


def _create_capacity_triggers(target: Table, connection, **_: object) -> None:  # type: ignore[no-untyped-def]
    """db.create_all() (tests) gets the triggers the migrations create."""
    for statement in CAPACITY_TRIGGERS.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)


sa_event.listen(Registration.__table__, "after_create", _create_capacity_triggers)
