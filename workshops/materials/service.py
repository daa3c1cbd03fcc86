"""Adding, changing, ordering and removing a session's materials, and finding them again.

Files and rows change together or not at all. `files_transaction` stores new files before
the commit and deletes them when the commit does not happen; files that a change made
useless (replaced, deleted) are removed only after the commit, so that a failed commit
never loses the file its row still points to.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import BinaryIO

from flask import current_app
from sqlalchemy import func, or_
from sqlalchemy.orm import contains_eager

from ..dates import utcnow
from ..events.visibility import PUBLIC_STATUSES
from ..extensions import db
from ..locking import serialize_writes
from ..models import (
    Event,
    Material,
    MaterialKind,
    MaterialVisibility,
    Registration,
    RegistrationStatus,
    Theme,
    User,
    event_themes,
)
from ..text import search_key
from . import formats
from .storage import StorageError, StorageFull, new_key, storage

log = logging.getLogger(__name__)


class MaterialError(Exception):
    """A refused change; the message is French, shown by the file field of the form that
    sent it. `status` is the HTTP status the page answers with."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Upload:
    """A file as received: the name the browser sent and a seekable stream."""

    name: str
    stream: BinaryIO


@dataclass(frozen=True)
class CheckedFile:
    name: str
    detected: formats.Detected
    size: int
    sha256: str
    stream: BinaryIO


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    max_files: int
    zip_max_entries: int
    zip_max_bytes: int

    @classmethod
    def from_config(cls) -> Limits:
        config = current_app.config
        return cls(
            max_file_bytes=config["MATERIALS_MAX_FILE_BYTES"],
            max_files=config["MATERIALS_MAX_FILES_PER_UPLOAD"],
            zip_max_entries=config["MATERIALS_ZIP_MAX_ENTRIES"],
            zip_max_bytes=config["MATERIALS_ZIP_MAX_BYTES"],
        )


def too_large_message(limits: Limits) -> str:
    return (
        f"Un fichier dépasse la taille maximale de {formats.format_size(limits.max_file_bytes)} "
        "par fichier : rien n’a été enregistré. Réduisez sa taille (par exemple en "
        "l’exportant en PDF ou en le compressant), ou partagez-le par un lien."
    )


def check_file(upload: Upload, limits: Limits) -> CheckedFile:
    """The upload with its cleaned name, format, size and SHA-256, or MaterialError."""
    name = formats.clean_name(upload.name)
    if not name:
        raise MaterialError("Un fichier n’a pas de nom utilisable : renommez-le.")
    size, sha256 = _digest(upload.stream)
    if size > limits.max_file_bytes:
        raise MaterialError(f"« {name} » : {_lowercase_start(too_large_message(limits))}", 413)
    try:
        detected = formats.detect(
            name,
            upload.stream,
            zip_max_entries=limits.zip_max_entries,
            zip_max_bytes=limits.zip_max_bytes,
        )
    except formats.FileRefused as refusal:
        raise MaterialError(f"« {name} » : {_lowercase_start(str(refusal))}") from None
    return CheckedFile(name, detected, size, sha256, upload.stream)


def _lowercase_start(sentence: str) -> str:
    """After "« name » :", French goes on in lowercase."""
    return sentence[:1].lower() + sentence[1:]


def _digest(stream: BinaryIO) -> tuple[int, str]:
    stream.seek(0)
    sha256 = hashlib.sha256()
    size = 0
    while chunk := stream.read(formats.CHUNK_BYTES):
        sha256.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return size, sha256.hexdigest()


@dataclass
class FilesTransaction:
    #: Stored during the transaction: deleted if it does not commit.
    new_keys: list[str] = field(default_factory=list)
    #: No longer used once it commits: deleted then.
    old_keys: list[str] = field(default_factory=list)

    def store(self, checked: CheckedFile) -> str:
        key = new_key()
        try:
            storage().save(key, checked.stream, checked.detected.content_type)
        except StorageFull:
            raise MaterialError(
                "L’espace de stockage des supports est plein : rien n’a été enregistré. "
                "Prévenez l’équipe technique, puis réessayez.",
                507,
            ) from None
        except StorageError:
            log.exception("storing a material failed")
            raise MaterialError(
                "Le stockage des supports ne répond pas : rien n’a été enregistré. "
                "Réessayez dans quelques minutes.",
                503,
            ) from None
        self.new_keys.append(key)
        return key


@contextmanager
def files_transaction() -> Iterator[FilesTransaction]:
    """Commit the session's changes at the end of the block, with the files they need.

    On any error (a refused file, a full disk, a failed commit), the database is rolled
    back and the files stored in the block are deleted: neither a row nor a file is left.
    After the commit, the files the change replaced or deleted are removed; one that cannot
    be is only logged (`flask materials check` finds it).
    """
    transaction = FilesTransaction()
    try:
        yield transaction
        db.session.commit()
    except BaseException:
        db.session.rollback()
        _delete_quietly(transaction.new_keys)
        raise
    _delete_quietly(transaction.old_keys)


def _delete_quietly(keys: list[str]) -> None:
    for key in keys:
        try:
            storage().delete(key)
        except Exception:
            log.exception("could not delete material file %s", key)


def _next_position(event: Event) -> int:
    highest = db.session.execute(
        db.select(func.max(Material.position)).where(Material.event_id == event.id)
    ).scalar_one()
    return 0 if highest is None else highest + 1


@dataclass(frozen=True)
class Details:
    """What an organizer types about a material."""

    title: str
    description: str
    visibility: str


def add_files(
    event: Event,
    uploads: list[Upload],
    details: Details,
    author: User | None,
    transaction: FilesTransaction,
    limits: Limits,
    now: datetime | None = None,
) -> list[Material]:
    """Add files to the session. Every file is checked before any is stored: one refused
    file refuses them all (the message names it), so that nothing is half-added.

    With one file, the title typed is its title; with several, each file's title is the
    title typed followed by its name, or its name alone (organizers rename afterwards).
    """
    if not uploads:
        raise MaterialError("Choisissez au moins un fichier.")
    if len(uploads) > limits.max_files:
        raise MaterialError(f"Envoyez au plus {limits.max_files} fichiers à la fois.", 413)
    try:
        checked = [check_file(upload, limits) for upload in uploads]
    except MaterialError as error:
        if len(uploads) > 1:
            error.args = (f"{error} Aucun des fichiers envoyés n’a été enregistré.",)
        raise
    now = now or utcnow()
    position = _next_position(event)
    added = []
    for number, item in enumerate(checked):
        title = formats.title_from_name(item.name)
        if details.title:
            # One file takes the title typed; several share it, each with its name.
            title = details.title if len(checked) == 1 else f"{details.title} ({title})"
        material = Material(
            event=event,
            kind=MaterialKind.FILE,
            title=title[:200],
            description=details.description,
            visibility=details.visibility,
            position=position + number,
            file_format=item.detected.format.key,
            storage_key=transaction.store(item),
            original_name=item.name,
            size=item.size,
            sha256=item.sha256,
            content_type=item.detected.content_type,
            created_at=now,
            updated_at=now,
            created_by=author,
        )
        index_text(material)
        db.session.add(material)
        added.append(material)
    return added


def add_link(
    event: Event, url: str, details: Details, author: User | None, now: datetime | None = None
) -> Material:
    now = now or utcnow()
    material = Material(
        event=event,
        kind=MaterialKind.LINK,
        title=details.title,
        description=details.description,
        visibility=details.visibility,
        position=_next_position(event),
        file_format=formats.LINK,
        url=url,
        created_at=now,
        updated_at=now,
        created_by=author,
    )
    index_text(material)
    db.session.add(material)
    return material


def update_material(
    material: Material, details: Details, url: str | None = None, now: datetime | None = None
) -> bool:
    """Rename, describe, change who sees it (and a link's address); False if nothing changed."""
    changes = {
        "title": details.title,
        "description": details.description,
        "visibility": details.visibility,
    }
    if not material.is_file and url:
        changes["url"] = url
    changed = False
    for name, value in changes.items():
        if getattr(material, name) != value:
            setattr(material, name, value)
            changed = True
    if changed:
        material.updated_at = now or utcnow()
        index_text(material)
    return changed


def replace_file(
    material: Material,
    upload: Upload,
    transaction: FilesTransaction,
    limits: Limits,
    now: datetime | None = None,
) -> None:
    """Put a new file behind the same material (same id, same place, same visibility)."""
    if not material.is_file:
        raise MaterialError("Un lien n’a pas de fichier à remplacer : modifiez son adresse.")
    checked = check_file(upload, limits)
    new_key = transaction.store(checked)
    # Under the material's lock, the key read is the current one: two replacements at once
    # (or a replacement and a deletion) each remove the file the other committed.
    _lock(material)
    old_key = material.storage_key
    material.storage_key = new_key
    material.original_name = checked.name
    material.file_format = checked.detected.format.key
    material.content_type = checked.detected.content_type
    material.size = checked.size
    material.sha256 = checked.sha256
    material.updated_at = now or utcnow()
    index_text(material)
    if old_key:
        transaction.old_keys.append(old_key)


def _lock(material: Material) -> None:
    """Serialize the changes of this material's file; the row is read again under the lock
    (a concurrent deletion then surfaces as ObjectDeletedError: a 409)."""
    serialize_writes(f"material:{material.id}")


def delete_material(material: Material, transaction: FilesTransaction) -> None:
    _lock(material)
    if material.storage_key:
        transaction.old_keys.append(material.storage_key)
    db.session.delete(material)


def event_materials(event: Event) -> list[Material]:
    return list(
        db.session.execute(
            db.select(Material)
            .where(Material.event_id == event.id)
            .order_by(Material.position, Material.id)
        ).scalars()
    )


def count_materials(event: Event) -> int:
    return db.session.execute(
        db.select(func.count(Material.id)).where(Material.event_id == event.id)
    ).scalar_one()


def move_material(material: Material, step: int) -> bool:
    """Move one place up (step -1) or down (+1); False at either end. Positions are
    renumbered 0, 1, 2… on the way, so that gaps and ties left by deletions vanish."""
    siblings = event_materials(material.event)
    index = siblings.index(material)
    target = index + step
    if not 0 <= target < len(siblings):
        return False
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    return True


def file_keys_of(event: Event) -> list[str]:
    """The stored files of an event's materials (to remove after the event is deleted)."""
    return [
        key
        for key in db.session.execute(
            db.select(Material.storage_key).where(
                Material.event_id == event.id, Material.storage_key.is_not(None)
            )
        ).scalars()
        if key
    ]


# Who is registered ---------------------------------------------------------------------


def confirmed_at_event(event_id: int, email: str) -> bool:
    """A confirmed seat at the event under this address."""
    if not email:
        return False
    found = db.session.execute(
        db.select(Registration.id)
        .where(
            Registration.event_id == event_id,
            Registration.email == email,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .limit(1)
    ).first()
    return found is not None


def granted_registration(event_id: int, grants: list[tuple[int, float]]) -> bool:
    """One of the registrations (id, created_at timestamp) opened by a manage link in this
    browser is a confirmed seat at the event, not anonymized since. The moment guards
    against an id given again to another registration."""
    for registration_id, created in grants:
        registration = db.session.get(Registration, registration_id)
        if (
            registration is not None
            and registration.event_id == event_id
            and registration.status == RegistrationStatus.CONFIRMED
            and registration.anonymized_at is None
            and registration.created_at.timestamp() == created
        ):
            return True
    return False


# The archive ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceFilters:
    text: str = ""
    theme: str | None = None
    category: str | None = None


def resources(filters: ResourceFilters, staff: bool):  # type: ignore[no-untyped-def]
    """Materials of public sessions that are listed publicly (public and registrants-only;
    organizers see theirs too), most recent session first, in each session's order."""
    query = (
        db.select(Material)
        .join(Material.event)
        # The joined event fills each material's `event`: one query for the page, not one
        # per session listed.
        .options(contains_eager(Material.event))
        .where(Event.status.in_(PUBLIC_STATUSES))
        .order_by(Event.starts_at.desc(), Event.id, Material.position, Material.id)
    )
    if not staff:
        query = query.where(Material.visibility != MaterialVisibility.ORGANIZERS)
    if filters.category:
        query = query.where(Material.file_format.in_(formats.CATEGORIES[filters.category][1]))
    if filters.theme:
        query = query.where(
            Material.event_id.in_(
                db.select(event_themes.c.event_id)
                .join(Theme, Theme.id == event_themes.c.theme_id)
                .where(Theme.slug == filters.theme)
            )
        )
    # Every word somewhere in the material or in its session (title, themes…).
    for word in search_key(filters.text).split():
        query = query.where(
            or_(
                Material.search_text.contains(word, autoescape=True),
                Event.search_text.contains(word, autoescape=True),
            )
        )
    return query


def themes_with_materials() -> list[Theme]:
    """Themes of public sessions with publicly listed materials, for the archive's filter,
    in reading order (case and accents ignored)."""
    events_with_materials = (
        db.select(Material.event_id)
        .join(Material.event)
        .where(
            Event.status.in_(PUBLIC_STATUSES),
            Material.visibility != MaterialVisibility.ORGANIZERS,
        )
    )
    query = db.select(Theme).where(
        Theme.id.in_(
            db.select(event_themes.c.theme_id).where(
                event_themes.c.event_id.in_(events_with_materials)
            )
        )
    )
    return sorted(db.session.execute(query).scalars(), key=lambda theme: search_key(theme.name))


def index_text(material: Material) -> None:
    """Keep `search_text` in step with what it is made of (a link's address too: "github"
    finds the repositories); called after every change."""
    material.search_text = search_key(
        material.title, material.description, material.original_name or "", material.url or ""
    )


# Consistency -----------------------------------------------------------------------------


@dataclass
class CheckReport:
    #: Stored files no row points to (leftovers of a crash between store and commit).
    orphan_files: list[str] = field(default_factory=list)
    #: Orphans too recent to remove: an upload may be committing right now.
    recent_orphan_files: list[str] = field(default_factory=list)
    #: Temporary files of interrupted writes (local folder only).
    leftovers: list[str] = field(default_factory=list)
    #: Rows whose file is missing: (material id, title).
    missing_files: list[tuple[int, str]] = field(default_factory=list)
    #: Files in the storage, orphans included.
    stored: int = 0
    #: The storage holds no file while rows expect some: not mounted, wrong folder or
    #: bucket? Then nothing is removed.
    storage_looks_empty: bool = False

    @property
    def clean(self) -> bool:
        return not (
            self.orphan_files or self.recent_orphan_files or self.leftovers or self.missing_files
        )


#: An orphan younger than this may belong to an upload whose commit is under way.
ORPHAN_GRACE = timedelta(hours=1)


def check_storage(*, remove: bool, now: datetime | None = None) -> CheckReport:
    """Compare the storage with the rows; with `remove`, delete orphan files (older than
    ORPHAN_GRACE), interrupted writes, and the rows whose file is missing."""
    now = now or utcnow()
    store = storage()
    report = CheckReport()
    known = {
        key
        for key in db.session.execute(
            db.select(Material.storage_key).where(Material.storage_key.is_not(None))
        ).scalars()
    }
    stored = set()
    for item in store.objects():
        stored.add(item.key)
        if item.key in known:
            continue
        if now - item.modified_at < ORPHAN_GRACE:
            report.recent_orphan_files.append(item.key)
        else:
            report.orphan_files.append(item.key)
    for item in store.leftovers():
        if now - item.modified_at >= ORPHAN_GRACE:
            report.leftovers.append(item.key)
    rows = db.session.execute(
        db.select(Material.id, Material.title, Material.storage_key)
        .where(Material.storage_key.is_not(None))
        .order_by(Material.id)
    ).all()
    report.missing_files = [(id_, title) for id_, title, key in rows if key not in stored]
    report.stored = len(stored)
    report.storage_looks_empty = not stored and bool(rows)
    if remove and not report.storage_looks_empty:
        for key in report.orphan_files:
            store.delete(key)
        for key in report.leftovers:
            store.remove_leftover(key)
        for material_id, _ in report.missing_files:
            material = db.session.get(Material, material_id)
            if material is not None:
                db.session.delete(material)
        db.session.commit()
    return report
