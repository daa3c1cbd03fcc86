"""Small real files of every accepted format, and hostile ones, built in memory."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib

from workshops.materials import samples


def pdf(text: str = "Support") -> bytes:
    return samples.pdf(text, ["Une ligne."])


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    # The start of a JFIF file is what is checked; a real image needs no more here.
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64


def zip_of(entries: dict[str, bytes], *, first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first is not None:
            archive.writestr(zipfile.ZipInfo(first), entries[first], zipfile.ZIP_STORED)
        for name, data in entries.items():
            if name != first:
                archive.writestr(name, data)
    return buffer.getvalue()


def ooxml(main_part: str) -> bytes:
    return zip_of({"[Content_Types].xml": b"<Types/>", main_part: b"<x/>"})


def docx() -> bytes:
    return ooxml("word/document.xml")


def pptx() -> bytes:
    return ooxml("ppt/presentation.xml")


def xlsx() -> bytes:
    return ooxml("xl/workbook.xml")


def opendocument(mimetype: str) -> bytes:
    return zip_of(
        {"mimetype": mimetype.encode(), "content.xml": b"<office:document/>"}, first="mimetype"
    )


def odt() -> bytes:
    return opendocument("application/vnd.oasis.opendocument.text")


def odp() -> bytes:
    return opendocument("application/vnd.oasis.opendocument.presentation")


def notebook() -> bytes:
    return samples.notebook("Exercices", [("code", "print('bonjour')")])


def csv_utf8() -> bytes:
    return "nom;ville\nLéa;Lyon\nHugo;Besançon\n".encode()


def csv_windows_1252() -> bytes:
    return "nom;ville\nLéa;Besançon\n".encode("windows-1252")


#: An accepted example of every format: (file name, content).
def every_format() -> list[tuple[str, bytes]]:
    return [
        ("slides.pdf", pdf()),
        ("slides.odp", odp()),
        ("slides.pptx", pptx()),
        ("notes.odt", odt()),
        ("notes.docx", docx()),
        ("exercices.ipynb", notebook()),
        ("donnees.csv", csv_utf8()),
        ("donnees.xlsx", xlsx()),
        ("archive.zip", zip_of({"lisez-moi.txt": b"bonjour"})),
        ("schema.png", png()),
        ("photo.jpg", jpeg()),
        ("photo.jpeg", jpeg()),
    ]


def windows_executable() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"PE\x00\x00"


def html_page() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def svg_image() -> bytes:
    return b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def zip_bomb(entries: int = 3, entry_bytes: int = 600_000_000) -> bytes:
    """An archive whose entries claim `entry_bytes` each once uncompressed (the sizes the
    central directory declares, which is what a decompressor trusts), in a few kilobytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(entries):
            archive.writestr(f"zeros-{number}.bin", b"\x00" * 1000)
    data = bytearray(buffer.getvalue())
    # Rewrite the uncompressed sizes in the local headers and the central directory.
    offset = 0
    while (offset := data.find(b"PK\x01\x02", offset)) != -1:
        struct.pack_into("<I", data, offset + 24, entry_bytes)
        offset += 4
    offset = 0
    while (offset := data.find(b"PK\x03\x04", offset)) != -1:
        struct.pack_into("<I", data, offset + 22, entry_bytes)
        offset += 4
    return bytes(data)


def many_entries(count: int) -> bytes:
    return zip_of({f"f{number}.txt": b"" for number in range(count)})


def real_notebook_json(**fields: object) -> bytes:
    return json.dumps(fields).encode()
