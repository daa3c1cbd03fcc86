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


def zip_with_bad_utf8_name() -> bytes:
    """One entry flagged as UTF-8 whose name is not UTF-8."""
    name, data = b"\xff.txt", b"x"
    crc = zlib.crc32(data)
    local = (
        struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0x800, 0, 0, 0, crc, 1, 1, len(name), 0)
        + name
        + data
    )
    central = (
        struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            20,
            20,
            0x800,
            0,
            0,
            0,
            crc,
            1,
            1,
            len(name),
            0,
            0,
            0,
            0,
            0,
            0,
        )
        + name
    )
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central), len(local), 0)
    return local + central + end


def odt_with_encrypted_mimetype() -> bytes:
    """An OpenDocument whose mimetype entry claims to be encrypted (flag bit 0)."""
    data = bytearray(odt())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        struct.pack_into("<H", data, at + flags_at, 1)
    return bytes(data)


def zip_lying_about_sizes() -> bytes:
    """An entry of 200 kB of random bytes (incompressible) that declares 1 byte."""
    import os

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.bin", os.urandom(200_000))
    data = bytearray(buffer.getvalue())
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, 1)
    struct.pack_into("<I", data, data.find(b"PK\x03\x04") + 22, 1)
    return bytes(data)


def zip_with_long_names(count: int, length: int) -> bytes:
    return zip_of({f"{number:04d}" + "n" * length: b"" for number in range(count)})
