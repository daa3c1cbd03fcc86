"""The S3-compatible storage, against a real S3 HTTP server on 127.0.0.1 (moto's)."""

from __future__ import annotations

import io
import urllib.request
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from workshops.dates import utcnow
from workshops.extensions import db
from workshops.materials import service
from workshops.models import Material

from . import material_files as files
from .s3 import moto_server, new_bucket, settings
from .smtp import free_port

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def s3_endpoint():  # type: ignore[no-untyped-def]
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def bucket(s3_endpoint):  # type: ignore[no-untyped-def]
    return new_bucket(s3_endpoint)


def objects(client, bucket: str) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {item["Key"]: item for item in listed}


def organizer_client(app, create_user):  # type: ignore[no-untyped-def]
    client = app.test_client()
    user = create_user(email="orga@example.org")
    client.post("/organisation/connexion", data={"email": user.email, "password": PASSWORD})
    return client


def post_files(client, event, *named):  # type: ignore[no-untyped-def]
    return client.post(
        f"/organisation/sessions/{event.id}/supports",
        data={"visibility": "public", "files": [(io.BytesIO(c), n) for n, c in named]},
        content_type="multipart/form-data",
    )


def only_material() -> Material:
    db.session.expire_all()
    return db.session.execute(db.select(Material)).scalar_one()


def test_upload_stream_range_replace_and_delete_on_s3(
    make_app, create_user, create_event, s3_endpoint, bucket
):
    name, s3 = bucket
    app = make_app(**settings(s3_endpoint, name, download="stream"))
    client = organizer_client(app, create_user)
    event = create_event()
    content = files.pdf("Sur S3")
    assert post_files(client, event, ("Présentation.pdf", content)).status_code == 302
    material = only_material()
    stored = objects(s3, name)
    assert list(stored) == [f"materials/{material.storage_key}"]
    head = s3.head_object(Bucket=name, Key=f"materials/{material.storage_key}")
    assert (head["ContentType"], head["ContentLength"]) == ("application/pdf", len(content))

    # Streamed through the app, Range and ETag included.
    response = client.get(f"/supports/{material.id}/Présentation.pdf", buffered=True)
    assert (response.status_code, response.data) == (200, content)
    assert response.headers["Content-Disposition"].endswith(
        "filename*=UTF-8''Pr%C3%A9sentation.pdf"
    )
    response = client.get(
        f"/supports/{material.id}/Présentation.pdf", headers={"Range": "bytes=5-14"}, buffered=True
    )
    assert (response.status_code, response.data) == (206, content[5:15])
    response = client.get(
        f"/supports/{material.id}/Présentation.pdf",
        headers={"If-None-Match": response.headers["ETag"]},
        buffered=True,
    )
    assert response.status_code == 304

    # Replacing puts a new object and removes the old one.
    old_key = material.storage_key
    new = files.pdf("Version 2")
    response = client.post(
        f"/organisation/sessions/{event.id}/supports/{material.id}/remplacer",
        data={"file": (io.BytesIO(new), "v2.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    material = only_material()
    assert list(objects(s3, name)) == [f"materials/{material.storage_key}"]
    assert material.storage_key != old_key
    assert client.get(f"/supports/{material.id}/v2.pdf", buffered=True).data == new

    # Deleting removes the object.
    response = client.post(f"/organisation/sessions/{event.id}/supports/{material.id}/supprimer")
    assert response.status_code == 302
    assert objects(s3, name) == {}


def test_a_presigned_url_serves_the_file_with_our_headers(
    make_app, create_user, create_event, s3_endpoint, bucket
):
    name, _ = bucket
    app = make_app(**settings(s3_endpoint, name, download="presigned"))
    client = organizer_client(app, create_user)
    event = create_event()
    content = files.notebook()
    post_files(client, event, ("Exercices été.ipynb", content))
    material = only_material()
    client.post("/organisation/deconnexion")
    response = client.get(f"/supports/{material.id}/Exercices été.ipynb")
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "private, no-store"
    location = response.headers["Location"]
    assert location.startswith(f"{s3_endpoint}/{name}/materials/{material.storage_key}?")
    assert parse_qs(urlsplit(location).query)["X-Amz-Expires"] == ["60"]
    with urllib.request.urlopen(location, timeout=10) as fetched:  # noqa: S310 - our test server
        assert fetched.read() == content
        assert fetched.headers["Content-Type"] == "application/x-ipynb+json"
        assert fetched.headers["Content-Disposition"] == (
            'attachment; filename="Exercices ete.ipynb"; '
            "filename*=UTF-8''Exercices%20%C3%A9t%C3%A9.ipynb"
        )


def test_a_restricted_file_gets_no_presigned_url(
    make_app, create_user, create_event, s3_endpoint, bucket
):
    name, _ = bucket
    app = make_app(**settings(s3_endpoint, name, download="presigned"))
    organizer = organizer_client(app, create_user)
    event = create_event()
    organizer.post(
        f"/organisation/sessions/{event.id}/supports",
        data={"visibility": "registrants", "files": [(io.BytesIO(files.pdf()), "a.pdf")]},
        content_type="multipart/form-data",
    )
    material = only_material()
    response = app.test_client().get(f"/supports/{material.id}/a.pdf")
    assert response.status_code == 403
    assert "Location" not in response.headers


def test_the_check_finds_orphan_objects_and_missing_ones(
    make_app, create_event, s3_endpoint, bucket
):
    name, s3 = bucket
    app = make_app(**settings(s3_endpoint, name))
    event = create_event()
    with app.app_context():
        with service.files_transaction() as transaction:
            kept, lost = service.add_files(
                db.session.get(type(event), event.id),
                [
                    service.Upload("kept.pdf", io.BytesIO(files.pdf())),
                    service.Upload("lost.pdf", io.BytesIO(files.pdf())),
                ],
                service.Details("", "", "public"),
                None,
                transaction,
                service.Limits.from_config(),
            )
        s3.delete_object(Bucket=name, Key=f"materials/{lost.storage_key}")
        orphan = "ab" * 16
        s3.put_object(Bucket=name, Key=f"materials/{orphan}", Body=b"x")
        s3.put_object(Bucket=name, Key="elsewhere/not-ours", Body=b"x")
        report = service.check_storage(remove=False, now=utcnow() + timedelta(hours=2))
        assert (report.orphan_files, report.missing_files, report.stored) == (
            [orphan],
            [(lost.id, "lost")],
            2,
        )
        service.check_storage(remove=True, now=utcnow() + timedelta(hours=2))
        assert sorted(objects(s3, name)) == ["elsewhere/not-ours", f"materials/{kept.storage_key}"]
        assert db.session.get(Material, lost.id) is None


def test_an_unreachable_storage_refuses_the_upload_and_keeps_nothing(
    make_app, create_user, create_event
):
    dead = f"http://127.0.0.1:{free_port()}"
    app = make_app(**settings(dead, "supports"))
    client = organizer_client(app, create_user)
    event = create_event()
    response = post_files(client, event, ("a.pdf", files.pdf()))
    assert response.status_code == 503
    assert "Le stockage des supports ne répond pas : rien n’a été enregistré." in response.text
    db.session.expire_all()
    assert db.session.execute(db.select(Material)).first() is None
