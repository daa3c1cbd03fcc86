"""HTTP security headers on every response, and the reverse-proxy setup.

The Content-Security-Policy allows scripts and styles from our own origin only: the DSFR's
JavaScript is loaded as files and no template has an inline script or style attribute.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from functools import wraps
from tempfile import SpooledTemporaryFile
from typing import IO, Any, TypeVar

from flask import Flask, Response, after_this_request, current_app, g, has_app_context, request
from flask import Request as FlaskRequest
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge, SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.sansio.utils import get_host

from .text import FORBIDDEN_CHARACTERS

F = TypeVar("F", bound=Callable[..., Any])

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # The DSFR's CSS draws some icons and arrows with data: SVG.
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


#: Sent on every response, including the trusted-host refusal that never reaches Flask.
STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def private_page() -> None:
    """Mark this response as one that no cache (browser, proxy) may keep: what an organizer
    sees of a draft must not be served again from a shared computer's history or a proxy."""

    @after_this_request
    def no_store(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        return response


#: Every page under this path is private: the back office, its login page, the offer
#: editor (another blueprint) and its 404s alike.
PRIVATE_PATH_PREFIX = "/organisation/"


def secret_url(view: F) -> F:
    """Mark a view whose URL carries a secret token: the browser must not leak it in Referer."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        g.referrer_policy = "no-referrer"
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


#: A Host header: a DNS name (labels of at most 63 letters, digits and inner hyphens; 253
#: characters in all; IPv4 addresses are such names) or a bracketed IPv6 address, and maybe
#: a port. Browsers send international names in their ASCII (punycode) form.
_HOST = re.compile(
    r"(?:(?=[a-z0-9.-]{1,254}(?::|$))"
    r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?"
    r"|\[[0-9a-f:.]{2,45}\])"
    r"(?::[0-9]{1,5})?"
)


class HostMiddleware:
    """Answer 400 to a request whose Host is not a host name, or not in TRUSTED_HOSTS when
    that is set, before Flask sees it.

    Links and the calendar feeds' addresses are built from the Host: a malformed one gave
    a 500 (IDNA refuses a label over 63 characters) or links to "http:///…". Host names are
    compared in lowercase, as DNS does. Flask checks TRUSTED_HOSTS too, but while building
    the request context, so that its error page (which builds URLs from the host) would
    fail again; here nothing is built.
    """

    def __init__(self, wsgi_app: Any, trusted_hosts: list[str] | None) -> None:
        self.wsgi_app = wsgi_app
        self.trusted_hosts = [host.lower() for host in trusted_hosts] if trusted_hosts else None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        host = environ.get("HTTP_HOST")
        if host is not None:
            host = environ["HTTP_HOST"] = host.lower()
            if not _HOST.fullmatch(host):
                return self._refuse("Hôte non valide.", environ, start_response)
        if self.trusted_hosts is None:
            return self.wsgi_app(environ, start_response)
        try:
            get_host(
                environ["wsgi.url_scheme"],
                host,
                (environ.get("SERVER_NAME", ""), int(environ.get("SERVER_PORT") or 0)),
                self.trusted_hosts,
            )
        except SecurityError:
            return self._refuse("Hôte non autorisé.", environ, start_response)
        return self.wsgi_app(environ, start_response)

    @staticmethod
    def _refuse(message: str, environ: dict[str, Any], start_response: Any) -> Any:
        response = Response(message, status=400, mimetype="text/plain")
        response.headers.update(STATIC_HEADERS)
        return response(environ, start_response)


NUL_IN_QUERY = "La requête contient un caractère nul, qui n’est pas autorisé."
NUL_IN_FORM = (
    "Les données envoyées contiennent un caractère nul, qui n’est pas autorisé. "
    "Retirez-le, puis envoyez le formulaire à nouveau."
)
CONTROL_IN_QUERY = (
    "La requête contient un caractère de contrôle invisible ({code}), qui n’est pas autorisé."
)
CONTROL_IN_FORM = (
    "Les données envoyées contiennent un caractère de contrôle invisible ({code}), "
    "qui n’est pas autorisé : il a pu être collé avec le texte. Retirez-le, puis envoyez "
    "le formulaire à nouveau."
)
FILES_REFUSED = (
    "Cette page n’accepte pas de fichier : envoyez le formulaire depuis le site, sans pièce jointe."
)


def accepts_files(view: F) -> F:
    """Let this view receive uploaded files; every other view refuses them.

    Flask-WTF merges request.files into the form data, so a file sent in place of a text
    field reaches validators and domain code that expect a string (a 500 at best). Only a
    view written for uploads, whose form has file fields, should see one: it says so here.
    Put it under the route decorator (functools.wraps in other decorators keeps the mark).
    """
    view.accepts_files = True  # type: ignore[attr-defined]
    return view


#: Room for the text fields and multipart boundaries of an upload, besides its files.
UPLOAD_FORM_BYTES = 1024 * 1024


def accepts_uploads(
    max_file_bytes_key: str, max_files_key: str, too_large: Callable[[], str]
) -> Callable[[F], F]:
    """`accepts_files`, with this route's own size limits, read from the configuration
    keys given: at most `max_files` files of `max_file_bytes` each. The other routes keep
    MAX_CONTENT_LENGTH. A request over them gets a 413 page saying `too_large()`; a file
    over its limit is refused as soon as that many bytes have arrived, not at the end."""

    def decorator(view: F) -> F:
        view.accepts_files = True  # type: ignore[attr-defined]
        view.upload_limits = (max_file_bytes_key, max_files_key)  # type: ignore[attr-defined]
        view.too_large_message = too_large  # type: ignore[attr-defined]
        return view

    return decorator


def _view_of_request(request_: Request) -> Any:
    if not has_app_context() or request_.endpoint is None:
        return None
    return current_app.view_functions.get(request_.endpoint)


def too_large_message() -> str | None:
    """The 413 message of the current route, when it has its own (see accepts_uploads)."""
    message = getattr(_view_of_request(request), "too_large_message", None)
    return message() if message else None


class _CappedFile(SpooledTemporaryFile):  # type: ignore[type-arg]
    """Werkzeug's spooled file for one uploaded file, refusing to grow past `cap`."""

    def __init__(self, cap: int) -> None:
        super().__init__(max_size=500 * 1024, mode="rb+")
        self.cap = cap
        self.written = 0

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.written += len(data)
        if self.written > self.cap:
            raise RequestEntityTooLarge()
        return super().write(data)


class Request(FlaskRequest):
    """Flask's request with per-route upload limits (see accepts_uploads)."""

    def _upload_limits(self) -> tuple[int, int] | None:
        keys = getattr(_view_of_request(self), "upload_limits", None)
        if keys is None:
            return None
        return int(current_app.config[keys[0]]), int(current_app.config[keys[1]])

    @property  # type: ignore[override]
    def max_content_length(self) -> int | None:
        limits = self._upload_limits()
        if limits is None:
            return FlaskRequest.max_content_length.fget(self)  # type: ignore[attr-defined]
        file_bytes, files = limits
        return file_bytes * files + UPLOAD_FORM_BYTES

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        limits = self._upload_limits()
        cap = limits[0] if limits else (self.max_content_length or UPLOAD_FORM_BYTES)
        stream = _CappedFile(cap)
        # Werkzeug drops the file of a part it cannot finish (a client gone mid-upload)
        # without closing it: `close` does, at the end of the request.
        self.__dict__.setdefault("_upload_streams", []).append(stream)
        return stream  # type: ignore[return-value]

    def close(self) -> None:
        super().close()
        for stream in self.__dict__.get("_upload_streams", []):
            stream.close()


def _view_accepts_files() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "accepts_files", False))


def _forbidden_character(values: MultiDict[str, str], *more: str) -> str | None:
    """The first NUL or forbidden control character in the keys, values and `more`."""
    texts = itertools.chain(itertools.chain.from_iterable(values.items(multi=True)), more)
    for text in texts:
        found = FORBIDDEN_CHARACTERS.search(text)
        if found:
            return found.group()
    return None


def _refusal(character: str, nul_message: str, control_message: str) -> str:
    if character == "\x00":
        return nul_message
    return control_message.format(code=f"U+{ord(character):04X}")


def refuse_unsafe_input() -> tuple[str, int] | None:
    """Answer 4xx to input no view is written for, before any view sees it.

    - A NUL byte anywhere: PostgreSQL refuses NUL in text (the request would end in a 500)
      and SQLite stores it, so that the same input behaves differently by database; no
      legitimate input has one.
    - Any other control character but tab and line breaks, and the bidi controls: stored,
      they would garble pages, exports and terminals, make a title display differently
      from what it is, and make invalid HTML.
    - A file, unless the view opted in with `accepts_files`.

    One check here covers every route, field and future form.
    """
    from .errors import render_error

    if "\x00" in request.path:
        return render_error(404)
    character = _forbidden_character(request.args, request.remote_addr or "")
    if character:
        return render_error(400, _refusal(character, NUL_IN_QUERY, CONTROL_IN_QUERY))
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.files and not _view_accepts_files():
        return render_error(400, FILES_REFUSED)
    character = _forbidden_character(request.form)
    if character:
        return render_error(422, _refusal(character, NUL_IN_FORM, CONTROL_IN_FORM))
    return None


def register_security(app: Flask) -> None:
    """Trust the configured proxies and hosts, and set the headers on every response."""
    app.request_class = Request
    proxies = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.wsgi_app = HostMiddleware(app.wsgi_app, app.config.get("TRUSTED_HOSTS"))  # type: ignore[method-assign]
    app.before_request(refuse_unsafe_input)

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        for name, value in STATIC_HEADERS.items():
            headers.setdefault(name, value)
        # Popped, not read: a test (or a script) may serve several requests in one app context.
        headers["Referrer-Policy"] = g.pop("referrer_policy", "strict-origin-when-cross-origin")
        if (request.path + "/").startswith(PRIVATE_PATH_PREFIX):
            headers["Cache-Control"] = "no-store"
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", f"max-age={app.config['HSTS_SECONDS']}")
        return response
