"""Where material files live: a local folder (the default) or S3-compatible object storage.

Both keep a file under a random key (32 hex digits), never under its uploaded name, and
both make a file appear whole or not at all:

- the local folder writes to a temporary file in `<folder>/.tmp/`, fsyncs it, then renames
  it into place (a rename within one file system is atomic) and fsyncs the folder;
- S3 makes an object visible only once its upload is complete.

The service stores the file *before* the database commit and deletes it again when the
commit does not happen (see service.staged_files), so that a failure at any step leaves
neither a row nor a file. `flask materials check` finds what a crash between the two left.

Deployments on several hosts use S3 (MATERIALS_STORAGE = "s3"): every host sees the same
files. Downloads then go either through a short-lived presigned URL (the browser fetches
the object from the storage, with our Content-Disposition) or through the app, streamed.
"""

from __future__ import annotations

import errno
import io
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from flask import Flask, current_app

#: A storage key: what `new_key` draws. Anything else (a path, "..") is never a key.
KEY = re.compile(r"[0-9a-f]{32}")
CHUNK_BYTES = 1024 * 1024


def new_key() -> str:
    return secrets.token_hex(16)


class StorageError(Exception):
    """The storage failed (unreachable, refused, I/O error); nothing was stored."""


class StorageFull(StorageError):
    """No space left: nothing was stored."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    modified_at: datetime


class Storage(Protocol):
    def save(self, key: str, source: BinaryIO, content_type: str) -> None:
        """Store the whole of `source` (from its position 0) under `key`, atomically."""

    def open(self, key: str) -> BinaryIO:
        """A seekable binary stream of the file; FileNotFoundError when it is missing."""

    def delete(self, key: str) -> None:
        """Remove the file; a missing file is not an error."""

    def objects(self) -> Iterator[StoredObject]:
        """Every stored file (for `flask materials check`)."""

    def leftovers(self) -> Iterator[StoredObject]:
        """Partial writes left by a crash (temporary files); none on S3."""

    def remove_leftover(self, key: str) -> None: ...

    def download_url(self, key: str, *, disposition: str, content_type: str) -> str | None:
        """A short-lived URL the browser may download from directly, or None when the
        app must stream the file itself."""


def _check_key(key: str) -> str:
    if not KEY.fullmatch(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class LocalStorage:
    """Files in a folder: `<folder>/<first two digits>/<key>`."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.temporary = self.folder / ".tmp"

    def path(self, key: str) -> Path:
        key = _check_key(key)
        return self.folder / key[:2] / key

    def save(self, key: str, source: BinaryIO, content_type: str) -> None:
        target = self.path(key)
        self.temporary.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.temporary, prefix=f"{key}.", suffix=".part")
        moved = False
        try:
            with os.fdopen(handle, "wb") as out:
                source.seek(0)
                while chunk := source.read(CHUNK_BYTES):
                    self._write(out, chunk)
                out.flush()
                os.fsync(out.fileno())
            target.parent.mkdir(exist_ok=True)
            os.replace(temporary, target)
            moved = True
            _fsync_folder(target.parent)
        except BaseException as error:
            # Whatever step failed, nothing is left: neither the temporary file nor, when
            # only the folder's fsync failed, the file already moved into place.
            Path(target if moved else temporary).unlink(missing_ok=True)
            if isinstance(error, OSError):
                if error.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise StorageFull(str(error)) from error
                raise StorageError(str(error)) from error
            raise

    @staticmethod
    def _write(out: BinaryIO, chunk: bytes) -> None:
        """One write; its own method so that a test can make the disk full here."""
        out.write(chunk)

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def objects(self) -> Iterator[StoredObject]:
        if not self.folder.is_dir():
            return
        for shard in sorted(self.folder.iterdir()):
            if shard.name.startswith(".") or not shard.is_dir():
                continue
            for path in sorted(shard.iterdir()):
                if KEY.fullmatch(path.name):
                    yield StoredObject(path.name, _modified(path))

    def leftovers(self) -> Iterator[StoredObject]:
        if not self.temporary.is_dir():
            return
        for path in sorted(self.temporary.iterdir()):
            if path.is_file():  # the app writes files only; anything else is not ours
                yield StoredObject(path.name, _modified(path))

    def remove_leftover(self, key: str) -> None:
        if "/" in key or key.startswith("."):
            raise ValueError(f"not a temporary file: {key!r}")
        (self.temporary / key).unlink(missing_ok=True)

    def download_url(self, key: str, *, disposition: str, content_type: str) -> str | None:
        return None


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (the folder's entry), not only the file's bytes."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


class S3Storage:
    """Objects `<prefix><key>` in one bucket of an S3-compatible storage."""

    def __init__(
        self,
        client: Any,
        bucket: str,
        prefix: str,
        *,
        presigned_seconds: int,
        presigned: bool,
    ) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.presigned_seconds = presigned_seconds
        self.presigned = presigned

    def _name(self, key: str) -> str:
        return self.prefix + _check_key(key)

    def save(self, key: str, source: BinaryIO, content_type: str) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        source.seek(0)
        try:
            self.client.upload_fileobj(
                source, self.bucket, self._name(key), ExtraArgs={"ContentType": content_type}
            )
        except (BotoCoreError, ClientError) as error:
            raise StorageError(str(error)) from error

    def open(self, key: str) -> BinaryIO:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if _is_missing(error):
                raise FileNotFoundError(key) from error
            raise StorageError(str(error)) from error
        except BotoCoreError as error:  # unreachable, timed out…
            raise StorageError(str(error)) from error
        raw = S3ObjectReader(self.client, self.bucket, self._name(key), head["ContentLength"])
        return io.BufferedReader(raw, CHUNK_BYTES)  # type: ignore[return-value]

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def objects(self) -> Iterator[StoredObject]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix) :]
                if KEY.fullmatch(key):
                    yield StoredObject(key, item["LastModified"])

    def leftovers(self) -> Iterator[StoredObject]:
        return iter(())

    def remove_leftover(self, key: str) -> None:
        raise ValueError("S3 keeps no partial upload")

    def download_url(self, key: str, *, disposition: str, content_type: str) -> str | None:
        if not self.presigned:
            return None
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self._name(key),
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
            },
            ExpiresIn=self.presigned_seconds,
        )


def _is_missing(error: Any) -> bool:
    code = str(error.response.get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound")


class S3ObjectReader(io.RawIOBase):
    """A seekable, read-only view of an S3 object: each read after a seek opens a ranged
    GET from there, so that Range requests stream only what they ask for."""

    def __init__(self, client: Any, bucket: str, name: str, size: int) -> None:
        self.client = client
        self.bucket = bucket
        self.name = name
        self.size = size
        self.position = 0
        self.body: Any = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        target = max(0, base + offset)
        if target != self.position:
            self._close_body()
            self.position = target
        return self.position

    def readinto(self, buffer: Any) -> int:
        if self.position >= self.size:
            return 0
        if self.body is None:
            response = self.client.get_object(
                Bucket=self.bucket, Key=self.name, Range=f"bytes={self.position}-"
            )
            self.body = response["Body"]
        data = self.body.read(len(buffer))
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)

    def _close_body(self) -> None:
        if self.body is not None:
            self.body.close()
            self.body = None

    def close(self) -> None:
        self._close_body()
        super().close()


def s3_client(config: dict[str, Any]) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=config.get("MATERIALS_S3_ENDPOINT_URL") or None,
        region_name=config.get("MATERIALS_S3_REGION") or None,
        aws_access_key_id=config.get("MATERIALS_S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=config.get("MATERIALS_S3_SECRET_ACCESS_KEY") or None,
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": config.get("MATERIALS_S3_ADDRESSING_STYLE") or "auto"},
            connect_timeout=10,
            read_timeout=60,
            retries={"max_attempts": 3},
        ),
    )


def build_storage(app: Flask) -> Storage:
    """The storage MATERIALS_STORAGE names, from the app's configuration."""
    config = app.config
    kind = config.get("MATERIALS_STORAGE") or "local"
    if kind == "local":
        folder = config.get("MATERIALS_FOLDER") or os.path.join(app.instance_path, "materials")
        return LocalStorage(folder)
    if kind == "s3":
        if not config.get("MATERIALS_S3_BUCKET"):
            raise RuntimeError("MATERIALS_STORAGE is 's3' but MATERIALS_S3_BUCKET is not set.")
        download = config.get("MATERIALS_S3_DOWNLOAD") or "presigned"
        if download not in ("presigned", "stream"):
            raise RuntimeError("MATERIALS_S3_DOWNLOAD must be 'presigned' or 'stream'.")
        return S3Storage(
            s3_client(config),
            config["MATERIALS_S3_BUCKET"],
            config.get("MATERIALS_S3_PREFIX") or "",
            presigned_seconds=int(config.get("MATERIALS_S3_PRESIGNED_SECONDS") or 60),
            presigned=download == "presigned",
        )
    raise RuntimeError(f"MATERIALS_STORAGE must be 'local' or 's3', not {kind!r}.")


def storage() -> Storage:
    """The current app's storage, built once."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if "materials_storage" not in app.extensions:
        app.extensions["materials_storage"] = build_storage(app)
    return app.extensions["materials_storage"]
