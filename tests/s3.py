"""A real S3-compatible HTTP server on 127.0.0.1 for tests: moto's standalone server, run
as its own process, spoken to over HTTP by boto3 like any object storage."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .smtp import free_port

#: Credentials the server accepts (it checks signatures, not identities).
ACCESS_KEY, SECRET_KEY, REGION = "test-access-key", "test-secret-key", "us-east-1"


@contextmanager
def moto_server() -> Iterator[str]:
    """Start the server; yield its endpoint URL; stop it."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the S3 test server (moto) did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def settings(endpoint: str, bucket: str, download: str = "stream") -> dict[str, Any]:
    """The app's settings for a bucket on that server."""
    return {
        "MATERIALS_STORAGE": "s3",
        "MATERIALS_S3_ENDPOINT_URL": endpoint,
        "MATERIALS_S3_BUCKET": bucket,
        "MATERIALS_S3_REGION": REGION,
        "MATERIALS_S3_ACCESS_KEY_ID": ACCESS_KEY,
        "MATERIALS_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        "MATERIALS_S3_DOWNLOAD": download,
    }


def new_bucket(endpoint: str) -> tuple[str, Any]:
    """A fresh bucket (one per test) and a client to look inside it."""
    from workshops.materials.storage import s3_client

    client = s3_client(settings(endpoint, "unused"))
    bucket = f"supports-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    return bucket, client
