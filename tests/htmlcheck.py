"""Collect every HTML page the tests are served, and check them with the Nu Html Checker.

Pages are deduplicated (CSRF tokens and ids blanked) and checked in one `vnu.jar` run at
the end of the session, so the cost is one JVM start, not one per page.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
_VOLATILE = re.compile(r'(name="csrf_token" type="hidden" value="|value=")[^"]*"')


@dataclass
class HtmlCollector:
    """Unique HTML documents seen during the session, with where each came from."""

    documents: dict[str, tuple[str, str]] = field(default_factory=dict)

    def add(self, source: str, html: str) -> None:
        key = hashlib.sha256(_VOLATILE.sub(r'\1"', html).encode()).hexdigest()
        self.documents.setdefault(key, (source, html))

    def unavailable_reason(self) -> str | None:
        if not shutil.which("java"):
            return "Java is not installed (Debian: default-jre-headless)"
        if not VNU_JAR.exists():
            return f"{VNU_JAR} is missing (run `npm ci --ignore-scripts`)"
        return None

    def check(self) -> list[str]:
        """Run the checker; return one line per error, naming the page it was found on."""
        if not self.documents:
            return []
        folder = Path(tempfile.mkdtemp(prefix="workshops-vnu-"))
        try:
            sources = {}
            for index, (source, html) in enumerate(self.documents.values()):
                path = folder / f"page-{index:04d}.html"
                path.write_text(html, encoding="utf-8")
                sources[path.name] = source
            result = subprocess.run(  # noqa: S603 - fixed command on our own files
                [
                    shutil.which("java") or "java",
                    "-Xss4m",
                    "-jar",
                    str(VNU_JAR),
                    "--errors-only",
                    "--format",
                    "json",
                    *sorted(str(p) for p in folder.iterdir()),
                ],
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
                env={**os.environ, "LC_ALL": "C.UTF-8"},
            )
            report = json.loads(result.stderr or result.stdout or '{"messages": []}')
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        errors = []
        for message in report.get("messages", []):
            if message.get("type") not in ("error", "non-document-error"):
                continue
            name = Path(message.get("url", "")).name
            extract = (message.get("extract") or "").strip().replace("\n", " ")[:160]
            errors.append(
                f"{sources.get(name, name)} line {message.get('lastLine')}: "
                f"{message.get('message')} [{extract}]"
            )
        return errors
