"""Materials' rules pinned one by one (found by mutation testing): edges of the content
checks, the storage's own contract, the service's recorded fields, orders and messages."""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from workshops.dates import utcnow
from workshops.extensions import db
from workshops.materials import formats, service, storage
from workshops.materials.formats import FileRefused
from workshops.models import Event, MaterialVisibility

from . import material_files as files
from .s3 import moto_server, new_bucket, settings
from .test_materials import (
    add_material,
    download,
    folder,
    logged_in_app,
    materials,
    signed_in,
    stored_files,
    upload,
    url,
)

PUBLIC, REGISTRANTS, ORGANIZERS = (v.value for v in MaterialVisibility)
LIMITS = {"zip_max_entries": 100, "zip_max_bytes": 1_000_000_000}


def detect(name: str, content: bytes, **limits: int) -> formats.Detected:
    return formats.detect(name, io.BytesIO(content), **{**LIMITS, **limits})


def refusal(name: str, content: bytes, **limits: int) -> str:
    with pytest.raises(FileRefused) as refused:
        detect(name, content, **limits)
    return str(refused.value)


MISMATCH = "Le contenu de ce fichier ne correspond pas à son extension"


# Content checks ---------------------------------------------------------------------------


def test_utf16_text_cut_mid_character_is_read_without_crashing():
    # A byte order mark, then an odd number of bytes: the last half-character is ignored.
    assert refusal("d.csv", b"\xff\xfe" + b"a\x00b").startswith(MISMATCH)
    assert refusal("d.csv", b"\xff\xfe" + b"\x00\xd8a\x00").startswith(MISMATCH)


def test_a_csv_keeps_its_spaces():
    assert detect("d.csv", b"nom complet;ville\nLea Dubois;Saint Malo\n").format.key == "csv"


def test_a_csv_cut_inside_a_character_is_windows_1252():
    assert detect("d.csv", b"nom;ville\nL\xc3").content_type == "text/csv; charset=windows-1252"


def big(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(formats, "NOTEBOOK_PARSE_BYTES", 100)
    monkeypatch.setattr(formats, "CHUNK_BYTES", 64)


def test_a_big_notebook_needs_both_keys(monkeypatch):
    big(monkeypatch)
    padding = b" " * 200
    assert refusal("tp.ipynb", b'{"nbformat": 4, "x": []' + padding + b"}").startswith(MISMATCH)
    assert refusal("tp.ipynb", b'{"cells": [], "x": 4' + padding + b"}").startswith(MISMATCH)


def test_a_big_notebook_ends_with_its_closing_brace(monkeypatch):
    big(monkeypatch)
    compact = b'{"cells": [], "x": "' + b"y" * 200 + b'", "nbformat": 4}'
    assert detect("tp.ipynb", compact).format.key == "ipynb"


def test_a_big_notebook_cut_inside_a_character_is_refused(monkeypatch):
    big(monkeypatch)
    cut = b'{"cells": [], "x": "' + b"y" * 200 + b'", "nbformat": 4}\xc3'
    assert refusal("tp.ipynb", cut).startswith(MISMATCH)


def test_a_notebook_at_the_parse_limit_is_parsed(monkeypatch):
    """Valid for the light check, not JSON (a trailing comma): parsed, so refused."""
    body = b'{"cells": [], "nbformat": 4, }'
    monkeypatch.setattr(formats, "NOTEBOOK_PARSE_BYTES", len(body))
    assert refusal("tp.ipynb", body).startswith(MISMATCH)


def patched_end_record(
    content: bytes, *, entries: int | None = None, directory: int | None = None
) -> bytes:
    data = bytearray(content)
    at = data.rfind(b"PK\x05\x06")
    if entries is not None:
        struct.pack_into("<HH", data, at + 8, entries, entries)
    if directory is not None:
        struct.pack_into("<I", data, at + 12, directory)
    return bytes(data)


def test_zip64_markers_leave_the_counting_to_zipfile():
    two = files.zip_of({"a.txt": b"a", "b.txt": b"b"})
    assert detect("a.zip", patched_end_record(two, entries=0xFFFF)).format.key == "zip"
    # The directory-size marker too: zipfile then finds no directory there.
    assert refusal("a.zip", patched_end_record(two, directory=0xFFFFFFFF)).startswith(MISMATCH)


def test_the_last_end_record_counts_not_one_stored_inside(monkeypatch):
    fake = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, 60000, 60000, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("fake.bin", fake)
    assert detect("a.zip", buffer.getvalue()).format.key == "zip"


def test_too_many_declared_entries_are_refused_before_zipfile_reads(monkeypatch):
    content = files.many_entries(101)

    def no_zipfile(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("zipfile should not be reached")

    monkeypatch.setattr(formats.zipfile, "ZipFile", no_zipfile)
    assert refusal("a.zip", content) == (
        "Cette archive contient 101 fichiers, plus que les 100 acceptés : elle est refusée."
    )


def test_a_directory_exactly_at_its_size_limit_is_accepted():
    # One entry with a 978-character name: 46 + 978 = 1 024 bytes of directory.
    content = files.zip_with_long_names(1, 974)
    assert detect("a.zip", content, zip_max_entries=1).format.key == "zip"


def test_an_end_record_hiding_entries_is_caught_by_the_directory():
    three = files.zip_of({"a": b"a", "b": b"b", "c": b"c"})
    assert refusal("a.zip", patched_end_record(three, entries=1), zip_max_entries=2) == (
        "Cette archive contient 3 fichiers, plus que les 2 acceptés : elle est refusée."
    )


def zip_declaring(file_size: int) -> tuple[bytes, int]:
    """An archive of incompressible bytes whose entry declares `file_size`; and its
    compressed size."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("x.bin", os.urandom(5000))
    data = bytearray(buffer.getvalue())
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, file_size)
    struct.pack_into("<I", data, data.find(b"PK\x03\x04") + 22, file_size)
    return bytes(data), 5000


def test_the_lying_size_check_allows_exactly_its_margin():
    # Compressed 5 000 bytes may declare down to F with F + F // 100 + 1 024 = 5 000.
    margin_ok = 3937  # 3 937 + 39 + 1 024 = 5 000
    content, _ = zip_declaring(margin_ok)
    assert detect("a.zip", content).format.key == "zip"
    content, _ = zip_declaring(margin_ok - 1)
    assert "déclare des tailles" in refusal("a.zip", content)


def test_format_size_edges():
    assert [formats.format_size(n) for n in (2, 1_000_000, 10_600)] == [
        "2 octets",
        "1 Mo",
        "11 Ko",
    ]


def test_content_disposition_keeps_safe_punctuation_unencoded():
    assert formats.content_disposition("R&D été.pdf") == (
        "attachment; filename=\"R&D ete.pdf\"; filename*=UTF-8''R&D%20%C3%A9t%C3%A9.pdf"
    )


# The local storage ------------------------------------------------------------------------


def test_a_key_is_32_hex_digits_and_nothing_else(tmp_path):
    local = storage.LocalStorage(tmp_path)
    with pytest.raises(ValueError, match=r"^not a storage key: '\.\./x'$"):
        local.path("../x")
    assert local.path("ab" + "0" * 30) == tmp_path / "ab" / ("ab" + "0" * 30)


def test_two_files_in_one_shard_and_the_temporary_file_they_go_through(tmp_path, monkeypatch):
    local = storage.LocalStorage(tmp_path)
    moves = []
    real_replace = os.replace

    def replace(source, target):  # type: ignore[no-untyped-def]
        moves.append(Path(source))
        real_replace(source, target)

    monkeypatch.setattr(storage.os, "replace", replace)
    first, second = "ab" + "0" * 30, "ab" + "1" * 30
    local.save(first, io.BytesIO(b"one"), "application/pdf")
    local.save(second, io.BytesIO(b"two"), "application/pdf")
    assert [
        (m.parent, m.name.startswith(f"{k}."), m.suffix)
        for m, k in zip(moves, (first, second), strict=True)
    ] == [
        (tmp_path / ".tmp", True, ".part"),
        (tmp_path / ".tmp", True, ".part"),
    ]
    assert sorted(o.key for o in local.objects()) == [first, second]


def test_a_failed_folder_sync_leaves_no_file(tmp_path, monkeypatch):
    local = storage.LocalStorage(tmp_path)

    def fail(folder):  # type: ignore[no-untyped-def]
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(storage, "_fsync_folder", fail)
    with pytest.raises(storage.StorageError, match=r"Input/output error"):
        local.save("ab" + "0" * 30, io.BytesIO(b"x"), "application/pdf")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_full_disk_says_so(tmp_path, monkeypatch):
    local = storage.LocalStorage(tmp_path)

    def full(out, chunk):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.LocalStorage, "_write", staticmethod(full))
    with pytest.raises(storage.StorageFull, match=r"No space left on device"):
        local.save("ab" + "0" * 30, io.BytesIO(b"x"), "application/pdf")


def test_deleting_twice_and_listing_only_what_is_ours(tmp_path):
    local = storage.LocalStorage(tmp_path)
    key = "ab" + "0" * 30
    local.save(key, io.BytesIO(b"x"), "application/pdf")
    local.delete(key)
    local.delete(key)  # already gone: not an error
    (tmp_path / "stray.txt").write_text("not a folder")
    (tmp_path / ".tmp" / ("cd" + "1" * 30)).write_text("named like a key, but temporary")
    assert list(local.objects()) == []


def test_leftovers_are_removed_by_name_only(tmp_path):
    local = storage.LocalStorage(tmp_path)
    for bad in ("../x", ".hidden", "a/b"):
        with pytest.raises(ValueError, match=r"^not a temporary file: "):
            local.remove_leftover(bad)
    local.remove_leftover("gone.part")  # already gone: not an error


# S3 ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint():  # type: ignore[no-untyped-def]
    with moto_server() as endpoint:
        yield endpoint


def test_the_s3_client_settings(make_app, s3_endpoint):
    app = make_app(**{**settings(s3_endpoint, "bucket"), "MATERIALS_S3_REGION": "eu-west-3"})
    with app.app_context():
        client = storage.storage().client
    config = client.meta.config
    assert (client.meta.region_name, config.s3, config.connect_timeout, config.read_timeout) == (
        "eu-west-3",
        {"addressing_style": "path"},
        10,
        60,
    )
    assert config.retries["total_max_attempts"] == 4  # 3 retries after the first attempt
    app = make_app(**{**settings(s3_endpoint, "bucket"), "MATERIALS_S3_ADDRESSING_STYLE": ""})
    with app.app_context():
        assert storage.storage().client.meta.config.s3 == {"addressing_style": "auto"}


def test_the_s3_reader_reads_seeks_and_stops_at_the_end(s3_endpoint):
    bucket, client = new_bucket(s3_endpoint)
    client.put_object(Bucket=bucket, Key="p/" + "ab" * 16, Body=b"0123456789")
    store = storage.S3Storage(client, bucket, "p/", presigned_seconds=60, presigned=False)
    raw = storage.S3ObjectReader(client, bucket, "p/" + "ab" * 16, 10)
    assert raw.seekable() is True
    buffer = bytearray(4)
    assert (raw.readinto(buffer), bytes(buffer), raw.tell()) == (4, b"0123", 4)
    assert (raw.readinto(buffer), bytes(buffer), raw.tell()) == (4, b"4567", 8)
    assert raw.seek(-20, 1) == 0
    assert (raw.readinto(buffer), bytes(buffer)) == (4, b"0123")
    raw.seek(10)
    assert raw.readinto(buffer) == 0
    raw.close()
    with store.open("ab" * 16) as stream:
        assert stream.read() == b"0123456789"
    with pytest.raises(FileNotFoundError):
        store.open("cd" * 16)


def test_s3_lists_only_its_prefix_and_copes_with_an_empty_bucket(s3_endpoint):
    bucket, client = new_bucket(s3_endpoint)
    store = storage.S3Storage(client, bucket, "materials/", presigned_seconds=60, presigned=False)
    assert list(store.objects()) == []
    # Same length as "materials/": sliced, it would look like a key.
    client.put_object(Bucket=bucket, Key="elsewhere/" + "ab" * 16, Body=b"x")
    assert list(store.objects()) == []


def test_a_download_while_s3_is_down_is_a_503(make_app, create_event, s3_endpoint):
    bucket, _ = new_bucket(s3_endpoint)
    app = make_app(**settings(s3_endpoint, bucket))
    event = create_event()
    with app.app_context():
        material = add_material(db.session.get(Event, event.id), "a.pdf", files.pdf())
        material_url = url(material)
    down = make_app(**settings("http://127.0.0.1:9", bucket))
    response = down.test_client().get(material_url)
    assert response.status_code == 503
    assert "Le stockage des supports ne répond pas pour le moment." in response.text
    assert response.headers["Retry-After"] == "60"


# The service ------------------------------------------------------------------------------


def test_a_link_records_who_when_where_and_its_description(app, create_event, create_user):
    event = create_event()
    author = create_user()
    add_material(event, "a.pdf", files.pdf())
    moment = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    link = service.add_link(
        event, "https://github.com/x", service.Details("Code", "Le dépôt", PUBLIC), author, moment
    )
    db.session.commit()
    assert (link.created_at, link.updated_at, link.created_by_id, link.position) == (
        moment,
        moment,
        author.id,
        1,
    )
    assert link.description == "Le dépôt"
    later = service.add_link(event, "https://a.example", service.Details("A", "", PUBLIC), None)
    assert later.created_at >= moment


def test_uploads_keep_an_empty_description_and_strip_spaces(client, organizer, create_event):
    event = create_event()
    upload(client, event, ("a.pdf", files.pdf()))
    upload(client, event, ("b.pdf", files.pdf()), description="  Partie 2  ")
    assert [m.description for m in materials()] == ["", "Partie 2"]


def test_the_upload_form_reads_well(client, organizer, create_event):
    event = create_event()
    page = client.get(f"/organisation/sessions/{event.id}/supports").text
    for text in (
        ">Qui peut le voir ? <",
        "Tout le monde",
        "Personnes inscrites à la session",
        "Équipe d’organisation seulement",
        ">Facultatif : ce que contient le support, à quoi il sert.<",
        ">Description",
    ):
        assert text in page
    [public] = re.findall(r'<input[^>]*name="visibility"[^>]*value="public"[^>]*>', page)
    assert "checked" in public
    response = upload(client, event, ("a.pdf", files.pdf()), description="x" * 2001)
    assert ">La description ne doit pas dépasser 2 000 caractères.<" in response.text
    response = client.post(
        f"/organisation/sessions/{event.id}/supports",
        data={"files": [(io.BytesIO(files.pdf()), "a.pdf")]},
        content_type="multipart/form-data",
    )
    assert ">Choisissez qui peut voir ce support.<" in response.text
    assert materials() == []


def test_editing_a_link_changes_its_address_and_says_so(client, organizer, create_event):
    event = create_event()
    link = service.add_link(event, "https://old.example/x", service.Details("L", "", PUBLIC), None)
    db.session.commit()
    response = client.post(
        f"/organisation/sessions/{event.id}/supports/{link.id}/modifier",
        data={"url": "https://new.example/y", "title": "L", "visibility": PUBLIC},
        follow_redirects=True,
    )
    assert "Les modifications ont été enregistrées." in response.text
    [link] = materials()
    assert link.url == "https://new.example/y"
    assert "new.example" in link.search_text


def test_a_link_has_no_file_to_replace(client, organizer, create_event):
    event = create_event()
    link = service.add_link(event, "https://a.example", service.Details("L", "", PUBLIC), None)
    db.session.commit()
    response = client.post(
        f"/organisation/sessions/{event.id}/supports/{link.id}/remplacer",
        data={"file": (io.BytesIO(files.pdf()), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "Un lien n’a pas de fichier à remplacer : modifiez son adresse." in page
    with (
        service.files_transaction() as transaction,
        pytest.raises(service.MaterialError) as refused,
    ):
        service.replace_file(
            link,
            service.Upload("a.pdf", io.BytesIO(files.pdf())),
            transaction,
            service.Limits.from_config(),
        )
    assert str(refused.value) == "Un lien n’a pas de fichier à remplacer : modifiez son adresse."


def test_the_search_reads_title_description_file_name_and_nothing_else(client, create_event):
    event = create_event("Session")
    with service.files_transaction() as transaction:
        service.add_files(
            event,
            [service.Upload("rapport-annuel.pdf", io.BytesIO(files.pdf()))],
            service.Details("Diapositives", "Avec les corrigés", PUBLIC),
            None,
            transaction,
            service.Limits.from_config(),
        )
        service.add_link(event, "https://a.example", service.Details("Lien", "", PUBLIC), None)
    for word, count in (
        ("diapositives", 1),
        ("corriges", 1),
        ("annuel", 1),
        ("xxxx", 0),
        ("a.example", 1),
    ):
        page = client.get(f"/ressources?q={word}").text
        assert (f"{count} support" in page) if count else ("Aucun support ne correspond" in page)


def test_moving_to_the_top_and_past_the_ends(client, organizer, create_event):
    event = create_event()
    a, b = (add_material(event, f"{n}.pdf", files.pdf(n)) for n in "ab")
    base = f"/organisation/sessions/{event.id}/supports"
    page = client.post(f"{base}/{b.id}/deplacer", data={"sens": "monter"}, follow_redirects=True)
    assert [m.title for m in service.event_materials(event)] == ["b", "a"]
    assert "« b » a été déplacé vers le haut." in page.text
    for material, way in ((b, "monter"), (a, "descendre")):
        response = client.post(f"{base}/{material.id}/deplacer", data={"sens": way})
        assert response.status_code == 302
        assert "a été déplacé" not in client.get(base).text
    assert [m.title for m in service.event_materials(event)] == ["b", "a"]


def test_the_archive_orders_by_session_then_place(client, create_event):
    start = utcnow().replace(microsecond=0) - timedelta(days=3)
    first, second = create_event("Un", starts_at=start), create_event("Deux", starts_at=start)
    a2 = add_material(second, "a2.pdf", files.pdf())
    a1 = add_material(first, "a1.pdf", files.pdf())
    b1 = add_material(first, "b1.pdf", files.pdf())
    b1.position, a1.position = 0, 1
    db.session.commit()
    page = client.get("/ressources").text
    found = sorted((page.index(f'id="support-{m.id}"'), m.title) for m in (a1, b1, a2))
    assert [title for _, title in found] == ["b1", "a1", "a2"]


def test_the_archive_themes_come_from_public_listed_materials(client, create_event):
    shown_late = create_event("V", theme_names=["Visualisation"], days=-3)
    shown_early = create_event("D", theme_names=["Données"], days=-4)
    draft = create_event("B", theme_names=["Brouillon"], status="draft", days=-5)
    hidden = create_event("E", theme_names=["Équipe"], days=-6)
    for event in (shown_late, shown_early, draft):
        add_material(event, "a.pdf", files.pdf())
    add_material(hidden, "a.pdf", files.pdf(), ORGANIZERS)
    page = client.get("/ressources").text
    themes = page[page.index('id="theme"') : page.index("</select>", page.index('id="theme"'))]
    assert ">Toutes les thématiques<" in themes
    assert themes.index("Données") < themes.index("Visualisation")
    assert "Brouillon" not in themes and "Équipe" not in themes


def test_the_session_form_counts_its_materials(client, organizer, create_event):
    event, other = create_event(), create_event("Autre")
    add_material(event, "a.pdf", files.pdf())
    add_material(event, "b.pdf", files.pdf())
    assert "Supports (2)" in client.get(f"/organisation/sessions/{event.id}/modifier").text
    page = client.get(f"/organisation/sessions/{other.id}/modifier").text
    assert ">Supports</a>" in page


def test_deleting_a_draft_keeps_the_other_sessions_files(app, client, organizer, create_event):
    draft, other = create_event(status="draft"), create_event("Autre")
    add_material(draft, "a.pdf", files.pdf())
    kept = add_material(other, "b.pdf", files.pdf())
    client.post(f"/organisation/sessions/{draft.id}/supprimer")
    assert stored_files(app) == [folder(app) / kept.storage_key[:2] / kept.storage_key]


def test_a_full_disk_message_in_full(client, organizer, create_event, monkeypatch, caplog):
    event = create_event()

    def full(self, key, source, content_type):  # type: ignore[no-untyped-def]
        raise storage.StorageFull("disk full")

    monkeypatch.setattr(storage.LocalStorage, "save", full)
    response = upload(client, event, ("a.pdf", files.pdf()))
    assert (
        "« a.pdf »" not in response.text
        and "L’espace de stockage des supports est plein : rien n’a été enregistré. "
        "Prévenez l’équipe technique, puis réessayez."
        in response.text
    )

    def broken(self, key, source, content_type):  # type: ignore[no-untyped-def]
        raise storage.StorageError("refused")

    monkeypatch.setattr(storage.LocalStorage, "save", broken)
    response = upload(client, event, ("a.pdf", files.pdf()))
    assert response.status_code == 503
    assert "storing a material failed" in caplog.text


def test_check_without_remove_removes_nothing(app, create_event):
    key = "ab" + "0" * 30
    orphan = folder(app) / "ab" / key
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"x")
    moment = (utcnow() - timedelta(hours=2)).timestamp()
    os.utime(orphan, (moment, moment))
    report = service.check_storage(remove=False)
    assert (report.orphan_files, orphan.exists()) == ([key], True)


def test_check_grace_edges(app):
    root = folder(app)
    (root / "ab").mkdir(parents=True)
    (root / ".tmp").mkdir()
    orphan, leftover = root / "ab" / ("ab" + "0" * 30), root / ".tmp" / "x.part"
    for path in (orphan, leftover):
        path.write_bytes(b"x")
        os.utime(path, (1_700_000_000, 1_700_000_000))
    at_grace = datetime.fromtimestamp(1_700_000_000, tz=UTC) + service.ORPHAN_GRACE
    report = service.check_storage(remove=False, now=at_grace)
    assert (report.orphan_files, report.recent_orphan_files, report.leftovers) == (
        [orphan.name],
        [],
        ["x.part"],
    )
    report = service.check_storage(remove=False, now=at_grace - timedelta(seconds=1))
    assert (report.orphan_files, report.recent_orphan_files, report.leftovers) == (
        [],
        [orphan.name],
        [],
    )


# Registrants ------------------------------------------------------------------------------


@pytest.fixture
def two_sessions(app, create_event):  # type: ignore[no-untyped-def]
    from workshops.registrations.service import SignUp, mint_link, sign_up

    first, second = create_event("Première", capacity=1), create_event("Seconde")
    tokens = {}
    with app.test_request_context():
        ada = sign_up(first, SignUp(name="Ada", email="ada@example.org", organisation="X"))
        bob = sign_up(second, SignUp(name="Bob", email="bob@example.org", organisation="X"))
        eve = sign_up(first, SignUp(name="Eve", email="eve@example.org", organisation="X"))
        for name, result in (("ada", ada), ("bob", bob), ("eve", eve)):
            tokens[name] = mint_link(result.registration)
    material = add_material(first, "r.pdf", files.pdf(), REGISTRANTS)
    db.session.commit()
    return material, tokens


def test_a_seat_elsewhere_or_on_the_waiting_list_opens_nothing(client, two_sessions):
    material, _ = two_sessions
    signed_in(client, "bob@example.org")  # confirmed at the other session
    assert download(client, url(material)).status_code == 403
    client.post("/mes-inscriptions/deconnexion")
    signed_in(client, "eve@example.org")  # waiting at this one
    assert download(client, url(material)).status_code == 403


def test_manage_links_are_remembered_without_pushing_others_out(client, two_sessions):
    material, tokens = two_sessions
    assert client.get(f"/inscriptions/{tokens['ada']}").status_code == 200
    assert client.get(f"/inscriptions/{tokens['bob']}").status_code == 200
    assert download(client, url(material)).status_code == 200
    for _ in range(21):
        assert client.get(f"/inscriptions/{tokens['bob']}").status_code == 200
    assert download(client, url(material)).status_code == 200


def test_too_large_uploads_message_for_a_single_file(make_app, create_user, create_event):
    app, client = logged_in_app(make_app, create_user, MATERIALS_MAX_FILE_BYTES=2000)
    event = create_event()
    limits = service.Limits(2000, 10, 100, 10**9)
    with app.app_context(), pytest.raises(service.MaterialError) as refused:
        service.check_file(service.Upload("gros.pdf", io.BytesIO(b"%PDF-" + b"x" * 2000)), limits)
    assert (str(refused.value), refused.value.status) == (
        "« gros.pdf » : un fichier dépasse la taille maximale de 2 Ko par fichier : rien n’a "
        "été enregistré. Réduisez sa taille (par exemple en l’exportant en PDF ou en le "
        "compressant), ou partagez-le par un lien.",
        413,
    )
    assert client.get(f"/organisation/sessions/{event.id}/supports").status_code == 200


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a" * 146 + ".pdf", "a" * 146 + ".pdf"),  # exactly 150: kept whole
        ("x.y" + "a" * 200 + ".pdf", "x.y" + "a" * 143 + ".pdf"),  # the last dot counts
        ("x" * 200 + "." + "y" * 20, ("x" * 200 + "." + "y" * 20)[:150]),  # no real extension
        ("x" * 300 + ".r", "x" * 148 + ".r"),  # a one-letter extension
        ("x" * 300 + "." + "e" * 10, "x" * 139 + "." + "e" * 10),
        ("x" * 300 + "." + "e" * 11, "x" * 150),
        ("a" * 144 + " ." + "b" * 100 + ".pdf", "a" * 144 + ".pdf"),  # no " ." before the dot
        (" .a" + "b" * 200 + ".pdf", "a" + "b" * 145 + ".pdf"),
        ("Xavier X.pdf", "Xavier X.pdf"),
    ],
)
def test_long_names_are_cut_before_their_extension(raw, clean):
    assert formats.clean_name(raw) == clean
