"""Session materials over HTTP: uploads, storage, downloads, who sees what, the archive."""

from __future__ import annotations

import errno
import hashlib
import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from workshops.dates import utcnow
from workshops.extensions import db
from workshops.materials import service, storage
from workshops.models import Event, Material, MaterialVisibility
from workshops.registrations.service import SignUp, mint_link, sign_up

from . import material_files as files
from .test_participants import signed_in

PUBLIC, REGISTRANTS, ORGANIZERS = (v.value for v in MaterialVisibility)


def folder(app) -> Path:  # type: ignore[no-untyped-def]
    return Path(app.instance_path) / "materials"


def stored_files(app) -> list[Path]:  # type: ignore[no-untyped-def]
    """Every file under the materials folder, temporary ones included."""
    root = folder(app)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def materials() -> list[Material]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Material).order_by(Material.id)).scalars())


def upload(client, event: Event, *named: tuple[str, bytes], **fields):  # type: ignore[no-untyped-def]
    data = {
        "files": [(io.BytesIO(content), name) for name, content in named],
        "visibility": PUBLIC,
        **fields,
    }
    return client.post(
        f"/organisation/sessions/{event.id}/supports",
        data=data,
        content_type="multipart/form-data",
        headers=fields.pop("headers", {}),
    )


def add_material(event: Event, name: str, content: bytes, visibility: str = PUBLIC) -> Material:
    with service.files_transaction() as transaction:
        [material] = service.add_files(
            event,
            [service.Upload(name, io.BytesIO(content))],
            service.Details(title="", description="", visibility=visibility),
            None,
            transaction,
            service.Limits.from_config(),
        )
    return material


def download(client, path: str, **kwargs):  # type: ignore[no-untyped-def]
    """GET, read and closed (a real server closes the file once sent; the test client
    leaves that to the caller)."""
    return client.get(path, buffered=True, **kwargs)


def url(material: Material) -> str:
    return f"/supports/{material.id}/{material.original_name or 'lien'}"


# Uploading --------------------------------------------------------------------------------


def test_an_organizer_uploads_several_files_at_once(app, client, organizer, create_event):
    event = create_event()
    pdf, notebook = files.pdf(), files.notebook()
    response = upload(client, event, ("Présentation.pdf", pdf), ("tp.ipynb", notebook))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/organisation/sessions/{event.id}/supports"
    assert "Les 2 fichiers ont été ajoutés." in client.get(response.headers["Location"]).text
    first, second = materials()
    assert (first.title, first.original_name, first.size, first.sha256, first.content_type) == (
        "Présentation",
        "Présentation.pdf",
        len(pdf),
        hashlib.sha256(pdf).hexdigest(),
        "application/pdf",
    )
    assert (second.title, second.file_format, second.position) == (
        "tp",
        "ipynb",
        first.position + 1,
    )
    assert (first.created_by_id, first.visibility) == (organizer.id, PUBLIC)
    # Stored under random keys, never under the uploaded names, and nothing else left.
    assert stored_files(app) == sorted(
        folder(app) / m.storage_key[:2] / m.storage_key for m in (first, second)
    )
    assert (folder(app) / first.storage_key[:2] / first.storage_key).read_bytes() == pdf


def test_one_file_takes_the_title_typed(client, organizer, create_event):
    event = create_event()
    upload(client, event, ("x.pdf", files.pdf()), title="Les diapositives", description="Partie 1")
    [material] = materials()
    assert (material.title, material.description) == ("Les diapositives", "Partie 1")


def test_with_javascript_the_upload_answers_json_and_keeps_the_message(
    client, organizer, create_event
):
    event = create_event()
    response = upload(client, event, ("x.pdf", files.pdf()), headers={"X-Upload-Progress": "1"})
    assert response.status_code == 200
    assert response.json == {"location": f"/organisation/sessions/{event.id}/supports"}
    assert "Le fichier a été ajouté." in client.get(response.json["location"]).text


def test_a_path_traversal_name_is_stored_under_a_random_key(app, client, organizer, create_event):
    event = create_event()
    assert upload(client, event, ("../../../etc/passwd.pdf", files.pdf())).status_code == 302
    [material] = materials()
    assert material.original_name == "passwd.pdf"
    assert [p.parent.parent for p in stored_files(app)] == [folder(app)]
    assert not (Path(app.instance_path).parent / "etc").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rapport.pdf", files.windows_executable(), "programme ou un script exécutable"),
        ("rapport.pdf", files.html_page(), "HTML, du SVG ou du XML"),
        ("logo.svg", files.svg_image(), "HTML, du SVG ou du XML"),
        ("archive.zip", files.zip_bomb(), "bombe ZIP"),
        ("notes.txt", b"bonjour", "Formats acceptés : PDF, ODP"),
    ],
)
def test_a_refused_file_leaves_no_row_and_no_file(
    app, client, organizer, create_event, name, content, message
):
    event = create_event()
    response = upload(client, event, ("bon.pdf", files.pdf()), (name, content))
    assert response.status_code == 422
    assert f"« {name} » : " in response.text and message in response.text
    # Two files were sent: the page says that neither was kept.
    assert "Aucun des fichiers envoyés n’a été enregistré." in response.text
    assert "Erreur - Supports" in response.text  # the title says it too
    assert materials() == []
    assert stored_files(app) == []


def test_no_file_chosen_is_a_clear_error(client, organizer, create_event):
    event = create_event()
    response = client.post(
        f"/organisation/sessions/{event.id}/supports",
        data={"visibility": PUBLIC, "files": (io.BytesIO(b""), "")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Choisissez au moins un fichier." in response.text


def test_a_file_over_the_limit_is_a_413_in_french_and_nothing_is_kept(
    make_app, create_user, create_event
):
    app, client = logged_in_app(make_app, create_user, MATERIALS_MAX_FILE_BYTES=1000)
    event_id = create_event().id
    response = client.post(
        f"/organisation/sessions/{event_id}/supports",
        data={"visibility": PUBLIC, "files": [(io.BytesIO(b"%PDF-" + b"x" * 996), "big.pdf")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "Les fichiers envoyés dépassent la taille autorisée : 1 Ko par fichier au plus, " in (
        response.text
    )
    assert "Rien n’a été enregistré." in response.text
    assert materials() == []
    assert stored_files(app) == []
    # Exactly at the limit is fine.
    response = client.post(
        f"/organisation/sessions/{event_id}/supports",
        data={"visibility": PUBLIC, "files": [(io.BytesIO(b"%PDF-" + b"x" * 995), "ok.pdf")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302


def test_the_default_limit_is_50_mb_on_the_upload_route_only(client, organizer, create_event):
    event = create_event()
    page = client.get(f"/organisation/sessions/{event.id}/supports").text
    assert "Taille maximale : 50 Mo par fichier, 10 fichiers à la fois." in page
    too_big = b"%PDF-" + b"\x00" * (50_000_000 - 4)
    # Encoded in memory: the test client would spool it to a file the refused upload
    # leaves unread (and unclosed).
    boundary, body = encode_multipart(
        {"visibility": PUBLIC, "files": FileStorage(io.BytesIO(too_big), "gros.pdf")}
    )
    response = client.post(
        f"/organisation/sessions/{event.id}/supports",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413
    assert "50 Mo par fichier au plus" in response.text
    assert materials() == []
    # Another form keeps the small limit: 2 MB of text is refused there.
    response = client.post("/organisation/sessions/nouvelle", data={"title": "x" * 2_000_000})
    assert response.status_code == 413
    assert "Les données envoyées dépassent la taille autorisée." in response.text


def test_too_many_files_at_once_are_refused(make_app, create_user, create_event):
    _, client = logged_in_app(make_app, create_user, MATERIALS_MAX_FILES_PER_UPLOAD=2)
    event_id = create_event().id
    response = client.post(
        f"/organisation/sessions/{event_id}/supports",
        data={
            "visibility": PUBLIC,
            "files": [(io.BytesIO(files.pdf()), f"{n}.pdf") for n in range(3)],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "Envoyez au plus 2 fichiers à la fois." in response.text
    assert materials() == []


def test_a_full_disk_during_the_write_leaves_no_row_and_no_file(
    app, client, organizer, create_event, monkeypatch
):
    event = create_event()
    writes = []

    def write(out, chunk):  # type: ignore[no-untyped-def]
        writes.append(len(chunk))
        if len(writes) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        out.write(chunk)

    monkeypatch.setattr(storage, "CHUNK_BYTES", 100)
    monkeypatch.setattr(storage.LocalStorage, "_write", staticmethod(write))
    response = upload(client, event, ("a.pdf", files.pdf()))
    assert response.status_code == 507
    assert "L’espace de stockage des supports est plein : rien n’a été enregistré." in (
        response.text
    )
    assert len(writes) == 2  # it failed mid-file
    assert materials() == []
    assert stored_files(app) == []


def test_a_full_disk_on_the_second_file_removes_the_first(
    app, client, organizer, create_event, monkeypatch
):
    event = create_event()
    saves = []
    real_save = storage.LocalStorage.save

    def save(self, key, source, content_type):  # type: ignore[no-untyped-def]
        saves.append(key)
        if len(saves) == 2:
            raise storage.StorageFull("disk full")
        real_save(self, key, source, content_type)

    monkeypatch.setattr(storage.LocalStorage, "save", save)
    response = upload(client, event, ("a.pdf", files.pdf()), ("b.pdf", files.pdf("b")))
    assert response.status_code == 507
    assert materials() == []
    assert stored_files(app) == []


def test_a_failed_commit_removes_the_files_it_stored(app, create_event, monkeypatch):
    event = create_event()

    def fail() -> None:
        raise RuntimeError("the database went away")

    with (
        app.test_request_context(),
        pytest.raises(RuntimeError),
        service.files_transaction() as transaction,
    ):
        service.add_files(
            event,
            [service.Upload("a.pdf", io.BytesIO(files.pdf()))],
            service.Details("", "", PUBLIC),
            None,
            transaction,
            service.Limits.from_config(),
        )
        assert len(stored_files(app)) == 1
        monkeypatch.setattr(db.session, "commit", fail)
    monkeypatch.undo()
    assert materials() == []
    assert stored_files(app) == []


def test_a_client_that_disconnects_mid_upload_leaves_nothing(app, client, organizer, create_event):
    event = create_event()
    boundary = "frontiere"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="visibility"\r\n\r\npublic\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + files.pdf()[:200]
    response = client.post(
        f"/organisation/sessions/{event.id}/supports",
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Content-Length": str(len(body) + 5000)},
    )
    # Werkzeug reads a cut body as a form without the file: nothing to store.
    assert response.status_code in (400, 422)
    assert materials() == []
    assert stored_files(app) == []


def test_only_organizers_reach_the_materials_pages(client, create_event, create_user, auth):
    event = create_event()
    response = client.get(f"/organisation/sessions/{event.id}/supports")
    assert response.status_code == 302 and "/organisation/connexion" in response.headers["Location"]
    response = upload(client, event, ("a.pdf", files.pdf()))
    assert response.status_code == 302 and materials() == []


def test_a_material_is_only_reached_under_its_own_event(client, organizer, create_event):
    event, other = create_event(), create_event("Autre")
    material = add_material(event, "a.pdf", files.pdf())
    assert (
        client.get(f"/organisation/sessions/{other.id}/supports/{material.id}/modifier").status_code
        == 404
    )
    assert (
        client.get(f"/organisation/sessions/{event.id}/supports/99999/modifier").status_code == 404
    )


# Links, editing, order, replacing, deleting -----------------------------------------------


def test_an_organizer_adds_a_link_and_bad_addresses_are_refused(client, organizer, create_event):
    event = create_event()
    base = f"/organisation/sessions/{event.id}/supports/lien"
    response = client.post(
        base, data={"lien-url": "javascript:alert(1)", "lien-title": "X", "lien-visibility": PUBLIC}
    )
    assert response.status_code == 422
    assert "Le lien doit commencer par https:// (ou http://)." in response.text
    response = client.post(
        base,
        data={
            "lien-url": "https://github.com/betagouv/x",
            "lien-title": " ",
            "lien-visibility": PUBLIC,
        },
    )
    assert response.status_code == 422 and "Indiquez le titre du lien." in response.text
    response = client.post(
        base,
        data={
            "lien-url": "https://github.com/betagouv/atelier-sql",
            "lien-title": "Le dépôt des exercices",
            "lien-visibility": REGISTRANTS,
        },
    )
    assert response.status_code == 302
    [link] = materials()
    assert (link.kind, link.url, link.visibility, link.file_format) == (
        "link",
        "https://github.com/betagouv/atelier-sql",
        REGISTRANTS,
        "link",
    )
    page = client.get(f"/organisation/sessions/{event.id}/supports").text
    assert "Le lien a été ajouté." in page and "Le dépôt des exercices" in page


def test_renaming_and_changing_who_sees_a_file(client, organizer, create_event):
    event = create_event()
    material = add_material(event, "a.pdf", files.pdf())
    edit = f"/organisation/sessions/{event.id}/supports/{material.id}/modifier"
    assert 'value="a"' in client.get(edit).text
    response = client.post(edit, data={"title": "", "visibility": PUBLIC})
    assert response.status_code == 422 and "Indiquez le titre du support." in response.text
    response = client.post(
        edit, data={"title": "Diapositives", "description": "v2", "visibility": ORGANIZERS}
    )
    assert response.status_code == 302
    [material] = materials()
    assert (material.title, material.description, material.visibility) == (
        "Diapositives",
        "v2",
        ORGANIZERS,
    )
    assert material.updated_at >= material.created_at
    response = client.post(
        edit,
        data={"title": "Diapositives", "description": "v2", "visibility": ORGANIZERS},
        follow_redirects=True,
    )
    assert "Aucune modification." in response.text


def test_reordering_moves_one_place_and_stops_at_the_ends(client, organizer, create_event):
    event = create_event()
    a, b, c = (add_material(event, f"{n}.pdf", files.pdf(n)) for n in "abc")
    base = f"/organisation/sessions/{event.id}/supports"

    def order() -> list[str]:
        return [m.title for m in service.event_materials(event)]

    assert client.post(f"{base}/{c.id}/deplacer", data={"sens": "monter"}).status_code == 302
    assert order() == ["a", "c", "b"]
    client.post(f"{base}/{a.id}/deplacer", data={"sens": "monter"})
    assert order() == ["a", "c", "b"]
    client.post(f"{base}/{b.id}/deplacer", data={"sens": "descendre"})
    assert order() == ["a", "c", "b"]
    client.post(f"{base}/{a.id}/deplacer", data={"sens": "descendre"})
    assert order() == ["c", "a", "b"]
    assert client.post(f"{base}/{a.id}/deplacer", data={"sens": "ailleurs"}).status_code == 400
    # The public page follows the same order.
    page = client.get(f"/ateliers/{event.slug}").text
    assert page.index(">c <") < page.index(">a <") < page.index(">b <")


def test_replacing_a_file_keeps_its_address_and_removes_the_old_file(
    app, client, organizer, create_event
):
    event = create_event()
    material = add_material(event, "slides-v1.pdf", files.pdf("v1"))
    old_key, old_url = material.storage_key, url(material)
    new = files.pdf("version 2")
    response = client.post(
        f"/organisation/sessions/{event.id}/supports/{material.id}/remplacer",
        data={"file": (io.BytesIO(new), "slides-v2.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    [replaced] = materials()
    assert (replaced.id, replaced.original_name, replaced.sha256, replaced.size) == (
        material.id,
        "slides-v2.pdf",
        hashlib.sha256(new).hexdigest(),
        len(new),
    )
    assert replaced.storage_key != old_key
    assert stored_files(app) == [folder(app) / replaced.storage_key[:2] / replaced.storage_key]
    # The address shared before still leads to the file, now the new one.
    assert download(client, old_url, follow_redirects=True).data == new


def test_a_refused_replacement_keeps_the_old_file(app, client, organizer, create_event):
    event = create_event()
    material = add_material(event, "a.pdf", files.pdf())
    response = client.post(
        f"/organisation/sessions/{event.id}/supports/{material.id}/remplacer",
        data={"file": (io.BytesIO(files.html_page()), "b.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    # After "« name » :" the sentence goes on in lowercase.
    assert "« b.pdf » : ce fichier contient du HTML" in response.text
    [kept] = materials()
    assert kept.storage_key == material.storage_key
    assert len(stored_files(app)) == 1
    response = client.post(
        f"/organisation/sessions/{event.id}/supports/{material.id}/remplacer",
        data={"file": (io.BytesIO(b""), "")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Choisissez le fichier qui remplace l’actuel." in response.text


def test_deleting_asks_first_then_removes_row_and_file(app, client, organizer, create_event):
    event = create_event()
    material = add_material(event, "a.pdf", files.pdf())
    page = f"/organisation/sessions/{event.id}/supports/{material.id}/supprimer"
    assert "Supprimer ce support ?" in client.get(page).text
    assert materials() != []
    response = client.post(page)
    assert response.status_code == 302
    assert materials() == [] and stored_files(app) == []
    assert client.get(f"/supports/{material.id}/a.pdf").status_code == 404


def test_deleting_a_draft_removes_its_files(app, client, organizer, create_event):
    event = create_event(status="draft")
    add_material(event, "a.pdf", files.pdf())
    assert client.post(f"/organisation/sessions/{event.id}/supprimer").status_code == 302
    assert materials() == [] and stored_files(app) == []


# Downloading ------------------------------------------------------------------------------


def test_a_download_carries_safe_headers(client, create_event):
    event = create_event()
    content = files.pdf()
    material = add_material(event, "Présentation été.pdf", content)
    response = download(client, url(material))
    assert response.status_code == 200
    assert response.data == content
    headers = response.headers
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == (
        'attachment; filename="Presentation ete.pdf"; '
        "filename*=UTF-8''Pr%C3%A9sentation%20%C3%A9t%C3%A9.pdf"
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert headers["ETag"] == f'"{hashlib.sha256(content).hexdigest()}"'
    assert headers["Accept-Ranges"] == "bytes"
    assert headers["Content-Length"] == str(len(content))


def test_a_notebook_is_never_served_as_a_page(client, create_event):
    material = add_material(create_event(), "tp.ipynb", files.notebook())
    response = download(client, url(material))
    assert response.headers["Content-Type"] == "application/x-ipynb+json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="tp.ipynb"'


def test_range_and_etag_requests(client, create_event):
    content = files.pdf("x" * 50)
    material = add_material(create_event(), "a.pdf", content)
    response = download(client, url(material), headers={"Range": "bytes=10-19"})
    assert response.status_code == 206
    assert response.data == content[10:20]
    assert response.headers["Content-Range"] == f"bytes 10-19/{len(content)}"
    response = download(client, url(material), headers={"Range": "bytes=-5"})
    assert (response.status_code, response.data) == (206, content[-5:])
    response = download(client, url(material), headers={"Range": f"bytes={len(content)}-"})
    assert response.status_code == 416
    etag = download(client, url(material)).headers["ETag"]
    response = download(client, url(material), headers={"If-None-Match": etag})
    assert (response.status_code, response.data) == (304, b"")
    assert client.head(url(material), buffered=True).headers["Content-Length"] == str(len(content))


def test_a_wrong_name_in_the_address_redirects_to_the_right_one(client, create_event):
    material = add_material(create_event(), "a.pdf", files.pdf())
    response = client.get(f"/supports/{material.id}/autre.pdf")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/supports/{material.id}/a.pdf"


def test_a_missing_file_is_a_404_not_a_500(app, client, create_event):
    material = add_material(create_event(), "a.pdf", files.pdf())
    for path in stored_files(app):
        path.unlink()
    assert download(client, url(material)).status_code == 404


def test_a_link_redirects_without_referrer(client, organizer, create_event):
    event = create_event()
    client.post(
        f"/organisation/sessions/{event.id}/supports/lien",
        data={
            "lien-url": "https://replay.example.org/v/1",
            "lien-title": "Replay",
            "lien-visibility": PUBLIC,
        },
    )
    [link] = materials()
    response = client.get(f"/supports/{link.id}/lien")
    assert (response.status_code, response.headers["Location"]) == (
        302,
        "https://replay.example.org/v/1",
    )
    assert response.headers["Referrer-Policy"] == "no-referrer"


# Who sees what ----------------------------------------------------------------------------


@pytest.fixture
def three_materials(app, create_event):  # type: ignore[no-untyped-def]
    """A past session with a public, a registrants-only and an organizers-only file, and a
    person with a confirmed seat (her manage link) and one on the waiting list."""
    event = create_event("Atelier passé", capacity=1, days=2)
    with app.test_request_context():
        ada = sign_up(
            event, SignUp(name="Ada", email="ada@example.org", organisation="DINUM")
        ).registration
        bob = sign_up(
            event, SignUp(name="Bob", email="bob@example.org", organisation="DINUM")
        ).registration
        tokens = {"ada": mint_link(ada), "bob": mint_link(bob)}
    made = {
        visibility: add_material(event, f"{visibility}.pdf", files.pdf(visibility), visibility)
        for visibility in (PUBLIC, REGISTRANTS, ORGANIZERS)
    }
    event.starts_at, event.ends_at = (
        utcnow() - timedelta(days=3),
        utcnow() - timedelta(days=3, hours=-2),
    )
    db.session.commit()
    return event, made, tokens


def statuses_for(client, made) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {visibility: download(client, url(m)).status_code for visibility, m in made.items()}


def test_an_anonymous_visitor_gets_public_files_a_403_and_a_404(client, three_materials):
    _, made, _ = three_materials
    assert statuses_for(client, made) == {PUBLIC: 200, REGISTRANTS: 403, ORGANIZERS: 404}
    response = download(client, url(made[REGISTRANTS]))
    assert "« registrants » est réservé aux personnes qui ont une place confirmée" in (
        response.text
    )
    assert "<title>Support réservé aux personnes inscrites - " in response.text


def test_a_confirmed_registrant_opens_them_through_the_manage_link(client, three_materials):
    _, made, tokens = three_materials
    page = client.get(f"/inscriptions/{tokens['ada']}").text
    assert "Supports de la session" in page and f"/supports/{made[REGISTRANTS].id}/" in page
    assert f"/supports/{made[ORGANIZERS].id}/" not in page
    assert statuses_for(client, made) == {PUBLIC: 200, REGISTRANTS: 200, ORGANIZERS: 404}
    assert download(client, url(made[REGISTRANTS])).data == files.pdf(REGISTRANTS)


def test_a_person_on_the_waiting_list_is_not_a_registrant(client, three_materials):
    _, made, tokens = three_materials
    client.get(f"/inscriptions/{tokens['bob']}")
    assert statuses_for(client, made) == {PUBLIC: 200, REGISTRANTS: 403, ORGANIZERS: 404}


def test_access_ends_when_the_seat_is_cancelled(app, client, three_materials):
    _, made, tokens = three_materials
    client.get(f"/inscriptions/{tokens['ada']}")
    assert download(client, url(made[REGISTRANTS])).status_code == 200
    from workshops.models import Registration
    from workshops.registrations.service import cancel_registration

    ada = db.session.execute(
        db.select(Registration).where(Registration.email == "ada@example.org")
    ).scalar_one()
    with app.test_request_context():
        cancel_registration(ada, by="organizer")
    db.session.commit()
    assert download(client, url(made[REGISTRANTS])).status_code == 403


def test_a_forged_grant_in_the_cookie_opens_nothing(client, three_materials):
    _, made, _ = three_materials
    from workshops.models import Registration

    ada = db.session.execute(
        db.select(Registration).where(Registration.email == "ada@example.org")
    ).scalar_one()
    for grant in ([[ada.id, 0]], [[ada.id]], "x", [["1", 2]], [[ada.id, "t"]]):
        with client.session_transaction() as session:
            session["material_grants"] = grant
        assert download(client, url(made[REGISTRANTS])).status_code == 403


def test_a_signed_in_participant_opens_them_from_the_session_page(client, three_materials):
    event, made, _ = three_materials
    signed_in(client, "ada@example.org")
    assert statuses_for(client, made) == {PUBLIC: 200, REGISTRANTS: 200, ORGANIZERS: 404}
    page = client.get(f"/ateliers/{event.slug}").text
    assert f'href="/supports/{made[REGISTRANTS].id}/registrants.pdf"' in page
    assert "Réservé aux personnes inscrites" not in page


def test_an_organizer_opens_everything(client, organizer, three_materials):
    _, made, _ = three_materials
    assert statuses_for(client, made) == {PUBLIC: 200, REGISTRANTS: 200, ORGANIZERS: 200}
    assert download(client, url(made[ORGANIZERS])).headers["Cache-Control"] == "private, no-store"


def test_a_drafts_materials_are_for_organizers_only(client, create_event):
    event = create_event(status="draft")
    material = add_material(event, "a.pdf", files.pdf())
    assert download(client, url(material)).status_code == 404


def test_the_event_page_lists_them_locked_for_visitors(client, three_materials):
    event, made, _ = three_materials
    page = client.get(f"/ateliers/{event.slug}").text
    assert "Supports de la session" in page
    assert f'href="/supports/{made[PUBLIC].id}/public.pdf"' in page
    assert "PDF –" in page and "ajouté le" in page
    # Registrants-only: listed, locked, with how to get access; organizers-only: absent.
    assert f"/supports/{made[REGISTRANTS].id}/" not in page
    assert "Réservé aux personnes inscrites" in page and "registrants" in page
    assert "retrouvez vos inscriptions" in page
    assert "organizers" not in page
    # After the session, the materials come before the description.
    assert page.index("Supports de la session") < page.index("En pratique")


def test_a_public_download_may_be_cached_but_revalidated(client, three_materials):
    _, made, _ = three_materials
    assert download(client, url(made[PUBLIC])).headers["Cache-Control"] == "no-cache"


# The archive ------------------------------------------------------------------------------


@pytest.fixture
def archive(app, create_event):  # type: ignore[no-untyped-def]
    sql = create_event("Atelier SQL", theme_names=["Données"], days=-30)
    ml = create_event("Apprentissage automatique", theme_names=["IA"], days=-10)
    draft = create_event("Brouillon", status="draft", days=-5)
    made = {
        "sql-slides": add_material(sql, "Requêtes avancées.pdf", files.pdf()),
        "sql-data": add_material(sql, "ventes.csv", files.csv_utf8()),
        "ml-notebook": add_material(ml, "modèle.ipynb", files.notebook()),
        "ml-secret": add_material(ml, "interne.pdf", files.pdf(), ORGANIZERS),
        "ml-registrants": add_material(ml, "corrigé.pdf", files.pdf(), REGISTRANTS),
        "draft": add_material(draft, "brouillon.pdf", files.pdf()),
    }
    return made


def listed(page: str, made) -> list[str]:  # type: ignore[no-untyped-def]
    return [key for key, m in made.items() if f'id="support-{m.id}"' in page]


def test_the_archive_lists_public_sessions_materials_most_recent_first(client, archive):
    page = client.get("/ressources").text
    assert listed(page, archive) == ["sql-slides", "sql-data", "ml-notebook", "ml-registrants"]
    notebook, slides = archive["ml-notebook"].id, archive["sql-slides"].id
    assert page.index(f'id="support-{notebook}"') < page.index(f'id="support-{slides}"')
    assert "4 supports" in page and "Session : <a" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=requetes", ["sql-slides"]),
        ("q=MODELE", ["ml-notebook"]),
        ("q=apprentissage", ["ml-notebook", "ml-registrants"]),
        ("q=sql+ventes", ["sql-data"]),
        ("theme=ia", ["ml-notebook", "ml-registrants"]),
        ("type=data", ["sql-data"]),
        ("type=notebook&theme=donnees", []),
        ("q=%25", []),
    ],
)
def test_the_archive_is_searchable_by_words_theme_and_type(client, archive, query, expected):
    page = client.get(f"/ressources?{query}").text
    assert listed(page, archive) == expected


def test_a_bad_filter_is_a_400_that_says_so(client, archive):
    response = client.get("/ressources?type=exe")
    assert response.status_code == 400
    assert "Un critère n’est pas valide et n’a pas été appliqué." in response.text
    assert client.get("/ressources?page=9").status_code == 404


def test_organizers_see_their_own_materials_in_the_archive(client, organizer, archive):
    page = client.get("/ressources").text
    assert "ml-secret" in listed(page, archive) and "draft" not in listed(page, archive)


def test_an_empty_archive_says_so(client):
    page = client.get("/ressources").text
    assert "Aucun support pour le moment" in page


# flask materials check --------------------------------------------------------------------


def age(path: Path, hours: float) -> None:
    moment = (utcnow() - timedelta(hours=hours)).timestamp()
    os.utime(path, (moment, moment))


def test_materials_check_reports_then_removes_orphans_and_missing_files(app, runner, create_event):
    event = create_event()
    kept = add_material(event, "kept.pdf", files.pdf())
    lost = add_material(event, "lost.pdf", files.pdf())
    root = folder(app)
    (root / lost.storage_key[:2] / lost.storage_key).unlink()
    old_orphan = root / "ab" / ("ab" + "0" * 30)
    old_orphan.parent.mkdir(exist_ok=True)
    old_orphan.write_bytes(b"old")
    age(old_orphan, 2)
    new_orphan = root / "cd" / ("cd" + "1" * 30)
    new_orphan.parent.mkdir(exist_ok=True)
    new_orphan.write_bytes(b"new")
    leftover = root / ".tmp" / "x.part"
    leftover.parent.mkdir(exist_ok=True)
    leftover.write_bytes(b"partial")
    age(leftover, 2)

    result = runner.invoke(args=["materials", "check"])
    assert result.exit_code == 1
    assert result.output == (
        f"Fichier orphelin (aucun support ne l’utilise) : {old_orphan.name}\n"
        f"Fichier orphelin récent, gardé (un envoi est peut-être en cours) : {new_orphan.name}\n"
        "Fichier temporaire abandonné : x.part\n"
        f"Support dont le fichier manque : n° {lost.id} « lost »\n"
        "Relancez avec --remove pour supprimer les fichiers orphelins, les fichiers "
        "temporaires abandonnés et les supports dont le fichier manque.\n"
    )
    assert old_orphan.exists()

    result = runner.invoke(args=["materials", "check", "--remove"])
    # Fixed: a success for cron. The recent orphan is not a fault yet.
    assert (result.exit_code, result.output) == (
        0,
        f"Fichier orphelin (aucun support ne l’utilise), supprimé : {old_orphan.name}\n"
        f"Fichier orphelin récent, gardé (un envoi est peut-être en cours) : {new_orphan.name}\n"
        "Fichier temporaire abandonné, supprimé : x.part\n"
        f"Support dont le fichier manque, supprimé : n° {lost.id} « lost »\n"
        "Supprimés : 1 fichier orphelin, 1 fichier temporaire, 1 support sans fichier.\n",
    )
    assert not old_orphan.exists() and new_orphan.exists() and not leftover.exists()
    assert [m.id for m in materials()] == [kept.id]

    result = runner.invoke(args=["materials", "check"])
    assert (result.exit_code, result.output) == (
        0,
        f"Fichier orphelin récent, gardé (un envoi est peut-être en cours) : {new_orphan.name}\n"
        "Stockage des supports cohérent : 2 fichiers.\n",
    )
    new_orphan.unlink()
    result = runner.invoke(args=["materials", "check"])
    assert (result.exit_code, result.output) == (0, "Stockage des supports cohérent : 1 fichier.\n")


def test_materials_check_removes_nothing_when_the_storage_looks_unmounted(make_app, create_event):
    app = make_app(MATERIALS_FOLDER="/nonexistent/mount/point")
    event = create_event()
    with app.app_context():
        add_material(db.session.get(Event, event.id), "a.pdf", files.pdf())
    import shutil

    shutil.rmtree("/nonexistent/mount/point")
    result = app.test_cli_runner().invoke(args=["materials", "check", "--remove"])
    assert (result.exit_code, result.output) == (
        1,
        "Le stockage ne contient aucun fichier, alors que 1 support en attend un : vérifiez "
        "qu’il est bien monté et configuré (MATERIALS_STORAGE, MATERIALS_FOLDER ou "
        "MATERIALS_S3_BUCKET). Rien n’a été supprimé.\n",
    )
    assert len(materials()) == 1


def test_materials_check_ignores_a_folder_in_the_temporary_area(app, runner):
    stray = folder(app) / ".tmp" / "dossier"
    stray.mkdir(parents=True)
    age(stray, 2)
    result = runner.invoke(args=["materials", "check", "--remove"])
    assert (result.exit_code, result.output) == (0, "Stockage des supports cohérent : 0 fichier.\n")


PASSWORD = "correct horse battery staple"


def logged_in_app(make_app, create_user, **settings):  # type: ignore[no-untyped-def]
    """An app with its own settings, on the test's database, and an organizer's client."""
    app = make_app(**settings)
    client = app.test_client()
    user = create_user(email="orga@example.org")
    client.post("/organisation/connexion", data={"email": user.email, "password": PASSWORD})
    return app, client


# What the helpers found ------------------------------------------------------------------


def test_a_crafted_archive_is_a_422_not_a_500(app, client, organizer, create_event):
    event = create_event()
    response = upload(client, event, ("x.docx", files.zip_with_bad_utf8_name()))
    assert response.status_code == 422
    assert "« x.docx » : le contenu de ce fichier ne correspond pas" in response.text
    assert stored_files(app) == []


def test_an_invisible_title_is_refused_on_upload(client, organizer, create_event):
    event = create_event()
    response = upload(client, event, ("a.pdf", files.pdf()), title="\u200b\u3164")
    assert response.status_code == 422
    assert (
        "Le titre ne contient aucun caractère visible : écrivez-le, ou laissez le champ vide."
        in response.text
    )
    assert materials() == []


def test_several_files_share_the_title_typed_before_their_names(client, organizer, create_event):
    event = create_event()
    upload(
        client,
        event,
        ("diapos.pdf", files.pdf()),
        ("donnees.csv", files.csv_utf8()),
        title="Atelier SQL",
    )
    assert [m.title for m in materials()] == ["Atelier SQL (diapos)", "Atelier SQL (donnees)"]


def concurrent_replacement(event, material, content):  # type: ignore[no-untyped-def]
    with service.files_transaction() as transaction:
        service.replace_file(
            db.session.get(Material, material.id),
            service.Upload("b.pdf", io.BytesIO(content)),
            transaction,
            service.Limits.from_config(),
        )


def test_two_replacements_leave_only_the_last_file(app, make_app, create_event):
    event = create_event()
    material = add_material(event, "a.pdf", files.pdf("a"))
    stale = db.session.get(Material, material.id)
    assert stale.storage_key  # loaded here, before the other replacement
    other = make_app()
    with other.app_context():  # another request, committed in between
        concurrent_replacement(event, material, files.pdf("b"))
    with service.files_transaction() as transaction:
        service.replace_file(
            stale,
            service.Upload("c.pdf", io.BytesIO(files.pdf("c"))),
            transaction,
            service.Limits.from_config(),
        )
    [current] = materials()
    assert stored_files(app) == [folder(app) / current.storage_key[:2] / current.storage_key]
    assert download(app.test_client(), url(current)).data == files.pdf("c")


def test_a_locked_links_address_is_not_shown(client, create_event):
    event = create_event()
    with service.files_transaction():
        service.add_link(
            event,
            "https://secret.example.org/depot",
            service.Details("Dépôt", "", REGISTRANTS),
            None,
        )
    page = client.get(f"/ateliers/{event.slug}").text
    assert "Dépôt" in page and "secret.example.org" not in page
    assert "secret.example.org" not in client.get("/ressources").text


def test_the_redirect_to_a_restricted_files_name_is_not_cached(client, organizer, create_event):
    material = add_material(create_event(), "a.pdf", files.pdf(), REGISTRANTS)
    response = client.get(f"/supports/{material.id}/ancien.pdf")
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("header", ["bytes=0-1,5-6", "bytes=abc", "items=0-1"])
def test_a_range_we_cannot_serve_is_ignored(client, create_event, header):
    content = files.pdf()
    material = add_material(create_event(), "a.pdf", content)
    response = download(client, url(material), headers={"Range": header})
    assert (response.status_code, response.data) == (200, content)


def test_reloading_the_link_forms_address_leads_back_to_the_form(client, organizer, create_event):
    event = create_event()
    response = client.get(f"/organisation/sessions/{event.id}/supports/lien")
    assert response.status_code == 302
    assert response.headers["Location"] == (
        f"/organisation/sessions/{event.id}/supports#ajouter-lien"
    )


def test_a_link_form_error_gives_a_materials_example(client, organizer, create_event):
    event = create_event()
    response = client.post(
        f"/organisation/sessions/{event.id}/supports/lien",
        data={"lien-url": "https://", "lien-title": "X", "lien-visibility": PUBLIC},
    )
    assert response.status_code == 422
    assert (
        "Le lien doit indiquer l’adresse d’un site après https://, par exemple https://github.com/…"
        in response.text
    )
    # The error summary sits with the link form, after the upload form.
    assert response.text.index('id="erreurs"') > response.text.index('id="ajouter-lien"')


def test_the_403_page_leads_to_the_session_and_to_my_registrations(client, create_event):
    event = create_event("Atelier réservé")
    material = add_material(event, "a.pdf", files.pdf(), REGISTRANTS)
    response = client.get(url(material))
    assert response.status_code == 403
    assert "« a » est réservé aux personnes qui ont une place confirmée à la session " in (
        response.text
    )
    assert 'href="/mes-inscriptions"' in response.text
    assert f'href="/ateliers/{event.slug}#supports"' in response.text


def test_the_413_page_links_back_to_the_form(make_app, create_user, create_event):
    _, client = logged_in_app(make_app, create_user, MATERIALS_MAX_FILE_BYTES=1000)
    event = create_event()
    form_url = f"http://localhost/organisation/sessions/{event.id}/supports"
    response = client.post(
        form_url,
        data={"visibility": PUBLIC, "files": [(io.BytesIO(b"%PDF-" + b"x" * 2000), "a.pdf")]},
        content_type="multipart/form-data",
        headers={"Referer": form_url},
    )
    assert response.status_code == 413
    assert f'href="{form_url}">Revenir à la page précédente' in response.text
    response = client.post(
        form_url,
        data={"visibility": PUBLIC, "files": [(io.BytesIO(b"%PDF-" + b"x" * 2000), "a.pdf")]},
        content_type="multipart/form-data",
        headers={"Referer": "https://ailleurs.example.org/"},
    )
    assert "Revenir à la page précédente" not in response.text


def test_moving_and_replacing_say_what_happened(client, organizer, create_event):
    event = create_event()
    first = add_material(event, "a.pdf", files.pdf())
    add_material(event, "b.pdf", files.pdf())
    base = f"/organisation/sessions/{event.id}/supports"
    page = client.post(
        f"{base}/{first.id}/deplacer", data={"sens": "descendre"}, follow_redirects=True
    )
    assert "« a » a été déplacé vers le bas." in page.text
    page = client.post(
        f"{base}/{first.id}/remplacer",
        data={"file": (io.BytesIO(files.csv_utf8()), "a.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Le fichier a été remplacé : c’est maintenant un fichier CSV (avant : PDF)." in page.text


def test_the_archive_finds_a_link_by_its_address(client, create_event):
    event = create_event()
    with service.files_transaction():
        service.add_link(
            event, "https://github.com/betagouv/x", service.Details("Code", "", PUBLIC), None
        )
    page = client.get("/ressources?q=github").text
    assert "1 support correspondant à votre recherche" in page


def test_a_waitlisted_person_is_told_the_materials_open_with_a_seat(app, client, create_event):
    event = create_event(capacity=1)
    add_material(event, "a.pdf", files.pdf(), REGISTRANTS)
    with app.test_request_context():
        sign_up(event, SignUp(name="Ada", email="ada@example.org", organisation="DINUM"))
        bob = sign_up(event, SignUp(name="Bob", email="bob@example.org", organisation="DINUM"))
        token = mint_link(bob.registration)
    db.session.commit()
    page = client.get(f"/inscriptions/{token}").text
    assert "s’ouvriront ici si une place se libère pour vous" in page
    assert "ouvrez le lien « Gérer mon inscription »" not in page
