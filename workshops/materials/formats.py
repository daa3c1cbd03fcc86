"""Which files a session may carry, told from their content, never from their name alone.

A file is accepted when its extension is on the allow-list **and** its bytes are what that
extension promises (magic bytes, a ZIP's inner structure, a notebook's JSON, CSV text).
Whatever could run in a browser or on a computer (HTML, SVG, XML, executables, scripts) is
refused first, with its own message, even under an allowed extension. ZIP-based files
(Office, OpenDocument, ZIP) are opened only to read their directory: too many entries or
too many bytes once uncompressed (a zip bomb) are refused; nothing is extracted.

Pure functions on a seekable binary stream: no Flask, no database.
"""

from __future__ import annotations

import codecs
import json
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import quote


@dataclass(frozen=True)
class Format:
    key: str
    #: Lowercase, with the dot; the first one is the usual one.
    extensions: tuple[str, ...]
    content_type: str
    #: Shown beside the file, e.g. "Présentation PowerPoint".
    label: str
    #: Key of the /ressources type filter (see CATEGORIES).
    category: str


FORMATS: dict[str, Format] = {
    f.key: f
    for f in (
        Format("pdf", (".pdf",), "application/pdf", "PDF", "pdf"),
        Format(
            "odp",
            (".odp",),
            "application/vnd.oasis.opendocument.presentation",
            "Présentation OpenDocument",
            "presentation",
        ),
        Format(
            "pptx",
            (".pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "Présentation PowerPoint",
            "presentation",
        ),
        Format(
            "odt",
            (".odt",),
            "application/vnd.oasis.opendocument.text",
            "Document OpenDocument",
            "document",
        ),
        Format(
            "docx",
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Document Word",
            "document",
        ),
        Format("ipynb", (".ipynb",), "application/x-ipynb+json", "Notebook Jupyter", "notebook"),
        Format("csv", (".csv",), "text/csv", "CSV", "data"),
        Format(
            "xlsx",
            (".xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Tableur Excel",
            "data",
        ),
        Format("zip", (".zip",), "application/zip", "Archive ZIP", "archive"),
        Format("png", (".png",), "image/png", "Image PNG", "image"),
        Format("jpeg", (".jpg", ".jpeg"), "image/jpeg", "Image JPEG", "image"),
    )
}

#: The format key of a link (not a file).
LINK = "link"

#: /ressources' type filter: URL value, label, and the format keys it covers.
CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("PDF", ("pdf",)),
    "presentation": ("Présentation (ODP, PPTX)", ("odp", "pptx")),
    "document": ("Document texte (ODT, DOCX)", ("odt", "docx")),
    "notebook": ("Notebook Jupyter", ("ipynb",)),
    "data": ("Données (CSV, XLSX)", ("csv", "xlsx")),
    "archive": ("Archive ZIP", ("zip",)),
    "image": ("Image (PNG, JPEG)", ("png", "jpeg")),
    "link": ("Lien", (LINK,)),
}

BY_EXTENSION: dict[str, Format] = {
    extension: f for f in FORMATS.values() for extension in f.extensions
}

#: For the form's hint and the refusal message.
ACCEPTED_LIST = "PDF, ODP, PPTX, DOCX, ODT, IPYNB, CSV, XLSX, ZIP, PNG, JPEG"
#: The file input's `accept` attribute (a hint to the browser's file picker only).
ACCEPT_ATTRIBUTE = ",".join(sorted(BY_EXTENSION))

#: Bytes read to recognise a file.
HEAD_BYTES = 8192
CHUNK_BYTES = 1024 * 1024

#: Executables and scripts, by their first bytes: Windows (MZ), Linux (ELF), macOS (Mach-O,
#: fat binaries), Java classes (same magic as fat binaries) and shebang scripts.
EXECUTABLE_MAGIC = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
#: Extensions refused with a message of their own, whatever the content.
EXECUTABLE_EXTENSIONS = frozenset(
    {".exe", ".msi", ".bat", ".cmd", ".com", ".scr", ".ps1", ".sh", ".app", ".dmg", ".jar"}
    | {".apk", ".vbs", ".dll", ".so", ".bin", ".elf", ".run", ".deb", ".rpm", ".py"}
)
MARKUP_EXTENSIONS = frozenset({".svg", ".svgz", ".html", ".htm", ".xhtml", ".xml", ".xht"})
SCRIPT_EXTENSIONS = frozenset({".js", ".mjs", ".cjs", ".wasm"})

#: Longest kept file name, in characters (the extension is kept when cut).
NAME_MAX_LENGTH = 150


class FileRefused(Exception):
    """A file that must not be stored; the message is French and names the reason."""


@dataclass(frozen=True)
class Detected:
    format: Format
    #: What downloads are served as (CSV gets its charset).
    content_type: str


def clean_name(raw: str | None) -> str:
    """The name to keep and show: the last path component only (a browser may send a full
    path, an attacker "../../x"), without control, bidi or zero-width characters, without
    leading dots or spaces, in NFC, at most NAME_MAX_LENGTH characters. "" when nothing
    is left."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = " ".join(name.split()).strip(" .")
    if len(name) > NAME_MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: NAME_MAX_LENGTH - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            name = name[:NAME_MAX_LENGTH].rstrip(" .")
    return name


def extension_of(name: str) -> str:
    """ ".pdf" for "Slides.PDF"; "" without one."""
    stem, dot, extension = name.rpartition(".")
    return f".{extension.lower()}" if dot and stem else ""


def title_from_name(name: str) -> str:
    """A material's default title: the file name without its extension, "_" and "-" as
    spaces ("atelier_sql-2026.pdf" → "atelier sql 2026")."""
    stem = name[: -len(extension_of(name))] if extension_of(name) else name
    return " ".join(stem.replace("_", " ").replace("-", " ").split()) or name


def detect(name: str, stream: BinaryIO, *, zip_max_entries: int, zip_max_bytes: int) -> Detected:
    """The format of an uploaded file named `name` (already cleaned), or FileRefused.

    `stream` must be seekable; it is left at position 0.
    """
    extension = extension_of(name)
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    if not head:
        raise FileRefused("Le fichier est vide.")
    if (
        head.removeprefix(b"\xef\xbb\xbf").startswith(EXECUTABLE_MAGIC)
        or extension in EXECUTABLE_EXTENSIONS
    ):
        raise FileRefused(
            "Ce fichier est un programme ou un script exécutable : ce type de fichier "
            "n’est pas accepté."
        )
    if extension in MARKUP_EXTENSIONS or _looks_like_markup(head):
        raise FileRefused(
            "Ce fichier contient du HTML, du SVG ou du XML, qui pourrait s’exécuter dans "
            "un navigateur : ce type de fichier n’est pas accepté."
        )
    if extension in SCRIPT_EXTENSIONS:
        raise FileRefused(
            "Ce fichier contient du code qui pourrait s’exécuter dans un navigateur : "
            "ce type de fichier n’est pas accepté."
        )
    found = BY_EXTENSION.get(extension)
    if found is None:
        shown = f"« {extension} »" if extension else "sans extension"
        raise FileRefused(
            f"Le format {shown} n’est pas accepté. Formats acceptés : {ACCEPTED_LIST}."
        )
    content_type = _check_content(found, head, stream, zip_max_entries, zip_max_bytes)
    stream.seek(0)
    return Detected(found, content_type)


def _mismatch(found: Format, head: bytes = b"") -> FileRefused:
    actual = _recognised(head)
    if actual is not None and actual != found:
        return FileRefused(
            f"Ce fichier est en réalité au format {actual.label}, pas {found.label} comme "
            f"l’indique son extension {found.extensions[0]} : renommez-le en "
            f"{actual.extensions[0]}, puis envoyez-le à nouveau."
        )
    return FileRefused(
        f"Le contenu de ce fichier ne correspond pas à son extension {found.extensions[0]} "
        f"({found.label}) : vérifiez le fichier, ou enregistrez-le à nouveau dans ce format."
    )


#: Formats told apart by their first bytes alone, to say what a misnamed file really is.
_MAGIC = ((b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"))


def _recognised(head: bytes) -> Format | None:
    for magic, key in _MAGIC:
        if head.startswith(magic):
            return FORMATS[key]
    return None


def _looks_like_markup(head: bytes) -> bool:
    """Text that starts with "<" (after a byte order mark and blanks), in UTF-8 or UTF-16:
    what browsers sniff as HTML, SVG or XML. No file on the allow-list starts so."""
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            text = head[len(bom) : 200].decode(encoding, "ignore")
            return text.lstrip().startswith("<")
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def _check_content(
    found: Format, head: bytes, stream: BinaryIO, zip_max_entries: int, zip_max_bytes: int
) -> str:
    key = found.key
    if key in ("pdf", "png", "jpeg"):
        if _recognised(head) != found:
            raise _mismatch(found, head)
    elif key in ("zip", "docx", "pptx", "xlsx", "odt", "odp"):
        if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
            raise _mismatch(found, head)
        _check_zip(found, stream, zip_max_entries, zip_max_bytes)
    elif key == "ipynb":
        _check_notebook(found, stream)
    elif key == "csv":
        return f"text/csv; charset={_csv_charset(found, stream)}"
    return found.content_type


#: The part that makes a ZIP an Office Open XML file of each kind.
OOXML_MAIN_PART = {
    "docx": "word/document.xml",
    "pptx": "ppt/presentation.xml",
    "xlsx": "xl/workbook.xml",
}


def _check_zip(found: Format, stream: BinaryIO, max_entries: int, max_bytes: int) -> None:
    _check_zip_directory(stream, max_entries)
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            _check_zip_entries(entries, max_entries, max_bytes)
            names = {entry.filename for entry in entries}
            if found.key in OOXML_MAIN_PART:
                if "[Content_Types].xml" not in names or OOXML_MAIN_PART[found.key] not in names:
                    raise _mismatch(found)
            elif found.key in ("odt", "odp"):
                mimetype = archive.getinfo("mimetype") if "mimetype" in names else None
                if mimetype is None or mimetype.file_size > 100:
                    raise _mismatch(found)
                if archive.read(mimetype).decode("ascii", "replace") != found.content_type:
                    raise _mismatch(found)
    except FileRefused:
        raise
    except Exception as error:
        # A damaged or hostile archive breaks zipfile in many ways (a name that is not the
        # UTF-8 it claims, an encrypted or corrupt entry, an offset out of the file…):
        # all of them mean the file is not the valid archive its extension promises.
        raise _mismatch(found) from error


#: The smallest central directory record (46 bytes) and what a generous name, extra field
#: and comment add on average: a directory bigger than this per allowed entry lists more.
_DIRECTORY_BYTES_PER_ENTRY = 1024


def _check_zip_directory(stream: BinaryIO, max_entries: int) -> None:
    """Refuse an archive whose end record announces too many entries, or a central
    directory too big for the entries allowed, before zipfile builds an object for each
    (a directory of a million entries costs seconds and hundreds of megabytes)."""
    stream.seek(0, 2)
    size = stream.tell()
    tail_start = max(0, size - 65_536 - 22)
    stream.seek(tail_start)
    tail = stream.read()
    at = tail.rfind(b"PK\x05\x06")
    if at == -1 or len(tail) - at < 22:
        return  # not found: zipfile will say the archive is not valid
    entries = int.from_bytes(tail[at + 10 : at + 12], "little")
    directory = int.from_bytes(tail[at + 12 : at + 16], "little")
    if entries == 0xFFFF or directory == 0xFFFFFFFF:
        return  # ZIP64: zipfile reads the real counts, checked in _check_zip_entries
    if entries > max_entries:
        raise _too_many(entries, max_entries)
    if directory > max_entries * _DIRECTORY_BYTES_PER_ENTRY:
        raise _too_many(None, max_entries)


def _too_many(count: int | None, max_entries: int) -> FileRefused:
    counted = f"{count} fichiers" if count is not None else "trop de fichiers"
    return FileRefused(
        f"Cette archive contient {counted}, plus que les {max_entries} acceptés : elle est refusée."
    )


def _check_zip_entries(entries: list[zipfile.ZipInfo], max_entries: int, max_bytes: int) -> None:
    if len(entries) > max_entries:
        raise _too_many(len(entries), max_entries)
    if sum(entry.file_size for entry in entries) > max_bytes:
        raise FileRefused(
            "Une fois décompressée, cette archive dépasserait "
            f"{format_size(max_bytes)} : elle est refusée (il peut s’agir d’une "
            "archive piégée, dite « bombe ZIP »)."
        )
    for entry in entries:
        # Compression never makes data bigger by more than a fraction: an entry whose
        # compressed bytes far exceed its declared size lies about it, to pass the
        # check above and inflate on the computer of whoever opens it.
        if entry.compress_size > entry.file_size + entry.file_size // 100 + 1024:
            raise FileRefused(
                "Cette archive déclare des tailles qui ne correspondent pas à son contenu : "
                "elle est refusée (il peut s’agir d’une archive piégée, dite « bombe ZIP »)."
            )


#: Notebooks up to this size are parsed whole; a bigger one (parsing 50 MB of JSON can take
#: more than a gigabyte of memory) is checked by its start and its keys.
NOTEBOOK_PARSE_BYTES = 10_000_000


def _check_notebook(found: Format, stream: BinaryIO) -> None:
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size > NOTEBOOK_PARSE_BYTES:
        _check_big_notebook(found, stream)
        return
    try:
        notebook = json.loads(stream.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise _mismatch(found) from error
    if not (
        isinstance(notebook, dict)
        and isinstance(notebook.get("cells"), list)
        and isinstance(notebook.get("nbformat"), int)
    ):
        raise _mismatch(found)


def _check_big_notebook(found: Format, stream: BinaryIO) -> None:
    """UTF-8 throughout, a JSON object, with the keys a notebook has."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    previous = ""
    first = last = ""
    keys = {'"cells"': False, '"nbformat"': False}
    try:
        while chunk := stream.read(CHUNK_BYTES):
            # The end of the previous chunk too: a key may straddle two chunks.
            text = previous[-20:] + decoder.decode(chunk)
            for key in keys:
                keys[key] = keys[key] or key in text
            visible = text.strip()
            first = first or visible[:1]
            last = visible[-1:] or last
            previous = text
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise _mismatch(found) from error
    if not (all(keys.values()) and first == "{" and last == "}"):
        raise _mismatch(found)


#: Control characters CSV text may hold: tab, line feed, carriage return.
_CSV_CONTROLS = frozenset("\t\n\r")


def _csv_charset(found: Format, stream: BinaryIO) -> str:
    """ "utf-8", or "windows-1252" (what French Excel writes) when the file is not UTF-8.

    The whole file is read: a NUL byte or another control character anywhere means it is
    not text."""
    for charset in ("utf-8", "windows-1252"):
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(charset)()
        try:
            while chunk := stream.read(CHUNK_BYTES):
                _check_csv_text(found, decoder.decode(chunk))
            _check_csv_text(found, decoder.decode(b"", final=True))
        except UnicodeDecodeError:
            continue
        return charset
    raise _mismatch(found)


def _check_csv_text(found: Format, text: str) -> None:
    for character in text:
        if character < " " and character not in _CSV_CONTROLS:
            raise _mismatch(found)


def format_size(size: int) -> str:
    """A size as people read it, in French: "850 octets", "12 Ko", "1,5 Mo", "1 Go"."""
    if size < 1000:
        return f"{size} octet" if size <= 1 else f"{size} octets"
    for unit, factor in (("Go", 1000**3), ("Mo", 1000**2), ("Ko", 1000)):
        if size >= factor:
            value = size / factor
            shown = f"{value:.1f}".replace(".", ",") if value < 10 else f"{round(value)}"
            return f"{shown.removesuffix(',0')} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover


def content_disposition(name: str) -> str:
    """`attachment` with the name, for every browser: an ASCII `filename` (accents dropped,
    quotes and backslashes replaced) and, when the name is not ASCII, the exact name in
    `filename*` (RFC 6266, UTF-8 percent-encoded). `name` holds no control character
    (clean_name), so that nothing can end the header."""
    simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    simple = simple.replace("\\", "_").replace('"', "_") or "fichier"
    if simple == name:
        return f'attachment; filename="{simple}"'
    quoted = quote(name, safe="!#$&+-.^_`|~")
    return f"attachment; filename=\"{simple}\"; filename*=UTF-8''{quoted}"
