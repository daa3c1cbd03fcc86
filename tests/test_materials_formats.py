"""What a file is, told from its content: the allow-list, hostile files, zip bombs, names."""

from __future__ import annotations

import contextlib
import io

import pytest

from workshops.materials import formats, samples
from workshops.materials.formats import FileRefused

from . import material_files as files

LIMITS = {"zip_max_entries": 100, "zip_max_bytes": 1_000_000_000}


def detect(name: str, content: bytes) -> formats.Detected:
    return formats.detect(name, io.BytesIO(content), **LIMITS)


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(FileRefused) as refused:
        detect(name, content)
    return str(refused.value)


@pytest.mark.parametrize(
    ("name", "key", "content_type"),
    [
        ("slides.pdf", "pdf", "application/pdf"),
        ("slides.odp", "odp", "application/vnd.oasis.opendocument.presentation"),
        (
            "slides.pptx",
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("notes.odt", "odt", "application/vnd.oasis.opendocument.text"),
        (
            "notes.docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("exercices.ipynb", "ipynb", "application/x-ipynb+json"),
        ("donnees.csv", "csv", "text/csv; charset=utf-8"),
        (
            "donnees.xlsx",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("archive.zip", "zip", "application/zip"),
        ("schema.png", "png", "image/png"),
        ("photo.jpg", "jpeg", "image/jpeg"),
        ("photo.jpeg", "jpeg", "image/jpeg"),
    ],
)
def test_every_accepted_format_is_recognised_with_its_content_type(name, key, content_type):
    content = dict(files.every_format())[name]
    stream = io.BytesIO(content)
    detected = formats.detect(name, stream, **LIMITS)
    assert (detected.format.key, detected.content_type) == (key, content_type)
    assert stream.tell() == 0  # left ready to be stored


def test_the_extension_is_read_without_case():
    assert detect("SLIDES.PDF", files.pdf()).format.key == "pdf"


def test_a_csv_in_windows_1252_is_served_with_that_charset():
    assert detect("donnees.csv", files.csv_windows_1252()).content_type == (
        "text/csv; charset=windows-1252"
    )


def test_a_utf8_csv_split_across_reads_inside_a_character_is_still_utf8(monkeypatch):
    monkeypatch.setattr(formats, "CHUNK_BYTES", 3)
    content = ("ééé;à\n" * 5).encode()
    assert detect("d.csv", content).content_type == "text/csv; charset=utf-8"


def test_an_html_page_posing_as_a_pdf_is_refused_as_html():
    assert refusal("slides.pdf", files.html_page()) == (
        "Ce fichier contient du HTML, du SVG ou du XML, qui pourrait s’exécuter dans un "
        "navigateur : ce type de fichier n’est pas accepté."
    )


@pytest.mark.parametrize(
    "content",
    [
        b"   \n<html><body>x</body></html>",
        b"\xef\xbb\xbf<svg/>",
        "\ufeff<html>".encode("utf-16-le"),
        "\ufeff <svg>".encode("utf-16-be"),
    ],
)
def test_markup_after_blanks_or_a_byte_order_mark_is_refused(content):
    assert "HTML, du SVG ou du XML" in refusal("donnees.csv", content)


@pytest.mark.parametrize("name", ["logo.svg", "page.html", "page.htm", "flux.xml", "x.xhtml"])
def test_svg_html_and_xml_are_refused_by_their_extension(name):
    assert "HTML, du SVG ou du XML" in refusal(name, b"just text")


def test_an_svg_image_is_refused_even_renamed_png():
    assert "HTML, du SVG ou du XML" in refusal("logo.png", files.svg_image())


def test_a_renamed_executable_is_refused_as_an_executable():
    assert refusal("slides.pdf", files.windows_executable()) == (
        "Ce fichier est un programme ou un script exécutable : ce type de fichier n’est pas "
        "accepté."
    )


@pytest.mark.parametrize(
    "head",
    [b"\x7fELF\x02\x01", b"\xcf\xfa\xed\xfe\x07", b"\xca\xfe\xba\xbe\x00", b"#!/bin/sh\nrm -rf"],
)
def test_linux_mac_java_and_script_executables_are_refused(head):
    assert "exécutable" in refusal("donnees.csv", head + b"\x00" * 20)


@pytest.mark.parametrize("name", ["setup.exe", "install.sh", "macro.vbs", "app.jar"])
def test_executable_extensions_are_refused_whatever_the_content(name):
    assert "exécutable" in refusal(name, b"plain text")


def test_javascript_is_refused():
    assert refusal("app.js", b"alert(1)") == (
        "Ce fichier contient du code qui pourrait s’exécuter dans un navigateur : ce type "
        "de fichier n’est pas accepté."
    )


def test_an_unknown_extension_lists_the_accepted_formats():
    assert refusal("notes.txt", b"bonjour") == (
        "Le format « .txt » n’est pas accepté. Formats acceptés : PDF, ODP, PPTX, DOCX, ODT, "
        "IPYNB, CSV, XLSX, ZIP, PNG, JPEG."
    )


def test_a_name_without_extension_says_so():
    assert refusal("README", b"bonjour").startswith("Le format sans extension n’est pas accepté.")


def test_an_empty_file_is_refused():
    assert refusal("vide.pdf", b"") == "Le fichier est vide."


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.docx", files.pptx()),
        ("slides.pptx", files.xlsx()),
        ("donnees.xlsx", files.docx()),
        ("notes.docx", files.zip_of({"word/document.xml": b"<x/>"})),  # no [Content_Types]
        ("notes.odt", files.odp()),
        ("slides.odp", files.zip_of({"content.xml": b"<x/>"})),
        ("slides.odp", files.opendocument("x" * 200)),
        ("archive.zip", b"PK\x03\x04 but not really a zip file at all"),
        ("exercices.ipynb", b'{"cells": "not a list", "nbformat": 4}'),
        ("exercices.ipynb", b'{"cells": [], "nbformat": "4"}'),
        ("exercices.ipynb", b"[1, 2, 3]"),
        ("exercices.ipynb", b"{not json"),
        ("exercices.ipynb", b"\xff\xfe not utf-8 {"),
        ("donnees.csv", b"a;b\n1;\x002\n"),
        ("donnees.csv", b"a;b\n1;\x072\n"),
        ("donnees.csv", b"a;b\x81\x8d\n"),
    ],
)
def test_content_that_does_not_match_its_extension_is_refused(name, content):
    expected = formats.BY_EXTENSION[formats.extension_of(name)]
    assert refusal(name, content) == (
        f"Le contenu de ce fichier ne correspond pas à son extension {expected.extensions[0]} "
        f"({expected.label}) : vérifiez le fichier, ou enregistrez-le à nouveau dans ce format."
    )


@pytest.mark.parametrize(
    ("name", "content", "actual", "claimed", "rename"),
    [
        ("slides.pdf", files.png(), "Image PNG", "PDF", ".png"),
        ("schema.png", files.pdf(), "PDF", "Image PNG", ".pdf"),
        ("photo.jpg", files.png(), "Image PNG", "Image JPEG", ".png"),
        ("schema.png", files.jpeg(), "Image JPEG", "Image PNG", ".jpg"),
        ("archive.zip", files.pdf(), "PDF", "Archive ZIP", ".pdf"),
    ],
)
def test_a_misnamed_file_says_what_it_really_is(name, content, actual, claimed, rename):
    extension = formats.extension_of(name)
    assert refusal(name, content) == (
        f"Ce fichier est en réalité au format {actual}, pas {claimed} comme l’indique son "
        f"extension {extension} : renommez-le en {rename}, puis envoyez-le à nouveau."
    )


def test_a_jpeg_named_png_with_unknown_content_gets_the_general_message():
    assert refusal("schema.png", b"GIF89a....").startswith(
        "Le contenu de ce fichier ne correspond pas à son extension .png (Image PNG)"
    )


@pytest.mark.parametrize("name", ["archive.zip", "notes.docx", "slides.odp"])
def test_a_zip_with_a_name_that_is_not_utf8_is_refused_not_a_crash(name):
    assert refusal(name, files.zip_with_bad_utf8_name()).startswith(
        "Le contenu de ce fichier ne correspond pas à son extension"
    )


def test_an_opendocument_with_an_encrypted_mimetype_is_refused_not_a_crash():
    assert refusal("notes.odt", files.odt_with_encrypted_mimetype()).startswith(
        "Le contenu de ce fichier ne correspond pas à son extension .odt"
    )


def test_damaged_archives_are_refused_not_crashes():
    """Bytes flipped here and there in a valid OpenDocument: every result is a refusal or
    an acceptance, never another exception."""
    import random

    generator = random.Random(7)
    original = files.odt()
    for _ in range(400):
        damaged = bytearray(original)
        for _ in range(generator.randint(1, 4)):
            damaged[generator.randrange(len(damaged))] = generator.randrange(256)
        with contextlib.suppress(FileRefused):
            detect("notes.odt", bytes(damaged))


def test_an_archive_lying_about_its_sizes_is_refused():
    assert refusal("archive.zip", files.zip_lying_about_sizes()) == (
        "Cette archive déclare des tailles qui ne correspondent pas à son contenu : elle est "
        "refusée (il peut s’agir d’une archive piégée, dite « bombe ZIP »)."
    )


def test_a_huge_directory_is_refused_before_it_is_read(monkeypatch):
    # 8 entries with 2 000-character names: more directory than 10 entries may take.
    content = files.zip_with_long_names(8, 2000)

    def no_zipfile(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the directory should be refused before zipfile reads it")

    monkeypatch.setattr(formats.zipfile, "ZipFile", no_zipfile)
    with pytest.raises(FileRefused) as refused:
        formats.detect("archive.zip", io.BytesIO(content), zip_max_entries=10, zip_max_bytes=10**9)
    assert str(refused.value) == (
        "Cette archive contient trop de fichiers, plus que les 10 acceptés : elle est refusée."
    )


def test_a_shebang_after_a_byte_order_mark_is_an_executable():
    assert "exécutable" in refusal("donnees.csv", b"\xef\xbb\xbf#!/bin/sh\nrm -rf /\n")


def test_a_big_notebook_is_checked_without_being_parsed(monkeypatch):
    monkeypatch.setattr(formats, "NOTEBOOK_PARSE_BYTES", 100)
    monkeypatch.setattr(formats, "CHUNK_BYTES", 64)
    monkeypatch.setattr(formats.json, "loads", None)  # never called
    good = files.notebook() + b" " * 200
    assert detect("tp.ipynb", good).format.key == "ipynb"
    for bad in (
        b"[" + b" " * 200 + b"]",
        b'{"cells": []' + b" " * 200 + b"}",  # no nbformat
        b'{"cells": [], "nbformat": 4, "x": "\xff"' + b" " * 200 + b"}",
        b'{"cells": [], "nbformat": 4' + b" " * 200,  # not closed
    ):
        assert refusal("tp.ipynb", bad).startswith(
            "Le contenu de ce fichier ne correspond pas à son extension .ipynb"
        )


def test_a_zip_bomb_is_refused_without_being_extracted():
    message = refusal("archive.zip", files.zip_bomb(entries=2, entry_bytes=600_000_000))
    assert message == (
        "Une fois décompressée, cette archive dépasserait 1 Go : elle est refusée (il peut "
        "s’agir d’une archive piégée, dite « bombe ZIP »)."
    )


def test_an_office_file_is_checked_for_bombs_too():
    assert "bombe ZIP" in refusal("slides.pptx", files.zip_bomb(entries=2))


def test_an_archive_exactly_at_the_size_limit_is_accepted():
    bomb = files.zip_bomb(entries=2, entry_bytes=500_000_000)
    assert detect("archive.zip", bomb).format.key == "zip"


def test_an_archive_with_too_many_entries_is_refused():
    assert refusal("archive.zip", files.many_entries(101)) == (
        "Cette archive contient 101 fichiers, plus que les 100 acceptés : elle est refusée."
    )
    assert detect("archive.zip", files.many_entries(100)).format.key == "zip"


def test_an_empty_zip_is_accepted():
    assert detect("vide.zip", files.zip_of({})).format.key == "zip"


def test_a_zip_behind_an_executable_stub_is_an_executable():
    assert "exécutable" in refusal("archive.zip", files.windows_executable() + files.zip_of({}))


# Names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system.ini.pdf", "system.ini.pdf"),
        ("C:\\Users\\léa\\Présentation finale.pdf", "Présentation finale.pdf"),
        ("/absolute/path/slides.pdf", "slides.pdf"),
        ("..", ""),
        ("...pdf", "pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("  slides  \t final .pdf  ", "slides final .pdf"),
        ("evil\u202efdp.exe", "evilfdp.exe"),
        ("zero\u200bwidth.pdf", "zerowidth.pdf"),
        ("new\r\nline.pdf", "newline.pdf"),
        ("e\u0301te\u0301.pdf", "été.pdf"),
        (None, ""),
    ],
)
def test_names_keep_their_last_part_only_without_invisible_characters(raw, clean):
    assert formats.clean_name(raw) == clean


def test_a_long_name_is_cut_keeping_its_extension():
    name = formats.clean_name("a" * 300 + ".pdf")
    assert (len(name), name[-4:]) == (150, ".pdf")
    assert formats.clean_name("b" * 300) == "b" * 150


def test_extension_of():
    assert [formats.extension_of(n) for n in ("a.PDF", "a.tar.gz", "pdf", ".pdf")] == [
        ".pdf",
        ".gz",
        "",
        "",
    ]


def test_a_title_is_made_from_the_name():
    assert formats.title_from_name("atelier_sql-2026.pdf") == "atelier sql 2026"
    assert formats.title_from_name("README") == "README"
    assert formats.title_from_name("___.pdf") == "___.pdf"


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("slides.pdf", 'attachment; filename="slides.pdf"'),
        (
            "Présentation été.pdf",
            'attachment; filename="Presentation ete.pdf"; '
            "filename*=UTF-8''Pr%C3%A9sentation%20%C3%A9t%C3%A9.pdf",
        ),
        (
            'say "hi"\\.pdf',
            "attachment; filename=\"say _hi__.pdf\"; filename*=UTF-8''say%20%22hi%22%5C.pdf",
        ),
        ("日本.pdf", "attachment; filename=\".pdf\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.pdf"),
        ("日本", "attachment; filename=\"fichier\"; filename*=UTF-8''%E6%97%A5%E6%9C%AC"),
    ],
)
def test_content_disposition_keeps_the_exact_name_for_every_browser(name, header):
    assert formats.content_disposition(name) == header


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "0 octet"),
        (1, "1 octet"),
        (999, "999 octets"),
        (1000, "1 Ko"),
        (1500, "1,5 Ko"),
        (61_880, "62 Ko"),
        (1_250_000, "1,2 Mo"),
        (50_000_000, "50 Mo"),
        (1_000_000_000, "1 Go"),
    ],
)
def test_sizes_read_in_french(size, shown):
    assert formats.format_size(size) == shown


def test_the_demo_pdf_is_a_well_formed_pdf():
    content = samples.pdf("Titre (essai)", ["Accentué : é"])
    assert content.startswith(b"%PDF-1.4") and content.endswith(b"%%EOF\n")
    startxref = int(content.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert content[startxref : startxref + 4] == b"xref"
    # Every object the cross-reference table lists starts where it says.
    table = content[startxref:].split(b"\n")[3:8]
    for number, line in enumerate(table, start=1):
        offset = int(line[:10])
        assert content[offset:].startswith(b"%d 0 obj" % number)
    assert b"(Titre \\(essai\\)) Tj" in content
    assert "Accentué".encode("latin-1") in content
