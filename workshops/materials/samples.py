"""Small real files made at load time for the demo data: a one-page PDF and a notebook.

Nothing binary is committed to the repository: these are written by code, like any
other demo content, and stored through the same service as an upload.
"""

from __future__ import annotations

import json


def _pdf_text(text: str) -> str:
    """A PDF literal string in WinAnsi (Latin-1 covers French), with ( ) \\ escaped."""
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf(title: str, lines: list[str]) -> bytes:
    """A valid one-page A4 PDF showing `title` and `lines` in Helvetica."""
    content_lines = ["BT", "/F1 20 Tf", "56 780 Td", f"({_pdf_text(title)}) Tj", "/F1 12 Tf"]
    for line in lines:
        content_lines += ["0 -24 Td", f"({_pdf_text(line)}) Tj"]
    content_lines.append("ET")
    stream = "\n".join(content_lines).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def notebook(title: str, cells: list[tuple[str, str]]) -> bytes:
    """A Jupyter notebook (nbformat 4.5): `cells` are ("markdown" or "code", source)."""
    body = {
        "cells": [
            {"cell_type": "markdown", "id": "titre", "metadata": {}, "source": [f"# {title}"]},
            *(
                {
                    "cell_type": kind,
                    "id": f"cellule-{number}",
                    "metadata": {},
                    "source": source.splitlines(keepends=True),
                    **({"execution_count": None, "outputs": []} if kind == "code" else {}),
                }
                for number, (kind, source) in enumerate(cells, start=1)
            ),
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
