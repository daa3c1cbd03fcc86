"""Downloads (/supports/<id>/<name>) and the archive of every session's materials
(/ressources)."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    Response,
    abort,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.wsgi import FileWrapper

from ..errors import render_error
from ..extensions import db
from ..models import Material, MaterialVisibility
from ..urls import paginate_or_404
from . import formats
from .access import Access, access, shown
from .forms import ResourceFilterForm
from .service import resources, themes_with_materials
from .storage import CHUNK_BYTES, StorageError, storage
from .viewer import current_viewer

log = logging.getLogger(__name__)

bp = Blueprint("materials", __name__)

#: A downloaded file is never a page: nothing in it may run, even if a browser rendered it.
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def download_name(material: Material) -> str:
    """The last part of the material's URL: the file's name, or "lien"."""
    return material.original_name if material.is_file and material.original_name else "lien"


@bp.get("/supports/<int:material_id>/<name>")
def download(material_id: int, name: str) -> Response | tuple[str, int]:
    material = db.get_or_404(Material, material_id)
    verdict = access(material, current_viewer())
    if verdict == Access.HIDDEN:
        abort(404)
    if verdict == Access.REGISTRANTS_ONLY:
        return render_template("materials/forbidden.html", material=material), 403
    if name != download_name(material):
        # An old name (the file was replaced) or a mistyped one: the id decides.
        response = redirect(
            url_for(".download", material_id=material.id, name=download_name(material))
        )
    elif material.is_file:
        response = _file(material)
    else:
        response = _link(material)
    if material.visibility != MaterialVisibility.PUBLIC or response.status_code in (301, 302):
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _storage_down() -> Response:
    page, status = render_error(
        503,
        "Le stockage des supports ne répond pas pour le moment. Réessayez dans quelques minutes.",
    )
    response = make_response(page, status)
    response.headers["Retry-After"] = "60"
    return response


def _link(material: Material) -> Response:
    g.referrer_policy = "no-referrer"  # the other site learns nothing of where it came from
    return redirect(material.url or "/")


def _file(material: Material) -> Response:
    key = material.storage_key or ""
    disposition = formats.content_disposition(material.original_name or "fichier")
    content_type = material.content_type or "application/octet-stream"
    url = storage().download_url(key, disposition=disposition, content_type=content_type)
    if url is not None:
        return redirect(url)
    try:
        stream = storage().open(key)
    except FileNotFoundError:
        log.error("material %s: file %s is missing", material.id, key)
        abort(404)
    except StorageError:
        log.exception("material %s: the storage did not answer", material.id)
        return _storage_down()
    response = Response(
        FileWrapper(stream, CHUNK_BYTES),
        mimetype=None,
        content_type=content_type,
        direct_passthrough=True,
    )
    response.content_length = material.size
    response.headers["Content-Disposition"] = disposition
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.set_etag(material.sha256 or "")
    response.last_modified = material.updated_at
    response.cache_control.no_cache = True
    environ = request.environ
    asked = request.range
    if "HTTP_RANGE" in environ and (
        asked is None or asked.units != "bytes" or len(asked.ranges) != 1
    ):
        # A Range header we cannot serve as one part (several ranges, another unit, a
        # typo) is ignored, as HTTP says: the whole file, 200.
        environ = {name: value for name, value in environ.items() if name != "HTTP_RANGE"}
    try:
        return response.make_conditional(environ, accept_ranges=True, complete_length=material.size)
    except RequestedRangeNotSatisfiable:
        stream.close()
        raise


@bp.get("/ressources")
def index() -> tuple[str, int]:
    """Materials of every public session, searchable by words, theme and type."""
    form = ResourceFilterForm(request.args)
    form.set_themes(themes_with_materials())
    valid = form.validate() if request.args else True
    filters = form.to_filters()
    viewer = current_viewer()
    pagination = paginate_or_404(resources(filters, viewer.staff), "MATERIALS_PER_PAGE")
    pager_args = {key: request.args[key] for key in ("q", "theme", "type") if request.args.get(key)}
    return render_template(
        "materials/index.html",
        form=form,
        filters=filters,
        pagination=pagination,
        items=shown(pagination.items, viewer),
        pager_args=pager_args,
        filtered=bool(filters.text or filters.theme or filters.category),
    ), (200 if valid else 400)
